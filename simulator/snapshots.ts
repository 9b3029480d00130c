// Snapshots as xapi keeps them: a snapshot is a VM record (`is_a_snapshot`, `is_a_template`,
// `snapshot_of`, `snapshot_time`, `snapshot_info`) with VBDs on snapshot VDIs (`is_a_snapshot`,
// `snapshot_of`); `VM.revert` puts a VM back to one (its disks replaced by copies of the snapshot's);
// `VM.destroy` removes a VM record (a snapshot's too) and leaves its VDIs, as xapi does. Sources:
// /work/shared/notes/xapi-operations.md §6 (xapi_vm_clone.ml, xapi_vm_snapshot.ml, xapi_vdi.ml).
//
// Not modelled: checkpoints (memory images), the snapshot's own VIFs and metadata blob, and a revert
// whose VM is gone (xapi rebuilds the VM from the snapshot's metadata; here VM_REVERT_FAILED).

import type { PoolState, XObject } from './state';
import { NULL_REF } from './schema';
import { reportProgress } from './tasks';
import { addVdi, dropVbd, removeVdi } from './vdis';
import { haltVm, objOf, type Define } from './vmLifecycle';
import { operationError, refreshAllowedOperations, refusal, withVmOperation } from './vmOperations';
import type { XValue } from './xmlrpc-wire';

function str(v: XValue): string {
  return typeof v === 'string' ? v : '';
}

interface Disk {
  vbd: XObject;
  vdi: XObject;
}

/** The VM's disks (non-empty VBDs of type Disk with a VDI). */
function disksOf(pool: PoolState, vm: XObject): Disk[] {
  const out: Disk[] = [];
  for (const ref of vm.record.VBDs as string[]) {
    const vbd = pool.getOf('VBD', ref);
    if (!vbd || vbd.record.empty === true || vbd.record.type !== 'Disk') continue;
    const vdi = pool.getOf('VDI', vbd.record.VDI as string);
    if (vdi) out.push({ vbd, vdi });
  }
  return out;
}

/** A new VDI like `src` on its SR (a snapshot of it, or a plain copy), with a VBD of `vm` in the same slot. */
function copyDisk(pool: PoolState, disk: Disk, vm: XObject, snapshot: boolean, now: Date): XObject {
  const sr = pool.getOf('SR', disk.vdi.record.SR as string)!;
  const raw = (disk.vdi.record.sm_config as Record<string, string>).type === 'raw';
  const vdi = addVdi(pool, sr, { name_label: str(disk.vdi.record.name_label), name_description: str(disk.vdi.record.name_description), virtual_size: Number(disk.vdi.record.virtual_size), format: raw ? 'raw' : 'vhd' });
  if (snapshot) {
    pool.update(vdi, { is_a_snapshot: true, snapshot_of: disk.vdi.ref, snapshot_time: now, other_config: { ...(disk.vdi.record.other_config as Record<string, string>) } });
    pool.addToSet(disk.vdi, 'snapshots', vdi.ref);
  }
  const vbd = pool.create('VBD', {
    VM: vm.ref, VDI: vdi.ref, device: disk.vbd.record.device, userdevice: disk.vbd.record.userdevice, bootable: disk.vbd.record.bootable,
    mode: disk.vbd.record.mode, type: 'Disk', unpluggable: disk.vbd.record.unpluggable, currently_attached: false,
    // CA-58405: a snapshot's disks are marked as its own, so deleting it can find them.
    other_config: snapshot ? { owner: '' } : {},
  });
  pool.addToSet(vm, 'VBDs', vbd.ref);
  pool.addToSet(vdi, 'VBDs', vbd.ref);
  return vdi;
}

/** The VM's configuration (memory, vCPUs, boot) as a snapshot keeps it and a revert puts it back. */
const CONFIG_FIELDS = [
  'name_description', 'memory_static_max', 'memory_dynamic_max', 'memory_dynamic_min', 'memory_static_min', 'VCPUs_params', 'VCPUs_max',
  'VCPUs_at_startup', 'actions_after_shutdown', 'actions_after_reboot', 'actions_after_crash', 'PV_bootloader', 'PV_kernel', 'PV_ramdisk',
  'PV_args', 'PV_bootloader_args', 'PV_legacy_args', 'HVM_boot_policy', 'HVM_boot_params', 'HVM_shadow_multiplier', 'platform', 'PCI_bus',
  'other_config', 'xenstore_data', 'recommendations', 'bios_strings', 'guest_metrics',
];

