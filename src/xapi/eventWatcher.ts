// Keeps a pool's records current with `event.from`.
//
// Initial load, and why this way (correct = nothing changes unseen between the load and the first
// event.from; cheap = the records cross the wire once):
// 1. From XenServer 6.1 on: `event.inject('pool', <pool ref>)` returns a token *before* the load,
//    for the price of one tiny call; then `get_all_records` of every class, in parallel. Whatever
//    changes between the token and the load comes again as events, which apply idempotently
//    (add/mod replace the record, del of an unknown ref is ignored). Xen Orchestra does this.
// 2. XCP 1.5 / XenServer 6.0 (API 1.9) have `event.from` but no `event.inject`. Taking a token with
//    `event.from(classes, "", 0)` and then calling get_all_records would fetch everything twice:
//    token "" returns every object as an `add` event with its full record. So that answer *is* the
//    load: one call, consistent with its token by construction.
// 3. Older than that (no event.from: MESSAGE_METHOD_UNKNOWN): get_all_records once, no live updates;
//    the status says so.
// On EVENTS_LOST / EVENT_FROM_TOKEN_PARSE_FAILURE: fresh token + fresh load. On SESSION_INVALID: log in
// again (the session does it), then the same. Network failures: retry the same token with capped
// exponential backoff (a token survives a network blip; if xapi restarted meanwhile, the answer is
// SESSION_INVALID and we resync).

import { MissingPasswordError, TransportError, XapiError } from './errors';
import { classFromEventName, decodeAllRecords, decodeRecord } from './decode';
import { MODEL_CLASSES, type RecordOf, type Ref, type XapiClass } from './records';
import type { XapiSession } from './session';
import { XapiFloat } from './transport';
import { sleep } from '../base/sleep';

/** All records of a pool, by class then ref. */
export type PoolRecords = { [K in XapiClass]: Map<string, RecordOf[K]> };

export interface XapiEvent {
  id: string;
  cls: XapiClass;
  operation: 'add' | 'mod' | 'del';
  ref: Ref;
  /** The whole record after the change (absent for `del`). */
  snapshot?: RecordOf[XapiClass];
}

export type WatcherStatus =
  | { kind: 'live' }
  | { kind: 'retrying'; error: unknown; attempt: number; delayMs: number }
  | { kind: 'resyncing'; reason: string }
  /** XAPI older than 6.0: loaded once, no live updates. */
  | { kind: 'static' }
  /** Gave up: retrying cannot help (credentials, certificate); `connect` again after fixing it. */
  | { kind: 'stopped'; error: unknown };

export interface EventSink {
  /** A full set of records: the initial load or a resync. */
  load(records: PoolRecords, reason: 'initial' | 'resync'): void;
  /** The events of one event.from answer. */
  apply(events: XapiEvent[]): void;
  status?(status: WatcherStatus): void;
}

export interface WatcherOptions {
  classes?: readonly XapiClass[];
  /** event.from's own timeout, in seconds (it returns after this long with no events). */
  timeoutSeconds?: number;
  backoffInitialMs?: number;
  backoffMaxMs?: number;
}

export function emptyRecords(): PoolRecords {
  const out = {} as Record<XapiClass, Map<string, unknown>>;
  for (const cls of MODEL_CLASSES) out[cls] = new Map();
  return out as PoolRecords;
}

/** get_all_records of each class, in parallel, decoded. A class the server does not know stays empty. */
export async function loadAllRecords(session: XapiSession, classes: readonly XapiClass[] = MODEL_CLASSES): Promise<PoolRecords> {
  const records = emptyRecords();
  await Promise.all(
    classes.map(async (cls) => {
      try {
        const raw = await session.call(`${cls}.get_all_records`);
        (records as Record<XapiClass, Map<string, unknown>>)[cls] = decodeAllRecords(cls, raw);
      } catch (err) {
        if (err instanceof XapiError && err.code === 'MESSAGE_METHOD_UNKNOWN') return;
        throw err;
      }
    }),
  );
  return records;
}

/** Decodes event.from's events; skips classes we do not cache and malformed entries. */
export function decodeEvents(raw: unknown): XapiEvent[] {
  const out: XapiEvent[] = [];
  if (!Array.isArray(raw)) return out;
  for (const e of raw as Record<string, unknown>[]) {
    if (!e || typeof e !== 'object') continue;
    const cls = classFromEventName(String(e.class ?? ''));
    const operation = e.operation;
    const ref = e.ref;
    if (!cls || typeof ref !== 'string' || (operation !== 'add' && operation !== 'mod' && operation !== 'del')) continue;
    const ev: XapiEvent = { id: String(e.id ?? ''), cls, operation, ref: ref as Ref };
    if (operation !== 'del' && e.snapshot && typeof e.snapshot === 'object') ev.snapshot = decodeRecord(cls, e.snapshot);
    // add/mod without a snapshot cannot be applied; skip rather than store an empty record.
    if (operation !== 'del' && !ev.snapshot) continue;
    out.push(ev);
  }
  return out;
}

interface EventFromAnswer {
  events?: unknown;
  token?: unknown;
}

