// XAPI method dispatch, shared by both transports: (host the request reached, method, params) → value
// or an XAPI failure. Checks happen in xapi's order: method known, parameter count, session, then refs.

import { CLASSES, ClassName, NAME_LABEL_LOOKUP, NULL_REF, classFromLower, fieldsOf } from './schema';

import { HostPlace, PoolState, Session, SimState, XObject } from './state';
import { addVdi as addVdiTo, removeVdi as removeVdiFrom } from './vdis';
import { createPbd, createVbd, destroyPbd, destroyPbdRecord, destroyVbd, forgetSr, introduceSr, rediscoverVolumes, unplugPbd } from './srLifecycle';
import { asyncNames, asyncTarget, hasAsync, requestCancel, runSync, startTask } from './tasks';
import { registerEvacuate } from './evacuate';
import { registerSnapshots } from './snapshots';
import { registerVmLifecycle } from './vmLifecycle';
import { refreshAllowedOperations, refreshHostMemory } from './vmOperations';
import { messageEventIds, messageEventVisible, messageMethods } from './messages';
import { XI4, XStruct, XValue } from './xmlrpc-wire';

import { XapiFailure } from './failure';
export { XapiFailure };
function fail(...description: (string | number)[]): never {
  throw new XapiFailure(description.map(String));
}

export interface CallContext {
  sim: SimState;
  place: HostPlace;
  /** Aborted when the simulator stops or the host goes down: blocked event.from calls return. */
  signal?: AbortSignal;
}

export interface MethodDef {
  /** Parameter count including the session; [min, max] for the logins. */
  arity: number | [number, number];
  /** Needs no session (logins, system.listMethods). */
  open?: boolean;
  /** Changes state: refused to read-only slave-local sessions. */
  write?: boolean;
  /** One of the few calls a slave answers itself in emergency mode (slave-local session). */
  emergency?: boolean;
  run(ctx: CallContext, pool: PoolState, params: XValue[], session: Session | undefined): XValue | Promise<XValue>;
}

const METHODS = new Map<string, MethodDef>();

// ---- helpers -------------------------------------------------------------------------------------

function str(v: XValue): string {
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean' ? String(v) : '';
}
function objOf(pool: PoolState, cls: ClassName, ref: XValue): XObject {
  const o = typeof ref === 'string' ? pool.getOf(cls, ref) : undefined;
  if (!o) fail('HANDLE_INVALID', cls, str(ref));
  return o;
}
/** The master's address as the host that got the request sees it. */
function masterAddress(ctx: CallContext): string {
  return ctx.sim.masterAddress(ctx.place.pool, ctx.place.hostRef);
}
function checkPassword(pool: PoolState, uname: XValue, pwd: XValue): void {
  if (uname !== pool.username || pwd !== pool.password) fail('SESSION_AUTHENTICATION_FAILED', str(uname), 'Authentication failure');
}
function newSession(pool: PoolState, user: string, host: string, slaveLocal: boolean): Session {
  const s: Session = { ref: 'OpaqueRef:' + pool.newUuid(), uuid: pool.newUuid(), user, host, slaveLocal, created: new Date() };
  pool.sessions.set(s.ref, s);
  return s;
}

// ---- session -------------------------------------------------------------------------------------

METHODS.set('session.login_with_password', {
  arity: [2, 4],
  open: true,
  run(ctx, pool, [uname, pwd]) {
    if (pool.masterSeenBy(ctx.place.hostRef) !== ctx.place.hostRef) fail('HOST_IS_SLAVE', masterAddress(ctx));
    checkPassword(pool, uname, pwd);
    return newSession(pool, str(uname), ctx.place.hostRef, false).ref;
  },
});
METHODS.set('session.slave_local_login_with_password', {
  arity: 2,
  open: true,
  run(ctx, pool, [uname, pwd]) {
    checkPassword(pool, uname, pwd);
    return newSession(pool, str(uname), ctx.place.hostRef, true).ref;
  },
});
METHODS.set('session.logout', {
  arity: 1,
  run(_ctx, pool, _p, session) {
    pool.sessions.delete(session!.ref);
    return '';
  },
});
METHODS.set('session.local_logout', {
  arity: 1,
  run(_ctx, pool, _p, session) {
    pool.sessions.delete(session!.ref);
    return '';
  },
});
METHODS.set('session.get_this_host', {
  arity: 2,
  run(_ctx, pool, [, self]) {
    const s = typeof self === 'string' ? pool.sessions.get(self) : undefined;
    if (!s) fail('SESSION_INVALID', str(self));
    return s.host;
  },
});
METHODS.set('session.get_uuid', {
  arity: 2,
  run(_ctx, pool, [, self]) {
    const s = typeof self === 'string' ? pool.sessions.get(self) : undefined;
    if (!s) fail('HANDLE_INVALID', 'session', str(self));
    return s.uuid;
  },
});

