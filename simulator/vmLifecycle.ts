// A VM's power and place, as xapi changes them: start / start_on, clean and hard shutdown and reboot,
// suspend and resume, live migration within the pool (`VM.pool_migrate`, taking time in proportion to
// the VM's memory, cancellable while memory is copied), `assert_can_boot_here` and the dynamic memory
// range. Checks and error codes come from vmOperations.ts (xapi_vm_lifecycle.ml's order); sources in
// /work/shared/notes/xapi-operations.md §4, §5, §7.

import type { CallContext, MethodDef } from './api';
import { NULL_REF } from './schema';
import type { PoolState, SimState, XObject } from './state';
import { cancelAsked, reportProgress, setCancellable } from './tasks';
import { addVdi, removeVdi } from './vdis';
import {
  bootError, hostFreeMemory, hostLive, memoryNeeded, missingSr, placeVm, refreshAllowedOperations, refreshHostMemory, refusal,
  reserve, withVmOperation, type Refusal,
} from './vmOperations';
import type { XValue } from './xmlrpc-wire';

export type Define = (name: string, def: MethodDef) => void;

const GiB = 1024 ** 3;

// ---- helpers ---------------------------------------------------------------------------------------

function str(v: XValue): string {
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean' ? String(v) : '';
}
export function num(v: XValue): number {
  return Number(typeof v === 'object' && v !== null && 'value' in v ? (v as { value: number }).value : v);
}
export function objOf(pool: PoolState, cls: 'VM' | 'host' | 'SR' | 'VDI', ref: XValue): XObject {
  const o = typeof ref === 'string' ? pool.getOf(cls, ref) : undefined;
  if (!o) throw refusal(['HANDLE_INVALID', cls, str(ref)]);
  return o;
}
function check(r: Refusal | undefined): void {
  if (r) throw refusal(r);
}
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

let domids = 1000;

function setVbdsAttached(pool: PoolState, vm: XObject, attached: boolean): void {
  for (const ref of vm.record.VBDs as string[]) {
    const vbd = pool.getOf('VBD', ref);
    if (vbd && vbd.record.empty !== true && vbd.record.currently_attached !== attached) pool.update(vbd, { currently_attached: attached });
  }
}

/** The host that runs the VM must answer to stop or move it. */
function residentHostAnswers(ctx: CallContext, pool: PoolState, vm: XObject): XObject | undefined {
  const host = pool.getOf('host', vm.record.resident_on as string);
  if (host && ctx.sim.isDown(host.record.address as string)) throw refusal(['HOST_OFFLINE', host.ref]);
  return host;
}

/** The domain is gone: Halted, off its host, disks detached, memory given back. */
export function haltVm(pool: PoolState, vm: XObject): void {
  setVbdsAttached(pool, vm, false);
  const suspend = pool.getOf('VDI', vm.record.suspend_VDI as string);
  if (suspend) removeVdi(pool, suspend);
  placeVm(pool, vm, undefined, { power_state: 'Halted', domid: -1, memory_target: 0, suspend_VDI: NULL_REF });
  refreshAllowedOperations(pool, vm);
}

/** The domain built on `host`: Running (or Paused), disks attached, its memory taken there. */
function bootOn(pool: PoolState, vm: XObject, host: XObject, paused: boolean): void {
  setVbdsAttached(pool, vm, true);
  const suspend = pool.getOf('VDI', vm.record.suspend_VDI as string);
  if (suspend) removeVdi(pool, suspend);
  placeVm(pool, vm, host, { power_state: paused ? 'Paused' : 'Running', domid: domids++, memory_target: memoryNeeded(vm), suspend_VDI: NULL_REF });
  refreshAllowedOperations(pool, vm);
}

/** choose_host_for_vm: the VM's affinity host if it can boot there, else the first host that can; NO_HOSTS_AVAILABLE if none. */
function chooseHost(sim: SimState, pool: PoolState, vm: XObject): XObject {
  const hosts = [...pool.all('host')];
  const affinity = pool.getOf('host', vm.record.affinity as string);
  const order = affinity ? [affinity, ...hosts.filter((h) => h !== affinity)] : hosts;
  const host = order.find((h) => !bootError(sim, pool, vm, h));
  if (!host) throw refusal(['NO_HOSTS_AVAILABLE']);
  return host;
}

