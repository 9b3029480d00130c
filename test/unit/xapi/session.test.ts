// The session and the event watcher against a tiny fake XAPI (fakeXapi.ts): login fallbacks, the
// HOST_IS_SLAVE redirect, SESSION_INVALID re-login, events, EVENTS_LOST and the API 1.9 path.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { XapiSession } from '../../../src/xapi/session';
import { EventWatcher, type WatcherStatus } from '../../../src/xapi/eventWatcher';
import { XapiError } from '../../../src/xapi/errors';
import { PoolModel } from '../../../src/model/poolModel';
import type { TransportChoice } from '../../../src/xapi/transport';
import { FakeXapi } from './fakeXapi';

const password = async () => 'secret';

async function until(what: string, check: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

for (const transport of ['xmlrpc', 'jsonrpc', 'auto'] as TransportChoice[]) {
  test(`${transport}: login, a call, logout`, async () => {
    const fake = await new FakeXapi().start();
    const session = new XapiSession({ url: fake.url, username: 'root', password, transport });
    try {
      const ref = await session.login();
      assert.match(ref, /^OpaqueRef:session-/);
      const pools = await session.call<string[]>('pool.get_all');
      assert.deepStrictEqual(pools, ['OpaqueRef:pool']);
      assert.equal(session.transportKind, transport === 'auto' ? 'jsonrpc' : transport);
      assert.deepStrictEqual(fake.logins[0], ['root', 'secret', '1.0', 'XCP Admin']);
    } finally {
      await session.dispose();
      await fake.stop();
    }
    assert.ok(fake.calls.includes('session.logout'), 'logged out on dispose');
  });
}

test('auto falls back to XML-RPC on a server without JSON-RPC (XCP 1.x), once', async () => {
  const fake = await new FakeXapi({ jsonrpc: false }).start();
  const session = new XapiSession({ url: fake.url, username: 'root', password, transport: 'auto' });
  try {
    await session.call('pool.get_all');
    await session.call('pool.get_all');
    assert.equal(session.transportKind, 'xmlrpc');
    assert.equal(fake.calls.filter((c) => c === 'session.login_with_password').length, 1, 'JSON probe did not reach the XML-RPC dispatcher as a login');
  } finally {
    await session.dispose();
    await fake.stop();
  }
});

test('an old server gets the two-parameter login after MESSAGE_PARAMETER_COUNT_MISMATCH', async () => {
  const fake = await new FakeXapi({ twoParamLogin: true }).start();
  const session = new XapiSession({ url: fake.url, username: 'root', password, transport: 'xmlrpc' });
  try {
    await session.login();
    assert.deepStrictEqual(fake.logins.map((p) => p.length), [4, 2]);
  } finally {
    await session.dispose();
    await fake.stop();
  }
});

test('a wrong password is SESSION_AUTHENTICATION_FAILED', async () => {
  const fake = await new FakeXapi().start();
  const session = new XapiSession({ url: fake.url, username: 'root', password: async () => 'nope', transport: 'jsonrpc' });
  try {
    await assert.rejects(session.login(), (e: unknown) => e instanceof XapiError && e.code === 'SESSION_AUTHENTICATION_FAILED');
  } finally {
    await session.dispose();
    await fake.stop();
  }
});

for (const transport of ['xmlrpc', 'jsonrpc'] as TransportChoice[]) {
  test(`${transport}: HOST_IS_SLAVE sends the login to the master, same scheme and port, and reports it`, async () => {
    const master = await new FakeXapi({ host: '127.0.0.1' }).start();
    const slave = await new FakeXapi({ host: '127.0.0.2', port: master.port, slaveOf: '127.0.0.1' }).start();
    const moved: string[] = [];
    const session = new XapiSession({ url: slave.url, username: 'root', password, transport, onMasterMoved: (a) => moved.push(a) });
    try {
      await session.login();
      assert.equal(session.masterAddress, '127.0.0.1');
      assert.equal(session.url, master.url);
      assert.deepStrictEqual(moved, ['127.0.0.1']);
      assert.deepStrictEqual(await session.call('pool.get_all'), ['OpaqueRef:pool']);
    } finally {
      await session.dispose();
      await slave.stop();
      await master.stop();
    }
  });

  test(`${transport}: SESSION_INVALID logs in again once and the call goes through`, async () => {
    const fake = await new FakeXapi().start();
    const session = new XapiSession({ url: fake.url, username: 'root', password, transport });
    try {
      await session.login();
      fake.invalidateSessions();
      assert.deepStrictEqual(await session.call('pool.get_all'), ['OpaqueRef:pool']);
      assert.equal(fake.logins.length, 2);
    } finally {
      await session.dispose();
      await fake.stop();
    }
  });
}

async function watch(fake: FakeXapi, transport: TransportChoice) {
  const session = new XapiSession({ url: fake.url, username: 'root', password, transport });
  const model = new PoolModel();
  const statuses: WatcherStatus['kind'][] = [];
  let loads = 0;
  const watcher = new EventWatcher(
    session,
    {
      load: (r) => {
        loads++;
        model.load(r);
      },
      apply: (e) => model.applyEvents(e),
      status: (s) => statuses.push(s.kind),
    },
    { timeoutSeconds: 1, backoffInitialMs: 20, backoffMaxMs: 100 },
  );
  await watcher.start();
  return {
    session, model, statuses, watcher, loads: () => loads,
    async close() {
      await watcher.stop();
      await session.dispose();
      await fake.stop();
    },
  };
}

for (const transport of ['xmlrpc', 'jsonrpc'] as TransportChoice[]) {
  test(`${transport}: the model follows renames, adds and removes through event.from`, async () => {
    const fake = await new FakeXapi().start();
    const w = await watch(fake, transport);
    try {
      assert.equal(w.model.count('VDI'), 3);
      assert.equal(w.model.get('VDI', 'OpaqueRef:vdi1')?.virtual_size, 1024);
      fake.rename('VDI', 'OpaqueRef:vdi1', 'renamed');
      await until('rename', () => w.model.get('VDI', 'OpaqueRef:vdi1')?.name_label === 'renamed');
      fake.add('VDI', 'OpaqueRef:vdi9', { uuid: 'v9', name_label: 'new', SR: 'OpaqueRef:sr', virtual_size: '7' });
      await until('add', () => w.model.vdisOf('OpaqueRef:sr' as never).length === 4);
      fake.remove('VDI', 'OpaqueRef:vdi2');
      await until('del', () => w.model.get('VDI', 'OpaqueRef:vdi2') === undefined);
      assert.ok(fake.calls.includes('event.inject'), 'token taken with event.inject');
    } finally {
      await w.close();
    }
  });

  test(`${transport}: EVENTS_LOST and SESSION_INVALID lead to a full reload`, async () => {
    const fake = await new FakeXapi().start();
    const w = await watch(fake, transport);
    try {
      fake.loseEvents();
      await until('resync after EVENTS_LOST', () => w.loads() === 2);
      fake.invalidateSessions();
      fake.rename('VDI', 'OpaqueRef:vdi3', 'after relogin');
      await until('resync after SESSION_INVALID', () => w.loads() === 3 && w.model.get('VDI', 'OpaqueRef:vdi3')?.name_label === 'after relogin');
      assert.equal(fake.logins.length, 2);
    } finally {
      await w.close();
    }
  });
}

test('API 1.9 (no event.inject): the token-"" answer of event.from is the initial load', async () => {
  const fake = await new FakeXapi({ noInject: true }).start();
  const w = await watch(fake, 'xmlrpc');
  try {
    assert.equal(w.model.count('VDI'), 3);
    assert.equal(w.model.get('host_metrics', 'OpaqueRef:m1')?.last_updated.getTime(), 0);
    assert.ok(!fake.calls.some((c) => c.endsWith('.get_all_records')), 'no second fetch');
    fake.rename('SR', 'OpaqueRef:sr', 'FC renamed');
    await until('rename', () => w.model.get('SR', 'OpaqueRef:sr')?.name_label === 'FC renamed');
  } finally {
    await w.close();
  }
});

test('stop() aborts the long poll at once', async () => {
  const fake = await new FakeXapi().start();
  const w = await watch(fake, 'jsonrpc');
  await new Promise((r) => setTimeout(r, 50));
  const t0 = Date.now();
  await w.watcher.stop();
  assert.ok(Date.now() - t0 < 500, `stop took ${Date.now() - t0} ms`);
  await w.session.dispose();
  await fake.stop();
});

test('network loss: the watcher retries with backoff and comes back live', async () => {
  const fake = await new FakeXapi().start();
  const w = await watch(fake, 'xmlrpc');
  const port = fake.port;
  await fake.stop();
  await until('retrying', () => w.statuses.includes('retrying'));
  const again = await new FakeXapi({ port }).start();
  try {
    // A new xapi process: the old session is unknown there → SESSION_INVALID → relogin + reload.
    await until('live again', () => w.statuses.lastIndexOf('live') > w.statuses.indexOf('retrying'), 5000);
    again.rename('VDI', 'OpaqueRef:vdi1', 'back');
    await until('events after the outage', () => w.model.get('VDI', 'OpaqueRef:vdi1')?.name_label === 'back');
  } finally {
    await w.watcher.stop();
    await w.session.dispose();
    await again.stop();
  }
});
