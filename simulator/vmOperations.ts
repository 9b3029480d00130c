// What xapi checks before it touches a VM, in one place for the lifecycle, snapshot and evacuation
// calls: which operations a VM allows in which power state (xapi_vm_lifecycle.ml), the order of the
// checks and their error codes, `allowed_operations` / `current_operations` kept current around every
// operation, whether a host can run a VM (xapi_vm_helpers.ml assert_can_boot_here) and each host's
// memory account. Facts and sources: /work/shared/notes/xapi-operations.md §4-§8.
//
// Simplifications, said once: a VM needs its `memory_dynamic_max` (running VMs hold `memory_target`)
// plus nothing for overhead; networks and CPU compatibility are not checked; a conflicting operation
// waits for the other to end (as xapi's master retries) for up to a minute.

import { XapiFailure } from './failure';
import { NULL_REF } from './schema';
import type { PoolState, SimState, XObject } from './state';
import { runningTaskRef } from './tasks';

/** A failure as xapi raises it: the code, then its parameters. */
export type Refusal = string[];

/** Operations and the power states that allow them (xapi_vm_lifecycle.ml allowed_power_states). */
const POWER_STATES: Record<string, readonly string[]> = {
  start: ['Halted'], start_on: ['Halted'], make_into_template: ['Halted'], provision: ['Halted'],
  changing_static_range: ['Halted'], changing_memory_limits: ['Halted'], changing_VCPUs: ['Halted'], changing_shadow_memory: ['Halted'],
  unpause: ['Paused'],
  resume: ['Suspended'], resume_on: ['Suspended'],
  pause: ['Running'], clean_shutdown: ['Running'], clean_reboot: ['Running'], suspend: ['Running'], pool_migrate: ['Running'],
  snapshot_with_quiesce: ['Running'], changing_VCPUs_live: ['Running'],
  hard_reboot: ['Paused', 'Running'],
  hard_shutdown: ['Paused', 'Suspended', 'Running'], checkpoint: ['Paused', 'Suspended', 'Running'],
  changing_dynamic_range: ['Halted', 'Running'],
  destroy: ['Halted', 'Suspended'], export: ['Halted', 'Suspended'],
  clone: ['Halted'], copy: ['Halted'],
  snapshot: ['Halted', 'Paused', 'Suspended', 'Running'], revert: ['Halted', 'Paused', 'Suspended', 'Running'],
};

/** The order in which update_allowed_operations tests them (each passing one is prepended). */
const ALLOWED_ORDER = [
  'snapshot', 'copy', 'clone', 'revert', 'checkpoint', 'snapshot_with_quiesce', 'start', 'start_on', 'pause', 'unpause',
  'clean_shutdown', 'clean_reboot', 'hard_shutdown', 'hard_reboot', 'suspend', 'resume', 'resume_on', 'export', 'destroy',
  'provision', 'changing_VCPUs_live', 'pool_migrate', 'make_into_template', 'changing_static_range', 'changing_shadow_memory',
  'changing_dynamic_range',
];

const TEMPLATE_OPS = new Set(['changing_dynamic_range', 'changing_static_range', 'changing_memory_limits', 'changing_shadow_memory', 'changing_VCPUs', 'clone', 'copy', 'export', 'metadata_export', 'provision', 'destroy']);
const SNAPSHOT_OPS = new Set(['revert', 'clone', 'copy', 'export', 'destroy', 'hard_shutdown', 'metadata_export']);
const NEEDS_PV_DRIVERS = new Set(['suspend', 'checkpoint', 'pool_migrate', 'clean_shutdown', 'clean_reboot', 'changing_VCPUs_live']);
/** Operations that may run together (xapi's compatible sets). */
const COMPATIBLE = [new Set(['clone', 'copy', 'export']), new Set(['snapshot', 'checkpoint'])];

function ops(vm: XObject): string[] {
  return Object.values(vm.record.current_operations as Record<string, string>);
}

/** An HVM guest (no PV kernel) whose guest agent reports no PV drivers. */
export function lacksPvDrivers(pool: PoolState, vm: XObject): boolean {
  if (vm.record.HVM_boot_policy === '') return false;
  const gm = pool.getOf('VM_guest_metrics', vm.record.guest_metrics as string);
  return !gm || Object.keys(gm.record.PV_drivers_version as Record<string, string>).length === 0;
}

