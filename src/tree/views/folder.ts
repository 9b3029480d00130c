// What a pool's Hosts and Storage folder rows say: how many hosts (and dead ones), how many SRs.
// No vscode import.

import type { PoolModel } from '../../model/poolModel';
import { storageOf, type FolderKind } from '../nodes';
import type { NodeView } from './nodeView';
import { row, type RowReads } from './reads';

export function folderView(folder: FolderKind, model: PoolModel): NodeView {
  if (folder === 'hosts') {
    const hosts = model.hosts();
    const dead = hosts.filter((h) => !model.isHostLive(h.ref)).length;
    return { label: 'Hosts', description: `${hosts.length}${dead ? ` · ${dead} dead` : ''}`, contextValue: 'folder.hosts', icon: 'server', collapsible: true };
  }
  const srs = storageOf(model);
  return { label: 'Storage', description: `${srs.length} SRs`, contextValue: 'folder.storage', icon: 'database', collapsible: true };
}

/** The folders count hosts (and dead ones) and SRs; their children are the hosts and the SRs (local ones by PBD). */
export const folderReads: RowReads = {
  view: [
    { cls: 'host', fields: ['metrics'], rows: (c) => [row.folder(c.pool, 'hosts')] },
    { cls: 'host_metrics', fields: ['live'], rows: (c) => [row.folder(c.pool, 'hosts')] },
    { cls: 'SR', fields: ['shared'], rows: (c) => [row.folder(c.pool, 'storage')] },
    { cls: 'PBD', fields: ['host', 'SR'], rows: (c) => [row.folder(c.pool, 'storage')] },
  ],
  children: [
    { cls: 'host', fields: [], rows: (c) => [row.folder(c.pool, 'hosts')] },
    { cls: 'SR', fields: ['shared'], rows: (c) => [row.folder(c.pool, 'storage')] },
    { cls: 'PBD', fields: ['host', 'SR'], rows: (c) => [row.folder(c.pool, 'storage')] },
  ],
};
