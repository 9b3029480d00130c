// Which lost connections leave a write's outcome unknown, over real HTTP against the simulator: a
// request written and then cut (reset, idle timeout) may have run; a connection that never carried it
// (refused) did not; a read is never "unknown", whatever happens to it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { OutcomeUnknownError, TransportError } from '../../../src/xapi/errors';
import { XapiSession } from '../../../src/xapi/session';
import { callXapi } from '../../../src/xapi/task';
import { control, poolNamed, startSimulator, type Simulator } from './simulator';

async function setup(t: { after(fn: () => unknown): void }, idleTimeoutMs?: number) {
  const sim: Simulator = await startSimulator();
  const pool = poolNamed(sim, 'Generic');
  const session = new XapiSession({ url: new URL(pool.url), username: 'root', password: async () => pool.password, idleTimeoutMs });
  t.after(async () => { await session.dispose(); await sim.stop(); });
  const master = pool.hosts.find((h) => h.name === pool.master)!;
  const vm = (await session.call<string[]>('VM.get_all'))[0];
  return { sim, session, master, vm };
}

test('a write cut after it was sent (connection reset) is an unknown outcome; a read cut the same way is a plain failure', async (t) => {
  const s = await setup(t);
  await control(s.sim, 'host/down', { host: s.master.uuid, mode: 'reset' });
  const write = await callXapi(s.session, 'VM.set_name_label', [s.vm, 'renamed']).then(() => undefined, (e: unknown) => e);
  assert.ok(write instanceof OutcomeUnknownError, String(write));
  assert.equal(write.method, 'VM.set_name_label');
  assert.deepEqual(write.args, [s.vm, 'renamed'], 'the error carries what the call acted on, for the read-back');
  assert.ok(write.cause instanceof TransportError && write.cause.kind === 'reset', String(write.cause));
  assert.match(write.message, /may or may not have run/);
  assert.doesNotMatch(write.message, /nothing was changed/);
  const read = await callXapi(s.session, 'VM.get_name_label', [s.vm]).then(() => undefined, (e: unknown) => e);
  assert.ok(read instanceof TransportError && !(read instanceof OutcomeUnknownError), String(read));
});

test('a write whose answer never comes (the host holds the connection past the idle timeout) is an unknown outcome', async (t) => {
  const s = await setup(t, 1_000);
  await control(s.sim, 'host/down', { host: s.master.uuid, mode: 'silent' });
  const write = await callXapi(s.session, 'VM.set_name_label', [s.vm, 'renamed']).then(() => undefined, (e: unknown) => e);
  assert.ok(write instanceof OutcomeUnknownError, String(write));
  assert.ok(write.cause instanceof TransportError && write.cause.kind === 'timeout', String(write.cause));
  await control(s.sim, 'host/up', { host: s.master.uuid });
});

test('a write to a host that refuses the connection is a plain failure: nothing reached it', async (t) => {
  // A port nothing listens on: bound, then closed again.
  const port = await new Promise<number>((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(p));
    });
  });
  const session = new XapiSession({ url: new URL(`http://127.0.0.1:${port}/`), username: 'root', password: async () => 'x' });
  t.after(() => session.dispose());
  const write = await callXapi(session, 'VM.set_name_label', ['OpaqueRef:x', 'renamed']).then(() => undefined, (e: unknown) => e);
  assert.ok(write instanceof TransportError && write.kind === 'refused', String(write));
  assert.ok(!(write instanceof OutcomeUnknownError));
});
