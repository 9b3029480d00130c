// What a pool's folder rows say: Hosts (how many, how many dead), Storage (how many SRs, how many
// shared), Local storage (local SRs on how many hosts), and the halted-VMs group (how many VMs run
// nowhere: halted, suspended).
// No vscode import.

import type { PoolModel } from '../../model/poolModel';
import { hostCount, srCount } from '../format';
import { l10n } from '../../text/l10n';
import { localStorageOf, storageOf, type FolderKind } from '../nodes';
import { stoppedVms } from '../vmPlacement';
import type { NodeView } from './nodeView';
import { row, type RowReads } from './reads';

export function folderView(folder: FolderKind, model: PoolModel): NodeView {
  if (folder === 'hosts') {
    const hosts = model.hosts();
    const dead = hosts.filter((h) => !model.isHostLive(h.ref)).length;
    return { label: l10n.t('Hosts'), description: dead ? l10n.t('{0} · {1} dead', hosts.length, dead) : String(hosts.length), contextValue: 'folder.hosts', icon: 'server', collapsible: true };
  }
  if (folder === 'stoppedVms') {
    const vms = stoppedVms(model);
    const suspended = vms.filter((v) => v.record.power_state === 'Suspended').length;
    return { label: l10n.t('Halted and suspended VMs'), description: suspended ? l10n.t('{0} · {1} suspended', vms.length, suspended) : String(vms.length), contextValue: 'folder.stoppedVms', icon: 'debug-stop', collapsible: vms.length > 0 };
  }
  if (folder === 'localStorage') {
    const local = localStorageOf(model);
    const hosts = new Set(local.map((sr) => model.hostOfLocalSr(sr.ref)?.ref)).size;
    return { label: l10n.t('Local storage'), description: l10n.t('{0} on {1}', srCount(local.length), hostCount(hosts)), tooltip: l10n.t('The disks inside each host: only that host reaches them.'), contextValue: 'folder.localStorage', icon: 'server-process', collapsible: true };
  }
  const srs = storageOf(model);
  const shared = model.sharedSrs().length;
  return { label: l10n.t('Storage'), description: srs.length > shared ? l10n.t('{0} · {1} shared', srCount(srs.length), shared) : srCount(srs.length), contextValue: 'folder.storage', icon: 'database', collapsible: true };
}

/** The folders count hosts (and dead ones) and SRs; their children are the hosts and the SRs (local ones by PBD). */
/** What places a VM in the halted/suspended group (vmPlacement.ts) or takes it out. */
const PLACEMENT_FIELDS = ['power_state', 'resident_on', 'is_a_template', 'is_a_snapshot', 'is_control_domain'];

export const folderReads: RowReads = {
  view: [
    { cls: 'host', fields: ['metrics'], rows: (c) => [row.folder(c.pool, 'hosts')] },
    { cls: 'host_metrics', fields: ['live'], rows: (c) => [row.folder(c.pool, 'hosts')] },
    { cls: 'SR', fields: ['shared'], rows: (c) => [row.folder(c.pool, 'storage'), row.folder(c.pool, 'localStorage')] },
    { cls: 'PBD', fields: ['host', 'SR'], rows: (c) => [row.folder(c.pool, 'storage'), row.folder(c.pool, 'localStorage')] },
    { cls: 'VM', fields: PLACEMENT_FIELDS, rows: (c) => [row.folder(c.pool, 'stoppedVms')] },
  ],
  children: [
    { cls: 'host', fields: [], rows: (c) => [row.folder(c.pool, 'hosts'), row.folder(c.pool, 'localStorage')] },
    { cls: 'SR', fields: ['shared'], rows: (c) => [row.folder(c.pool, 'storage'), row.folder(c.pool, 'localStorage')] },
    { cls: 'PBD', fields: ['host', 'SR'], rows: (c) => [row.folder(c.pool, 'storage'), row.folder(c.pool, 'localStorage')] },
    // the group lists its VMs by name
    { cls: 'VM', fields: [...PLACEMENT_FIELDS, 'name_label'], rows: (c) => [row.folder(c.pool, 'stoppedVms')] },
  ],
};