METHODS.set('system.listMethods', { arity: 0, open: true, run: (_c, pool) => [...METHODS.keys(), ...asyncNames(METHODS)].filter((m) => pool.release.has(m)).sort() });

// ---- generated getters per class -----------------------------------------------------------------

for (const cls of CLASSES) {
  METHODS.set(`${cls}.get_all`, { arity: 1, run: (_c, pool) => [...pool.objects[cls].keys()] });
  METHODS.set(`${cls}.get_all_records`, { arity: 1, run: (_c, pool) => pool.allRecords(cls) });
  METHODS.set(`${cls}.get_record`, { arity: 2, run: (_c, pool, [, ref]) => objOf(pool, cls, ref).cached });
  METHODS.set(`${cls}.get_by_uuid`, {
    arity: 2,
    run(_c, pool, [, uuid]) {
      const o = typeof uuid === 'string' ? pool.byUuidOf(cls, uuid) : undefined;
      if (!o) fail('UUID_INVALID', cls, str(uuid));
      return o.ref;
    },
  });
  // Messages live outside xapi's database: no generated field getters (messages.ts).
  if (cls !== 'message') for (const field of fieldsOf(cls)) {
    METHODS.set(`${cls}.get_${field}`, { arity: 2, run: (_c, pool, [, ref]) => objOf(pool, cls, ref).record[field] });
  }
  if (NAME_LABEL_LOOKUP.includes(cls)) {
    METHODS.set(`${cls}.get_by_name_label`, {
      arity: 2,
      run(_c, pool, [, label]) {
        const out: string[] = [];
        for (const o of pool.all(cls)) if (o.record.name_label === label) out.push(o.ref);
        return out;
      },
    });
  }
}

// ---- the few writes a client makes ---------------------------------------------------------------

for (const cls of ['VDI', 'SR', 'VM', 'host', 'network', 'pool'] as const) {
  for (const field of ['name_label', 'name_description']) {
    METHODS.set(`${cls}.set_${field}`, {
      arity: 3,
      write: true,
      run(_c, pool, [, ref, value]) {
        if (typeof value !== 'string') fail('FIELD_TYPE_ERROR', field);
        pool.update(objOf(pool, cls, ref), { [field]: value });
        return '';
      },
    });
  }
}

METHODS.set('SR.scan', {
  arity: 2,
  write: true,
  run(ctx, pool, [, ref]) {
    const sr = objOf(pool, 'SR', ref);
    if (!(sr.record.PBDs as string[]).some((p) => pool.getOf('PBD', p)?.record.currently_attached === true)) fail('SR_NOT_ATTACHED', sr.ref);
    rediscoverVolumes(pool, sr);
    // With dom0s the volumes are files: the scan reads them (a VHD whose header a raw write destroyed
    // fails it, as LVHDSR's scan does). Without, the state is already current.
    const problem = ctx.sim.storage?.scan(pool, sr);
    if (problem) fail('SR_BACKEND_FAILURE_40', '', `The SR scan failed  [opterr=${problem}]`, '');
    return '';
  },
});

const MiB = 1024 * 1024;

