// XAPI's `message` class (alerts): create, destroy, the getters, and how each release numbers and
// delivers them. Clients (XenCenter's Alerts, Xen Orchestra, XCP Admin's health view) read these, and
// the faults (faults.ts) raise them as a real pool would.
//
// Facts (xapi-project/xen-api, ../shared/notes/xapi-operations.md §3 and §9):
// - Record: uuid, name, priority (int), cls (enum VM|Host|SR|Pool|VMPP, later also VMSS, PVS_proxy,
//   VDI, Certificate), obj_uuid, timestamp (datetime), body. Not in xapi's database but in a file
//   store capped at 10,000 messages (oldest dropped). No field getters, no Async twins (orlando, sync).
// - message.create(name, priority, cls, obj_uuid, body): body must be UTF-8 (INVALID_VALUE), obj_uuid
//   an object of that class (UUID_INVALID [cls; obj_uuid]).
// - get_since(since) returns messages strictly newer than `since`; get(cls, obj_uuid, since) those
//   of one object; get_all_records_where(expr) ignores expr (xapi did until 2025).
// - Priority scales: API 1.x "0 is low" (larger = more important); from XenServer 6.2 (API 2.0) on,
//   1 critical … 5 informational. The priorities below are what xapi itself gives each message.
// - Events: API 1.x event.from delivers message *additions* only, with id "0" and timestamp "0.";
//   later releases deliver additions and deletions (api.ts `collect` asks `messageEventVisible`).

import type { PoolState, XObject } from './state';
import type { XStruct, XValue } from './xmlrpc-wire';

/** XAPI's enum `cls` in its canonical case, by release (HEAD added the last four). */
const CLS_LEGACY = ['VM', 'Host', 'SR', 'Pool', 'VMPP'] as const;
const CLS_LATER = [...CLS_LEGACY, 'VMSS', 'PVS_proxy', 'VDI', 'Certificate'] as const;
/** The simulator class an object of message cls `c` lives in. */
const CLASS_OF_CLS: Record<string, 'VM' | 'host' | 'SR' | 'pool' | 'VDI'> = { VM: 'VM', Host: 'host', SR: 'SR', Pool: 'pool', VDI: 'VDI' };

const STORE_LIMIT = 10_000;

/** True where 1 is critical (XenServer 6.2, API 2.0, and later). */
export function priorityOneIsCritical(pool: PoolState): boolean {
  return pool.release.apiVersion.major >= 2;
}

/** xapi's own priority for the messages it raises: [API 1.x, API 2.x and later]. */
const PRIORITIES: Record<string, [number, number]> = {
  MULTIPATH_PERIODIC_ALERT: [5, 3],
  PBD_PLUG_FAILED_ON_SERVER_START: [1, 3],
  HA_HOST_FAILED: [10, 3],
  HOST_CLOCK_SKEW_DETECTED: [10, 3],
  ALARM: [5, 3],
  VM_STARTED: [1, 5],
  VM_SHUTDOWN: [1, 5],
  VM_REBOOTED: [1, 5],
  VM_SUSPENDED: [1, 5],
  VM_RESUMED: [1, 5],
};

export function xapiPriority(pool: PoolState, name: string): number {
  const p = PRIORITIES[name] ?? [5, 3];
  return priorityOneIsCritical(pool) ? p[1] : p[0];
}

/** Whether event.from reports this message event (1.x: additions only). */
export function messageEventVisible(pool: PoolState, op: 'add' | 'mod' | 'del'): boolean {
  return op !== 'del' || priorityOneIsCritical(pool);
}

/** 1.x writes message events with id "0" and timestamp "0." (not from the database's counter). */
export function messageEventIds(pool: PoolState): { id: string; timestamp: string } | undefined {
  return priorityOneIsCritical(pool) ? undefined : { id: '0', timestamp: '0.' };
}

