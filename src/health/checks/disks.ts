// Disks: VDIs attached to a control domain (what an interrupted raw import leaves behind: the disk
// stays plugged into dom0 and blocks its VM) and VDIs no VBD refers to (not snapshots, not on an ISO
// SR), Xen Orchestra's "orphan" disks, as information. No vscode import.

import type { PoolModel } from '../../model/poolModel';
import { NULL_REF } from '../../xapi/records';
import type { HealthCheck } from '../check';
import type { Finding } from '../finding';
import { bytes, vdiObject } from './objects';
import { l10n } from '../../text/l10n';

export const dom0VdiCheck: HealthCheck = {
  id: 'dom0-vdi',
  feeds: ['VBD', 'VM', 'VDI'],
  evaluate(model: PoolModel): Finding[] {
    const out: Finding[] = [];
    for (const { ref: vbdRef, record: vbd } of model.all('VBD')) {
      if (vbd.VDI === NULL_REF || vbd.type === 'CD') continue;
      const vm = model.get('VM', vbd.VM);
      if (!vm?.is_control_domain) continue;
      const vdi = model.get('VDI', vbd.VDI);
      if (!vdi) continue;
      out.push({
        id: `dom0-vdi:${vbd.uuid}`, check: 'dom0-vdi', severity: 'warning', object: vdiObject(model, vbd.VDI),
        summary: l10n.t('Disk {0} is attached to {1} (dom0), as an interrupted import leaves it: no VM can use it until it is detached.', vdi.name_label, vm.name_label),
        evidence: { 'control domain': vm.name_label, 'VBD uuid': vbd.uuid, 'VBD ref': vbdRef, device: vbd.device, currently_attached: String(vbd.currently_attached) },
        fix: { procedure: l10n.t('Detach it from the control domain (unplug, then destroy the VBD; the disk stays)'), xe: `xe vbd-unplug uuid=${vbd.uuid}; xe vbd-destroy uuid=${vbd.uuid}` },
      });
    }
    return out;
  },
};

/** VDI types the system keeps without a VBD (HA statefile, redo log, pool metadata). */
const SYSTEM_VDI_TYPES = new Set(['ha_statefile', 'redo_log', 'metadata', 'crashdump', 'suspend']);

export const orphanVdiCheck: HealthCheck = {
  id: 'orphan-vdi',
  feeds: ['VDI', 'VBD', 'SR'],
  evaluate(model: PoolModel): Finding[] {
    const out: Finding[] = [];
    for (const { ref, record: vdi } of model.all('VDI')) {
      if (vdi.VBDs.length > 0 || vdi.is_a_snapshot || SYSTEM_VDI_TYPES.has(vdi.type)) continue;
      const sr = model.get('SR', vdi.SR);
      if (!sr || sr.content_type === 'iso' || sr.type === 'iso' || sr.type === 'udev') continue;
      out.push({
        id: `orphan-vdi:${vdi.uuid}`, check: 'orphan-vdi', severity: 'info', object: vdiObject(model, ref),
        summary: l10n.t('Disk {0} on {1} belongs to no VM ({2}).', vdi.name_label, sr.name_label, bytes(vdi.virtual_size)),
        evidence: { SR: sr.name_label, virtual_size: bytes(vdi.virtual_size), VBDs: '0', is_a_snapshot: 'false' },
        fix: { command: 'xcpAdmin.vdi.makeVm', procedure: l10n.t('Attach it to a VM (S2\'s last step makes one), or delete it if nobody needs it') },
      });
    }
    return out;
  },
};