METHODS.set('VDI.create', {
  arity: 2,
  write: true,
  run(_ctx, pool, [, recordValue]) {
    const r = (typeof recordValue === 'object' && recordValue !== null && !Array.isArray(recordValue) ? recordValue : {}) as Record<string, XValue>;
    const sr = objOf(pool, 'SR', r.SR);
    const size = Number(typeof r.virtual_size === 'object' && r.virtual_size !== null && 'value' in r.virtual_size ? (r.virtual_size as { value: number }).value : r.virtual_size);
    if (!Number.isSafeInteger(size) || size <= 0) fail('SR_BACKEND_FAILURE_79', '', 'VDI Invalid size', '');
    const smConfig = (r.sm_config ?? {}) as Record<string, string>;
    const raw = smConfig.type === 'raw';
    const free = (sr.record.physical_size as number) - (sr.record.physical_utilisation as number);
    if (Math.ceil(size / (4 * MiB)) * 4 * MiB > free) fail('SR_BACKEND_FAILURE_44', '', `There is insufficient space [opterr=${free} bytes free]`, '');
    const vdi = addVdiTo(pool, sr, { name_label: str(r.name_label), name_description: str(r.name_description), virtual_size: size, format: raw ? 'raw' : 'vhd' });
    return vdi.ref;
  },
});

METHODS.set('VDI.destroy', {
  arity: 2,
  write: true,
  run(ctx, pool, [, ref]) {
    const vdi = objOf(pool, 'VDI', ref);
    const attached = (vdi.record.VBDs as string[]).some((b) => pool.getOf('VBD', b)?.record.currently_attached === true);
    if (attached) fail('VDI_IN_USE', vdi.ref, 'destroy');
    const sr = pool.getOf('SR', vdi.record.SR as string);
    if (sr) ctx.sim.storage?.destroyed(pool, sr, vdi);
    removeVdiFrom(pool, vdi);
    return '';
  },
});

// ---- an SR's records apart from its disks (S3's forget and re-attach; srLifecycle.ts) -----------------

function structOf(v: XValue): Record<string, XValue> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date) ? (v as Record<string, XValue>) : {};
}
function stringMap(v: XValue): Record<string, string> {
  return Object.fromEntries(Object.entries(structOf(v)).map(([k, x]) => [k, str(x)]));
}
/** An object the refusal-or-result helpers return, or the refusal raised as xapi would. */
function orFail<T>(r: T | string[]): T {
  if (Array.isArray(r)) fail(...(r as string[]));
  return r as T;
}

METHODS.set('SR.forget', {
  arity: 2,
  write: true,
  run(_c, pool, [, ref]) {
    const refusal = forgetSr(pool, objOf(pool, 'SR', ref));
    if (refusal) fail(...refusal);
    return '';
  },
});

METHODS.set('SR.introduce', {
  arity: 8,
  write: true,
  run(_c, pool, [, uuid, name_label, name_description, type, content_type, shared, sm_config]) {
    const sr = orFail(introduceSr(pool, { uuid: str(uuid), name_label: str(name_label), name_description: str(name_description), type: str(type), content_type: str(content_type), shared: shared === true, sm_config: stringMap(sm_config) }));
    return sr.ref;
  },
});

METHODS.set('PBD.create', {
  arity: 2,
  write: true,
  run(_c, pool, [, recordValue]) {
    const r = structOf(recordValue);
    const pbd = orFail(createPbd(pool, objOf(pool, 'host', r.host), objOf(pool, 'SR', r.SR), stringMap(r.device_config), stringMap(r.other_config)));
    return pbd.ref;
  },
});

METHODS.set('PBD.plug', {
  arity: 2,
  write: true,
  run(ctx, pool, [, ref]) {
    const pbd = objOf(pool, 'PBD', ref);
    const host = objOf(pool, 'host', pbd.record.host);
    if (ctx.sim.isDown(host.record.address as string)) fail('HOST_OFFLINE', host.ref);
    if (pbd.record.currently_attached !== true) pool.update(pbd, { currently_attached: true });
    return '';
  },
});

METHODS.set('PBD.unplug', {
  arity: 2,
  write: true,
  run(_c, pool, [, ref]) {
    const refusal = unplugPbd(pool, objOf(pool, 'PBD', ref));
    if (refusal) fail(...refusal);
    return '';
  },
});

METHODS.set('PBD.destroy', {
  arity: 2,
  write: true,
  run(_c, pool, [, ref]) {
    const refusal = destroyPbd(pool, objOf(pool, 'PBD', ref));
    if (refusal) fail(...refusal);
    return '';
  },
});