/** Creates a message as xapi does (timestamp now, oldest dropped past the store's limit). */
export function raiseMessage(pool: PoolState, m: { name: string; priority?: number; cls: string; objUuid: string; body: string }): XObject {
  const msg = pool.create('message', {
    name: m.name,
    priority: m.priority ?? xapiPriority(pool, m.name),
    cls: m.cls,
    obj_uuid: m.objUuid,
    timestamp: new Date(),
    body: m.body,
  });
  if (pool.count('message') > STORE_LIMIT) {
    let oldest: XObject | undefined;
    for (const o of pool.all('message')) if (!oldest || (o.record.timestamp as Date) < (oldest.record.timestamp as Date)) oldest = o;
    if (oldest) pool.destroy(oldest);
  }
  return msg;
}

type Fail = (...description: (string | number)[]) => never;

export interface MessageMethod {
  arity: number;
  write?: boolean;
  run(pool: PoolState, params: XValue[]): XValue;
}

function str(v: XValue): string {
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'bigint' ? String(v) : '';
}

/** A datetime parameter: XML-RPC gives a Date, JSON-RPC a string ("20120224T10:11:12Z" or ISO). */
function dateParam(v: XValue, fail: Fail): Date {
  if (v instanceof Date) return v;
  if (typeof v === 'string') {
    const m = /^(\d{4})-?(\d{2})-?(\d{2})T(\d{2}):?(\d{2}):?(\d{2})(?:\.\d+)?Z?$/.exec(v);
    if (m) return new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]));
  }
  return fail('FIELD_TYPE_ERROR', 'since');
}

function recordsWhere(pool: PoolState, keep: (o: XObject) => boolean): XStruct {
  const out: XStruct = {};
  for (const o of pool.all('message')) if (keep(o)) out[o.ref] = o.cached;
  return out;
}

/** message.* beyond the generated get_all, get_all_records, get_record and get_by_uuid. */
export function messageMethods(fail: Fail): Record<string, MessageMethod> {
  return {
    'message.create': {
      arity: 6,
      write: true,
      run(pool, [, name, priority, cls, objUuid, body]) {
        const allowed: readonly string[] = priorityOneIsCritical(pool) ? CLS_LATER : CLS_LEGACY;
        const canonical = allowed.find((c) => c.toLowerCase() === str(cls).toLowerCase());
        if (!canonical) fail('ENUM_INVALID', 'cls', str(cls));
        const prio = typeof priority === 'number' ? priority : Number(str(priority));
        if (str(priority) === '' || !Number.isSafeInteger(prio)) fail('FIELD_TYPE_ERROR', 'priority');
        // A lone surrogate (JSON-RPC can carry one) is not UTF-8.
        if (typeof body !== 'string' || /[\uD800-\uDFFF]/.test(body.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, ''))) fail('INVALID_VALUE', 'UTF8 expected');
        const target = CLASS_OF_CLS[canonical];
        if (!target || !pool.byUuidOf(target, str(objUuid))) fail('UUID_INVALID', canonical, str(objUuid));
        return raiseMessage(pool, { name: str(name), priority: prio, cls: canonical, objUuid: str(objUuid), body }).ref;
      },
    },
    'message.destroy': {
      arity: 2,
      write: true,
      run(pool, [, ref]) {
        const m = typeof ref === 'string' ? pool.getOf('message', ref) : undefined;
        if (!m) fail('HANDLE_INVALID', 'message', str(ref));
        pool.destroy(m);
        return '';
      },
    },
    'message.get_since': {
      arity: 2,
      run(pool, [, since]) {
        const t = dateParam(since, fail).getTime();
        return recordsWhere(pool, (o) => (o.record.timestamp as Date).getTime() > t);
      },
    },
    'message.get': {
      arity: 4,
      run(pool, [, cls, objUuid, since]) {
        const t = dateParam(since, fail).getTime();
        return recordsWhere(pool, (o) => String(o.record.cls).toLowerCase() === str(cls).toLowerCase() && o.record.obj_uuid === str(objUuid) && (o.record.timestamp as Date).getTime() > t);
      },
    },
    'message.get_all_records_where': {
      arity: 2,
      run: (pool) => recordsWhere(pool, () => true),
    },
  };
}
