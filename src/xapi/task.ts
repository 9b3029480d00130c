// Long XAPI calls as XAPI tasks, and the one place that decides how a write call is made.
//
// Why tasks: a synchronous call shares the HTTP idle timeout (120 s) of every request, and SR.scan of
// a big SR, PBD.plug, pool.designate_new_master or VM.start can take longer. Reported as a failure,
// such a call was often done on the pool. `Async.<method>` returns a task reference at once and runs
// the call in xapi; the task record (xapi's `task` class: status pending → success | failure |
// cancelled, `progress` 0..1, `result`, `error_info`, `allowed_operations`) says how it ends. So:
// - each HTTP request keeps its normal timeout, the wait itself has none (a task runs as long as it runs);
// - the end is seen through `event.from(["task"], token, t)` (XCP 1.5 / XenServer 6.0 on), with our own
//   token; a server without event.from (MESSAGE_METHOD_UNKNOWN) is polled with `task.get_record`, with
//   backoff (as XenCenter does every 900 ms);
// - a connection lost *while waiting* is not a lost outcome: the task runs on in xapi, so we reconnect
//   (the session logs in again) and keep following it. Only a lost answer to the `Async.*` call itself
//   leaves the outcome unknown (OutcomeUnknownError), as does a task that vanished before we saw its end;
// - Cancel (AbortSignal) calls `task.cancel` if `allowed_operations` contains `cancel` (advisory in xapi:
//   only an operation at a cancellation point stops); otherwise the task is followed to its end;
// - the task is always destroyed after (best effort): async tasks belong to their caller.
// The task's `result` is the return value as an XML-RPC `<value>` serialized into a string, whatever
// the transport (xapi's TaskHelper.set_result_on_task uses Xmlrpc.to_string): `<value>OpaqueRef:…</value>`
// for a ref, "" (XCP 1.x) or `<value></value>` (later) for void. decodeTaskResult reads it.

import { MissingPasswordError, OutcomeUnknownError, TransportError, XapiError, lostAfterSend } from './errors';
import type { XapiSession } from './session';
import { XapiFloat } from './transport';
import { decodeValue } from './xmlDecoder';

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
  'VM.pool_migrate', 'VM.snapshot', 'VM.checkpoint', 'VM.revert', 'VM.clone', 'VM.copy', 'VM.destroy',
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
    throw new TransportError('not-xapi', `The task's result is not an XML-RPC value (it starts ${JSON.stringify(text.slice(0, 40))}).`, '');
  }
  try {
    return decodeValue(text);
  } catch (err) {
    throw new TransportError('not-xapi', `The task's result does not decode as an XML-RPC value: ${(err as Error).message}`, '', err);
  }
}

export interface TaskCallOptions {
  /** Cancel: `task.cancel` where xapi allows it; the task is followed to its end either way. */
  signal?: AbortSignal;
  /** Each new `progress` of the task, 0..1. */
  onProgress?(fraction: number): void;
  /** Said while waiting (cancel refused, connection lost and retried). */
  onNote?(text: string): void;
  /** The task reference, once xapi gave it. */
  onTask?(taskRef: string): void;
  /** event.from's own timeout while waiting, in seconds (default 30). */
  eventTimeoutSeconds?: number;
  /** Polling without event.from: first and longest interval, ms (default 500 and 5,000). */
  pollInitialMs?: number;
  pollMaxMs?: number;
  /** How long to keep reconnecting when the connection is lost while the task runs (default 10 min). */
  reconnectForMs?: number;
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
    const cause = new Error(`${asyncName} answered ${JSON.stringify(taskRef)?.slice(0, 60)} instead of a task reference.`);
    throw new OutcomeUnknownError(method, args, cause);
  }
  const ref = taskRef;
  options.onTask?.(ref);
  try {
    const record = await followTask(session, method, args, ref, options);
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
    await session.call('task.destroy', [ref], { idleTimeoutMs: 10_000 }).catch(() => undefined);
  }
}