METHODS.set('pool.set_default_SR', {
  arity: 3,
  write: true,
  run(_c, pool, [, ref, srRef]) {
    const p = objOf(pool, 'pool', ref);
    pool.update(p, { default_SR: srRef === NULL_REF ? NULL_REF : objOf(pool, 'SR', srRef).ref });
    return '';
  },
});

METHODS.set('VBD.create', {
  arity: 2,
  write: true,
  run(_c, pool, [, recordValue]) {
    const r = structOf(recordValue);
    const empty = r.empty === true;
    const vdi = empty ? undefined : objOf(pool, 'VDI', r.VDI);
    const vbd = orFail(createVbd(pool, objOf(pool, 'VM', r.VM), vdi, { userdevice: str(r.userdevice), bootable: r.bootable === true, mode: str(r.mode) || 'RW', type: str(r.type) || 'Disk', unpluggable: r.unpluggable !== false, empty, other_config: stringMap(r.other_config) }));
    return vbd.ref;
  },
});

METHODS.set('VBD.destroy', {
  arity: 2,
  write: true,
  run(_c, pool, [, ref]) {
    const refusal = destroyVbd(pool, objOf(pool, 'VBD', ref));
    if (refusal) fail(...refusal);
    return '';
  },
});

METHODS.set('VBD.unplug', {
  arity: 2,
  write: true,
  run(_c, pool, [, ref]) {
    const vbd = objOf(pool, 'VBD', ref);
    if (vbd.record.currently_attached !== true) fail('DEVICE_ALREADY_DETACHED', vbd.ref);
    pool.update(vbd, { currently_attached: false });
    return '';
  },
});

for (const [name, def] of Object.entries(messageMethods(fail))) {
  METHODS.set(name, { arity: def.arity, write: def.write, run: (_c, pool, params) => def.run(pool, params) });
}

// ---- recovery after a dead host (xapi_vm.ml power_state_reset, xapi_host.ml destroy) ---------------

function hostIsLive(pool: PoolState, host: XObject): boolean {
  return pool.getOf('host_metrics', host.record.metrics as string)?.record.live === true;
}

METHODS.set('VM.power_state_reset', {
  arity: 2,
  write: true,
  run(_c, pool, [, ref]) {
    const vm = objOf(pool, 'VM', ref);
    if (vm.record.is_control_domain) fail('CANNOT_RESET_CONTROL_DOMAIN', vm.ref);
    const state = vm.record.power_state as string;
    if (state === 'Running' || state === 'Paused') {
      const resident = pool.getOf('host', vm.record.resident_on as string);
      // A VM on a live host is that host's to manage: xapi refuses, naming the host.
      if (resident && hostIsLive(pool, resident)) fail('HOST_IS_LIVE', resident.ref);
    }
    const host = pool.getOf('host', vm.record.resident_on as string);
    if (host) pool.removeFromSet(host, 'resident_VMs', vm.ref);
    pool.update(vm, { power_state: 'Halted', resident_on: NULL_REF, domid: -1 });
    refreshAllowedOperations(pool, vm);
    refreshHostMemory(pool, host);
    return '';
  },
});

// ---- a VM from a template and a disk (S2's last step; xapi_vm.ml, xapi_vm_helpers.ml) --------------

function num(v: XValue): number {
  return Number(typeof v === 'object' && v !== null && 'value' in v ? (v as { value: number }).value : v);
}
function haltedVm(pool: PoolState, ref: XValue): XObject {
  const vm = objOf(pool, 'VM', ref);
  if (vm.record.power_state !== 'Halted') fail('VM_BAD_POWER_STATE', vm.ref, 'halted', str(vm.record.power_state).toLowerCase());
  return vm;
}

METHODS.set('VM.clone', {
  arity: 3,
  write: true,
  run(_c, pool, [, ref, newName]) {
    const src = haltedVm(pool, ref);
    if ((src.record.VBDs as string[]).length) fail('INTERNAL_ERROR', 'the simulator clones only VMs and templates without disks');
    const { uuid: _uuid, ...fields } = src.record;
    const vm = pool.create('VM', { ...fields, name_label: str(newName), VBDs: [], VIFs: [], consoles: [], snapshots: [], children: [], parent: NULL_REF, metrics: NULL_REF, guest_metrics: NULL_REF });
    return vm.ref;
  },
});