export class EventWatcher {
  private readonly classes: readonly XapiClass[];
  private readonly timeoutSeconds: number;
  private readonly backoffInitialMs: number;
  private readonly backoffMaxMs: number;
  private readonly abort = new AbortController();
  private token: string | undefined;
  private injectWorks: boolean | undefined;
  private loop: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly session: XapiSession,
    private readonly sink: EventSink,
    options: WatcherOptions = {},
  ) {
    this.classes = options.classes ?? MODEL_CLASSES;
    this.timeoutSeconds = options.timeoutSeconds ?? 30;
    this.backoffInitialMs = options.backoffInitialMs ?? 1_000;
    this.backoffMaxMs = options.backoffMaxMs ?? 30_000;
  }

  /** Loads everything (throws if that fails), then follows events in the background. */
  async start(): Promise<void> {
    const live = await this.sync('initial');
    if (this.stopped) return;
    if (!live) {
      this.sink.status?.({ kind: 'static' });
      return;
    }
    this.sink.status?.({ kind: 'live' });
    this.loop = this.follow();
  }

  /** Stops following: aborts the in-flight event.from and waits for the loop to end. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.abort.abort();
    await this.loop?.catch(() => undefined);
  }

  /** Fetches a token and all records; returns false when the server has no event.from. */
  private async sync(reason: 'initial' | 'resync'): Promise<boolean> {
    const lower = this.classes.map((c) => c.toLowerCase());
    if (this.injectWorks !== false) {
      try {
        const pools = await this.session.call<string[]>('pool.get_all', [], { signal: this.abort.signal });
        const token = await this.session.call<string>('event.inject', ['pool', pools[0]], { signal: this.abort.signal });
        this.injectWorks = true;
        const records = await loadAllRecords(this.session, this.classes);
        this.token = String(token);
        this.sink.load(records, reason);
        return true;
      } catch (err) {
        // No event.inject (API 1.9), or not allowed for this user's role: use path 2.
        if (!(err instanceof XapiError) || err.code === 'SESSION_INVALID' || this.injectWorks) throw err;
        this.injectWorks = false;
      }
    }
    let answer: EventFromAnswer;
    try {
      answer = await this.session.call<EventFromAnswer>('event.from', [lower, '', new XapiFloat(0)], {
        signal: this.abort.signal,
        idleTimeoutMs: 300_000,
      });
    } catch (err) {
      if (err instanceof XapiError && err.code === 'MESSAGE_METHOD_UNKNOWN') {
        this.sink.load(await loadAllRecords(this.session, this.classes), reason);
        return false;
      }
      throw err;
    }
    const records = emptyRecords() as Record<XapiClass, Map<string, unknown>>;
    for (const ev of decodeEvents(answer.events)) {
      if (ev.operation === 'del') records[ev.cls].delete(ev.ref);
      else records[ev.cls].set(ev.ref, ev.snapshot);
    }
    this.token = String(answer.token ?? '');
    this.sink.load(records as PoolRecords, reason);
    return true;
  }

  private async follow(): Promise<void> {
    const lower = this.classes.map((c) => c.toLowerCase());
    let failures = 0;
    let needSync = false;
    let retrying = false;
    while (!this.stopped) {
      try {
        if (needSync) {
          await this.sync('resync');
          needSync = false;
        }
        const answer = await this.session.call<EventFromAnswer>(
          'event.from',
          [lower, this.token, new XapiFloat(this.timeoutSeconds)],
          { signal: this.abort.signal, idleTimeoutMs: (this.timeoutSeconds + 30) * 1000, relogin: false },
        );
        if (this.stopped) return;
        this.token = String(answer.token ?? this.token);
        const events = decodeEvents(answer.events);
        if (failures > 0 || retrying) this.sink.status?.({ kind: 'live' });
        failures = 0;
        retrying = false;
        if (events.length > 0) this.sink.apply(events);
      } catch (err) {
        if (this.stopped) return;
        if (err instanceof XapiError) {
          if (err.code === 'EVENTS_LOST' || err.code === 'EVENT_FROM_TOKEN_PARSE_FAILURE') {
            this.sink.status?.({ kind: 'resyncing', reason: err.code });
            needSync = true;
            continue;
          }
          if (err.code === 'SESSION_INVALID') {
            this.sink.status?.({ kind: 'resyncing', reason: err.code });
            needSync = true;
            try {
              await this.session.relogin(this.session.sessionRef);
              continue;
            } catch (loginErr) {
              err = loginErr;
            }
          }
        }
        if (isFatal(err)) {
          this.stopped = true;
          this.sink.status?.({ kind: 'stopped', error: err });
          return;
        }
        // Network trouble (or an unexpected XAPI error: reload to be safe once it answers again).
        if (!(err instanceof TransportError)) needSync = true;
        failures++;
        retrying = true;
        const delayMs = Math.min(this.backoffMaxMs, this.backoffInitialMs * 2 ** (failures - 1));
        this.sink.status?.({ kind: 'retrying', error: err, attempt: failures, delayMs });
        await sleep(delayMs, this.abort.signal);
      }
    }
  }
}

/** Errors retrying cannot fix: the admin must act (password, certificate). */
function isFatal(err: unknown): boolean {
  if (err instanceof MissingPasswordError) return true;
  if (err instanceof XapiError) return err.code === 'SESSION_AUTHENTICATION_FAILED';
  if (err instanceof TransportError) return err.kind === 'tls-changed' || err.kind === 'tls-untrusted';
  return false;
}

