// Certificate pinning against the simulator over HTTPS: the first contact asks and pins, the second
// is silent, and after the simulator rotates its certificate the connection is refused by name.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { PoolConnection, type ConnectionState, type TlsTrust } from '../../../src/model/poolConnection';
import { normalizeFingerprint } from '../../../src/xapi/tls';
import { poolNamed, startSimulator, type SimPool, type Simulator } from './simulator';

class MemoryTrust implements TlsTrust {
  readonly pins = new Map<string, string>();
  readonly asked: { hostPort: string; fingerprint256: string; subject?: string }[] = [];
  pinned(hostPort: string) {
    return this.pins.get(hostPort);
  }
  async confirm(info: { hostPort: string; fingerprint256: string; subject?: string }) {
    this.asked.push(info);
    return true;
  }
  async pin(hostPort: string, fp: string) {
    this.pins.set(hostPort, fp);
  }
}

let sim: Simulator;
let pool: SimPool;
before(async () => {
  sim = await startSimulator({ tls: true, seed: 11 });
  pool = poolNamed(sim, 'BL0');
});
after(async () => {
  await sim?.stop();
});

function connect(trust: TlsTrust, transport: 'auto' | 'xmlrpc' | 'jsonrpc' = 'auto') {
  return new PoolConnection({ name: pool.name, url: pool.url, username: pool.username, password: async () => pool.password, transport, tls: trust });
}

test('first contact: the admin is asked with the SHA-256 fingerprint, it is pinned, the next connect is silent', async () => {
  assert.match(pool.url, /^https:/);
  const trust = new MemoryTrust();
  // BL0 is XCP 1.5: XML-RPC only, and the auto transport ends there too.
  for (const transport of ['xmlrpc', 'auto'] as const) {
    const c = connect(trust, transport);
    await c.connect();
    assert.equal(c.state.kind, 'connected', JSON.stringify(c.state));
    assert.equal((c.state as Extract<ConnectionState, { kind: 'connected' }>).transport, 'xmlrpc');
    await c.disconnect();
  }
  assert.equal(trust.asked.length, 1, 'asked once, on first contact only');
  const hostPort = new URL(pool.url).host;
  assert.equal(trust.asked[0].hostPort, hostPort);
  if (sim.fleet.tls) assert.equal(normalizeFingerprint(trust.asked[0].fingerprint256), normalizeFingerprint(sim.fleet.tls.fingerprint256));
  assert.equal(trust.pins.get(hostPort), trust.asked[0].fingerprint256);
});

test('a changed certificate is refused: the message names the host, both fingerprints and what to do', async () => {
  const trust = new MemoryTrust();
  const first = connect(trust);
  await first.connect();
  assert.equal(first.state.kind, 'connected');
  await first.disconnect();
  const pinned = [...trust.pins.values()][0];
  await sim.rotateCertificate();
  const second = connect(trust);
  await second.connect();
  const s = second.state as Extract<ConnectionState, { kind: 'failed' }>;
  assert.equal(s.kind, 'failed', JSON.stringify(s));
  assert.equal(s.failure, 'tls-changed');
  assert.ok(s.message.includes(new URL(pool.url).host), 'names host:port');
  assert.ok(s.message.includes(normalizeFingerprint(pinned)), 'names the pinned fingerprint');
  assert.match(s.message, /now presents ([0-9A-F]{2}:){31}[0-9A-F]{2}/);
  assert.match(s.message, /Forget Pinned Certificates/);
  assert.equal(trust.asked.length, 1, 'not asked again: refused');
  second.dispose();
});
