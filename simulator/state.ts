// The simulator's in-memory databases: one per pool, as each real pool master holds its own.
//
// All changes go through PoolState.create / update / destroy so that every change bumps the pool's
// generation, lands in the event log that event.from reads, drops the serialization caches and wakes
// blocked event.from calls. A later simulated dom0 (xe, lvremove, sr-scan …) acts on the same object.

import { CLASSES, ClassName, NULL_REF, blank } from './schema';
import type { ReleaseProfile } from './releases';
import { Cached, XStruct, XValue } from './xmlrpc-wire';

export type EventOp = 'add' | 'mod' | 'del';

export interface XObject {
  readonly cls: ClassName;
  readonly ref: string;
  readonly uuid: string;
  /** The record; treat it as read-only outside PoolState (change it with update()). */
  record: XStruct;
  /** The record wrapped for the wire encoders; replaced on every change. */
  cached: Cached;
}

export interface LoggedEvent {
  id: number; // the pool generation this change produced
  cls: ClassName;
  ref: string;
  op: EventOp;
  time: number; // ms since epoch
}

export interface Session {
  ref: string;
  uuid: string;
  user: string;
  /** The host the session was made on (the master for normal logins). */
  host: string;
  /** slave_local_login sessions: read calls only, on that host only. */
  slaveLocal: boolean;
  created: Date;
}

interface Waiter {
  classes: Set<ClassName> | 'all';
  wake: () => void;
}

/** How many logged changes event.from can replay; older tokens get EVENTS_LOST, as in xapi. */
const EVENT_LOG_LIMIT = 200_000;

export type Rng = () => number;

export class PoolState {
  readonly objects: Record<ClassName, Map<string, XObject>>;
  readonly byUuid = new Map<string, XObject>();
  readonly sessions = new Map<string, Session>();
  /** Bumped by every change; event.from tokens are generations. */
  generation = 0;
  private log: LoggedEvent[] = [];
  private logStart = 0; // index of the first live entry in `log` (trimmed lazily)
  /** Tokens at or below this generation are answered with EVENTS_LOST. */
  lostUpTo = -1;
  private waiters = new Set<Waiter>();
  private wakeScheduled = false;
  private pendingClasses = new Set<ClassName>();
  private allRecordsCache = new Map<ClassName, Cached>();
  /**
   * Hosts whose idea of the master differs from the pool record's: after an emergency transition the
   * other slaves still follow the old master until `pool.recover_slaves` reaches them.
   */
  readonly believedMaster = new Map<string, string>();

  constructor(
    readonly index: number, // 1-based, the P of 127.N.P.H
    readonly name: string,
    readonly username: string,
    public password: string,
    private readonly uuidSource: () => string,
    /** The XAPI release this pool runs: its calls, wire formats and record fields (releases.ts). */
    readonly release: ReleaseProfile,
  ) {
    this.objects = Object.fromEntries(CLASSES.map((c) => [c, new Map<string, XObject>()])) as Record<ClassName, Map<string, XObject>>;
  }

  newUuid(): string {
    return this.uuidSource();
  }

  // ---- reads -------------------------------------------------------------------------------------

  get(ref: string): XObject | undefined {
    for (const cls of CLASSES) {
      const o = this.objects[cls].get(ref);
      if (o) return o;
    }
    return undefined;
  }
  getOf(cls: ClassName, ref: string): XObject | undefined {
    return this.objects[cls].get(ref);
  }
  byUuidOf(cls: ClassName, uuid: string): XObject | undefined {
    const o = this.byUuid.get(uuid);
    return o && o.cls === cls ? o : undefined;
  }
  all(cls: ClassName): IterableIterator<XObject> {
    return this.objects[cls].values();
  }
  count(cls: ClassName): number {
    return this.objects[cls].size;
  }

  poolObject(): XObject {
    const p = this.objects.pool.values().next().value;
    if (!p) throw new Error(`pool ${this.name} has no pool object`);
    return p;
  }
  masterRef(): string {
    return this.poolObject().record.master as string;
  }
  /** The master as this host sees it (its own belief, else the pool record's). */
  masterSeenBy(hostRef: string): string {
    return this.believedMaster.get(hostRef) ?? this.masterRef();
  }
  hostByName(nameOrUuid: string): XObject | undefined {
    const byUuid = this.byUuidOf('host', nameOrUuid);
    if (byUuid) return byUuid;
    for (const h of this.all('host')) if (h.record.name_label === nameOrUuid || h.record.address === nameOrUuid) return h;
    return undefined;
  }

