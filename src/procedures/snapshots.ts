// Snapshots as plans: take one (quiesced where the guest supports it, VM.snapshot_with_quiesce),
// revert a VM to one (destructive: the VM's current disks are replaced; confirmed naming the VM and the
// snapshot; a snapshot of a running VM is started again afterwards, as XenCenter does), delete one with
// its snapshot disks (VM.destroy keeps VDIs, so each is listed and destroyed). No vscode import.

import type { PoolModel } from '../model/poolModel';
import { quote } from '../shell/quote';
import { NULL_REF, isUuid, type Ref, type VmRecord } from '../xapi/records';
import { refusedPlan, type ObjectRef, type Plan, type Step } from './plan';
import { allowedOps, vmTarget } from './vmPower';
import { l10n } from '../text/l10n';

/** The snapshots of a VM, newest first. */
export function snapshotsOf(model: PoolModel, vm: Ref<'VM'>): { ref: Ref<'VM'>; record: VmRecord }[] {
  const rec = model.get('VM', vm);
  if (!rec) return [];
  return rec.snapshots
    .map((ref) => ({ ref, record: model.get('VM', ref) }))
    .filter((s): s is { ref: Ref<'VM'>; record: VmRecord } => !!s.record && s.record.is_a_snapshot)
    .sort((a, b) => b.record.snapshot_time.getTime() - a.record.snapshot_time.getTime());
}

/** Take Snapshot: VM.snapshot, or VM.snapshot_with_quiesce when asked and the guest allows it. */
export function planTakeSnapshot(model: PoolModel, vm: Ref<'VM'>, name: string, quiesce: boolean): Plan {
  const base = { procedure: 'VM snapshot', title: l10n.t('Take a snapshot') };
  const t = vmTarget(model, vm);
  if ('refusal' in t) return refusedPlan(base, t.target, t.refusal);
  const { vm: rec, target } = t;
  const facts = [l10n.t('{0} is {1}; XAPI allows {2}.', rec.name_label, rec.power_state, allowedOps(rec).join(', ') || 'nothing'), l10n.t('It has {0} snapshot(s).', snapshotsOf(model, vm).length)];
  if (name.trim() === '') return refusedPlan(base, target, l10n.t('A snapshot needs a name.'), facts);
  if (quiesce && !allowedOps(rec).includes('snapshot_with_quiesce')) {
    return refusedPlan(base, target, l10n.t('{0}\'s guest does not offer quiesced snapshots (VM_SNAPSHOT_WITH_QUIESCE_NOT_SUPPORTED: it needs a running guest with the VSS agent). Take an ordinary snapshot instead.', rec.name_label), facts);
  }
  if (!allowedOps(rec).includes('snapshot')) return refusedPlan(base, target, l10n.t('XAPI does not allow a snapshot of {0} now (busy with {1}).', rec.name_label, Object.values(rec.current_operations).join(', ') || l10n.t('another operation')), facts);
  const method = quiesce ? 'VM.snapshot_with_quiesce' : 'VM.snapshot';
  return {
    ...base,
    target,
    summary: (quiesce ? l10n.t('Snapshots the disks of {0} as "{1}", quiesced by the guest first. The VM keeps running; nothing of it changes.', rec.name_label, name) : l10n.t('Snapshots the disks of {0} as "{1}" (crash-consistent: as if the power went off). The VM keeps running; nothing of it changes.', rec.name_label, name)),
    facts,
    steps: [{
      id: 'snapshot',
      title: l10n.t('Snapshot {0} as {1}', rec.name_label, name),
      why: l10n.t('{0} makes a snapshot VM with a snapshot of each disk.', method),
      destructive: false,
      action: { kind: 'xapi', method, args: [vm, name], xe: `xe vm-snapshot${quiesce ? '-with-quiesce' : ''} uuid=${rec.uuid} new-name-label=${quote(name)}` },
      check: l10n.t('A snapshot VM with this name appears under the VM.'),
    }],
  };
}

