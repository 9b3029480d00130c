// Long XAPI calls as XAPI tasks, and the one place that decides how a write call is made.
//
// Why tasks: a synchronous call shares the HTTP idle timeout (120 s) of every request, and SR.scan of
// a big SR, PBD.plug, pool.designate_new_master or VM.start can take longer. Reported as a failure,
// such a call was often done on the pool. `Async.<method>` returns a task reference at once and runs
// the call in xapi; the task record (xapi's `task` class: status pending → success | failure |
// cancelled, `progress` 0..1, `result`, `error_info`, `allowed_operations`) says how it ends. So:
// - each HTTP request keeps its normal timeout, the wait itself has none (a task runs as long as it runs);
// - the end is seen through `event.from(["task"], token, t)` (XCP 1.5 / XenServer 6.0 on), with our own
//   token, one loop for all the tasks a session follows (TaskWatcher; not on a session whose event.from
//   another loop runs: see there why); a server without event.from (MESSAGE_METHOD_UNKNOWN) is polled
//   with `task.get_record`, with backoff (XenCenter polls every 900 ms);
// - a connection lost *while waiting* is not a lost outcome: the task runs on in xapi, so we reconnect
//   (the session logs in again) and keep following it. Only a lost answer to the `Async.*` call itself
//   leaves the outcome unknown (OutcomeUnknownError), as does a task that vanished before we saw its end;
// - Cancel (AbortSignal) calls `task.cancel` if `allowed_operations` contains `cancel` (advisory in xapi:
//   only an operation at a cancellation point stops); otherwise the task is followed to its end;
// - the task is always destroyed after (best effort): async tasks belong to their caller.
// The task's `result` is the return value as an XML-RPC `<value>` serialized into a string, whatever
// the transport (xapi's TaskHelper.set_result_on_task uses Xmlrpc.to_string): `<value>OpaqueRef:…</value>`
// for a ref, "" (XCP 1.x) or `<value></value>` (later) for void. decodeTaskResult reads it.

import { OutcomeUnknownError, TransportError, XapiError, lostAfterSend } from './errors';
import type { XapiSession } from './session';
import { XapiFloat } from './transport';
import { decodeValue } from './xmlDecoder';
import { sleep } from '../base/sleep';
import { l10n } from '../text/l10n';

/**
 * The calls that run as tasks, in one place. A call is here when it can outlast the HTTP idle timeout
 * on a real pool (storage-manager work, host agents, VM domains, master hand-over) and xapi declares an
 * `Async.` twin for it (every message but session, event, task, data_source and blob calls and the
 * generated field getters/setters). Every caller that goes through `callXapi` (procedures today, VM
 * power and migration and health later) gets the task path for these.
 */
export const LONG_CALLS: ReadonlySet<string> = new Set([
  'SR.scan', 'SR.create', 'SR.introduce', 'SR.forget', 'SR.destroy', 'SR.probe', 'SR.update',
  'PBD.plug', 'PBD.unplug',
  'VDI.create', 'VDI.destroy', 'VDI.copy', 'VDI.clone', 'VDI.snapshot', 'VDI.resize', 'VDI.resize_online',
  'pool.designate_new_master', 'pool.join', 'pool.eject',
  'host.evacuate', 'host.reboot', 'host.shutdown', 'host.restart_agent',
  'VM.start', 'VM.start_on', 'VM.resume', 'VM.resume_on', 'VM.suspend',
  'VM.clean_shutdown', 'VM.hard_shutdown', 'VM.shutdown', 'VM.clean_reboot', 'VM.hard_reboot',
  'VM.pool_migrate', 'VM.snapshot', 'VM.snapshot_with_quiesce', 'VM.checkpoint', 'VM.revert', 'VM.clone', 'VM.copy', 'VM.destroy',
]);

export function runsAsTask(method: string): boolean {
  return LONG_CALLS.has(method);
}

/** Calls that change nothing: a connection lost during one is a plain failure, never "outcome unknown". */
export function isReadOnlyCall(method: string): boolean {
  const name = method.slice(method.indexOf('.') + 1);
  return /^(get_|assert_|is_)/.test(name) || method.startsWith('event.') || method.startsWith('system.') || method.startsWith('session.');
}