  /** get_all_records' value for a class: a map ref → record, serialized once until the class changes. */
  allRecords(cls: ClassName): Cached {
    let c = this.allRecordsCache.get(cls);
    if (!c) {
      const map: Record<string, XValue> = {};
      for (const o of this.objects[cls].values()) map[o.ref] = o.cached;
      c = new Cached(map);
      this.allRecordsCache.set(cls, c);
    }
    return c;
  }

  // ---- writes ------------------------------------------------------------------------------------

  /** Creates an object: defaults from the schema, then `fields`; uuid and ref are made unless given. */
  create(cls: ClassName, fields: XStruct, ids?: { uuid?: string; ref?: string }): XObject {
    const uuid = ids?.uuid ?? (typeof fields.uuid === 'string' && fields.uuid ? fields.uuid : this.newUuid());
    const ref = ids?.ref ?? 'OpaqueRef:' + this.newUuid();
    const record = this.withoutLaterFields(cls, { ...blank(cls), ...fields, uuid });
    const obj: XObject = { cls, ref, uuid, record, cached: new Cached(record) };
    this.objects[cls].set(ref, obj);
    this.byUuid.set(uuid, obj);
    this.changed(cls, ref, 'add');
    return obj;
  }

  /** Replaces some fields of an object (the record object itself is replaced, never mutated). */
  update(obj: XObject, changes: XStruct): void {
    if (this.objects[obj.cls].get(obj.ref) !== obj) throw new Error(`${obj.cls} ${obj.ref} is not in pool ${this.name}`);
    obj.record = this.withoutLaterFields(obj.cls, { ...obj.record, ...changes });
    obj.cached = new Cached(obj.record);
    this.changed(obj.cls, obj.ref, 'mod');
  }

  destroy(obj: XObject): void {
    if (!this.objects[obj.cls].delete(obj.ref)) return;
    this.byUuid.delete(obj.uuid);
    this.changed(obj.cls, obj.ref, 'del');
  }

  /** A record as this pool's release has it: fields that came with a later release left out. */
  private withoutLaterFields(cls: ClassName, record: XStruct): XStruct {
    const later = this.release.missingFields.get(cls);
    if (later) for (const f of later) delete record[f];
    return record;
  }

  /** Adds `ref` to a set-valued field (SR.VDIs, VM.VBDs …), with the mod event that goes with it. */
  addToSet(obj: XObject, field: string, ref: string): void {
    const cur = (obj.record[field] as string[] | undefined) ?? [];
    if (!cur.includes(ref)) this.update(obj, { [field]: [...cur, ref] });
  }
  removeFromSet(obj: XObject, field: string, ref: string): void {
    const cur = (obj.record[field] as string[] | undefined) ?? [];
    if (cur.includes(ref)) this.update(obj, { [field]: cur.filter((r) => r !== ref) });
  }

  /** event.inject's effect: a mod event on an object without changing it. */
  touch(obj: XObject): number {
    this.changed(obj.cls, obj.ref, 'mod');
    return this.generation;
  }

  /** Forgets the event log (after building the fleet), keeping the generation. */
  settle(): void {
    this.log = [];
    this.logStart = 0;
    this.pendingClasses.clear();
  }

  /** Makes every token handed out so far stale: the next event.from with one gets EVENTS_LOST. */
  loseEvents(): void {
    this.lostUpTo = this.generation;
    this.generation++; // so that a token taken from now on is newer than lostUpTo
  }

  private changed(cls: ClassName, ref: string, op: EventOp): void {
    this.generation++;
    this.log.push({ id: this.generation, cls, ref, op, time: Date.now() });
    if (this.log.length - this.logStart > EVENT_LOG_LIMIT) {
      this.logStart += EVENT_LOG_LIMIT / 4;
      if (this.logStart > this.log.length / 2) {
        this.log = this.log.slice(this.logStart);
        this.logStart = 0;
      }
    }
    this.allRecordsCache.delete(cls);
    this.pendingClasses.add(cls);
    // Wake waiters once per tick, so one control action (VDI add + SR mod) is one event.from answer.
    if (!this.wakeScheduled) {
      this.wakeScheduled = true;
      setImmediate(() => this.wakeWaiters());
    }
  }

