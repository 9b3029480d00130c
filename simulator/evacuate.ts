// A host's maintenance, as xapi does it: `host.disable`/`enable` (a disabled host takes no new VMs:
// HOST_DISABLED), `host.get_vms_which_prevent_evacuation` (the evacuation plan's problems, VM by VM),
// `host.assert_can_evacuate`, `host.evacuate` (the plan's first problem raised before anything moves,
// else each VM live-migrated in turn, progress 1/N per VM) and `host.reboot`/`shutdown` (only a disabled
// host with no running guest: HOST_NOT_DISABLED, HOST_IN_USE — xapi_host.ml assert_bacon_mode).
// Sources: /work/shared/notes/xapi-operations.md §8.
//
// A rebooted host is down for `rebootMs` (control API knob `POST /control/host/reboot-time`), then comes
// back live and enabled; a host shut down stays down until `POST /control/host/up`.

import type { PoolState, SimState, XObject } from './state';
import { reportProgress } from './tasks';
import { migrate, objOf, type Define } from './vmLifecycle';
import { bootError, hostFreeMemory, hostLive, lacksPvDrivers, memoryNeeded, refusal, withVmOperation } from './vmOperations';

const rebootTimes = new WeakMap<SimState, number>();
/** How long a simulated host reboot keeps the host down (default 3 s). */
export function setRebootTime(sim: SimState, ms: number): void {
  rebootTimes.set(sim, ms);
}

/** The guests that run (or are paused) on the host. */
function guestsOn(pool: PoolState, host: XObject): XObject[] {
  return (host.record.resident_VMs as string[])
    .map((r) => pool.getOf('VM', r))
    .filter((v): v is XObject => !!v && v.record.is_control_domain !== true && (v.record.power_state === 'Running' || v.record.power_state === 'Paused'));
}

interface EvacuationPlan {
  /** Where each VM goes. */
  moves: { vm: XObject; to: XObject }[];
  /** VM ref → [code, params…] for the VMs that cannot move. */
  problems: Map<string, string[]>;
}

/**
 * xapi_host.ml compute_evacuation_plan (1.x): targets are the other enabled live hosts; a VM that needs
 * PV drivers and has none, or that no target can run (storage), is a problem with that error; the rest
 * are packed largest first onto the target with the most free memory, and what does not fit is
 * HOST_NOT_ENOUGH_FREE_MEMORY.
 */
function evacuationPlan(sim: SimState, pool: PoolState, host: XObject): EvacuationPlan {
  const targets = [...pool.all('host')].filter((h) => h !== host && h.record.enabled === true && hostLive(sim, pool, h));
  const problems = new Map<string, string[]>();
  const moves: EvacuationPlan['moves'] = [];
  const guests = guestsOn(pool, host);
  if (targets.length === 0) {
    for (const vm of guests) problems.set(vm.ref, ['NO_HOSTS_AVAILABLE', vm.ref]);
    return { moves, problems };
  }
  const free = new Map(targets.map((t) => [t.ref, hostFreeMemory(pool, t)]));
  const candidates: { vm: XObject; can: XObject[] }[] = [];
  for (const vm of guests) {
    if (lacksPvDrivers(pool, vm)) {
      problems.set(vm.ref, ['VM_MISSING_PV_DRIVERS', vm.ref]);
      continue;
    }
    const errors = targets.map((t) => bootError(sim, pool, vm, t, false));
    const can = targets.filter((_t, i) => !errors[i]);
    if (can.length === 0) problems.set(vm.ref, errors.find((e) => e) ?? ['NO_HOSTS_AVAILABLE', vm.ref]);
    else candidates.push({ vm, can });
  }
  candidates.sort((a, b) => memoryNeeded(b.vm) - memoryNeeded(a.vm));
  for (const { vm, can } of candidates) {
    const need = memoryNeeded(vm);
    const to = can.filter((t) => free.get(t.ref)! >= need).sort((a, b) => free.get(b.ref)! - free.get(a.ref)!)[0];
    if (!to) {
      problems.set(vm.ref, ['HOST_NOT_ENOUGH_FREE_MEMORY', vm.ref]);
      continue;
    }
    free.set(to.ref, free.get(to.ref)! - need);
    moves.push({ vm, to });
  }
  return { moves, problems };
}

/** A host operation recorded in its current_operations while it runs (a second one: OTHER_OPERATION_IN_PROGRESS). */
async function withHostOperation<T>(pool: PoolState, host: XObject, op: string, work: () => Promise<T> | T): Promise<T> {
  const current = Object.values(host.record.current_operations as Record<string, string>);
  if (current.length > 0) throw refusal(['OTHER_OPERATION_IN_PROGRESS', 'host', host.ref, current[0]]);
  const key = 'OpaqueRef:' + pool.newUuid();
  pool.update(host, { current_operations: { [key]: op } });
  try {
    return await work();
  } finally {
    if (pool.getOf('host', host.ref)) pool.update(host, { current_operations: {} });
  }
}

