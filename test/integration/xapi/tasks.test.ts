// XAPI tasks against the simulator over real HTTP (src/xapi/task.ts): a failing Async call says what
// XAPI said; Cancel reaches task.cancel where XAPI allows it; a connection lost while the task runs is
// followed through to the task's end; every task is destroyed after. Also the simulator's task records
// as another XAPI client (Xen Orchestra, XenCenter) reads them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OutcomeUnknownError, XapiError, describeError } from '../../../src/xapi/errors';
import { XapiSession } from '../../../src/xapi/session';
import { TaskCancelledError, callAsTask } from '../../../src/xapi/task';
import { XapiFloat } from '../../../src/xapi/transport';
import { control, poolNamed, startSimulator, until, type Simulator } from './simulator';

async function setup(t: { after(fn: () => unknown): void }) {
  const sim: Simulator = await startSimulator();
  const pool = poolNamed(sim, 'Generic');
  const session = new XapiSession({ url: new URL(pool.url), username: 'root', password: async () => pool.password });
  t.after(async () => { await session.dispose(); await sim.stop(); });
  const master = pool.hosts.find((h) => h.name === pool.master)!;
  const pools = await session.call<string[]>('pool.get_all');
  const sr = await session.call<string>('pool.get_default_SR', [pools[0]]);
  return { sim, pool, session, master, sr };
}

const vdiRecord = (sr: string, size: number, name = 'task test') => ({
  SR: sr, virtual_size: String(size), name_label: name, name_description: '', type: 'user', sharable: false,
  read_only: false, other_config: {}, sm_config: {}, xenstore_data: {},
});

/** Every task still in the pool's database (the simulator's own, not the client's view). */
const tasksLeft = (s: { session: XapiSession }) => s.session.call<Record<string, { name_label: string }>>('task.get_all_records');

test('an Async call that fails on the server surfaces XAPI\'s code and params, as the sync call would; the task is destroyed', async (t) => {
  const s = await setup(t);
  const err = await callAsTask(s.session, 'VDI.create', [vdiRecord(s.sr, 0)]).then(() => assert.fail('a zero-size VDI must fail'), (e: unknown) => e);
  assert.ok(err instanceof XapiError, String(err));
  assert.equal(err.code, 'SR_BACKEND_FAILURE_79');
  assert.deepEqual(err.params, ['', 'VDI Invalid size', '']);
  assert.equal(err.method, 'VDI.create');
  assert.match(describeError(err), /storage backend failed: VDI Invalid size.*SR_BACKEND_FAILURE_79/);
  const sync = await s.session.call('VDI.create', [vdiRecord(s.sr, 0)]).then(() => undefined, (e: XapiError) => e);
  assert.deepEqual([sync?.code, sync?.params], [err.code, err.params], 'the same error as the synchronous call');
  assert.deepEqual(Object.values(await tasksLeft(s)), [], 'the failed task was destroyed');
});

test('an Async call\'s result is decoded from the task record (a ref for VDI.create), with progress reported', async (t) => {
  const s = await setup(t);
  await control(s.sim, 'slow', { method: 'VDI.create', ms: 1_500 });
  const progress: number[] = [];
  const ref = await callAsTask<string>(s.session, 'VDI.create', [vdiRecord(s.sr, 4 * 1024 * 1024, 'made by a task')], { onProgress: (f) => progress.push(f) });
  assert.match(ref, /^OpaqueRef:/);
  assert.equal(await s.session.call('VDI.get_name_label', [ref]), 'made by a task', 'the ref names the VDI the task made');
  assert.ok(progress.some((f) => f > 0 && f < 1), `progress between 0 and 1 was reported: ${progress.join(', ')}`);
  assert.equal(progress.at(-1), 1);
  assert.deepEqual(Object.values(await tasksLeft(s)), []);
});

test('Cancel: a slow cancellable task is cancelled through task.cancel, ends cancelled, changes nothing and is destroyed', async (t) => {
  const s = await setup(t);
  await control(s.sim, 'slow', { method: 'VDI.create', ms: 30_000, cancellable: true });
  const before = await s.session.call<string[]>('SR.get_VDIs', [s.sr]);
  const abort = new AbortController();
  let taskRef = '';
  const progress: number[] = [];
  const notes: string[] = [];
  const call = callAsTask(s.session, 'VDI.create', [vdiRecord(s.sr, 4 * 1024 * 1024)], {
    signal: abort.signal, onTask: (r) => (taskRef = r), onProgress: (f) => progress.push(f), onNote: (n) => notes.push(n),
  });
  await until('the task runs and reports progress', () => progress.some((f) => f > 0), 15_000);
  const running = await s.session.call<{ status: string; allowed_operations: string[]; name_label: string }>('task.get_record', [taskRef]);
  assert.deepEqual([running.status, running.allowed_operations, running.name_label], ['pending', ['cancel'], 'Async.VDI.create']);
  abort.abort();
  await assert.rejects(call, (e: unknown) => e instanceof TaskCancelledError && e.method === 'VDI.create');
  assert.ok(notes.some((n) => /asked XAPI to cancel VDI.create/.test(n)), notes.join('\n'));
  await assert.rejects(s.session.call('task.get_record', [taskRef]), (e: XapiError) => e.code === 'HANDLE_INVALID', 'the cancelled task was destroyed');
  assert.deepEqual(await s.session.call<string[]>('SR.get_VDIs', [s.sr]), before, 'no VDI was made');
});