/** A snapshot to act on, and the VM it is of. */
function snapshotTarget(model: PoolModel, snapshot: Ref<'VM'>): { snap: VmRecord; vm: VmRecord | undefined; target: ObjectRef } | { refusal: string; target: ObjectRef } {
  const snap = model.get('VM', snapshot);
  const target: ObjectRef = { kind: 'VM', name: snap?.name_label ?? '?', uuid: snap?.uuid ?? '' };
  if (!snap || !snap.is_a_snapshot) return { refusal: l10n.t('This snapshot is no longer in the pool.'), target };
  if (!isUuid(snap.uuid)) return { refusal: l10n.t('XAPI gave the snapshot a malformed uuid ({0}); refusing to act on it.', snap.uuid), target };
  return { snap, vm: snap.snapshot_of !== NULL_REF ? model.get('VM', snap.snapshot_of) : undefined, target };
}

/** Revert to Snapshot: VM.revert, then start the VM again if it ran when the snapshot was taken. */
export function planRevert(model: PoolModel, snapshot: Ref<'VM'>): Plan {
  const base = { procedure: 'VM snapshot', title: l10n.t('Revert a VM to a snapshot') };
  const t = snapshotTarget(model, snapshot);
  if ('refusal' in t) return refusedPlan(base, t.target, t.refusal);
  const { snap, vm } = t;
  if (!vm || !isUuid(vm.uuid)) return refusedPlan(base, t.target, l10n.t('The VM that {0} was taken of is gone; XCP Admin does not rebuild a VM from a snapshot.', snap.name_label));
  const vmObject: ObjectRef = { kind: 'VM', name: vm.name_label, uuid: vm.uuid };
  const wasRunning = snap.snapshot_info['power-state-at-snapshot'] === 'Running';
  const taken = snap.snapshot_time.toISOString().replace('T', ' ').slice(0, 19) + ' UTC';
  const facts = [
    l10n.t('{0} was taken of {1} on {2}, while it was {3}.', snap.name_label, vm.name_label, taken, snap.snapshot_info['power-state-at-snapshot'] ?? l10n.t('in an unknown state')),
    l10n.t('{0} is {1} now.', vm.name_label, vm.power_state),
  ];
  const busy = Object.values(vm.current_operations);
  if (busy.length > 0) return refusedPlan(base, vmObject, l10n.t('{0} is busy ({1}): wait for that to finish.', vm.name_label, busy.join(', ')), facts);
  const steps: Step[] = [{
    id: 'revert',
    title: l10n.t('Revert {0} to {1}', vm.name_label, snap.name_label),
    why: l10n.t('VM.revert {0}replaces its disks with copies of the snapshot\'s (taken {1}): everything written since is lost.', vm.power_state !== 'Halted' ? l10n.t('forces {0} off, then ', vm.name_label) : '', taken),
    destructive: true,
    confirmObject: { kind: 'VM', name: `${vm.name_label} → snapshot ${snap.name_label}`, uuid: vm.uuid },
    action: { kind: 'xapi', method: 'VM.revert', args: [snapshot], xe: `xe snapshot-revert snapshot-uuid=${snap.uuid}` },
    check: l10n.t('{0}\'s disks are new copies of the snapshot\'s.', vm.name_label),
  }];
  if (wasRunning) {
    steps.push({
      id: 'start',
      title: l10n.t('Start {0} again', vm.name_label),
      why: l10n.t('The snapshot was taken of a running VM, which XAPI reverts to a halted one (disks only): it is started, as XenCenter does.'),
      destructive: false,
      action: { kind: 'xapi', method: 'VM.start', args: [snap.snapshot_of, false, false], xe: `xe vm-start uuid=${vm.uuid}` },
      check: l10n.t('VM.power_state reads Running.'),
    });
  }
  return {
    ...base,
    target: vmObject,
    summary: (wasRunning ? l10n.t('Puts {0} back to snapshot {1} ({2}). Its current disks are destroyed and replaced by copies of the snapshot\'s. It is started again after.', vm.name_label, snap.name_label, taken) : l10n.t('Puts {0} back to snapshot {1} ({2}). Its current disks are destroyed and replaced by copies of the snapshot\'s.', vm.name_label, snap.name_label, taken)),
    facts,
    steps,
  };
}

