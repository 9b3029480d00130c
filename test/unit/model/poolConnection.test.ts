// PoolConnection's state machine against the fake XAPI: states, failure classes, TLS pinning.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { PoolConnection, normalizePoolUrl, type ConnectionState, type TlsTrust } from '../../../src/model/poolConnection';
import { FakeXapi, selfSignedCertificate } from '../xapi/fakeXapi';

export class MemoryTrust implements TlsTrust {
  readonly pins = new Map<string, string>();
  readonly asked: { hostPort: string; fingerprint256: string }[] = [];
  constructor(public accept = true) {}
  pinned(hostPort: string) {
    return this.pins.get(hostPort);
  }
  async confirm(info: { hostPort: string; fingerprint256: string }) {
    this.asked.push(info);
    return this.accept;
  }
  async pin(hostPort: string, fp: string) {
    this.pins.set(hostPort, fp);
  }
}

function connection(url: string, extra: Partial<ConstructorParameters<typeof PoolConnection>[0]> = {}) {
  const states: ConnectionState[] = [];
  const c = new PoolConnection({ name: 'Fake', url, username: 'root', password: async () => 'secret', tls: new MemoryTrust(), ...extra }, { eventTimeoutSeconds: 1 });
  c.onDidChangeState((s) => states.push(s));
  return { c, states };
}

function failure(s: ConnectionState) {
  assert.equal(s.kind, 'failed', `expected a failure, got ${JSON.stringify(s)}`);
  return s as Extract<ConnectionState, { kind: 'failed' }>;
}

test('normalizePoolUrl: a bare host means https, explicit http(s) is kept, nonsense is refused', () => {
  assert.equal(normalizePoolUrl('xen1.example').href, 'https://xen1.example/');
  assert.equal(normalizePoolUrl(' xen1.example:8443 ').href, 'https://xen1.example:8443/');
  assert.equal(normalizePoolUrl('http://127.0.0.1:9000/').href, 'http://127.0.0.1:9000/');
  assert.throws(() => normalizePoolUrl('ftp://x'), /https/);
  assert.throws(() => normalizePoolUrl('two words'), /not a host name/);
  assert.throws(() => normalizePoolUrl(''), /not a host name/);
});

test('connect goes connecting → connected with a loaded model; disconnect logs out', async () => {
  const fake = await new FakeXapi().start();
  const { c, states } = connection(fake.url);
  try {
    await c.connect();
    assert.deepStrictEqual(states.map((s) => s.kind), ['connecting', 'connected']);
    const s = c.state as Extract<ConnectionState, { kind: 'connected' }>;
    assert.equal(s.transport, 'jsonrpc');
    assert.equal(s.masterAddress, '127.0.0.1');
    assert.equal(s.model.count('VDI'), 3);
    await c.disconnect();
    assert.equal(c.state.kind, 'disconnected');
    assert.ok(fake.calls.includes('session.logout'));
  } finally {
    c.dispose();
    await fake.stop();
  }
});

test('a wrong password fails as auth with XAPI\'s code in the message; a missing one too', async () => {
  const fake = await new FakeXapi().start();
  try {
    const { c } = connection(fake.url, { password: async () => 'wrong' });
    await c.connect();
    const f = failure(c.state);
    assert.equal(f.failure, 'auth');
    assert.match(f.message, /SESSION_AUTHENTICATION_FAILED/);
    const none = connection(fake.url, { password: async () => undefined }).c;
    await none.connect();
    assert.equal(failure(none.state).failure, 'auth');
    assert.match(failure(none.state).message, /No password is stored/);
  } finally {
    await fake.stop();
  }
});