METHODS.set('VM.remove_from_other_config', {
  arity: 3,
  write: true,
  run(_c, pool, [, ref, key]) {
    const vm = objOf(pool, 'VM', ref);
    const { [str(key)]: _gone, ...rest } = vm.record.other_config as Record<string, XValue>;
    pool.update(vm, { other_config: rest });
    return '';
  },
});

METHODS.set('VM.set_is_a_template', {
  arity: 3,
  write: true,
  run(_c, pool, [, ref, value]) {
    const vm = haltedVm(pool, ref);
    pool.update(vm, { is_a_template: value === true });
    refreshAllowedOperations(pool, vm);
    return '';
  },
});

METHODS.set('VM.set_memory_limits', {
  arity: 6,
  write: true,
  run(_c, pool, [, ref, smin, smax, dmin, dmax]) {
    const vm = haltedVm(pool, ref);
    const [sMin, sMax, dMin, dMax] = [smin, smax, dmin, dmax].map(num);
    if (![sMin, sMax, dMin, dMax].every(Number.isSafeInteger) || !(sMin <= dMin && dMin <= dMax && dMax <= sMax)) fail('MEMORY_CONSTRAINT_VIOLATION', 'Memory limits must satisfy: static_min <= dynamic_min <= dynamic_max <= static_max');
    pool.update(vm, { memory_static_min: sMin, memory_static_max: sMax, memory_dynamic_min: dMin, memory_dynamic_max: dMax, memory_target: dMax });
    return '';
  },
});

METHODS.set('VM.set_VCPUs_max', {
  arity: 3,
  write: true,
  run(_c, pool, [, ref, value]) {
    const vm = haltedVm(pool, ref);
    const n = num(value);
    if (!Number.isInteger(n) || n < 1) fail('VALUE_NOT_SUPPORTED', 'VCPUs_max', str(value), 'must be a positive integer');
    if (n < (vm.record.VCPUs_at_startup as number)) fail('VALUE_NOT_SUPPORTED', 'VCPUs_max', String(n), 'VCPUs_max must be greater than or equal to VCPUs_at_startup');
    pool.update(vm, { VCPUs_max: n });
    return '';
  },
});

METHODS.set('VM.set_VCPUs_at_startup', {
  arity: 3,
  write: true,
  run(_c, pool, [, ref, value]) {
    const vm = haltedVm(pool, ref);
    const n = num(value);
    if (!Number.isInteger(n) || n < 1 || n > (vm.record.VCPUs_max as number)) fail('VALUE_NOT_SUPPORTED', 'VCPUs_at_startup', str(value), 'VCPUs_at_startup must be between 1 and VCPUs_max');
    pool.update(vm, { VCPUs_at_startup: n });
    return '';
  },
});

for (const field of ['HVM_boot_policy', 'PV_bootloader']) {
  METHODS.set(`VM.set_${field}`, {
    arity: 3,
    write: true,
    run(_c, pool, [, ref, value]) {
      pool.update(objOf(pool, 'VM', ref), { [field]: str(value) });
      return '';
    },
  });
}

METHODS.set('host.destroy', {
  arity: 2,
  write: true,
  run(ctx, pool, [, ref]) {
    const host = objOf(pool, 'host', ref);
    if (hostIsLive(pool, host) && !ctx.sim.isDown(host.record.address as string)) fail('HOST_IS_LIVE', host.ref);
    if (host.ref === pool.masterRef()) fail('HOST_CANNOT_DESTROY_SELF', host.ref);
    // CA-23732 in xapi_host.ml: no host is forgotten while HA is on.
    if (pool.poolObject().record.ha_enabled) fail('HA_IS_ENABLED');
    const regular = (host.record.resident_VMs as string[]).filter((v) => !pool.getOf('VM', v)?.record.is_control_domain);
    if (regular.length > 0) fail('HOST_HAS_RESIDENT_VMS', host.ref);
    for (const pbdRef of host.record.PBDs as string[]) {
      const pbd = pool.getOf('PBD', pbdRef);
      if (pbd) destroyPbdRecord(pool, pbd);
    }
    for (const vmRef of host.record.resident_VMs as string[]) {
      const dom0 = pool.getOf('VM', vmRef);
      if (dom0) pool.destroy(dom0);
    }
    const metrics = pool.getOf('host_metrics', host.record.metrics as string);
    pool.destroy(host);
    if (metrics) pool.destroy(metrics);
    return '';
  },
});

