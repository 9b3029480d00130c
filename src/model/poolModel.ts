// One pool's cache: every record of MODEL_CLASSES by class and ref, with the relation indexes the tree
// and the procedures ask about, kept current by the event watcher. No vscode import.
//
// Relations are indexed from the *forward* pointers (VDI.SR, VBD.VDI, VBD.VM, PBD.SR, PBD.host,
// VM.resident_on): each event carries its object's own record, so one event updates one index entry,
// whatever order XAPI sends the reverse-pointer `mod`s in (SR.VDIs, host.resident_VMs …).

import type { PoolRecords, XapiEvent } from '../xapi/eventWatcher';
import { MODEL_CLASSES, NULL_REF, type RecordOf, type Ref, type XapiClass } from '../xapi/records';
import { Emitter, type Disposable } from '../base/emitter';
import { NameOrder, byName, compareNames } from './nameOrder';

export interface Entry<K extends XapiClass> {
  ref: Ref<K>;
  record: RecordOf[K];
}
export interface ModelChange {
  cls: XapiClass;
  ref: Ref;
  op: 'add' | 'mod' | 'del';
  /** For `mod`: the fields whose value differs from the previous record (empty when nothing did). */
  fields?: readonly string[];
  /** For `mod` and `del`: the record before the change, so a listener can tell where the object was. */
  previous?: RecordOf[XapiClass];
}
export type { Disposable };

type AnyRecord = RecordOf[XapiClass];
type Listener = (changes: ModelChange[]) => void;

/** refs of class `cls` grouped by a key read from their record (a forward pointer). */
class Index {
  private readonly byKey = new Map<string, Set<string>>();
  constructor(readonly cls: XapiClass, private readonly keyOf: (rec: AnyRecord) => string) {}
  add(ref: string, rec: AnyRecord): void {
    const key = this.keyOf(rec);
    if (!key || key === NULL_REF) return;
    let set = this.byKey.get(key);
    if (!set) this.byKey.set(key, (set = new Set()));
    set.add(ref);
  }
  remove(ref: string, rec: AnyRecord): void {
    const key = this.keyOf(rec);
    const set = this.byKey.get(key);
    if (!set) return;
    set.delete(ref);
    if (set.size === 0) this.byKey.delete(key);
  }
  get(key: string): ReadonlySet<string> {
    return this.byKey.get(key) ?? EMPTY;
  }
  clear(): void {
    this.byKey.clear();
  }
}
const EMPTY: ReadonlySet<string> = new Set();

/** The fields of `after` whose value differs from `before` (maps and sets compared by content). */
export function changedFields(before: object, after: object): string[] {
  const out: string[] = [];
  const a = before as Record<string, unknown>;
  const b = after as Record<string, unknown>;
  for (const k of Object.keys(b)) if (!sameValue(a[k], b[k])) out.push(k);
  for (const k of Object.keys(a)) if (!(k in b)) out.push(k);
  return out;
}

function sameValue(x: unknown, y: unknown): boolean {
  if (x === y) return true;
  if (typeof x !== 'object' || typeof y !== 'object' || x === null || y === null) return false;
  if (x instanceof Date || y instanceof Date) return x instanceof Date && y instanceof Date && x.getTime() === y.getTime();
  if (Array.isArray(x) !== Array.isArray(y)) return false;
  const kx = Object.keys(x);
  const ky = Object.keys(y);
  if (kx.length !== ky.length) return false;
  for (const k of kx) if (!sameValue((x as Record<string, unknown>)[k], (y as Record<string, unknown>)[k])) return false;
  return true;
}

export class PoolModel {
  private readonly tables = new Map<XapiClass, Map<string, AnyRecord>>();
  private readonly changed = new Emitter<ModelChange[]>('PoolModel');
  private readonly vdisBySr = new Index('VDI', (r) => (r as RecordOf['VDI']).SR);
  private readonly vbdsByVdi = new Index('VBD', (r) => (r as RecordOf['VBD']).VDI);
  private readonly pbdsBySr = new Index('PBD', (r) => (r as RecordOf['PBD']).SR);
  private readonly pbdsByHost = new Index('PBD', (r) => (r as RecordOf['PBD']).host);
  private readonly vmsByHost = new Index('VM', (r) => (r as RecordOf['VM']).resident_on);
  private readonly vmsByGuestMetrics = new Index('VM', (r) => (r as RecordOf['VM']).guest_metrics);
  private readonly indexes: readonly Index[] = [this.vdisBySr, this.vbdsByVdi, this.pbdsBySr, this.pbdsByHost, this.vmsByHost, this.vmsByGuestMetrics];
  private loadedOnce = false;
  /** The long lists (an SR's VDIs, a host's VMs, the halted VMs) in name order, kept between calls. */
  private readonly order = new NameOrder();

  constructor(records?: PoolRecords) {
    for (const cls of MODEL_CLASSES) this.tables.set(cls, new Map());
    if (records) this.load(records);
  }

  /** True once a full set of records has been loaded. */
  get loaded(): boolean {
    return this.loadedOnce;
  }

