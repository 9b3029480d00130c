// Where a VM row sits in the tree, so that every VM that is not a template, a snapshot or a control
// domain appears exactly once: under its host while it runs (or is paused) there, otherwise in the
// pool's group of halted and suspended VMs. Snapshots sit under their VM, newest first. No vscode import.

import type { Entry, PoolModel } from '../model/poolModel';
import { NULL_REF, type Ref, type VmRecord } from '../xapi/records';

/** A VM an admin runs (not a template, a snapshot or a host's control domain). */
export function isGuest(vm: VmRecord): boolean {
  return !vm.is_a_template && !vm.is_a_snapshot && !vm.is_control_domain;
}

/** The host whose row shows the VM, or undefined when it belongs to the halted/suspended group. */
export function hostShowing(model: PoolModel, vm: VmRecord): Ref<'host'> | undefined {
  if (vm.power_state !== 'Running' && vm.power_state !== 'Paused') return undefined;
  if (vm.resident_on === NULL_REF || !model.get('host', vm.resident_on)) return undefined;
  return vm.resident_on;
}

/** The guests shown under a host. */
export function vmsOnHost(model: PoolModel, host: Ref<'host'>): Entry<'VM'>[] {
  return model.residentVms(host).filter((v) => isGuest(v.record) && hostShowing(model, v.record) === host);
}

/** The guests shown in the pool's group: every guest no host row shows, by name. */
export function stoppedVms(model: PoolModel): Entry<'VM'>[] {
  return model.inNameOrder('halted and suspended VMs', model.all('VM').filter((v) => isGuest(v.record) && hostShowing(model, v.record) === undefined));
}

/** A VM's snapshots, newest first. */
export function snapshotsUnder(model: PoolModel, vm: Ref<'VM'>): Entry<'VM'>[] {
  const rec = model.get('VM', vm);
  if (!rec) return [];
  return rec.snapshots
    .map((ref) => ({ ref, record: model.get('VM', ref) }))
    .filter((s): s is Entry<'VM'> => !!s.record && s.record.is_a_snapshot)
    .sort((a, b) => b.record.snapshot_time.getTime() - a.record.snapshot_time.getTime());
}