export type TaskStatus = 'pending' | 'success' | 'failure' | 'cancelling' | 'cancelled';

/** The fields of xapi's task record that a caller reads. */
export interface TaskRecord {
  uuid: string;
  name_label: string;
  status: TaskStatus;
  progress: number;
  result: string;
  error_info: string[];
  allowed_operations: string[];
}

/** The task was cancelled (status `cancelled`) before it finished. */
export class TaskCancelledError extends Error {
  override readonly name = 'TaskCancelledError';
  constructor(readonly method: string, readonly taskRef: string) {
    super(`${method} was cancelled (task ${taskRef}).`);
  }
}

/** A task record as either transport delivers it → TaskRecord (untrusted input: every field checked). */
export function decodeTaskRecord(raw: unknown): TaskRecord {
  const r = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const status = String(r.status ?? '').toLowerCase();
  const progress = Number(r.progress);
  return {
    uuid: typeof r.uuid === 'string' ? r.uuid : '',
    name_label: typeof r.name_label === 'string' ? r.name_label : '',
    status: (['pending', 'success', 'failure', 'cancelling', 'cancelled'].includes(status) ? status : 'pending') as TaskStatus,
    progress: Number.isFinite(progress) ? Math.min(1, Math.max(0, progress)) : 0,
    result: typeof r.result === 'string' ? r.result : '',
    error_info: Array.isArray(r.error_info) ? r.error_info.map((x) => String(x)) : [],
    allowed_operations: Array.isArray(r.allowed_operations) ? r.allowed_operations.map((x) => String(x).toLowerCase()) : [],
  };
}

/**
 * A task's `result` → the call's return value: "" for void (XCP 1.x writes "", later xapi
 * `<value></value>`), else the XML-RPC value it holds (`<value>OpaqueRef:…</value>` → the ref).
 */
export function decodeTaskResult(result: string): unknown {
  const text = result.trim();
  if (text === '') return '';
  if (!text.startsWith('<value')) {
    throw new TransportError('not-xapi', l10n.t('The task\'s result is not an XML-RPC value (it starts {0}).', JSON.stringify(text.slice(0, 40))), '');
  }
  try {
    return decodeValue(text);
  } catch (err) {
    throw new TransportError('not-xapi', l10n.t('The task\'s result does not decode as an XML-RPC value: {0}', (err as Error).message), '', err);
  }
}

export interface TaskWatchOptions {
  /** event.from's own timeout while waiting, in seconds (default 30). */
  eventTimeoutSeconds?: number;
  /** Polling without event.from, and retrying after a lost connection: first and longest interval, ms (default 500 and 5,000). */
  pollInitialMs?: number;
  pollMaxMs?: number;
  /** How long to keep reconnecting when the connection is lost while tasks run (default 10 min). */
  reconnectForMs?: number;
}

export interface TaskCallOptions extends TaskWatchOptions {
  /** Cancel: `task.cancel` where xapi allows it; the task is followed to its end either way. */
  signal?: AbortSignal;
  /** Each new `progress` of the task, 0..1. */
  onProgress?(fraction: number): void;
  /** Said while waiting (cancel refused, connection lost and retried). */
  onNote?(text: string): void;
  /** The task reference, once xapi gave it. */
  onTask?(taskRef: string): void;
  /**
   * Who follows the task. Default: a watcher on the call's own session, which is right only when
   * nothing else runs event.from on that session (see TaskWatcher).
   */
  watcher?: TaskWatcher;
}

export interface XapiCallOptions extends TaskCallOptions {
  /** Run as a task even if the method is not in LONG_CALLS (true), or never (false); default: the list. */
  asTask?: boolean;
}

/**
 * One XAPI call as a procedure (or any caller that changes things) should make it: a read as it is;
 * a long call as a task; any other write synchronously, with a lost answer turned into
 * OutcomeUnknownError.
 */