/** xapi's check_operation_error: the first reason `op` is not allowed now, in xapi's order; undefined if it is. */
export function operationError(pool: PoolState, vm: XObject, op: string, ignoreCurrent = false): Refusal | undefined {
  const blocked = (vm.record.blocked_operations as Record<string, string>)[op];
  if (blocked !== undefined) return ['OPERATION_BLOCKED', vm.ref, blocked];
  const state = vm.record.power_state as string;
  const allowed = POWER_STATES[op] ?? [];
  if (!allowed.includes(state)) return ['VM_BAD_POWER_STATE', vm.ref, allowed.map((s) => s.toLowerCase()).join(', '), state.toLowerCase()];
  const current = ops(vm);
  if (!ignoreCurrent && current.length > 0 && !current.every((c) => COMPATIBLE.some((set) => set.has(c) && set.has(op)))) {
    return ['OTHER_OPERATION_IN_PROGRESS', `VM.${current.length === 1 ? current[0] : `{${current.join(',')}}`}`, vm.ref];
  }
  if (vm.record.is_a_template && !vm.record.is_a_snapshot && !TEMPLATE_OPS.has(op)) return ['VM_IS_TEMPLATE', vm.ref, op];
  if (vm.record.is_a_snapshot && !SNAPSHOT_OPS.has(op)) return ['VM_IS_SNAPSHOT', vm.ref, op];
  if (op === 'provision' && !vm.record.is_a_template) return ['PROVISION_ONLY_ALLOWED_ON_TEMPLATE'];
  if (op === 'revert' && !vm.record.is_a_snapshot) return ['REVERT_ONLY_ALLOWED_ON_SNAPSHOT'];
  if (vm.record.is_control_domain && op !== 'changing_dynamic_range') return ['OPERATION_NOT_ALLOWED', 'Operations on domain 0 are not allowed'];
  if (state === 'Running' && NEEDS_PV_DRIVERS.has(op) && lacksPvDrivers(pool, vm)) return ['VM_MISSING_PV_DRIVERS', vm.ref];
  if (op === 'snapshot_with_quiesce') {
    const gm = pool.getOf('VM_guest_metrics', vm.record.guest_metrics as string);
    const other = (gm?.record.other ?? {}) as Record<string, string>;
    if (!('feature-quiesce' in other) && !('feature-snapshot' in other)) return ['VM_SNAPSHOT_WITH_QUIESCE_NOT_SUPPORTED', vm.ref];
  }
  return undefined;
}

/** update_allowed_operations: every passing operation, prepended in xapi's order. */
export function refreshAllowedOperations(pool: PoolState, vm: XObject): void {
  if (!pool.getOf('VM', vm.ref)) return;
  const allowed: string[] = [];
  for (const op of ALLOWED_ORDER) if (!operationError(pool, vm, op)) allowed.unshift(op);
  const before = vm.record.allowed_operations as string[];
  if (before.length !== allowed.length || before.some((o, i) => o !== allowed[i])) pool.update(vm, { allowed_operations: allowed });
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const WAIT_FOR_OTHER_MS = 60_000;

/**
 * with_vm_operation: the checks, then `current_operations[task] = op` for the work's duration, with
 * `allowed_operations` recomputed before and after. A conflicting operation is waited out (xapi's
 * master retries), then the checks run again.
 */
export async function withVmOperation<T>(pool: PoolState, vm: XObject, op: string, work: () => T | Promise<T>): Promise<T> {
  const start = Date.now();
  for (;;) {
    const err = operationError(pool, vm, op);
    if (!err) break;
    if (err[0] !== 'OTHER_OPERATION_IN_PROGRESS' || Date.now() - start > WAIT_FOR_OTHER_MS) throw refusal(err);
    await sleep(100);
  }
  const key = runningTaskRef(pool);
  pool.update(vm, { current_operations: { ...(vm.record.current_operations as Record<string, string>), [key]: op } });
  refreshAllowedOperations(pool, vm);
  try {
    return await work();
  } finally {
    if (pool.getOf('VM', vm.ref)) {
      const { [key]: _done, ...rest } = vm.record.current_operations as Record<string, string>;
      pool.update(vm, { current_operations: rest });
      refreshAllowedOperations(pool, vm);
    }
  }
}

/** The XAPI failure `r`, to throw. */
export function refusal(r: Refusal): XapiFailure {
  return new XapiFailure(r);
}

// ---- hosts: liveness, enabled, memory ----------------------------------------------------------------

export function hostLive(sim: SimState, pool: PoolState, host: XObject): boolean {
  return pool.getOf('host_metrics', host.record.metrics as string)?.record.live === true && !sim.isDown(host.record.address as string);
}

/** Memory a running VM holds (its balloon target; the control domain's too). */
function footprint(vm: XObject): number {
  return Number(vm.record.memory_target) || Number(vm.record.memory_dynamic_max) || 0;
}

/** Memory held for VMs on their way to a host (a migration or start in progress), per host ref. */
const reservations = new WeakMap<PoolState, Map<string, number>>();
function reservedOn(pool: PoolState, host: string): number {
  return reservations.get(pool)?.get(host) ?? 0;
}
export function reserve(pool: PoolState, host: string, bytes: number): () => void {
  let m = reservations.get(pool);
  if (!m) reservations.set(pool, (m = new Map()));
  m.set(host, (m.get(host) ?? 0) + bytes);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    m!.set(host, (m!.get(host) ?? 0) - bytes);
  };
}

