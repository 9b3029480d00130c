// The XAPI client and the pool model against the real simulator over HTTP, on both transports (XML-RPC
// on an XCP 1.5 pool, JSON-RPC on the XCP-ng 8 one):
// login, HOST_IS_SLAVE, SESSION_INVALID, live events, EVENTS_LOST, and text that must survive the wire.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PoolConnection, type ConnectionState, type TlsTrust } from '../../../src/model/poolConnection';
import type { ModelChange, PoolModel } from '../../../src/model/poolModel';
import { EventWatcher, type WatcherStatus } from '../../../src/xapi/eventWatcher';
import { XapiSession } from '../../../src/xapi/session';
import type { Ref } from '../../../src/xapi/records';
import { control, poolNamed, slaveUrl, startSimulator, until, type SimPool, type Simulator } from './simulator';

const noTls: TlsTrust = {
  pinned: () => undefined,
  confirm: async () => false,
  pin: async () => undefined,
};

let sim: Simulator;
let generic: SimPool;

before(async () => {
  sim = await startSimulator({ seed: 7 });
  generic = poolNamed(sim, 'Generic');
});
after(async () => {
  await sim?.stop();
});

function connected(s: ConnectionState): Extract<ConnectionState, { kind: 'connected' }> {
  assert.equal(s.kind, 'connected', `expected connected, got ${JSON.stringify(s)}`);
  return s as Extract<ConnectionState, { kind: 'connected' }>;
}

async function open(transport: 'xmlrpc' | 'jsonrpc', pool: SimPool, url = pool.url, onMasterMoved?: (a: string) => void) {
  const c = new PoolConnection(
    { name: pool.name, url, username: pool.username, password: async () => pool.password, transport, tls: noTls, onMasterMoved },
    { eventTimeoutSeconds: 5 },
  );
  await c.connect();
  return c;
}

/** Collects the model's change batches. */
function recorder(model: PoolModel) {
  const changes: ModelChange[] = [];
  const sub = model.onDidChange((batch) => changes.push(...batch));
  return { changes, dispose: () => sub.dispose() };
}

