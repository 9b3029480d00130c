// What a pool's Hosts and Storage folder rows say: how many hosts (and dead ones), how many SRs.
// No vscode import.

import type { PoolModel } from '../../model/poolModel';
import { storageOf, type FolderKind } from '../nodes';
import type { NodeView } from './nodeView';

export function folderView(folder: FolderKind, model: PoolModel): NodeView {
  if (folder === 'hosts') {
    const hosts = model.hosts();
    const dead = hosts.filter((h) => !model.isHostLive(h.ref)).length;
    return { label: 'Hosts', description: `${hosts.length}${dead ? ` · ${dead} dead` : ''}`, contextValue: 'folder.hosts', icon: 'server', collapsible: true };
  }
  const srs = storageOf(model);
  return { label: 'Storage', description: `${srs.length} SRs`, contextValue: 'folder.storage', icon: 'database', collapsible: true };
}