/** Delete Snapshot: its VM record (VM.destroy), then each of its snapshot disks (VDI.destroy). */
export function planDeleteSnapshot(model: PoolModel, snapshot: Ref<'VM'>): Plan {
  const base = { procedure: 'VM snapshot', title: l10n.t('Delete a snapshot') };
  const t = snapshotTarget(model, snapshot);
  if ('refusal' in t) return refusedPlan(base, t.target, t.refusal);
  const { snap, vm } = t;
  const disks = snap.VBDs
    .map((b) => model.get('VBD', b))
    .filter((b) => b && b.VDI !== NULL_REF && b.type === 'Disk')
    .map((b) => ({ ref: b!.VDI, vdi: model.get('VDI', b!.VDI) }))
    .filter((d): d is { ref: Ref<'VDI'>; vdi: NonNullable<typeof d.vdi> } => !!d.vdi && d.vdi.is_a_snapshot && isUuid(d.vdi.uuid));
  const facts = [
    l10n.t('{0} is a snapshot of {1}, taken {2}.', snap.name_label, vm?.name_label ?? l10n.t('a VM that is gone'), snap.snapshot_time.toISOString()),
    l10n.t('Its disks: {0}.', disks.map((d) => `${d.vdi.name_label} (${d.vdi.uuid})`).join(', ') || l10n.t('none')),
  ];
  const snapObject: ObjectRef = { kind: 'VM', name: snap.name_label, uuid: snap.uuid };
  const steps: Step[] = [];
  if (snap.power_state === 'Suspended') {
    steps.push({
      id: 'drop-memory',
      title: l10n.t('Drop the memory image of {0}', snap.name_label),
      why: l10n.t('A checkpoint keeps the VM\'s memory; VM.hard_shutdown deletes it.'),
      destructive: true,
      action: { kind: 'xapi', method: 'VM.hard_shutdown', args: [snapshot], xe: `xe vm-shutdown uuid=${snap.uuid} --force` },
    });
  }
  steps.push({
    id: 'destroy',
    title: l10n.t('Delete snapshot {0}', snap.name_label),
    why: l10n.t('VM.destroy removes the snapshot\'s record{0}; its disks stay until the next steps.', vm ? ` from ${vm.name_label}` : ''),
    destructive: true,
    action: { kind: 'xapi', method: 'VM.destroy', args: [snapshot], xe: `xe snapshot-destroy snapshot-uuid=${snap.uuid}` },
  });
  // One confirmation, naming the snapshot, on the first step; the others run under it.
  const confirmer = steps[0].id;
  steps[0].confirmObject = snapObject;
  for (const s of steps.slice(1)) s.confirmedBy = confirmer;
  for (const d of disks) {
    steps.push({
      id: `vdi-${d.vdi.uuid}`,
      title: l10n.t('Delete snapshot disk {0}', d.vdi.name_label),
      why: l10n.t('A snapshot\'s disks outlive its record: each is destroyed to free its space.'),
      destructive: true,
      confirmedBy: confirmer,
      action: { kind: 'xapi', method: 'VDI.destroy', args: [d.ref], xe: `xe vdi-destroy uuid=${d.vdi.uuid}` },
    });
  }
  return {
    ...base,
    target: snapObject,
    summary: l10n.t('Deletes snapshot {0} and its {1} disk(s). {2}', snap.name_label, disks.length, vm ? l10n.t('{0} itself is not touched.', vm.name_label) : ''),
    facts,
    steps,
  };
}