// ---- VM power, migration, memory, snapshots; host maintenance (vmLifecycle.ts, snapshots.ts, evacuate.ts) --

const define = (name: string, def: MethodDef) => void METHODS.set(name, def);
registerVmLifecycle(define);
registerSnapshots(define);
registerEvacuate(define);

// ---- master changes (xapi_pool.ml designate_new_master, emergency_transition_to_master, recover_slaves) --

function setMaster(pool: PoolState, hostRef: string): void {
  pool.update(pool.poolObject(), { master: hostRef });
}

METHODS.set('pool.designate_new_master', {
  arity: 2,
  write: true,
  run(ctx, pool, [, ref]) {
    const host = objOf(pool, 'host', ref);
    if (pool.poolObject().record.ha_enabled) fail('HA_IS_ENABLED');
    if (host.ref === pool.masterRef()) return '';
    // The call is forwarded to the new master, which runs the two-phase commit: it must answer.
    if (ctx.sim.isDown(host.record.address as string)) fail('CANNOT_CONTACT_HOST', host.ref);
    setMaster(pool, host.ref);
    return '';
  },
});

METHODS.set('pool.emergency_transition_to_master', {
  arity: 1,
  write: true,
  emergency: true,
  run(ctx, pool) {
    // Never forwarded: the host that receives it becomes master, whatever the others think.
    if (pool.poolObject().record.ha_enabled) fail('HA_IS_ENABLED');
    const me = ctx.place.hostRef;
    const old = pool.masterSeenBy(me);
    if (old === me) return '';
    for (const h of pool.all('host')) if (h.ref !== me && !pool.believedMaster.has(h.ref)) pool.believedMaster.set(h.ref, old);
    pool.believedMaster.delete(me);
    setMaster(pool, me);
    const metrics = pool.getOf('host_metrics', objOf(pool, 'host', me).record.metrics as string);
    if (metrics) pool.update(metrics, { live: true, last_updated: new Date() });
    return '';
  },
});

METHODS.set('pool.recover_slaves', {
  arity: 1,
  write: true,
  run(ctx, pool) {
    // The new master tells every host it can reach that it is the master now; the list is who listened.
    const recovered: string[] = [];
    for (const [hostRef] of [...pool.believedMaster]) {
      const host = pool.getOf('host', hostRef);
      if (!host || ctx.sim.isDown(host.record.address as string)) continue;
      pool.believedMaster.delete(hostRef);
      recovered.push(hostRef);
    }
    return recovered;
  },
});

METHODS.set('pool.disable_ha', {
  arity: 1,
  write: true,
  run(_c, pool) {
    const p = pool.poolObject();
    if (p.record.ha_enabled) pool.update(p, { ha_enabled: false });
    return '';
  },
});

METHODS.set('host.emergency_ha_disable', {
  arity: [1, 2],
  write: true,
  emergency: true,
  run(_c, pool) {
    const p = pool.poolObject();
    if (p.record.ha_enabled) pool.update(p, { ha_enabled: false });
    return '';
  },
});

METHODS.set('host.is_in_emergency_mode', {
  arity: 1,
  emergency: true,
  run(ctx, pool) {
    // A slave that cannot reach the master it follows gives up after a while and says so.
    const seen = pool.masterSeenBy(ctx.place.hostRef);
    return seen !== ctx.place.hostRef && ctx.sim.isDown(ctx.sim.masterAddress(pool, ctx.place.hostRef));
  },
});

// ---- events --------------------------------------------------------------------------------------