  /** Fires with the changes of one event.from answer (or of a resync), never per record. */
  onDidChange(listener: Listener): Disposable {
    return this.changed.event(listener);
  }

  /**
   * Replaces everything (initial load, resync after EVENTS_LOST). Reports the difference: `del` for refs
   * gone, `add` for new ones, `mod` for the rest.
   */
  load(records: PoolRecords): ModelChange[] {
    const changes: ModelChange[] = [];
    const report = this.loadedOnce;
    for (const idx of this.indexes) idx.clear();
    for (const cls of MODEL_CLASSES) {
      const incoming = (records[cls] ?? new Map()) as Map<string, AnyRecord>;
      const old = this.tables.get(cls)!;
      if (report) {
        for (const [ref, previous] of old) if (!incoming.has(ref)) changes.push({ cls, ref: ref as Ref, op: 'del', previous });
        for (const [ref, rec] of incoming) {
          const previous = old.get(ref);
          changes.push(previous ? { cls, ref: ref as Ref, op: 'mod', fields: changedFields(previous, rec), previous } : { cls, ref: ref as Ref, op: 'add' });
        }
      }
      const table = new Map(incoming);
      this.tables.set(cls, table);
      for (const idx of this.indexes) if (idx.cls === cls) for (const [ref, rec] of table) idx.add(ref, rec);
    }
    this.loadedOnce = true;
    this.fire(changes);
    return changes;
  }

  /**
   * Applies one event.from answer; fires one batch. Several events on one ref collapse into one change,
   * whose `previous` is the record before the answer and whose `fields` compare it with the record after.
   */
  applyEvents(events: readonly XapiEvent[]): ModelChange[] {
    const pending = new Map<string, ModelChange>();
    for (const ev of events) {
      const table = this.tables.get(ev.cls);
      if (!table) continue;
      const old = table.get(ev.ref);
      let op: ModelChange['op'];
      if (ev.operation === 'del') {
        if (!old) continue; // never seen (or already gone): nothing to tell
        this.unindex(ev.cls, ev.ref, old);
        table.delete(ev.ref);
        op = 'del';
      } else {
        if (!ev.snapshot) continue;
        if (old) this.unindex(ev.cls, ev.ref, old);
        table.set(ev.ref, ev.snapshot);
        this.index(ev.cls, ev.ref, ev.snapshot);
        op = old ? 'mod' : 'add';
      }
      const key = `${ev.cls}/${ev.ref}`;
      const prev = pending.get(key);
      if (!prev) pending.set(key, { cls: ev.cls, ref: ev.ref, op, previous: old });
      else if (prev.op === 'add' && op === 'del') pending.delete(key); // came and went within one answer
      else if (prev.op === 'add') continue; // add then mod: still an add for the listener
      else if (prev.op === 'del' && op !== 'del') prev.op = 'mod'; // del then add: the listener saw it before
      else prev.op = op;
    }
    const changes = [...pending.values()];
    for (const c of changes) {
      if (c.op === 'add') delete c.previous;
      else if (c.op === 'mod') c.fields = changedFields(c.previous!, this.tables.get(c.cls)!.get(c.ref)!);
    }
    this.fire(changes);
    return changes;
  }

  /**
   * Replaces one class's records with a fresh `get_all_records` of it, reporting what came and went:
   * for XAPI's messages, whose deletions API 1.x's event.from never reports. Records of refs already
   * known are kept as they are (messages do not change).
   */
  reconcile<K extends XapiClass>(cls: K, fresh: Map<string, RecordOf[K]>): ModelChange[] {
    const table = this.tables.get(cls)!;
    const changes: ModelChange[] = [];
    for (const [ref, rec] of table) {
      if (fresh.has(ref)) continue;
      this.unindex(cls, ref, rec);
      table.delete(ref);
      changes.push({ cls, ref: ref as Ref, op: 'del' });
    }
    for (const [ref, rec] of fresh) {
      if (table.has(ref)) continue;
      table.set(ref, rec);
      this.index(cls, ref, rec);
      changes.push({ cls, ref: ref as Ref, op: 'add' });
    }
    this.fire(changes);
    return changes;
  }

  get<K extends XapiClass>(cls: K, ref: Ref | string): RecordOf[K] | undefined {
    return this.tables.get(cls)?.get(ref) as RecordOf[K] | undefined;
  }

  all<K extends XapiClass>(cls: K): Entry<K>[] {
    const out: Entry<K>[] = [];
    for (const [ref, record] of this.tables.get(cls) ?? []) out.push({ ref: ref as Ref<K>, record: record as RecordOf[K] });
    return out;
  }

  count(cls: XapiClass): number {
    return this.tables.get(cls)?.size ?? 0;
  }

  pool(): Entry<'pool'> {
    const first = this.all('pool')[0];
    if (!first) throw new Error('the pool record is not loaded yet');
    return first;
  }

  master(): Entry<'host'> | undefined {
    const ref = this.all('pool')[0]?.record.master;
    return ref ? this.entry('host', ref) : undefined;
  }

  /** `entries` in the natural order of their names; `list` names the list so its order is kept for the next call (nameOrder.ts). */
  inNameOrder<K extends XapiClass>(list: string, entries: Entry<K>[]): Entry<K>[] {
    return this.order.sorted(list, entries);
  }