// XCP 1.5 speaks XML-RPC only; the XCP-ng 8 pool is the one that answers JSON-RPC.
for (const [transport, poolName] of [['xmlrpc', 'Generic'], ['jsonrpc', 'Lab']] as const) {
  describe(`over ${transport} (${poolName})`, () => {
    let pool: SimPool;
    before(() => {
      pool = poolNamed(sim, poolName);
    });

    test('logs in and loads the whole pool: hosts in natural order, the master, the storage', async () => {
      const c = await open(transport, pool);
      try {
        const s = connected(c.state);
        assert.equal(s.transport, transport);
        const hosts = s.model.hosts().map((h) => h.record.name_label);
        assert.deepStrictEqual(hosts, pool.hosts.map((h) => h.name));
        assert.equal(s.model.master()?.record.name_label, pool.master);
        assert.ok(s.model.sharedSrs().length >= 1, 'the pool has a shared SR');
        const sr = s.model.sharedSrs()[0];
        assert.ok(s.model.vdisOf(sr.ref).length > 0, 'the shared SR has VDIs');
        for (const h of s.model.hosts()) assert.ok(s.model.isHostLive(h.ref), `${h.record.name_label} is live`);
      } finally {
        await c.disconnect();
      }
    });

    test('connecting to a slave follows HOST_IS_SLAVE to the master and reports it', async () => {
      const { url, masterAddress } = slaveUrl(pool);
      const moved: string[] = [];
      const c = await open(transport, pool, url, (a) => moved.push(a));
      try {
        const s = connected(c.state);
        assert.equal(s.masterAddress, masterAddress);
        assert.deepStrictEqual(moved, [masterAddress]);
      } finally {
        await c.disconnect();
      }
    });

    test('SESSION_INVALID: the next call logs in again once and succeeds; events keep flowing', async () => {
      const session = new XapiSession({ url: pool.url, username: pool.username, password: async () => pool.password, transport });
      const c = await open(transport, pool);
      try {
        const first = await session.login();
        await control(sim, 'sessions/invalidate');
        const pools = await session.call<string[]>('pool.get_all');
        assert.equal(pools.length, 1);
        assert.notEqual(session.sessionRef, first, 'a new session');
        const model = connected(c.state).model;
        const vdi = model.all('VDI')[0];
        await control(sim, 'rename', { uuid: vdi.record.uuid, name_label: `after invalidate ${transport}` });
        await until('the rename after SESSION_INVALID', () => model.get('VDI', vdi.ref)?.name_label === `after invalidate ${transport}`);
      } finally {
        await session.dispose();
        await c.disconnect();
      }
    });

    test('a rename, a new VDI and a removed VDI reach the model through event.from, without polling', async () => {
      const c = await open(transport, pool);
      try {
        const model = connected(c.state).model;
        const rec = recorder(model);
        const sr = model.sharedSrs()[0];
        const before = model.vdisOf(sr.ref).length;
        const host = model.hosts()[0];
        await control(sim, 'rename', { uuid: host.record.uuid, name_label: `renamed-${transport}` });
        await until('the host rename', () => model.get('host', host.ref)?.name_label === `renamed-${transport}`);
        assert.ok(rec.changes.some((ch) => ch.cls === 'host' && ch.ref === host.ref && ch.op === 'mod'));
        await control(sim, 'rename', { uuid: host.record.uuid, name_label: host.record.name_label });

        const added = (await control(sim, 'vdi/add', { sr: sr.record.uuid, name_label: `added-${transport}`, virtual_size: 4 * 1024 ** 3, format: 'raw' })) as { uuid: string; ref: string };
        await until('the new VDI', () => model.vdisOf(sr.ref).length === before + 1);
        const vdi = model.get('VDI', added.ref);
        assert.equal(vdi?.name_label, `added-${transport}`);
        assert.equal(vdi?.virtual_size, 4 * 1024 ** 3, 'int64 decoded to a number');
        assert.equal(model.vdiFormat(added.ref as Ref<'VDI'>), 'raw');
        assert.ok(rec.changes.some((ch) => ch.cls === 'VDI' && ch.ref === added.ref && ch.op === 'add'));

        await control(sim, 'vdi/remove', { uuid: added.uuid });
        await until('the VDI removal', () => model.get('VDI', added.ref) === undefined);
        assert.equal(model.vdisOf(sr.ref).length, before);
        assert.ok(rec.changes.some((ch) => ch.cls === 'VDI' && ch.ref === added.ref && ch.op === 'del'));
        rec.dispose();
      } finally {
        await c.disconnect();
      }
    });

    test('EVENTS_LOST: the watcher reloads everything and goes on', async () => {
      const session = new XapiSession({ url: pool.url, username: pool.username, password: async () => pool.password, transport });
      const statuses: WatcherStatus[] = [];
      let loads = 0;
      let model: PoolModel | undefined;
      const { PoolModel: Model } = await import('../../../src/model/poolModel');
      model = new Model();
      const m = model;
      const watcher = new EventWatcher(session, {
        load: (r) => {
          loads++;
          m.load(r);
        },
        apply: (e) => m.applyEvents(e),
        status: (s) => statuses.push(s),
      }, { timeoutSeconds: 5 });
      try {
        await watcher.start();
        assert.equal(loads, 1);
        await control(sim, 'events/lose');
        await until('the reload', () => loads === 2);
        assert.ok(statuses.some((s) => s.kind === 'resyncing' && s.reason === 'EVENTS_LOST'));
        const vdi = m.all('VDI')[1];
        await control(sim, 'rename', { uuid: vdi.record.uuid, name_label: `after lost ${transport}` });
        await until('events after the reload', () => m.get('VDI', vdi.ref)?.name_label === `after lost ${transport}`);
      } finally {
        await watcher.stop();
        await session.dispose();
      }
    });

    test('a 10 kB name_label with quotes, newlines, markup and unicode round-trips exactly', async () => {
      const name = Array.from({ length: 160 }, (_, n) => `${n}: "double" 'single' <b>&amp;</b> & ]]> ü 漢字 🚀\r\n\ttab`).join('\n').slice(0, 10_240);
      const session = new XapiSession({ url: pool.url, username: pool.username, password: async () => pool.password, transport });
      const c = await open(transport, pool);
      try {
        const model = connected(c.state).model;
        const vdi = model.all('VDI')[2];
        // Client → server → client through XAPI calls.
        await session.call('VDI.set_name_label', [vdi.ref, name]);
        assert.equal(await session.call<string>('VDI.get_name_label', [vdi.ref]), name);
        // And through event.from into the model.
        await until('the long name in the model', () => model.get('VDI', vdi.ref)?.name_label === name);
        // Server-side change of a name that is almost all markup.
        const markup = `<value>"x"</value>&lt;\n`.repeat(300);
        await control(sim, 'rename', { uuid: vdi.record.uuid, name_label: markup });
        await until('the markup name in the model', () => model.get('VDI', vdi.ref)?.name_label === markup);
      } finally {
        await session.dispose();
        await c.disconnect();
      }
    });
  });
}

