// S3's last resort: forget an SR and attach it again, never formatting it (the runbook: "DO NOT FORMAT
// the SR on attaching"). SR.introduce under the same uuid plus PBD.create with each host's old
// device_config is how XenCenter's "attach existing SR" works: no SR.create, so nothing is written to
// the disk. The SR's VDIs come back from the scan with their uuids; the VMs' disk slots (VBDs), which
// the database drops with the VDI records, are recorded here and made again. No vscode import.

import type { PoolModel } from '../model/poolModel';
import { isUuid, type Ref } from '../xapi/records';
import { quote } from '../shell/quote';
import { refOf, refusedPlan, resultOf, type ObjectRef, type Plan, type Step } from './plan';
import { l10n } from '../text/l10n';

/** device_config keys whose values are secrets: shown and journaled masked, passed as they are. */
const SECRET_KEY = /password|secret/i;

export function maskSecrets(config: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(config).map(([k, v]) => [k, SECRET_KEY.test(k) ? '••••' : v]));
}

// A key is XAPI data too (a pool user can write `$x` or a bidi mark into device_config): quoted unless plain.
const xeMap = (prefix: string, m: Record<string, string>) => Object.entries(maskSecrets(m)).map(([k, v]) => `${prefix}:${/^[\w.-]+$/.test(k) ? k : quote(k)}=${quote(v)}`).join(' ');

/** A VM's disk slot on one of the SR's VDIs, as it must be made again. */
export interface DiskSlot {
  vm: { uuid: string; name: string; ref: Ref<'VM'> };
  vdi: { uuid: string; name: string };
  vbd: Ref<'VBD'>;
  userdevice: string;
  bootable: boolean;
  mode: string;
  type: string;
}

export function diskSlotsOf(model: PoolModel, srRef: Ref<'SR'>): DiskSlot[] {
  const slots: DiskSlot[] = [];
  for (const vdi of model.vdisOf(srRef)) {
    for (const vbdRef of vdi.record.VBDs) {
      const vbd = model.get('VBD', vbdRef);
      const vm = vbd ? model.get('VM', vbd.VM) : undefined;
      if (!vbd || !vm) continue;
      slots.push({ vm: { uuid: vm.uuid, name: vm.name_label, ref: vbd.VM }, vdi: { uuid: vdi.record.uuid, name: vdi.record.name_label }, vbd: vbdRef, userdevice: vbd.userdevice, bootable: vbd.bootable, mode: vbd.mode, type: vbd.type });
    }
  }
  return slots;
}

