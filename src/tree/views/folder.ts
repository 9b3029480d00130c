// What a pool's Hosts, Storage and Local storage folder rows say: how many hosts (and dead ones), how
// many SRs (shared ones, local ones on how many hosts).
// No vscode import.

import type { PoolModel } from '../../model/poolModel';
import { count } from '../format';
import { localStorageOf, storageOf, type FolderKind } from '../nodes';
import type { NodeView } from './nodeView';

export function folderView(folder: FolderKind, model: PoolModel): NodeView {
  if (folder === 'hosts') {
    const hosts = model.hosts();
    const dead = hosts.filter((h) => !model.isHostLive(h.ref)).length;
    return { label: 'Hosts', description: `${hosts.length}${dead ? ` · ${dead} dead` : ''}`, contextValue: 'folder.hosts', icon: 'server', collapsible: true };
  }
  if (folder === 'localStorage') {
    const local = localStorageOf(model);
    const hosts = new Set(local.map((sr) => model.hostOfLocalSr(sr.ref)?.ref)).size;
    return { label: 'Local storage', description: `${count(local.length, 'SR')} on ${count(hosts, 'host')}`, tooltip: 'The disks inside each host: only that host reaches them.', contextValue: 'folder.localStorage', icon: 'server-process', collapsible: true };
  }
  const srs = storageOf(model);
  const shared = model.sharedSrs().length;
  return { label: 'Storage', description: `${count(srs.length, 'SR')}${srs.length > shared ? ` · ${shared} shared` : ''}`, contextValue: 'folder.storage', icon: 'database', collapsible: true };
}