const TOKEN_WIDTH = 20;
function makeToken(generation: number): string {
  // xapi's tokens look like "<generation>,<message generation>", zero-padded; clients treat them as opaque.
  return String(generation).padStart(TOKEN_WIDTH, '0') + ',' + '0'.padStart(TOKEN_WIDTH, '0');
}
function parseToken(token: string): number | undefined {
  const m = /^\s*(\d+)(?:,\d*)?\s*$/.exec(token);
  return m ? Number(m[1]) : undefined;
}

function wantedClasses(classes: XValue): Set<ClassName> | 'all' {
  const list = Array.isArray(classes) ? classes.map(str) : [str(classes)];
  if (list.includes('*')) return 'all';
  const set = new Set<ClassName>();
  for (const name of list) {
    const cls = classFromLower(name);
    if (cls) set.add(cls);
  }
  return set;
}
function classesOf(wanted: Set<ClassName> | 'all'): readonly ClassName[] {
  return wanted === 'all' ? CLASSES : [...wanted];
}

function eventStruct(id: number, time: number, cls: ClassName, op: string, ref: string, obj: XObject | undefined): XStruct {
  const ev: XStruct = {
    id: String(id),
    timestamp: (time / 1000).toFixed(3),
    class: cls.toLowerCase(),
    operation: op,
    ref,
  };
  if (obj) ev.snapshot = obj.cached;
  return ev;
}

function eventBatch(pool: PoolState, wanted: Set<ClassName> | 'all', events: XStruct[]): XStruct {
  const counts: XStruct = {};
  for (const cls of classesOf(wanted)) counts[cls.toLowerCase()] = new XI4(pool.count(cls));
  return { events, valid_ref_counts: counts, token: makeToken(pool.generation) };
}

/** The changes after `since` in the wanted classes, one event per object, latest state as snapshot. */
function collect(pool: PoolState, wanted: Set<ClassName> | 'all', since: number): XStruct[] {
  const perRef = new Map<string, { id: number; time: number; cls: ClassName; op: 'add' | 'mod' | 'del' }>();
  for (const e of pool.changesSince(since)) {
    if (wanted !== 'all' && !wanted.has(e.cls)) continue;
    const prev = perRef.get(e.ref);
    // An object created and then modified since the token is still news as an `add`.
    const op = e.op === 'mod' && prev?.op === 'add' ? 'add' : e.op;
    perRef.delete(e.ref); // re-insert so the batch is ordered by each object's last change
    perRef.set(e.ref, { id: e.id, time: e.time, cls: e.cls, op });
  }
  const out: XStruct[] = [];
  const legacyMessageIds = messageEventIds(pool);
  for (const [ref, e] of perRef) {
    if (e.cls === 'message') {
      // API 1.x: additions only, with id "0" and timestamp "0." (messages.ts).
      if (!messageEventVisible(pool, e.op)) continue;
      const ev = e.op === 'del' ? eventStruct(e.id, e.time, e.cls, 'del', ref, undefined) : eventStruct(e.id, e.time, e.cls, e.op, ref, pool.getOf(e.cls, ref));
      if (legacyMessageIds) Object.assign(ev, legacyMessageIds);
      out.push(ev);
      continue;
    }
    if (e.op === 'del') {
      out.push(eventStruct(e.id, e.time, e.cls, 'del', ref, undefined));
    } else {
      const obj = pool.getOf(e.cls, ref);
      if (obj) out.push(eventStruct(e.id, e.time, e.cls, e.op, ref, obj));
    }
  }
  return out;
}

