// Snapshots as plans: take one (quiesced where the guest supports it, VM.snapshot_with_quiesce),
// revert a VM to one (destructive: the VM's current disks are replaced; confirmed naming the VM and the
// snapshot; a snapshot of a running VM is started again afterwards, as XenCenter does), delete one with
// its snapshot disks (VM.destroy keeps VDIs, so each is listed and destroyed). No vscode import.

import type { PoolModel } from '../model/poolModel';
import { quote } from '../shell/quote';
import { NULL_REF, isUuid, type Ref, type VmRecord } from '../xapi/records';
import { refusedPlan, type ObjectRef, type Plan, type Step } from './plan';
import { allowedOps, vmTarget } from './vmPower';

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
  const base = { procedure: 'VM snapshot', title: 'Take a snapshot' };
  const t = vmTarget(model, vm);
  if ('refusal' in t) return refusedPlan(base, t.target, t.refusal);
  const { vm: rec, target } = t;
  const facts = [`${rec.name_label} is ${rec.power_state}; XAPI allows ${allowedOps(rec).join(', ') || 'nothing'}.`, `It has ${snapshotsOf(model, vm).length} snapshot(s).`];
  if (name.trim() === '') return refusedPlan(base, target, 'A snapshot needs a name.', facts);
  if (quiesce && !allowedOps(rec).includes('snapshot_with_quiesce')) {
    return refusedPlan(base, target, `${rec.name_label}'s guest does not offer quiesced snapshots (VM_SNAPSHOT_WITH_QUIESCE_NOT_SUPPORTED: it needs a running guest with the VSS agent). Take an ordinary snapshot instead.`, facts);
  }
  if (!allowedOps(rec).includes('snapshot')) return refusedPlan(base, target, `XAPI does not allow a snapshot of ${rec.name_label} now (busy with ${Object.values(rec.current_operations).join(', ') || 'another operation'}).`, facts);
  const method = quiesce ? 'VM.snapshot_with_quiesce' : 'VM.snapshot';
  return {
    ...base,
    target,
    summary: `Snapshots the disks of ${rec.name_label} as "${name}"${quiesce ? ', quiesced by the guest first' : ' (crash-consistent: as if the power went off)'}. The VM keeps running; nothing of it changes.`,
    facts,
    steps: [{
      id: 'snapshot',
      title: `Snapshot ${rec.name_label} as ${name}`,
      why: `${method} makes a snapshot VM with a snapshot of each disk.`,
      destructive: false,
      action: { kind: 'xapi', method, args: [vm, name], xe: `xe vm-snapshot${quiesce ? '-with-quiesce' : ''} uuid=${rec.uuid} new-name-label=${quote(name)}` },
      check: 'A snapshot VM with this name appears under the VM.',
    }],
  };
}

/** A snapshot to act on, and the VM it is of. */
function snapshotTarget(model: PoolModel, snapshot: Ref<'VM'>): { snap: VmRecord; vm: VmRecord | undefined; target: ObjectRef } | { refusal: string; target: ObjectRef } {
  const snap = model.get('VM', snapshot);
  const target: ObjectRef = { kind: 'VM', name: snap?.name_label ?? '?', uuid: snap?.uuid ?? '' };
  if (!snap || !snap.is_a_snapshot) return { refusal: 'This snapshot is no longer in the pool.', target };
  if (!isUuid(snap.uuid)) return { refusal: `XAPI gave the snapshot a malformed uuid (${snap.uuid}); refusing to act on it.`, target };
  return { snap, vm: snap.snapshot_of !== NULL_REF ? model.get('VM', snap.snapshot_of) : undefined, target };
}

