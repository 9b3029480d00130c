// XAPI tasks, as xapi runs them: `Async.<method>` answers a task reference at once and runs the
// method in the background; the task record goes pending → success (result) | failure (error_info) |
// cancelled, with `progress` a float 0..1 (ocaml/xapi/taskHelper.ml, server_helpers.ml; notes in
// /work/shared/notes/xapi-operations.md §2). Plus the control API's "slow" knob, which makes a named
// method take N ms (progress advancing meanwhile, cancellable if asked), for calls that outlast a
// client's HTTP idle timeout.
//
// Faithful details: the record has xapi's public fields and creation values (schema.ts); `name_label`
// is the wire name ("Async.SR.scan"); `result` is the return value's XML-RPC `<value>` as a string, ""
// for void (XCP 1.x), whatever transport the call came on; a failure sets `error_info` [code, params…];
// `task.cancel` only records the request in `current_operations` (xapi checks nothing else), and it
// takes effect where the work is cancellable (`allowed_operations` = [cancel]); `task.destroy` deletes
// the record at once, whatever its status (1.x). Which methods have an `Async.` twin: every write but
// those of session, event and task and the generated field setters (datamodel.ml no_async_messages_for).

import { AsyncLocalStorage } from 'node:async_hooks';
import { NULL_REF, fieldsOf, isClassName } from './schema';
import type { PoolState, SimState, XObject } from './state';
import { XDouble, XValue, encodeXmlValue } from './xmlrpc-wire';

const ASYNC_PREFIX = 'Async.';
// message.*: declared with flags [Session] only (sync), see messages.ts.
const NO_ASYNC_CLASSES = new Set(['session', 'event', 'task', 'system', 'data_source', 'blob', 'message']);

/** `Async.SR.scan` → `SR.scan`; undefined for a synchronous name. */
export function asyncTarget(method: string): string | undefined {
  return method.startsWith(ASYNC_PREFIX) ? method.slice(ASYNC_PREFIX.length) : undefined;
}

/** Whether xapi declares an `Async.` twin for this (implemented) method. */
export function hasAsync(method: string, write: boolean): boolean {
  if (!write) return false;
  const dot = method.indexOf('.');
  const cls = method.slice(0, dot);
  if (NO_ASYNC_CLASSES.has(cls)) return false;
  const setter = /^(?:set|add_to|remove_from)_(.+)$/.exec(method.slice(dot + 1));
  return !(setter && isClassName(cls) && fieldsOf(cls).includes(setter[1]));
}

/** The `Async.` names of the methods that have one (for system.listMethods). */
export function asyncNames(methods: Iterable<[string, { write?: boolean }]>): string[] {
  const out: string[] = [];
  for (const [name, def] of methods) if (hasAsync(name, def.write === true)) out.push(ASYNC_PREFIX + name);
  return out;
}

// ---- the slow knob -------------------------------------------------------------------------------

export interface Slowness {
  ms: number;
  /** While slow, the task says `allowed_operations = [cancel]` and stops on task.cancel. */
  cancellable: boolean;
}

const slowCalls = new WeakMap<SimState, Map<string, Slowness>>();

/** Makes `method` (its sync and Async forms) take `ms` more; 0 makes it fast again. */
export function setSlow(sim: SimState, method: string, ms: number, cancellable: boolean): void {
  let m = slowCalls.get(sim);
  if (!m) slowCalls.set(sim, (m = new Map()));
  if (ms > 0) m.set(method, { ms, cancellable });
  else m.delete(method);
}

function slowness(sim: SimState, method: string): Slowness | undefined {
  return slowCalls.get(sim)?.get(method);
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A synchronous call: the slow knob's delay (the client's connection waits all along), then the method. */
export async function runSync(sim: SimState, method: string, run: () => XValue | Promise<XValue>): Promise<XValue> {
  const slow = slowness(sim, method);
  if (slow) await sleep(slow.ms);
  return run();
}

// ---- tasks ---------------------------------------------------------------------------------------

/** A task's record is changed only while it exists: `task.destroy` may delete it while the work runs on. */
function updateTask(pool: PoolState, task: XObject, changes: Record<string, XValue>): void {
  if (pool.getOf('task', task.ref) === task) pool.update(task, changes);
}

function cancelRequested(pool: PoolState, task: XObject): boolean {
  if (pool.getOf('task', task.ref) !== task) return false;
  return Object.values(task.record.current_operations as Record<string, XValue>).includes('cancel');
}