function setLive(pool: PoolState, host: XObject, live: boolean): void {
  const metrics = pool.getOf('host_metrics', host.record.metrics as string);
  if (metrics && metrics.record.live !== live) pool.update(metrics, { live, last_updated: new Date() });
}

/** assert_bacon_mode: disabled, and no guest running there. */
function assertBaconMode(pool: PoolState, host: XObject): void {
  if (host.record.enabled === true) throw refusal(['HOST_NOT_DISABLED']);
  const running = (host.record.resident_VMs as string[]).map((r) => pool.getOf('VM', r)).find((v) => v && !v.record.is_control_domain && v.record.power_state === 'Running');
  if (running) throw refusal(['HOST_IN_USE', host.ref, 'vm', running.ref]);
}

export function registerEvacuate(define: Define): void {
  define('host.disable', {
    arity: 2,
    write: true,
    run: (ctx, pool, [, ref]) => {
      const host = objOf(pool, 'host', ref);
      if (ctx.sim.isDown(host.record.address as string)) throw refusal(['HOST_OFFLINE', host.ref]);
      if (host.record.enabled !== false) pool.update(host, { enabled: false });
      return '';
    },
  });

  define('host.enable', {
    arity: 2,
    write: true,
    run: (ctx, pool, [, ref]) => {
      const host = objOf(pool, 'host', ref);
      if (ctx.sim.isDown(host.record.address as string)) throw refusal(['HOST_OFFLINE', host.ref]);
      if (host.record.enabled !== true) pool.update(host, { enabled: true });
      return '';
    },
  });

  // XenCenter marks a host in maintenance in its other_config (MAINTENANCE_MODE=true).
  define('host.add_to_other_config', {
    arity: 4,
    write: true,
    run: (_ctx, pool, [, ref, key, value]) => {
      const host = objOf(pool, 'host', ref);
      const map = host.record.other_config as Record<string, string>;
      if (typeof key !== 'string' || typeof value !== 'string') throw refusal(['FIELD_TYPE_ERROR', 'other_config']);
      if (key in map) throw refusal(['MAP_DUPLICATE_KEY', 'host', 'other_config', host.ref, key]);
      pool.update(host, { other_config: { ...map, [key]: value } });
      return '';
    },
  });

  define('host.remove_from_other_config', {
    arity: 3,
    write: true,
    run: (_ctx, pool, [, ref, key]) => {
      const host = objOf(pool, 'host', ref);
      const { [String(key)]: _gone, ...rest } = host.record.other_config as Record<string, string>;
      pool.update(host, { other_config: rest });
      return '';
    },
  });

  define('host.get_vms_which_prevent_evacuation', {
    arity: 2,
    run: (ctx, pool, [, ref]) => Object.fromEntries(evacuationPlan(ctx.sim, pool, objOf(pool, 'host', ref)).problems),
  });

  define('host.assert_can_evacuate', {
    arity: 2,
    run: (ctx, pool, [, ref]) => {
      const { problems } = evacuationPlan(ctx.sim, pool, objOf(pool, 'host', ref));
      if (problems.size > 0) throw refusal(['CANNOT_EVACUATE_HOST', [...problems.values()].map((p) => p.join(',')).join('|')]);
      return '';
    },
  });

  define('host.evacuate', {
    arity: 2,
    write: true,
    run: (ctx, pool, [, ref]) => {
      const host = objOf(pool, 'host', ref);
      return withHostOperation(pool, host, 'evacuate', async () => {
        const plan = evacuationPlan(ctx.sim, pool, host);
        const first = [...plan.problems.values()][0];
        if (first) throw refusal(first);
        const n = plan.moves.length;
        for (let i = 0; i < n; i++) {
          const { vm, to } = plan.moves[i];
          // Each VM as VM.pool_migrate would move it; its own progress is a share of the whole.
          await withVmOperation(pool, vm, 'pool_migrate', () => migrate(ctx.sim, pool, vm, to, (f) => reportProgress((i + f) / n), false));
          reportProgress((i + 1) / n);
        }
        return '';
      });
    },
  });

  for (const op of ['reboot', 'shutdown'] as const) {
    define(`host.${op}`, {
      arity: 2,
      write: true,
      run: (ctx, pool, [, ref]) => {
        const host = objOf(pool, 'host', ref);
        assertBaconMode(pool, host);
        if (host.ref === pool.masterRef()) throw refusal(['INTERNAL_ERROR', `the simulator does not ${op} a pool master; hand the master role over first`]);
        const address = host.record.address as string;
        ctx.sim.down.set(address, 'reset');
        setLive(pool, host, false);
        if (op === 'reboot') {
          setTimeout(() => {
            ctx.sim.down.delete(address);
            if (!pool.getOf('host', host.ref)) return;
            setLive(pool, host, true);
            // xapi comes up with the host enabled.
            pool.update(host, { enabled: true });
          }, rebootTimes.get(ctx.sim) ?? 3_000).unref?.();
        }
        return '';
      },
    });
  }
}