/** Revert to Snapshot: VM.revert, then start the VM again if it ran when the snapshot was taken. */
export function planRevert(model: PoolModel, snapshot: Ref<'VM'>): Plan {
  const base = { procedure: 'VM snapshot', title: 'Revert a VM to a snapshot' };
  const t = snapshotTarget(model, snapshot);
  if ('refusal' in t) return refusedPlan(base, t.target, t.refusal);
  const { snap, vm } = t;
  if (!vm || !isUuid(vm.uuid)) return refusedPlan(base, t.target, `The VM that ${snap.name_label} was taken of is gone; XCP Admin does not rebuild a VM from a snapshot.`);
  const vmObject: ObjectRef = { kind: 'VM', name: vm.name_label, uuid: vm.uuid };
  const wasRunning = snap.snapshot_info['power-state-at-snapshot'] === 'Running';
  const taken = snap.snapshot_time.toISOString().replace('T', ' ').slice(0, 19) + ' UTC';
  const facts = [
    `${snap.name_label} was taken of ${vm.name_label} on ${taken}, while it was ${snap.snapshot_info['power-state-at-snapshot'] ?? 'in an unknown state'}.`,
    `${vm.name_label} is ${vm.power_state} now.`,
  ];
  const busy = Object.values(vm.current_operations);
  if (busy.length > 0) return refusedPlan(base, vmObject, `${vm.name_label} is busy (${busy.join(', ')}): wait for that to finish.`, facts);
  const steps: Step[] = [{
    id: 'revert',
    title: `Revert ${vm.name_label} to ${snap.name_label}`,
    why: `VM.revert ${vm.power_state !== 'Halted' ? `forces ${vm.name_label} off, then ` : ''}replaces its disks with copies of the snapshot's (taken ${taken}): everything written since is lost.`,
    destructive: true,
    confirmObject: { kind: 'VM', name: `${vm.name_label} → snapshot ${snap.name_label}`, uuid: vm.uuid },
    action: { kind: 'xapi', method: 'VM.revert', args: [snapshot], xe: `xe snapshot-revert snapshot-uuid=${snap.uuid}` },
    check: `${vm.name_label}'s disks are new copies of the snapshot's.`,
  }];
  if (wasRunning) {
    steps.push({
      id: 'start',
      title: `Start ${vm.name_label} again`,
      why: 'The snapshot was taken of a running VM, which XAPI reverts to a halted one (disks only): it is started, as XenCenter does.',
      destructive: false,
      action: { kind: 'xapi', method: 'VM.start', args: [snap.snapshot_of, false, false], xe: `xe vm-start uuid=${vm.uuid}` },
      check: 'VM.power_state reads Running.',
    });
  }
  return {
    ...base,
    target: vmObject,
    summary: `Puts ${vm.name_label} back to snapshot ${snap.name_label} (${taken}). Its current disks are destroyed and replaced by copies of the snapshot's.${wasRunning ? ' It is started again after.' : ''}`,
    facts,
    steps,
  };
}

/** Delete Snapshot: its VM record (VM.destroy), then each of its snapshot disks (VDI.destroy). */
export function planDeleteSnapshot(model: PoolModel, snapshot: Ref<'VM'>): Plan {
  const base = { procedure: 'VM snapshot', title: 'Delete a snapshot' };
  const t = snapshotTarget(model, snapshot);
  if ('refusal' in t) return refusedPlan(base, t.target, t.refusal);
  const { snap, vm } = t;
  const disks = snap.VBDs
    .map((b) => model.get('VBD', b))
    .filter((b) => b && b.VDI !== NULL_REF && b.type === 'Disk')
    .map((b) => ({ ref: b!.VDI, vdi: model.get('VDI', b!.VDI) }))
    .filter((d): d is { ref: Ref<'VDI'>; vdi: NonNullable<typeof d.vdi> } => !!d.vdi && d.vdi.is_a_snapshot && isUuid(d.vdi.uuid));
  const facts = [
    `${snap.name_label} is a snapshot of ${vm?.name_label ?? 'a VM that is gone'}, taken ${snap.snapshot_time.toISOString()}.`,
    `Its disks: ${disks.map((d) => `${d.vdi.name_label} (${d.vdi.uuid})`).join(', ') || 'none'}.`,
  ];
  const snapObject: ObjectRef = { kind: 'VM', name: snap.name_label, uuid: snap.uuid };
  const steps: Step[] = [];
  if (snap.power_state === 'Suspended') {
    steps.push({
      id: 'drop-memory',
      title: `Drop the memory image of ${snap.name_label}`,
      why: 'A checkpoint keeps the VM\'s memory; VM.hard_shutdown deletes it.',
      destructive: true,
      action: { kind: 'xapi', method: 'VM.hard_shutdown', args: [snapshot], xe: `xe vm-shutdown uuid=${snap.uuid} --force` },
    });
  }
  steps.push({
    id: 'destroy',
    title: `Delete snapshot ${snap.name_label}`,
    why: `VM.destroy removes the snapshot's record${vm ? ` from ${vm.name_label}` : ''}; its disks stay until the next steps.`,
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
      title: `Delete snapshot disk ${d.vdi.name_label}`,
      why: 'A snapshot\'s disks outlive its record: each is destroyed to free its space.',
      destructive: true,
      confirmedBy: confirmer,
      action: { kind: 'xapi', method: 'VDI.destroy', args: [d.ref], xe: `xe vdi-destroy uuid=${d.vdi.uuid}` },
    });
  }
  return {
    ...base,
    target: snapObject,
    summary: `Deletes snapshot ${snap.name_label} and its ${disks.length} disk(s). ${vm ? `${vm.name_label} itself is not touched.` : ''}`,
    facts,
    steps,
  };
}