test('a silent master with answering slaves: the last model is kept with what the members said; it clears when the master is back', async () => {
  const c = new PoolConnection(
    { name: generic.name, url: generic.url, username: generic.username, password: async () => generic.password, tls: noTls },
    { eventTimeoutSeconds: 2, backoffInitialMs: 50, backoffMaxMs: 200, failuresBeforeFailed: 2 },
  );
  await c.connect();
  const model = connected(c.state).model;
  try {
    await control(sim, 'host/down', { host: generic.master });
    await until('the master reported lost', () => c.state.kind === 'connected' && c.state.masterLost !== undefined, 15_000);
    const lost = connected(c.state).masterLost!;
    assert.equal(lost.verdict.kind, 'master-dead');
    assert.equal(connected(c.state).model, model, 'the last model stays on show');
    assert.equal(lost.members.filter((m) => m.answer.kind === 'slave').length, generic.hosts.length - 1);
    await control(sim, 'host/up', { host: generic.master });
    await until('connected again, master answering', () => c.state.kind === 'connected' && !c.state.masterLost, 15_000);
    assert.equal(connected(c.state).model, model, 'the same model, kept current');
    const vdi = model.all('VDI')[3];
    await control(sim, 'rename', { uuid: vdi.record.uuid, name_label: 'after the outage' });
    await until('events after the outage', () => model.get('VDI', vdi.ref)?.name_label === 'after the outage');
  } finally {
    await control(sim, 'host/up', { host: generic.master }).catch(() => undefined);
    await c.disconnect();
  }
});

test('a whole pool going silent turns the state failed with the reason; it comes back by itself', async () => {
  const security = poolNamed(sim, 'Security');
  const c = new PoolConnection(
    { name: security.name, url: security.url, username: security.username, password: async () => security.password, tls: noTls },
    { eventTimeoutSeconds: 2, backoffInitialMs: 50, backoffMaxMs: 200, failuresBeforeFailed: 2 },
  );
  await c.connect();
  const model = connected(c.state).model;
  try {
    for (const h of security.hosts) await control(sim, 'host/down', { host: h.name });
    await until('the failed state', () => c.state.kind === 'failed', 15_000);
    const f = c.state as Extract<ConnectionState, { kind: 'failed' }>;
    assert.match(f.message, /Lost contact with the pool master/);
    assert.ok(['refused', 'unreachable', 'timeout'].includes(f.failure), f.failure);
    for (const h of security.hosts) await control(sim, 'host/up', { host: h.name });
    await until('connected again', () => c.state.kind === 'connected', 15_000);
    assert.equal(connected(c.state).model, model, 'the same model, kept current');
  } finally {
    for (const h of security.hosts) await control(sim, 'host/up', { host: h.name }).catch(() => undefined);
    await c.disconnect();
  }
});