export async function callXapi<T = unknown>(session: XapiSession, method: string, args: readonly unknown[], options: XapiCallOptions = {}): Promise<T> {
  if (isReadOnlyCall(method)) return session.call<T>(method, args);
  if (options.asTask ?? runsAsTask(method)) return callAsTask<T>(session, method, args, options);
  return callWrite<T>(session, method, args);
}

/**
 * A synchronous write: a lost answer becomes OutcomeUnknownError (reported as `reportAs`). The login
 * happens apart, so a login that fails is never taken for a write that may have run.
 */
export async function callWrite<T = unknown>(session: XapiSession, method: string, args: readonly unknown[], reportAs = method): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const ref = await session.login();
    try {
      return await session.call<T>(method, args, { relogin: false });
    } catch (err) {
      if (lostAfterSend(err)) throw new OutcomeUnknownError(reportAs, args, err);
      // SESSION_INVALID: xapi refused before running anything; log in again and send it once more.
      if (attempt === 0 && err instanceof XapiError && err.code === 'SESSION_INVALID') {
        await session.relogin(ref);
        continue;
      }
      throw err;
    }
  }
}

/**
 * `Async.<method>(args)`, followed to its end: the decoded result, or XapiError from `error_info`
 * (code and params, as the synchronous call would throw), TaskCancelledError, OutcomeUnknownError.
 * A server without the `Async.` twin (MESSAGE_METHOD_UNKNOWN) gets the synchronous call instead.
 */
export async function callAsTask<T = unknown>(session: XapiSession, method: string, args: readonly unknown[], options: TaskCallOptions = {}): Promise<T> {
  const asyncName = `Async.${method}`;
  let taskRef: unknown;
  try {
    taskRef = await callWrite(session, asyncName, args, method);
  } catch (err) {
    if (err instanceof XapiError && err.code === 'MESSAGE_METHOD_UNKNOWN') return callWrite<T>(session, method, args);
    throw err;
  }
  if (typeof taskRef !== 'string' || !taskRef.startsWith('OpaqueRef:')) {
    const cause = new Error(l10n.t('{0} answered {1} instead of a task reference.', asyncName, JSON.stringify(taskRef)?.slice(0, 60) ?? 'undefined'));
    throw new OutcomeUnknownError(method, args, cause);
  }
  const ref = taskRef;
  options.onTask?.(ref);
  const watcher = options.watcher ?? new TaskWatcher(session, options);
  let latest: TaskRecord | undefined;
  let shownProgress = -1;
  // Cancel: only where the task says it can be (allowed_operations, advisory in xapi); followed to its end either way.
  const askCancel = async () => {
    try {
      const allowed = latest?.allowed_operations ?? decodeTaskRecord(await session.call('task.get_record', [ref])).allowed_operations;
      if (!allowed.includes('cancel')) {
        options.onNote?.(`XAPI does not allow cancelling ${method} now; waiting for it to finish.`);
        return;
      }
      await session.call('task.cancel', [ref]);
      options.onNote?.(`asked XAPI to cancel ${method}`);
    } catch (err) {
      options.onNote?.(`cancelling ${method} failed: ${(err as Error).message}; waiting for it to finish.`);
    }
  };
  let cancelling: Promise<void> | undefined;
  const onAbort = () => void (cancelling ??= askCancel());
  try {
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener('abort', onAbort, { once: true });
    const record = await watcher.follow(ref, {
      onRecord: (r) => {
        latest = r;
        if (r.progress !== shownProgress) {
          shownProgress = r.progress;
          options.onProgress?.(r.progress);
        }
      },
      onNote: options.onNote,
      lost: (cause) => new OutcomeUnknownError(method, args, cause, ref),
    });
    await cancelling;
    switch (record.status) {
      case 'success':
        return decodeTaskResult(record.result) as T;
      case 'cancelled':
        throw new TaskCancelledError(method, ref);
      default: {
        const [code, ...params] = record.error_info;
        throw new XapiError(code ?? 'UNKNOWN_ERROR', params, method);
      }
    }
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    await session.call('task.destroy', [ref], { idleTimeoutMs: 10_000 }).catch(() => undefined);
    if (!options.watcher) await watcher.dispose();
  }
}