  private wakeWaiters(): void {
    this.wakeScheduled = false;
    const classes = this.pendingClasses;
    this.pendingClasses = new Set();
    for (const w of [...this.waiters]) {
      if (w.classes === 'all' || [...classes].some((c) => (w.classes as Set<ClassName>).has(c))) w.wake();
    }
  }

  // ---- events ------------------------------------------------------------------------------------

  /** The oldest generation a token may have and still be replayed. */
  oldestReplayable(): number {
    const first = this.log[this.logStart];
    return first ? first.id - 1 : this.generation;
  }

  /** Logged changes after generation `since`, oldest first. */
  changesSince(since: number): LoggedEvent[] {
    // Binary search: the log is ordered by id.
    let lo = this.logStart;
    let hi = this.log.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.log[mid].id <= since) lo = mid + 1;
      else hi = mid;
    }
    return this.log.slice(lo);
  }

  /** Resolves when a change in `classes` happens, or after `ms`; returns a cancel function too. */
  waitForChange(classes: Set<ClassName> | 'all', ms: number): { done: Promise<void>; cancel: () => void } {
    let waiter!: Waiter;
    let timer: NodeJS.Timeout | undefined;
    const done = new Promise<void>((resolve) => {
      waiter = {
        classes,
        wake: () => {
          this.waiters.delete(waiter);
          if (timer) clearTimeout(timer);
          resolve();
        },
      };
      this.waiters.add(waiter);
      timer = setTimeout(waiter.wake, Math.max(0, ms));
    });
    return { done, cancel: () => waiter.wake() };
  }

  /** Wakes every blocked event.from (used on stop, so no request outlives the servers). */
  wakeAll(): void {
    for (const w of [...this.waiters]) w.wake();
  }
}

export interface HostPlace {
  pool: PoolState;
  hostRef: string;
  address: string;
}

export type DownMode = 'reset' | 'silent';

/** What the simulated dom0s know about the volumes behind LVM SRs (installed by dom0.ts). */
export interface StorageHooks {
  /** Runs the storage manager's scan of an SR: undefined when it passes, else the SM error message. */
  scan(pool: PoolState, sr: XObject): string | undefined;
  /** A VDI is destroyed: its volume goes too. */
  destroyed(pool: PoolState, sr: XObject, vdi: XObject): void;
  /** The array grew the LUN behind an SR (hosts see it after a rescan). */
  growLun(srUuid: string, size: number): void;
  /** Where import_raw_vdi's bytes go: the VDI's volume. */
  rawWriter(pool: PoolState, vdi: XObject): import('node:stream').Writable;
}

/** The whole fleet: the pools, and which loopback address is which host. */
export class SimState {
  readonly byAddress = new Map<string, HostPlace>();
  /** Hosts (by address) that do not answer XAPI; 'silent' keeps connections open unanswered. */
  readonly down = new Map<string, DownMode>();
  /** Set when dom0s are simulated: volumes are files, and a scan looks at them. */
  storage: StorageHooks | undefined;

  constructor(readonly pools: PoolState[]) {
    for (const pool of pools) {
      for (const h of pool.all('host')) {
        const address = h.record.address as string;
        this.byAddress.set(address, { pool, hostRef: h.ref, address });
      }
    }
  }

  pool(name: string): PoolState | undefined {
    return this.pools.find((p) => p.name.toLowerCase() === name.toLowerCase());
  }

  /** Finds an object of any class in any pool by uuid. */
  findByUuid(uuid: string): { pool: PoolState; obj: XObject } | undefined {
    for (const pool of this.pools) {
      const obj = pool.byUuid.get(uuid);
      if (obj) return { pool, obj };
    }
    return undefined;
  }

  /** Finds a host by uuid, name_label or address in any pool. */
  findHost(key: string): { pool: PoolState; host: XObject } | undefined {
    for (const pool of this.pools) {
      const host = pool.hostByName(key);
      if (host) return { pool, host };
    }
    return undefined;
  }

  /** The master's address, as the pool record says or as `seenBy` (a host ref) believes. */
  masterAddress(pool: PoolState, seenBy?: string): string {
    const m = pool.getOf('host', seenBy ? pool.masterSeenBy(seenBy) : pool.masterRef());
    return m ? (m.record.address as string) : '';
  }

  isDown(address: string): boolean {
    return this.down.has(address);
  }
}

export { NULL_REF };
