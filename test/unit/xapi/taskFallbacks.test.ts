// What XAPI versions older than the simulator's (no event.from before XenServer 6.0, no Async twin of
// a call) make the task code do, against the in-process fake XAPI: the task is polled with
// task.get_record until it ends, progress reported, then destroyed; without the Async twin the
// synchronous call is made instead.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { XapiSession } from '../../../src/xapi/session';
import { callAsTask } from '../../../src/xapi/task';
import { FakeXapi } from './fakeXapi';

async function fake(t: { after(fn: () => unknown): void }, opts: ConstructorParameters<typeof FakeXapi>[0]) {
  const x = await new FakeXapi({ jsonrpc: false, ...opts }).start();
  const session = new XapiSession({ url: x.url, username: 'root', password: async () => 'secret' });
  t.after(async () => { await session.dispose(); await x.stop(); });
  return { x, session };
}

test('without event.from the task is polled with task.get_record until it ends; progress reported; destroyed after', async (t) => {
  const { x, session } = await fake(t, { noEventFrom: true });
  const progress: number[] = [];
  let ref = '';
  const call = callAsTask<string>(session, 'SR.scan', ['OpaqueRef:sr'], { pollInitialMs: 20, pollMaxMs: 40, onTask: (r) => (ref = r), onProgress: (f) => progress.push(f) });
  while (!ref) await new Promise((r) => setTimeout(r, 5));
  await new Promise((r) => setTimeout(r, 100));
  x.updateTask(ref, { progress: 0.5 });
  await new Promise((r) => setTimeout(r, 100));
  x.updateTask(ref, { progress: 1, status: 'success', result: '<value>OpaqueRef:made</value>' });
  assert.equal(await call, 'OpaqueRef:made');
  assert.deepEqual(progress, [0, 0.5, 1]);
  assert.equal(x.calls.filter((c) => c === 'event.from').length, 1, 'event.from was tried once, then polling');
  assert.ok(x.calls.filter((c) => c === 'task.get_record').length >= 3, x.calls.join(' '));
  assert.ok(x.calls.includes('task.destroy'));
  assert.equal(x.db.get('task')!.size, 0);
});

test('a task that fails while polled throws its error_info as XAPI\'s error', async (t) => {
  const { x, session } = await fake(t, { noEventFrom: true });
  let ref = '';
  const call = callAsTask(session, 'SR.scan', ['OpaqueRef:sr'], { pollInitialMs: 20, pollMaxMs: 40, onTask: (r) => (ref = r) });
  while (!ref) await new Promise((r) => setTimeout(r, 5));
  x.updateTask(ref, { progress: 1, status: 'failure', error_info: ['SR_BACKEND_FAILURE_47', '', 'The SR is not available', ''] });
  await assert.rejects(call, (e: { code?: string; params?: string[] }) => e.code === 'SR_BACKEND_FAILURE_47' && e.params?.[1] === 'The SR is not available');
});

test('a server without the Async twin gets the synchronous call', async (t) => {
  const { x, session } = await fake(t, { noAsync: true });
  assert.equal(await callAsTask(session, 'SR.scan', ['OpaqueRef:sr']), '');
  assert.deepEqual(x.calls.filter((c) => c.includes('SR.scan')), ['Async.SR.scan', 'SR.scan']);
});