interface EventFromAnswer {
  events?: unknown;
  token?: unknown;
}

interface Follower {
  onRecord(record: TaskRecord): void;
  onNote?(text: string): void;
  /** The error for a task lost track of: the call may or may not have run. */
  lost(cause: Error): Error;
}

interface Waiter extends Follower {
  resolve(record: TaskRecord): void;
  reject(err: unknown): void;
}


const finished = (r: TaskRecord) => r.status !== 'pending' && r.status !== 'cancelling';

/**
 * Follows any number of tasks with one `event.from(["task"], token, t)` loop on one session, and
 * hands each waiter the records of its task until it leaves `pending`.
 *
 * One loop, and a session of its own where the session also serves other event.from calls: until
 * 2014 (xen-api 6675872e7a, "event.from: prevent interference between parallel calls"; so XCP 1.5 and
 * XenServer up to 6.2) xapi keeps one event subscription per session, and of two event.from calls
 * running at once on a session the one that returns second fails with SESSION_INVALID. The pool's
 * model already runs event.from on the pool session, so PoolConnection gives its tasks a watcher on a
 * second session; a one-off session (callOn) can use its own.
 *
 * A waiter's task is read once with `task.get_record` when it joins (it may have ended before the
 * loop's token), then from events. Without event.from (MESSAGE_METHOD_UNKNOWN, or refused to this
 * role) every waiter's task is polled with backoff. After a resync (token "") each task is read again,
 * so one destroyed meanwhile (xapi restarted) is noticed. A lost connection is retried for
 * `reconnectForMs`; then, and for a task that vanished, the waiter gets its `lost` error.
 */
export class TaskWatcher {
  private readonly waiters = new Map<string, Waiter>();
  private readonly stop = new AbortController();
  private running: Promise<void> | undefined;
  private token = '';
  private useEvents = true;
  private readonly eventTimeout: number;
  private readonly pollInitial: number;
  private readonly pollMax: number;
  private readonly reconnectFor: number;

  constructor(private readonly session: XapiSession, options: TaskWatchOptions = {}) {
    this.eventTimeout = options.eventTimeoutSeconds ?? 30;
    this.pollInitial = options.pollInitialMs ?? 500;
    this.pollMax = options.pollMaxMs ?? 5_000;
    this.reconnectFor = options.reconnectForMs ?? 600_000;
  }

  /** Resolves with the task's record once it is no longer pending. */
  follow(ref: string, follower: Follower): Promise<TaskRecord> {
    if (this.stop.signal.aborted) return Promise.reject(follower.lost(new Error(l10n.t('The task watcher was stopped (the pool was disconnected).'))));
    return new Promise<TaskRecord>((resolve, reject) => {
      this.waiters.set(ref, { ...follower, resolve, reject });
      this.kick();
      void this.readOnce(ref);
    });
  }

  /** Stops the loop; tasks still followed are reported lost (their outcome is unknown to us). */
  async dispose(): Promise<void> {
    this.stop.abort();
    for (const [ref, w] of this.waiters) this.settle(ref, w.lost(new Error(l10n.t('The pool was disconnected while the task ran.'))));
    await this.running?.catch(() => undefined);
    if (this.ownsSession) await this.session.dispose();
  }

  /** Set by whoever gives the watcher a session of its own, so that dispose logs it out. */
  ownsSession = false;

  private kick(): void {
    if (this.running || this.stop.signal.aborted) return;
    this.running = this.loop().finally(() => {
      this.running = undefined;
      if (this.waiters.size > 0) this.kick();
    });
  }

  private deliver(ref: string, record: TaskRecord): void {
    const w = this.waiters.get(ref);
    if (!w) return;
    w.onRecord(record);
    if (finished(record)) this.settle(ref, undefined, record);
  }

  private settle(ref: string, err: unknown, record?: TaskRecord): void {
    const w = this.waiters.get(ref);
    if (!w) return;
    this.waiters.delete(ref);
    if (err !== undefined) w.reject(err);
    else w.resolve(record!);
  }