// ---- migration speed (the control API's knob) --------------------------------------------------------

const speeds = new WeakMap<SimState, number>();
/** Default: 2 GiB of guest memory copied per second. */
const DEFAULT_BYTES_PER_SECOND = 2 * GiB;

/** How fast live migration copies memory, bytes per second (`POST /control/migration`). */
export function setMigrationSpeed(sim: SimState, bytesPerSecond: number): void {
  speeds.set(sim, bytesPerSecond);
}
function migrationMs(sim: SimState, vm: XObject): number {
  const speed = speeds.get(sim) ?? DEFAULT_BYTES_PER_SECOND;
  return Math.min(3_600_000, (memoryNeeded(vm) / speed) * 1000);
}

/**
 * VM.pool_migrate's work after the checks: destination memory reserved, memory copied (progress up to
 * 0.95, cancellable meanwhile: TASK_CANCELLED), then the VM resident on `dest` with a new domid.
 * Shared with host.evacuate, which reports its own progress (`onProgress`).
 */
export async function migrate(sim: SimState, pool: PoolState, vm: XObject, dest: XObject, onProgress: (f: number) => void = reportProgress, cancellable = true): Promise<void> {
  const release = dest.ref === vm.record.resident_on ? () => undefined : reserve(pool, dest.ref, memoryNeeded(vm));
  try {
    const total = migrationMs(sim, vm);
    const start = Date.now();
    if (cancellable) setCancellable(true);
    const tick = Math.max(20, Math.min(250, total / 20));
    while (Date.now() - start < total) {
      await sleep(Math.min(tick, total - (Date.now() - start)));
      if (cancellable && cancelAsked()) throw refusal(['TASK_CANCELLED', 'OpaqueRef:NULL']);
      onProgress(0.95 * Math.min(1, (Date.now() - start) / total));
    }
    if (cancellable) setCancellable(false);
    if (!pool.getOf('VM', vm.ref)) throw refusal(['HANDLE_INVALID', 'VM', vm.ref]);
    const source = pool.getOf('host', vm.record.resident_on as string);
    if (!hostLive(sim, pool, dest)) throw refusal(['VM_MIGRATE_FAILED', vm.ref, source?.ref ?? NULL_REF, dest.ref, 'the destination host stopped answering']);
    release();
    placeVm(pool, vm, dest, { domid: domids++ });
  } finally {
    release();
  }
}

// ---- the calls -------------------------------------------------------------------------------------