/** The return value as xapi stores it in `result`: its XML-RPC `<value>`, or "" for void (1.x). */
export function taskResult(value: XValue): string {
  if (value === '' || value === null || value === undefined) return '';
  const parts: string[] = [];
  encodeXmlValue(value, parts);
  return parts.join('');
}

/** The code and params of a failure thrown by a method (api.ts's XapiFailure carries `description`). */
function errorInfo(e: unknown): string[] {
  const d = (e as { description?: unknown })?.description;
  return Array.isArray(d) ? d.map(String) : ['INTERNAL_ERROR', e instanceof Error ? e.message : String(e)];
}

/**
 * `Async.<method>`: creates the task (on the host that got the request), answers its ref, and runs
 * `run` in the background once the answer is out.
 */
export function startTask(sim: SimState, pool: PoolState, hostRef: string, asyncName: string, run: () => XValue | Promise<XValue>): string {
  const task = pool.create('task', { name_label: asyncName, created: new Date(), resident_on: hostRef || NULL_REF });
  setImmediate(() => void runTask(sim, pool, task, asyncTarget(asyncName) ?? asyncName, run));
  return task.ref;
}

async function runTask(sim: SimState, pool: PoolState, task: XObject, method: string, run: () => XValue | Promise<XValue>): Promise<void> {
  const finished = { finished: new Date(), allowed_operations: [], progress: new XDouble(1) };
  try {
    const slow = slowness(sim, method);
    if (slow && (await slowWork(pool, task, slow)) === 'cancelled') {
      // xapi's TaskHelper.cancel: no error_info, status cancelled.
      updateTask(pool, task, { ...finished, finished: new Date(), status: 'cancelled' });
      return;
    }
    const value = await running.run({ pool, task }, run);
    updateTask(pool, task, { ...finished, finished: new Date(), result: taskResult(value), status: 'success' });
  } catch (e) {
    const info = errorInfo(e);
    updateTask(pool, task, { ...finished, finished: new Date(), error_info: info, status: info[0] === 'TASK_CANCELLED' ? 'cancelled' : 'failure' });
  }
}

/** The knob's delay as work in progress: `progress` rises about once a second; a cancel stops it if cancellable. */
async function slowWork(pool: PoolState, task: XObject, slow: Slowness): Promise<'done' | 'cancelled'> {
  if (slow.cancellable) updateTask(pool, task, { allowed_operations: ['cancel'] });
  const tick = Math.max(50, Math.min(1_000, slow.ms / 20));
  const start = Date.now();
  for (;;) {
    const elapsed = Date.now() - start;
    if (elapsed >= slow.ms) break;
    await sleep(Math.min(tick, slow.ms - elapsed));
    if (slow.cancellable && cancelRequested(pool, task)) return 'cancelled';
    const progress = Math.floor(Math.min(0.99, (Date.now() - start) / slow.ms) * 100) / 100;
    updateTask(pool, task, { progress: new XDouble(progress) });
  }
  if (slow.cancellable) updateTask(pool, task, { allowed_operations: [] });
  return 'done';
}

/** `task.cancel`: records the request in `current_operations` (xapi_task.ml); the work decides. */
export function requestCancel(pool: PoolState, task: XObject): void {
  if (task.record.status !== 'pending') return;
  updateTask(pool, task, { current_operations: { ['OpaqueRef:' + pool.newUuid()]: 'cancel' } });
}

// ---- the running task, for methods that report progress or can be cancelled (pool_migrate, evacuate) --

/** The task a method runs in (Async. calls only; a synchronous call has none). */
const running = new AsyncLocalStorage<{ pool: PoolState; task: XObject }>();

/** Sets the running task's `progress` (0..1, two decimals, as xapi's progress updates); nothing when called synchronously. */
export function reportProgress(fraction: number): void {
  const t = running.getStore();
  if (t) updateTask(t.pool, t.task, { progress: new XDouble(Math.floor(Math.max(0, Math.min(0.99, fraction)) * 100) / 100) });
}

/** Marks the running task cancellable (`allowed_operations = [cancel]`) or not. */
export function setCancellable(cancellable: boolean): void {
  const t = running.getStore();
  if (t) updateTask(t.pool, t.task, { allowed_operations: cancellable ? ['cancel'] : [] });
}

/** Whether task.cancel was asked for the running task (the work then stops with TASK_CANCELLED). */
export function cancelAsked(): boolean {
  const t = running.getStore();
  return t ? cancelRequested(t.pool, t.task) : false;
}

/** The running task's ref, for `current_operations` keys (a fresh ref for a synchronous call). */
export function runningTaskRef(pool: PoolState): string {
  return running.getStore()?.task.ref ?? 'OpaqueRef:' + pool.newUuid();
}