  private vanished(ref: string): void {
    const w = this.waiters.get(ref);
    if (w) this.settle(ref, w.lost(new Error(l10n.t('Its task {0} was destroyed before XCP Admin saw it end (xapi restarted, or another client destroyed it).', ref))));
  }

  /** One `task.get_record`: the task's state now; a task that is gone is reported so, other errors thrown. */
  private async read(ref: string): Promise<void> {
    try {
      this.deliver(ref, decodeTaskRecord(await this.session.call('task.get_record', [ref])));
    } catch (err) {
      if (err instanceof XapiError && err.code === 'HANDLE_INVALID') this.vanished(ref);
      else throw err;
    }
  }

  /** A first look at a task that just joined; trouble is left to the loop, which retries. */
  private async readOnce(ref: string): Promise<void> {
    await this.read(ref).catch(() => undefined);
  }

  private async readAll(): Promise<void> {
    await Promise.all([...this.waiters.keys()].map((ref) => this.read(ref)));
  }

  private async loop(): Promise<void> {
    let lostSince: number | undefined;
    let failures = 0;
    let pollDelay = this.pollInitial;
    while (this.waiters.size > 0 && !this.stop.signal.aborted) {
      try {
        if (this.useEvents) {
          const resync = this.token === '';
          const answer = await this.session.call<EventFromAnswer>('event.from', [['task'], this.token, new XapiFloat(resync ? 0 : this.eventTimeout)], {
            idleTimeoutMs: (this.eventTimeout + 30) * 1000,
            signal: this.stop.signal,
          });
          this.token = String(answer?.token ?? this.token);
          for (const ev of Array.isArray(answer?.events) ? (answer.events as Record<string, unknown>[]) : []) {
            if (!ev || typeof ev !== 'object' || typeof ev.ref !== 'string' || !this.waiters.has(ev.ref)) continue;
            if (ev.operation === 'del') this.vanished(ev.ref);
            else this.deliver(ev.ref, decodeTaskRecord(ev.snapshot));
          }
          // After a resync, a task gone while we were away sent no `del` we could see: read each.
          if (resync) await this.readAll();
        } else {
          await this.readAll();
          await sleep(pollDelay, this.stop.signal);
          pollDelay = Math.min(this.pollMax, pollDelay * 2);
        }
        if (lostSince !== undefined) for (const w of this.waiters.values()) w.onNote?.('connection back; following the task again');
        lostSince = undefined;
        failures = 0;
      } catch (err) {
        if (this.stop.signal.aborted) return;
        if (err instanceof XapiError) {
          if (this.useEvents && (err.code === 'EVENTS_LOST' || err.code === 'EVENT_FROM_TOKEN_PARSE_FAILURE')) {
            this.token = '';
            continue;
          }
          if (this.useEvents && err.code !== 'SESSION_AUTHENTICATION_FAILED' && err.code !== 'SESSION_INVALID') {
            // No event.from (older than XCP 1.5), or not for this role: poll instead.
            this.useEvents = false;
            continue;
          }
        }
        const retry = err instanceof TransportError && err.kind !== 'tls-changed' && err.kind !== 'tls-untrusted';
        if (!retry) {
          // The tasks were started and may still run: we only lost the means to see them end.
          for (const [ref, w] of [...this.waiters]) this.settle(ref, w.lost(err instanceof Error ? err : new Error(String(err))));
          return;
        }
        // The connection is gone, the tasks are not: wait, log in again if needed, and keep following them.
        lostSince ??= Date.now();
        if (Date.now() - lostSince > this.reconnectFor) {
          for (const [ref, w] of [...this.waiters]) {
            this.settle(ref, w.lost(new Error(l10n.t('Lost contact with the pool for {0} s while its task {1} ran ({2}).', Math.round(this.reconnectFor / 1000), ref, (err as Error).message))));
          }
          return;
        }
        failures++;
        if (failures === 1) for (const w of this.waiters.values()) w.onNote?.(`lost the connection (${(err as Error).message}); reconnecting, the task goes on in XAPI`);
        await sleep(Math.min(this.pollMax, this.pollInitial * 2 ** (failures - 1)), this.stop.signal);
      }
    }
  }
}