export function registerVmLifecycle(define: Define): void {
  // Start and resume boot the VM alike (on a host the pool picks, or on the one named); only the
  // operation XAPI checks and records differs.
  for (const op of ['start', 'resume'] as const) {
    define(`VM.${op}`, {
      arity: 4,
      write: true,
      run: (ctx, pool, [, ref, paused]) => {
        const vm = objOf(pool, 'VM', ref);
        return withVmOperation(pool, vm, op, () => {
          bootOn(pool, vm, chooseHost(ctx.sim, pool, vm), paused === true);
          return '';
        });
      },
    });
    define(`VM.${op}_on`, {
      arity: 5,
      write: true,
      run: (ctx, pool, [, ref, hostRef, paused]) => {
        const vm = objOf(pool, 'VM', ref);
        const host = objOf(pool, 'host', hostRef);
        return withVmOperation(pool, vm, `${op}_on`, () => {
          check(bootError(ctx.sim, pool, vm, host));
          bootOn(pool, vm, host, paused === true);
          return '';
        });
      },
    });
  }

  define('VM.assert_can_boot_here', {
    arity: 3,
    run: (ctx, pool, [, ref, hostRef]) => {
      check(bootError(ctx.sim, pool, objOf(pool, 'VM', ref), objOf(pool, 'host', hostRef)));
      return '';
    },
  });

  for (const op of ['clean_shutdown', 'hard_shutdown'] as const) {
    define(`VM.${op}`, {
      arity: 2,
      write: true,
      run: (ctx, pool, [, ref]) => {
        const vm = objOf(pool, 'VM', ref);
        return withVmOperation(pool, vm, op, () => {
          if (vm.record.power_state !== 'Suspended') residentHostAnswers(ctx, pool, vm);
          haltVm(pool, vm);
          return '';
        });
      },
    });
  }

  for (const op of ['clean_reboot', 'hard_reboot'] as const) {
    define(`VM.${op}`, {
      arity: 2,
      write: true,
      run: (ctx, pool, [, ref]) => {
        const vm = objOf(pool, 'VM', ref);
        return withVmOperation(pool, vm, op, () => {
          residentHostAnswers(ctx, pool, vm);
          // The domain is destroyed and built again on the same host; power_state stays Running (CA-13585).
          pool.update(vm, { domid: domids++, power_state: 'Running' });
          return '';
        });
      },
    });
  }

  define('VM.suspend', {
    arity: 2,
    write: true,
    run: (ctx, pool, [, ref]) => {
      const vm = objOf(pool, 'VM', ref);
      return withVmOperation(pool, vm, 'suspend', () => {
        const host = residentHostAnswers(ctx, pool, vm);
        const p = pool.poolObject();
        const srRef = [vm.record.suspend_SR, p.record.suspend_image_SR, host?.record.suspend_image_sr].find((r) => typeof r === 'string' && r !== NULL_REF && pool.getOf('SR', r));
        if (!srRef) throw refusal(['VM_NO_SUSPEND_SR', vm.ref]);
        const image = addVdi(pool, pool.getOf('SR', srRef as string)!, { name_label: `Suspend image for ${str(vm.record.name_label)}`, virtual_size: memoryNeeded(vm), format: 'vhd' });
        pool.update(image, { type: 'suspend' });
        setVbdsAttached(pool, vm, false);
        placeVm(pool, vm, undefined, { power_state: 'Suspended', domid: -1, memory_target: 0, suspend_VDI: image.ref });
        refreshAllowedOperations(pool, vm);
        return '';
      });
    },
  });

  define('VM.pool_migrate', {
    arity: 4,
    write: true,
    run: (ctx, pool, [, ref, hostRef]) => {
      const vm = objOf(pool, 'VM', ref);
      const dest = objOf(pool, 'host', hostRef);
      // The master checks storage first, even for a VM that is not running (message_forwarding.ml).
      check(missingSr(pool, vm, dest));
      return withVmOperation(pool, vm, 'pool_migrate', async () => {
        residentHostAnswers(ctx, pool, vm);
        // Migrating to the host it runs on is allowed ("localhost migration"): no memory is needed there.
        check(bootError(ctx.sim, pool, vm, dest, dest.ref !== vm.record.resident_on));
        await migrate(ctx.sim, pool, vm, dest);
        return '';
      });
    },
  });

  define('VM.set_memory_dynamic_range', {
    arity: 4,
    write: true,
    run: (_ctx, pool, [, ref, minValue, maxValue]) => {
      const vm = objOf(pool, 'VM', ref);
      const [min, max] = [num(minValue), num(maxValue)];
      return withVmOperation(pool, vm, 'changing_dynamic_range', () => {
        const sMin = Number(vm.record.memory_static_min);
        const sMax = Number(vm.record.memory_static_max);
        if (![min, max].every(Number.isSafeInteger) || !(sMin <= min && min <= max && max <= sMax)) {
          throw refusal(['MEMORY_CONSTRAINT_VIOLATION', 'Memory limits must satisfy: static_min ≤ dynamic_min ≤ dynamic_max ≤ static_max']);
        }
        if (vm.record.power_state === 'Running') {
          // A larger minimum must fit on the host now (the increase and what is free, in KiB as xapi says).
          const host = pool.getOf('host', vm.record.resident_on as string);
          const target = Number(vm.record.memory_target);
          const increase = Math.max(0, min - target);
          const available = host ? hostFreeMemory(pool, host) : 0;
          if (increase > available) throw refusal(['HOST_NOT_ENOUGH_FREE_MEMORY', String(Math.ceil(increase / 1024)), String(Math.floor(available / 1024))]);
          // The balloon driver gets the new range; its target is the most the range and the host allow.
          const newTarget = Math.max(min, Math.min(max, target + available));
          pool.update(vm, { memory_dynamic_min: min, memory_dynamic_max: max, memory_target: newTarget });
          refreshHostMemory(pool, host);
        } else {
          pool.update(vm, { memory_dynamic_min: min, memory_dynamic_max: max });
        }
        return '';
      });
    },
  });
}