/** The host's free memory: total, less its own overhead, its resident VMs and reservations. */
export function hostFreeMemory(pool: PoolState, host: XObject): number {
  const metrics = pool.getOf('host_metrics', host.record.metrics as string);
  const total = Number(metrics?.record.memory_total ?? 0);
  let used = Number(host.record.memory_overhead) || 0;
  for (const ref of host.record.resident_VMs as string[]) {
    const vm = pool.getOf('VM', ref);
    if (vm) used += footprint(vm);
  }
  return Math.max(0, total - used - reservedOn(pool, host.ref));
}

/** host_metrics.memory_free brought up to date after VMs came or went. */
export function refreshHostMemory(pool: PoolState, host: XObject | undefined): void {
  if (!host) return;
  const metrics = pool.getOf('host_metrics', host.record.metrics as string);
  if (!metrics) return;
  const free = hostFreeMemory(pool, host) + reservedOn(pool, host.ref);
  if (metrics.record.memory_free !== free) pool.update(metrics, { memory_free: free });
}

/** What a VM needs to start (or arrive) on a host. */
export function memoryNeeded(vm: XObject): number {
  return Number(vm.record.memory_dynamic_max) || 0;
}

/** The SRs of the VM's disks (and of its suspend image), which the host must see. */
export function srsOf(pool: PoolState, vm: XObject): string[] {
  const srs = new Set<string>();
  for (const ref of vm.record.VBDs as string[]) {
    const vbd = pool.getOf('VBD', ref);
    if (!vbd || vbd.record.empty === true) continue;
    const sr = pool.getOf('VDI', vbd.record.VDI as string)?.record.SR as string | undefined;
    if (sr) srs.add(sr);
  }
  const suspend = pool.getOf('VDI', vm.record.suspend_VDI as string);
  if (suspend) srs.add(suspend.record.SR as string);
  return [...srs];
}

export function hostSeesSr(pool: PoolState, host: XObject, sr: string): boolean {
  return (host.record.PBDs as string[]).some((p) => {
    const pbd = pool.getOf('PBD', p);
    return pbd?.record.SR === sr && pbd.record.currently_attached === true;
  });
}

/** The first SR of the VM's the host does not see (VM_REQUIRES_SR), or undefined. */
export function missingSr(pool: PoolState, vm: XObject, host: XObject): Refusal | undefined {
  const sr = srsOf(pool, vm).find((s) => !hostSeesSr(pool, host, s));
  return sr ? ['VM_REQUIRES_SR', vm.ref, sr] : undefined;
}

/** assert_can_boot_here, 1.x order: live, enabled, storage, then (optionally) memory. */
export function bootError(sim: SimState, pool: PoolState, vm: XObject, host: XObject, checkMemory = true): Refusal | undefined {
  if (!hostLive(sim, pool, host)) return ['HOST_NOT_LIVE'];
  if (host.record.enabled !== true) return ['HOST_DISABLED', host.ref];
  const sr = missingSr(pool, vm, host);
  if (sr) return sr;
  if (checkMemory) {
    const needed = memoryNeeded(vm);
    const available = hostFreeMemory(pool, host);
    if (needed > available) return ['HOST_NOT_ENOUGH_FREE_MEMORY', String(needed), String(available)];
  }
  return undefined;
}

/** A running VM placed on a host (or taken off one): resident_on, the host's resident_VMs and memory. */
export function placeVm(pool: PoolState, vm: XObject, host: XObject | undefined, fields: Record<string, unknown>): void {
  const old = pool.getOf('host', vm.record.resident_on as string);
  if (old && old !== host) pool.removeFromSet(old, 'resident_VMs', vm.ref);
  if (host && old !== host) pool.addToSet(host, 'resident_VMs', vm.ref);
  pool.update(vm, { ...(fields as Record<string, never>), resident_on: host ? host.ref : NULL_REF });
  refreshHostMemory(pool, old);
  if (host !== old) refreshHostMemory(pool, host);
}

/** Every VM's allowed_operations computed once (the fleet generator leaves them empty). */
export function initAllowedOperations(pool: PoolState): void {
  for (const vm of [...pool.all('VM')]) refreshAllowedOperations(pool, vm);
}