  hosts(): Entry<'host'>[] {
    return this.order.sorted('hosts', this.all('host'));
  }

  isHostLive(host: Ref<'host'>): boolean {
    const metrics = this.get('host', host)?.metrics;
    return metrics ? this.get('host_metrics', metrics)?.live === true : false;
  }

  isMaster(host: Ref<'host'>): boolean {
    return this.all('pool')[0]?.record.master === host;
  }

  sharedSrs(): Entry<'SR'>[] {
    return this.order.sorted('shared SRs', this.all('SR').filter((e) => e.record.shared));
  }

  localSrs(host: Ref<'host'>): Entry<'SR'>[] {
    const seen = new Set<string>();
    const out: Entry<'SR'>[] = [];
    for (const pbd of this.pbdsByHost.get(host)) {
      const srRef = this.get('PBD', pbd)?.SR;
      if (!srRef || seen.has(srRef)) continue;
      seen.add(srRef);
      const sr = this.entry('SR', srRef);
      if (sr && !sr.record.shared) out.push(sr);
    }
    return out.sort(byName);
  }

  hostOfLocalSr(sr: Ref<'SR'>): Entry<'host'> | undefined {
    const rec = this.get('SR', sr);
    if (!rec || rec.shared) return undefined;
    for (const pbd of this.pbdsBySr.get(sr)) {
      const host = this.get('PBD', pbd)?.host;
      const entry = host ? this.entry('host', host) : undefined;
      if (entry) return entry;
    }
    return undefined;
  }

  vdisOf(sr: Ref<'SR'>): Entry<'VDI'>[] {
    return this.order.sorted(`VDIs of ${sr}`, this.entries('VDI', this.vdisBySr.get(sr)));
  }

  vmsUsing(vdi: Ref<'VDI'>): Entry<'VM'>[] {
    const vms = new Set<string>();
    for (const vbd of this.vbdsByVdi.get(vdi)) {
      const vm = this.get('VBD', vbd)?.VM;
      if (vm && vm !== NULL_REF) vms.add(vm);
    }
    return this.entries('VM', vms).sort(byName);
  }

  pbdsOf(sr: Ref<'SR'>): (Entry<'PBD'> & { host: Entry<'host'> | undefined })[] {
    return this.entries('PBD', this.pbdsBySr.get(sr))
      .map((e) => ({ ...e, host: this.entry('host', e.record.host) }))
      .sort((a, b) => compareNames(a.host?.record.name_label ?? '', b.host?.record.name_label ?? ''));
  }

  residentVms(host: Ref<'host'>): Entry<'VM'>[] {
    return this.order.sorted(`VMs on ${host}`, this.entries('VM', this.vmsByHost.get(host)).filter((e) => !e.record.is_control_domain));
  }

  /** The VMs whose guest_metrics is `gm` (one, unless XAPI shares it), without a scan of every VM. */
  vmsWithGuestMetrics(gm: Ref<'VM_guest_metrics'> | string): Ref<'VM'>[] {
    return [...this.vmsByGuestMetrics.get(gm)] as Ref<'VM'>[];
  }

  /** The PBDs on a host (refs), unsorted. */
  pbdsOfHost(host: Ref<'host'> | string): Ref<'PBD'>[] {
    return [...this.pbdsByHost.get(host)] as Ref<'PBD'>[];
  }

  /** The VDIs of an SR (refs), unsorted: for a caller that needs them all but not in order. */
  vdiRefsOf(sr: Ref<'SR'> | string): Ref<'VDI'>[] {
    return [...this.vdisBySr.get(sr)] as Ref<'VDI'>[];
  }

  vdiFormat(vdi: Ref<'VDI'>): 'raw' | 'vhd' | 'unknown' {
    const sm = this.get('VDI', vdi)?.sm_config;
    if (!sm) return 'unknown';
    if (sm.type === 'raw') return 'raw';
    if (sm.vdi_type === 'vhd' || sm.type === 'vhd') return 'vhd';
    return 'unknown';
  }

  private entry<K extends XapiClass>(cls: K, ref: string): Entry<K> | undefined {
    const record = this.get(cls, ref);
    return record ? { ref: ref as Ref<K>, record } : undefined;
  }

  private entries<K extends XapiClass>(cls: K, refs: Iterable<string>): Entry<K>[] {
    const out: Entry<K>[] = [];
    for (const ref of refs) {
      const e = this.entry(cls, ref);
      if (e) out.push(e);
    }
    return out;
  }

  private index(cls: XapiClass, ref: string, rec: AnyRecord): void {
    for (const idx of this.indexes) if (idx.cls === cls) idx.add(ref, rec);
  }

  private unindex(cls: XapiClass, ref: string, rec: AnyRecord): void {
    for (const idx of this.indexes) if (idx.cls === cls) idx.remove(ref, rec);
  }

  private fire(changes: ModelChange[]): void {
    // One broken listener stops neither the others nor the event loop (the emitter's rule).
    if (changes.length > 0) this.changed.fire(changes);
  }
}