METHODS.set('event.from', {
  arity: 4,
  async run(ctx, pool, [, classes, tokenValue, timeoutValue]) {
    const wanted = wantedClasses(classes);
    const token = str(tokenValue);
    if (token === '') {
      const events: XStruct[] = [];
      const now = Date.now();
      for (const cls of classesOf(wanted)) {
        for (const o of pool.all(cls)) events.push(eventStruct(pool.generation, now, cls, 'add', o.ref, o));
      }
      return eventBatch(pool, wanted, events);
    }
    const since = parseToken(token);
    if (since === undefined) fail('EVENT_FROM_TOKEN_PARSE_FAILURE', token);
    const timeout = Number(typeof timeoutValue === 'object' && timeoutValue !== null && 'value' in timeoutValue ? (timeoutValue as { value: number }).value : timeoutValue);
    const deadline = Date.now() + (isFinite(timeout) && timeout > 0 ? Math.min(timeout, 3600) * 1000 : 0);
    for (;;) {
      if (since <= pool.lostUpTo || since < pool.oldestReplayable()) fail('EVENTS_LOST');
      const events = collect(pool, wanted, since);
      const remaining = deadline - Date.now();
      if (events.length > 0 || remaining <= 0 || ctx.signal?.aborted) return eventBatch(pool, wanted, events);
      const w = pool.waitForChange(wanted, remaining);
      const onAbort = () => w.cancel();
      ctx.signal?.addEventListener('abort', onAbort, { once: true });
      await w.done;
      ctx.signal?.removeEventListener('abort', onAbort);
    }
  },
});

METHODS.set('event.inject', {
  arity: 3,
  write: true,
  run(_c, pool, [, clsName, ref]) {
    const cls = classFromLower(str(clsName));
    if (!cls) fail('HANDLE_INVALID', str(clsName), str(ref));
    return makeToken(pool.touch(objOf(pool, cls, ref)));
  },
});

// ---- tasks (the Async. calls themselves are in dispatch; see tasks.ts) ----------------------------

METHODS.set('task.cancel', {
  arity: 2,
  write: true,
  run(_c, pool, [, ref]) {
    requestCancel(pool, objOf(pool, 'task', ref));
    return '';
  },
});
METHODS.set('task.destroy', {
  arity: 2,
  write: true,
  run(_c, pool, [, ref]) {
    pool.destroy(objOf(pool, 'task', ref));
    return '';
  },
});

// ---- dispatch ------------------------------------------------------------------------------------

export function methodNames(): string[] {
  return [...METHODS.keys()].sort();
}

export async function dispatch(ctx: CallContext, method: string, params: XValue[]): Promise<XValue> {
  // `Async.<m>`: the same checks as <m> (method, arity, session), then a task runs it (tasks.ts).
  const asyncOf = asyncTarget(method);
  const def = METHODS.get(asyncOf ?? method);
  // A call of a later release than the pool's is unknown there, as on the real thing (releases.ts).
  const release = ctx.place.pool.release;
  if (!def || (asyncOf !== undefined && !hasAsync(asyncOf, def.write === true)) || !release.has(method)) fail('MESSAGE_METHOD_UNKNOWN', method);
  const [min, max] = (asyncOf ?? method) === 'session.login_with_password' ? release.loginArity : typeof def.arity === 'number' ? [def.arity, def.arity] : def.arity;
  if (params.length < min || params.length > max) {
    fail('MESSAGE_PARAMETER_COUNT_MISMATCH', method, params.length < min ? min : max, params.length);
  }
  const pool = ctx.place.pool;
  if (def.open) return def.run(ctx, pool, params, undefined);

  const sessionRef = params[0];
  const session = typeof sessionRef === 'string' ? pool.sessions.get(sessionRef) : undefined;
  if (!session) fail('SESSION_INVALID', str(sessionRef));
  if (session.slaveLocal) {
    // An emergency-mode session only works on the host that made it, and cannot change anything.
    if (session.host !== ctx.place.hostRef) fail('SESSION_INVALID', session.ref);
    if (def.write && !def.emergency && ctx.place.hostRef !== pool.masterRef()) fail('HOST_IS_SLAVE', masterAddress(ctx));
  } else if (pool.masterSeenBy(ctx.place.hostRef) !== ctx.place.hostRef && (ctx.sim.isDown(masterAddress(ctx)) || pool.believedMaster.has(ctx.place.hostRef))) {
    // A slave forwards a pool session's calls to its master; with the master gone there is no one to ask.
    fail('HOST_IS_SLAVE', masterAddress(ctx));
  }
  if (asyncOf !== undefined) {
    // The work outlives the request: no request signal in its context.
    return startTask(ctx.sim, pool, ctx.place.hostRef, method, () => def.run({ sim: ctx.sim, place: ctx.place }, pool, params, session));
  }
  return runSync(ctx.sim, method, () => def.run(ctx, pool, params, session));
}