export function planSrReattach(model: PoolModel, srRef: Ref<'SR'>): Plan {
  const sr = model.get('SR', srRef);
  const target: ObjectRef = { kind: 'SR', name: sr?.name_label ?? '?', uuid: sr?.uuid ?? '' };
  const base = { procedure: 'S3b', title: l10n.t('Forget an SR and attach it again, without formatting') };
  const refuse = (refusal: string, facts: string[] = []): Plan => refusedPlan(base, target, refusal, facts);
  if (!sr) return refuse(l10n.t('This SR is no longer in the pool.'));
  if (!isUuid(sr.uuid)) return refuse(l10n.t('XAPI gave the SR a malformed uuid ({0}): it could not be introduced again under it.', sr.uuid));
  if (sr.content_type === 'iso' || sr.type === 'udev') return refuse(l10n.t('{0} is a {1} SR of removable or ISO media: it holds no VM disks to keep; re-create it instead.', sr.name_label, sr.type));
  const pbds = model.pbdsOf(srRef);
  if (pbds.length === 0) return refuse(l10n.t('{0} has no PBD: nothing records how its hosts reach the storage, so it cannot be attached again from here (xe sr-probe finds it).', sr.name_label));
  const facts: string[] = [];
  for (const p of pbds) {
    const host = p.host;
    facts.push(l10n.t('PBD on {0}: {1}, device_config {2}.', host?.record.name_label ?? p.record.host, p.record.currently_attached ? l10n.t('plugged') : l10n.t('unplugged'), JSON.stringify(maskSecrets(p.record.device_config))));
  }
  const missing = pbds.filter((p) => !p.host);
  if (missing.length) return refuse(l10n.t('A PBD of {0} belongs to a host no longer in the pool: forget that PBD first.', sr.name_label), facts);
  const notLive = pbds.filter((p) => p.host && !model.isHostLive(p.host.ref));
  if (notLive.length) return refuse((notLive.length === 1 ? l10n.t('{0} is not live: its PBD could not be plugged again. Bring it back or forget it (H5) first.', notLive[0].host!.record.name_label) : l10n.t('{0} are not live: their PBD could not be plugged again. Bring them back or forget them (H5) first.', notLive.map((p) => p.host!.record.name_label).join(', '))), facts);
  const slots = diskSlotsOf(model, srRef);
  const inUse = [...new Set(slots.filter((s) => model.get('VBD', s.vbd)?.currently_attached && !model.get('VM', s.vm.ref)?.is_control_domain).map((s) => s.vm.name))];
  const vdis = model.vdisOf(srRef);
  facts.push(l10n.t('{0} VDI(s) on {1}; {2} disk slot(s) of VMs on them: {3}.', vdis.length, sr.name_label, slots.length, slots.map((s) => l10n.t('{0} device {1} → {2}', s.vm.name, s.userdevice, s.vdi.name)).join(', ') || l10n.t('none')));
  if (inUse.length) return refuse((inUse.length === 1 ? l10n.t('{0} has disks of {1} attached: shut it down first (the SR cannot be unplugged under a running VM).', inUse[0], sr.name_label) : l10n.t('{0} have disks of {1} attached: shut them down first (the SR cannot be unplugged under a running VM).', inUse.join(', '), sr.name_label)), facts);
  const dom0Slots = slots.filter((s) => model.get('VM', s.vm.ref)?.is_control_domain);
  if (dom0Slots.length) return refuse(l10n.t('A control domain has a disk slot on {0} ({1}): unplug and destroy it first.', sr.name_label, dom0Slots.map((s) => s.vdi.name).join(', ')), facts);

  const isDefault = model.pool().record.default_SR === srRef;
  // The master plugs first: it is the SR master that the others' attach relies on.
  const ordered = [...pbds].sort((a, b) => Number(model.isMaster(b.host!.ref)) - Number(model.isMaster(a.host!.ref)));
  const steps: Step[] = [];
  for (const p of ordered.filter((x) => x.record.currently_attached)) {
    steps.push({
      id: `unplug-${p.record.uuid}`,
      title: l10n.t('Unplug {0} from {1}', sr.name_label, p.host!.record.name_label),
      why: l10n.t('SR.forget refuses an SR plugged anywhere. Unplugging writes nothing to the disk and is undone by plugging again.'),
      destructive: false,
      action: { kind: 'xapi', method: 'PBD.unplug', args: [p.ref], xe: `xe pbd-unplug uuid=${p.record.uuid}` },
    });
  }
  for (const s of slots) {
    steps.push({
      id: `vbd-destroy-${s.vbd}`,
      title: l10n.t('Remove {0}\'s disk slot {1} ({2})', s.vm.name, s.userdevice, s.vdi.name),
      why: l10n.t('Forgetting the SR drops its VDI records and with them the VMs\' slots on them; this plan records the slot (device {0}, {1}, {2}) and makes it again after the scan.', s.userdevice, s.bootable ? 'bootable' : l10n.t('not bootable'), s.mode),
      destructive: true,
      action: { kind: 'xapi', method: 'VBD.destroy', args: [s.vbd], xe: `xe vbd-destroy uuid=${model.get('VBD', s.vbd)?.uuid ?? s.vbd}` },
    });
  }
  steps.push({
    id: 'forget',
    title: l10n.t('Forget {0}', sr.name_label),
    why: l10n.t('Drops the SR, its PBDs and its VDI records from XAPI\'s database; nothing on the disk is touched. The same uuid ({0}) is introduced again next.', sr.uuid),
    destructive: true,
    action: { kind: 'xapi', method: 'SR.forget', args: [srRef], xe: `xe sr-forget uuid=${sr.uuid}` },
  });
  // The first destructive step asks, naming the SR and wanting its name typed; the others run under it.
  const gate = steps.find((s) => s.destructive)!;
  gate.confirmObject = { kind: 'SR', name: sr.name_label, uuid: sr.uuid };
  gate.typeToConfirm = true;
  for (const s of steps) if (s.destructive && s !== gate) s.confirmedBy = gate.id;
  steps.push({
    id: 'introduce',
    title: l10n.t('Introduce {0} again (uuid {1})', sr.name_label, sr.uuid),
    why: l10n.t('SR.introduce makes the database record only: this is "attach existing SR", never SR.create, which would format the disk.'),
    destructive: false,
    action: {
      kind: 'xapi',
      method: 'SR.introduce',
      args: [sr.uuid, sr.name_label, sr.name_description, sr.type, sr.content_type, sr.shared, sr.sm_config],
      xe: `xe sr-introduce uuid=${sr.uuid} type=${quote(sr.type)} name-label=${quote(sr.name_label)} content-type=${quote(sr.content_type)} shared=${sr.shared}`,
    },
  });
  for (const p of ordered) {
    const host = p.host!;
    steps.push({
      id: `pbd-create-${host.record.uuid}`,
      title: l10n.t('Record how {0} reaches it', host.record.name_label),
      why: l10n.t('PBD.create with the device_config {0} used before (read above).', host.record.name_label),
      destructive: false,
      action: {
        kind: 'xapi',
        method: 'PBD.create',
        args: [{ host: host.ref, SR: resultOf('introduce'), device_config: p.record.device_config, other_config: {} }],
        xe: `xe pbd-create host-uuid=${host.record.uuid} sr-uuid=${sr.uuid} ${xeMap('device-config', p.record.device_config)}`.trimEnd(),
      },
    });
  }
  for (const p of ordered) {
    const host = p.host!;
    steps.push({
      id: `plug-${host.record.uuid}`,
      title: l10n.t('Plug {0} on {1}', sr.name_label, host.record.name_label),
      why: model.isMaster(host.ref) ? l10n.t('The master first: it is the SR master.') : l10n.t('The host attaches the storage again.'),
      destructive: false,
      action: { kind: 'xapi', method: 'PBD.plug', args: [resultOf(`pbd-create-${host.record.uuid}`)], xe: `xe pbd-plug uuid=<the PBD made for ${host.record.name_label}>` },
    });
  }
  const expectedVdis = vdis.length;
  steps.push({
    id: 'scan',
    title: l10n.t('Scan {0}', sr.name_label),
    why: l10n.t('The storage manager reads the disk and brings the VDIs back under their own uuids (and names, from the SR\'s metadata).'),
    destructive: false,
    action: { kind: 'xapi', method: 'SR.scan', args: [resultOf('introduce')], xe: `xe sr-scan uuid=${sr.uuid}` },
    check: l10n.t('the scan passes'),
  });
  steps.push({
    id: 'vdis-back',
    title: l10n.t('Check that the {0} VDI(s) are back', expectedVdis),
    why: l10n.t('What the scan found is what was on the disk: a missing VDI must be looked at before VMs use the SR.'),
    destructive: false,
    action: { kind: 'xapi', method: 'SR.get_VDIs', args: [resultOf('introduce')], xe: `xe vdi-list sr-uuid=${sr.uuid} --minimal` },
    expect: (v) => (Array.isArray(v) && v.length >= expectedVdis ? undefined : l10n.t('the scan found {0} VDI(s), {1} were there before', Array.isArray(v) ? v.length : '?', expectedVdis)),
    check: l10n.t('at least {0} VDI(s)', expectedVdis),
  });
  for (const s of slots) {
    steps.push({
      id: `vbd-create-${s.vbd}`,
      title: l10n.t('Give {0} its disk {1} ({2}) again', s.vm.name, s.userdevice, s.vdi.name),
      why: l10n.t('The slot removed before the forget, as it was.'),
      destructive: false,
      action: {
        kind: 'xapi',
        method: 'VBD.create',
        args: [{ VM: s.vm.ref, VDI: refOf('VDI', s.vdi.uuid), userdevice: s.userdevice, bootable: s.bootable, mode: s.mode, type: s.type, unpluggable: true, empty: false, other_config: {}, qos_algorithm_type: '', qos_algorithm_params: {} }],
        xe: `xe vbd-create vm-uuid=${s.vm.uuid} vdi-uuid=${s.vdi.uuid} device=${quote(s.userdevice)} bootable=${s.bootable} mode=${s.mode} type=${s.type}`,
      },
    });
  }
  if (isDefault) {
    steps.push({
      id: 'default-sr',
      title: l10n.t('Make {0} the pool\'s default SR again', sr.name_label),
      why: l10n.t('It was the default SR; forgetting it cleared that.'),
      destructive: false,
      action: { kind: 'xapi', method: 'pool.set_default_SR', args: [model.pool().ref, resultOf('introduce')], xe: `xe pool-param-set uuid=${model.pool().record.uuid} default-SR=${sr.uuid}` },
    });
  }
  return {
    ...base,
    target,
    summary: l10n.t('Forgets {0} and attaches it again under the same uuid with each host\'s old device_config (SR.introduce + PBD.create: the disk is never formatted), scans it, and gives {1} VM disk slot(s) back. Only XAPI\'s records change; every byte on the storage stays where it is.', sr.name_label, slots.length),
    facts,
    steps,
    journalExtra: {
      sr: sr.uuid,
      pbds: pbds.map((p) => ({ host: p.host!.record.uuid, device_config: maskSecrets(p.record.device_config) })),
      slots: slots.map((s) => ({ vm: s.vm.uuid, vdi: s.vdi.uuid, userdevice: s.userdevice, bootable: s.bootable, mode: s.mode, type: s.type })),
    },
  };
}