test('Cancel where XAPI does not allow it: the task is followed to its end and its result kept', async (t) => {
  const s = await setup(t);
  await control(s.sim, 'slow', { method: 'VDI.create', ms: 1_500, cancellable: false });
  const abort = new AbortController();
  const notes: string[] = [];
  let started = false;
  const call = callAsTask<string>(s.session, 'VDI.create', [vdiRecord(s.sr, 4 * 1024 * 1024, 'not cancellable')], {
    signal: abort.signal, onTask: () => (started = true), onNote: (n) => notes.push(n),
  });
  await until('the task started', () => started);
  abort.abort();
  const ref = await call;
  assert.equal(await s.session.call('VDI.get_name_label', [ref]), 'not cancellable');
  assert.ok(notes.some((n) => /does not allow cancelling/.test(n)), notes.join('\n'));
});

test('a connection lost while the task runs is not a lost outcome: the task is followed again once the master answers', async (t) => {
  const s = await setup(t);
  await control(s.sim, 'slow', { method: 'VDI.create', ms: 3_000 });
  const notes: string[] = [];
  let started = false;
  const call = callAsTask<string>(s.session, 'VDI.create', [vdiRecord(s.sr, 4 * 1024 * 1024, 'across a blip')], {
    onTask: () => (started = true), onNote: (n) => notes.push(n), pollInitialMs: 200,
  });
  await until('the task started', () => started);
  await control(s.sim, 'host/down', { host: s.master.uuid });
  await new Promise((r) => setTimeout(r, 1_000));
  await control(s.sim, 'host/up', { host: s.master.uuid });
  const ref = await call;
  assert.equal(await s.session.call('VDI.get_name_label', [ref]), 'across a blip');
  assert.ok(notes.some((n) => /lost the connection .*reconnecting, the task goes on/.test(n)), `the blip was noticed: ${notes.join('\n')}`);
  assert.deepEqual(Object.values(await tasksLeft(s)), []);
});

test('task records and Async.* as other XAPI clients see them: system.listMethods, events, xapi\'s field types', async (t) => {
  const s = await setup(t);
  const methods = await s.session.callAnonymous<string[]>('system.listMethods');
  for (const m of ['Async.SR.scan', 'Async.PBD.plug', 'Async.VM.start', 'Async.pool.designate_new_master', 'task.cancel', 'task.destroy', 'task.get_record', 'task.get_all_records']) assert.ok(methods.includes(m), m);
  for (const m of ['Async.session.logout', 'Async.event.from', 'Async.task.cancel', 'Async.VM.set_PV_bootloader', 'Async.SR.get_record']) assert.ok(!methods.includes(m), `${m} has no Async twin in xapi`);
  await assert.rejects(s.session.call('Async.VM.get_record', ['OpaqueRef:x']), (e: XapiError) => e.code === 'MESSAGE_METHOD_UNKNOWN' && e.params[0] === 'Async.VM.get_record');
  await assert.rejects(s.session.call('Async.SR.scan', []), (e: XapiError) => e.code === 'MESSAGE_PARAMETER_COUNT_MISMATCH', 'arity is checked before a task is made');

  // Over XML-RPC, the wire every xapi speaks, where types show: dates, doubles.
  const xml = new XapiSession({ url: new URL(s.pool.url), username: 'root', password: async () => s.pool.password, transport: 'xmlrpc' });
  t.after(() => xml.dispose());
  const token = (await xml.call<{ token: string }>('event.from', [['task'], '', new XapiFloat(0)])).token;
  const ref = await xml.call<string>('Async.SR.scan', [s.sr]);
  let record: Record<string, unknown> | undefined;
  for (let i = 0; i < 50 && record?.status !== 'success'; i++) {
    const batch = await xml.call<{ events: { ref: string; operation: string; snapshot: Record<string, unknown> }[] }>('event.from', [['task'], token, new XapiFloat(1)]);
    record = batch.events.find((e) => e.ref === ref)?.snapshot ?? record;
  }
  assert.equal(record?.status, 'success');
  assert.equal(record?.result, '', 'a void result is "" (XCP 1.x)');
  assert.equal(record?.progress, 1);
  assert.ok(record?.created instanceof Date && record?.finished instanceof Date, 'dates are XML-RPC dateTime values');
  assert.deepEqual([record?.type, record?.error_info, record?.subtask_of, record?.name_description], ['<none/>', [], 'OpaqueRef:NULL', '']);
  await xml.call('task.destroy', [ref]);
  await assert.rejects(xml.call('task.get_status', [ref]), (e: XapiError) => e.code === 'HANDLE_INVALID');
});

test('a task destroyed by someone else before it ended leaves the outcome unknown, not failed', async (t) => {
  const s = await setup(t);
  await control(s.sim, 'slow', { method: 'VDI.create', ms: 3_000 });
  let taskRef = '';
  const call = callAsTask(s.session, 'VDI.create', [vdiRecord(s.sr, 4 * 1024 * 1024, 'orphan')], { onTask: (r) => (taskRef = r) });
  await until('the task started', () => taskRef !== '');
  const other = new XapiSession({ url: new URL(s.pool.url), username: 'root', password: async () => s.pool.password });
  t.after(() => other.dispose());
  await other.call('task.destroy', [taskRef]);
  const err = await call.then(() => undefined, (e: unknown) => e);
  assert.ok(err instanceof OutcomeUnknownError, String(err));
  assert.equal(err.taskRef, taskRef);
  assert.match(err.message, /destroyed before XCP Admin saw it end/);
});