function snapshotOf(pool: PoolState, vm: XObject, name: string, quiesced: boolean): string {
  const now = new Date();
  const config = Object.fromEntries(CONFIG_FIELDS.map((f) => [f, vm.record[f]]));
  const { default_template: _no, ...otherConfig } = vm.record.other_config as Record<string, string>;
  const snap = pool.create('VM', {
    ...config,
    other_config: otherConfig,
    name_label: name,
    is_a_template: true,
    is_a_snapshot: true,
    snapshot_of: vm.ref,
    snapshot_time: now,
    snapshot_info: { 'power-state-at-snapshot': str(vm.record.power_state), 'disk-snapshot-type': quiesced ? 'quiesced' : 'crash_consistent' },
    parent: vm.record.parent,
    power_state: 'Halted',
    user_version: vm.record.user_version,
    affinity: vm.record.affinity,
  });
  const disks = disksOf(pool, vm);
  const total = disks.reduce((s, d) => s + Number(d.vdi.record.virtual_size), 0) || 1;
  let done = 0;
  for (const d of disks) {
    copyDisk(pool, d, snap, true, now);
    done += Number(d.vdi.record.virtual_size);
    reportProgress(done / total);
  }
  pool.addToSet(vm, 'snapshots', snap.ref);
  refreshAllowedOperations(pool, snap);
  return snap.ref;
}

export function registerSnapshots(define: Define): void {
  define('VM.snapshot', {
    arity: 3,
    write: true,
    run: (_ctx, pool, [, ref, name]) => {
      const vm = objOf(pool, 'VM', ref);
      return withVmOperation(pool, vm, 'snapshot', () => snapshotOf(pool, vm, str(name), false));
    },
  });

  define('VM.snapshot_with_quiesce', {
    arity: 3,
    write: true,
    run: (_ctx, pool, [, ref, name]) => {
      const vm = objOf(pool, 'VM', ref);
      return withVmOperation(pool, vm, 'snapshot_with_quiesce', () => snapshotOf(pool, vm, str(name), true));
    },
  });

  define('VM.revert', {
    arity: 2,
    write: true,
    run: (_ctx, pool, [, ref]) => {
      const snap = objOf(pool, 'VM', ref);
      return withVmOperation(pool, snap, 'revert', () => {
        const vm = pool.getOf('VM', snap.record.snapshot_of as string);
        if (!vm) throw refusal(['VM_REVERT_FAILED', snap.ref, str(snap.record.snapshot_of)]);
        const busy = Object.keys(vm.record.current_operations as Record<string, string>).length > 0 ? operationError(pool, vm, 'hard_shutdown') : undefined;
        if (busy) throw refusal(busy);
        // xapi marks the VM `reverting` meanwhile; it is not cancellable.
        const key = 'OpaqueRef:' + pool.newUuid();
        pool.update(vm, { current_operations: { ...(vm.record.current_operations as Record<string, string>), [key]: 'reverting' } });
        try {
          pool.update(vm, Object.fromEntries(CONFIG_FIELDS.filter((f) => f !== 'guest_metrics').map((f) => [f, snap.record[f]])));
          reportProgress(0.1);
          if (vm.record.power_state !== 'Halted') haltVm(pool, vm);
          // The VM's disks go (the snapshots' own VDIs stay: they belong to the snapshots).
          for (const d of disksOf(pool, vm)) {
            dropVbd(pool, d.vbd);
            if ((d.vdi.record.VBDs as string[]).length === 0) removeVdi(pool, d.vdi);
          }
          reportProgress(0.2);
          const now = new Date();
          for (const d of disksOf(pool, snap)) copyDisk(pool, d, vm, false, now);
          reportProgress(0.8);
          pool.update(vm, { parent: snap.ref });
        } finally {
          const { [key]: _done, ...rest } = vm.record.current_operations as Record<string, string>;
          pool.update(vm, { current_operations: rest });
          refreshAllowedOperations(pool, vm);
        }
        return '';
      });
    },
  });

  define('VM.destroy', {
    arity: 2,
    write: true,
    run: (_ctx, pool, [, ref]) => {
      const vm = objOf(pool, 'VM', ref);
      return withVmOperation(pool, vm, 'destroy', () => {
        // The record, its VBDs and its place in its parent's lists go; the VDIs stay (xapi_vm.ml destroy).
        for (const vbdRef of [...(vm.record.VBDs as string[])]) {
          const vbd = pool.getOf('VBD', vbdRef);
          if (vbd) dropVbd(pool, vbd);
        }
        const of = pool.getOf('VM', vm.record.snapshot_of as string);
        if (of) pool.removeFromSet(of, 'snapshots', vm.ref);
        for (const child of vm.record.snapshots as string[]) {
          const s = pool.getOf('VM', child);
          if (s) pool.update(s, { snapshot_of: NULL_REF });
        }
        pool.destroy(vm);
        return '';
      });
    },
  });
}
