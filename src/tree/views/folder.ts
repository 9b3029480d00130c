// What a pool's folder rows say: Hosts (how many, how many dead), Storage (how many SRs, how many
// shared), Local storage (local SRs on how many hosts), and the halted-VMs group (how many VMs run
// nowhere: halted, suspended).
// No vscode import.

import type { PoolModel } from '../../model/poolModel';
import { count } from '../format';
import { localStorageOf, storageOf, type FolderKind } from '../nodes';
import { stoppedVms } from '../vmPlacement';
import type { NodeView } from './nodeView';

export function folderView(folder: FolderKind, model: PoolModel): NodeView {
  if (folder === 'hosts') {
    const hosts = model.hosts();
    const dead = hosts.filter((h) => !model.isHostLive(h.ref)).length;
    return { label: 'Hosts', description: `${hosts.length}${dead ? ` · ${dead} dead` : ''}`, contextValue: 'folder.hosts', icon: 'server', collapsible: true };
  }
  if (folder === 'stoppedVms') {
    const vms = stoppedVms(model);
    const suspended = vms.filter((v) => v.record.power_state === 'Suspended').length;
    return { label: 'Halted and suspended VMs', description: `${vms.length}${suspended ? ` · ${suspended} suspended` : ''}`, contextValue: 'folder.stoppedVms', icon: 'debug-stop', collapsible: vms.length > 0 };
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
