// What a pool's Hosts, Storage and halted-VMs folder rows say: how many hosts (and dead ones), how many
// SRs, how many VMs run nowhere (halted, suspended).
// No vscode import.

import type { PoolModel } from '../../model/poolModel';
import { storageOf, type FolderKind } from '../nodes';
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
  const srs = storageOf(model);
  return { label: 'Storage', description: `${srs.length} SRs`, contextValue: 'folder.storage', icon: 'database', collapsible: true };
}