interface EventFromAnswer {
  events?: unknown;
  token?: unknown;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Waits until the task leaves `pending`; returns its last record. */
async function followTask(session: XapiSession, method: string, args: readonly unknown[], ref: string, options: TaskCallOptions): Promise<TaskRecord> {
  const eventTimeout = options.eventTimeoutSeconds ?? 30;
  const pollInitial = options.pollInitialMs ?? 500;
  const pollMax = options.pollMaxMs ?? 5_000;
  const reconnectFor = options.reconnectForMs ?? 600_000;
  let useEvents = true;
  let token = '';
  let pollDelay = pollInitial;
  let record: TaskRecord | undefined;
  let shownProgress = -1;
  let lostSince: number | undefined;
  let failures = 0;
  let cancelAsked = false;
  let cancelling: Promise<void> | undefined;
  const vanished = () =>
    new OutcomeUnknownError(method, args, new Error(`Its task ${ref} was destroyed before XCP Admin saw it end (xapi restarted, or another client destroyed it).`), ref);

  const askCancel = () => {
    if (cancelAsked || !options.signal?.aborted) return;
    cancelAsked = true;
    cancelling = (async () => {
      try {
        const allowed = record?.allowed_operations ?? decodeTaskRecord(await session.call('task.get_record', [ref])).allowed_operations;
        if (!allowed.includes('cancel')) {
          options.onNote?.(`XAPI does not allow cancelling ${method} now; waiting for it to finish.`);
          return;
        }
        await session.call('task.cancel', [ref]);
        options.onNote?.(`asked XAPI to cancel ${method}`);
      } catch (err) {
        options.onNote?.(`cancelling ${method} failed: ${(err as Error).message}; waiting for it to finish.`);
      }
    })();
  };
  options.signal?.addEventListener('abort', askCancel, { once: true });

  try {
    for (;;) {
      askCancel();
      try {
        if (useEvents) {
          const answer = await session.call<EventFromAnswer>('event.from', [['task'], token, new XapiFloat(token === '' ? 0 : eventTimeout)], {
            idleTimeoutMs: (eventTimeout + 30) * 1000,
          });
          const first = token === '';
          token = String(answer?.token ?? token);
          let seen = false;
          for (const ev of Array.isArray(answer?.events) ? (answer.events as Record<string, unknown>[]) : []) {
            if (!ev || typeof ev !== 'object' || ev.ref !== ref) continue;
            if (ev.operation === 'del') throw vanished();
            seen = true;
            record = decodeTaskRecord(ev.snapshot);
          }
          // Token "" lists every task there is: ours missing means it is gone already.
          if (first && !seen) throw vanished();
        } else {
          record = decodeTaskRecord(await session.call('task.get_record', [ref]));
        }
        if (lostSince !== undefined) options.onNote?.('connection back; following the task again');
        lostSince = undefined;
        failures = 0;
        if (record && record.progress !== shownProgress) {
          shownProgress = record.progress;
          options.onProgress?.(record.progress);
        }
        if (record && record.status !== 'pending' && record.status !== 'cancelling') return record;
        if (!useEvents) {
          await sleep(pollDelay);
          pollDelay = Math.min(pollMax, pollDelay * 2);
        }
      } catch (err) {
        if (err instanceof OutcomeUnknownError || err instanceof MissingPasswordError) throw err;
        if (err instanceof XapiError) {
          if (err.code === 'HANDLE_INVALID') throw vanished();
          if (useEvents && (err.code === 'EVENTS_LOST' || err.code === 'EVENT_FROM_TOKEN_PARSE_FAILURE')) {
            token = '';
            continue;
          }
          if (useEvents && err.code !== 'SESSION_AUTHENTICATION_FAILED' && err.code !== 'SESSION_INVALID') {
            // No event.from (older than XCP 1.5), or not for this role: poll instead.
            useEvents = false;
            continue;
          }
          throw err;
        }
        if (!(err instanceof TransportError) || err.kind === 'tls-changed' || err.kind === 'tls-untrusted') throw err;
        // The connection is gone, the task is not: wait, log in again if needed, and keep following it.
        lostSince ??= Date.now();
        if (Date.now() - lostSince > reconnectFor) {
          throw new OutcomeUnknownError(method, args, new Error(`Lost contact with the pool for ${Math.round(reconnectFor / 1000)} s while its task ${ref} ran (${err.message}).`), ref);
        }
        failures++;
        if (failures === 1) options.onNote?.(`lost the connection while ${method} runs (${err.message}); reconnecting, the task goes on in XAPI`);
        await sleep(Math.min(pollMax, pollInitial * 2 ** (failures - 1)));
      }
    }
  } finally {
    options.signal?.removeEventListener('abort', askCancel);
    await cancelling;
  }
}