test('a closed port fails as refused; a bad URL as other; retry reconnects once the server is up', async () => {
  const port = await new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
  const { c, states } = connection(`http://127.0.0.1:${port}/`);
  await c.connect();
  assert.equal(failure(c.state).failure, 'refused');
  assert.match(failure(c.state).message, /refused the connection/);
  const fake = await new FakeXapi({ port }).start();
  try {
    await c.connect();
    assert.deepStrictEqual(states.map((s) => s.kind), ['connecting', 'failed', 'connecting', 'connected']);
  } finally {
    c.dispose();
    await fake.stop();
  }
  const bad = connection('not a url').c;
  await bad.connect();
  assert.equal(failure(bad.state).failure, 'other');
});

test('TLS: first contact asks with the fingerprint and pins; the next connect is silent', async () => {
  const fake = await new FakeXapi({ tls: selfSignedCertificate() }).start();
  const trust = new MemoryTrust(true);
  try {
    const first = connection(fake.url, { tls: trust }).c;
    await first.connect();
    assert.equal(first.state.kind, 'connected', JSON.stringify(first.state));
    assert.equal(trust.asked.length, 1);
    assert.equal(trust.asked[0].hostPort, `127.0.0.1:${fake.port}`);
    assert.match(trust.asked[0].fingerprint256, /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    assert.equal(trust.pins.get(`127.0.0.1:${fake.port}`), trust.asked[0].fingerprint256);
    await first.disconnect();
    const second = connection(fake.url, { tls: trust }).c;
    await second.connect();
    assert.equal(second.state.kind, 'connected');
    assert.equal(trust.asked.length, 1, 'not asked again');
    await second.disconnect();
  } finally {
    await fake.stop();
  }
});

test('TLS: a declined certificate fails as tls-untrusted, and nothing was sent to the host', async () => {
  const fake = await new FakeXapi({ tls: selfSignedCertificate() }).start();
  try {
    const { c } = connection(fake.url, { tls: new MemoryTrust(false) });
    await c.connect();
    assert.equal(failure(c.state).failure, 'tls-untrusted');
    assert.deepStrictEqual(fake.calls, []);
  } finally {
    await fake.stop();
  }
});

test('TLS: a changed certificate is refused before the password is sent, naming both fingerprints', async () => {
  const original = await new FakeXapi({ tls: selfSignedCertificate() }).start();
  const trust = new MemoryTrust(true);
  const port = original.port;
  const first = connection(original.url, { tls: trust }).c;
  await first.connect();
  await first.disconnect();
  await original.stop();
  const impostor = await new FakeXapi({ tls: selfSignedCertificate(), port }).start();
  try {
    const { c } = connection(impostor.url, { tls: trust });
    await c.connect();
    const f = failure(c.state);
    assert.equal(f.failure, 'tls-changed');
    const pinned = trust.pins.get(`127.0.0.1:${port}`)!;
    assert.ok(f.message.includes(pinned), 'names the pinned fingerprint');
    assert.ok(f.message.includes(`127.0.0.1:${port}`), 'names the host');
    assert.match(f.message, /now presents ([0-9A-F]{2}:){31}[0-9A-F]{2}/);
    assert.deepStrictEqual(impostor.calls, [], 'no login reached the impostor');
    assert.equal(trust.asked.length, 1, 'a changed certificate is refused, not asked about');
  } finally {
    await impostor.stop();
  }
});

test('HOST_IS_SLAVE: the connection lands on the master and tells the editor', async () => {
  const master = await new FakeXapi({ host: '127.0.0.1' }).start();
  const slave = await new FakeXapi({ host: '127.0.0.3', port: master.port, slaveOf: '127.0.0.1' }).start();
  const moved: string[] = [];
  const { c } = connection(slave.url, { onMasterMoved: (a) => moved.push(a), transport: 'xmlrpc' });
  try {
    await c.connect();
    const s = c.state as Extract<ConnectionState, { kind: 'connected' }>;
    assert.equal(s.kind, 'connected');
    assert.equal(s.masterAddress, '127.0.0.1');
    assert.equal(s.transport, 'xmlrpc');
    assert.deepStrictEqual(moved, ['127.0.0.1']);
  } finally {
    c.dispose();
    await slave.stop();
    await master.stop();
  }
});
