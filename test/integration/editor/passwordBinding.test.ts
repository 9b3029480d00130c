// A stored pool password goes only to the address it was stored for (src/editor/secrets.ts): a
// workspace that gives a known pool's name another URL gets no password sent there. The registry
// connects over real HTTP to the simulator and to a recording server on loopback standing in for the
// other address; SecretStorage is the editor's, so an in-memory map stands in for it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { PoolRegistry } from '../../../src/model/poolRegistry';
import { PasswordStore, type SecretStore } from '../../../src/editor/secrets';
import { NO_TLS, poolNamed, startSimulator, until } from '../xapi/simulator';

function memorySecrets(): SecretStore & { map: Map<string, string> } {
  const map = new Map<string, string>();
  return {
    map,
    get: async (k) => map.get(k),
    store: async (k, v) => void map.set(k, v),
    delete: async (k) => void map.delete(k),
  };
}

/** An HTTP server on loopback that keeps every request body it receives and answers with an XML-RPC fault. */
async function recordingServer(): Promise<{ url: string; bodies: string[]; close: () => Promise<void> }> {
  const bodies: string[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      bodies.push(Buffer.concat(chunks).toString('utf8'));
      res.writeHead(200, { 'content-type': 'text/xml' });
      res.end('<?xml version="1.0"?><methodResponse><params><param><value><struct><member><name>Status</name><value>Failure</value></member><member><name>ErrorDescription</name><value><array><data><value>SESSION_AUTHENTICATION_FAILED</value></data></array></value></member></struct></value></param></params></methodResponse>');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, bodies, close: () => new Promise((r) => server.close(() => r())) };
}

test('a pool name pointed at another URL gets no stored password sent there; back at its own URL it connects', async (t) => {
  const sim = await startSimulator();
  const other = await recordingServer();
  const store = new PasswordStore(memorySecrets());
  const piet = poolNamed(sim, 'Piet');
  await store.set({ name: 'Piet', url: piet.url }, piet.password);
  const registry = new PoolRegistry({ password: (name, url) => store.get({ name, url }), tls: NO_TLS, tuning: { eventTimeoutSeconds: 1 } });
  t.after(async () => { registry.dispose(); await other.close(); await sim.stop(); });

  // What a workspace's xcpAdmin.pools could say: the same name, another address.
  registry.setEntries([{ name: 'Piet', url: other.url, username: 'root' }]);
  await until('Piet failed at the other address', () => registry.state('Piet')?.kind === 'failed', 15_000);
  const state = registry.state('Piet');
  assert.equal(state?.kind, 'failed');
  assert.ok(other.bodies.every((b) => !b.includes(piet.password)), `the other address never received the password; it got: ${other.bodies.join(' | ')}`);

  // The user's own address again: the password is there.
  registry.setEntries([{ name: 'Piet', url: piet.url, username: 'root' }]);
  await until('Piet connected at its own address', () => registry.state('Piet')?.kind === 'connected', 15_000);
});

test('an Edit Pool move takes the password to the new address and leaves none at the old one', async () => {
  const secrets = memorySecrets();
  const store = new PasswordStore(secrets);
  await store.set({ name: 'Piet', url: 'https://10.0.0.1' }, 'pw');
  await store.move({ name: 'Piet', url: 'https://10.0.0.1' }, { name: 'Piet', url: 'https://10.0.0.2:443/' });
  assert.equal(await store.get({ name: 'Piet', url: 'https://10.0.0.2' }), 'pw', 'found at the new address (default port, trailing slash alike)');
  assert.equal(await store.get({ name: 'Piet', url: 'https://10.0.0.1' }), undefined);
  assert.equal(await store.get({ name: 'Other', url: 'https://10.0.0.2' }), undefined, 'another name at the same address has none');
});

test('passwords stored by name alone move to the user-settings address; a name only a workspace knows loses it', async () => {
  const secrets = memorySecrets();
  secrets.map.set('xcpAdmin.password/Piet', 'pw-piet');
  secrets.map.set('xcpAdmin.password/Evil', 'pw-evil');
  const store = new PasswordStore(secrets);
  const userUrls: Record<string, string> = { Piet: 'https://10.0.0.1' };
  const log = await store.migrateLegacy(['Piet', 'Evil', 'NoSecret'], (n) => userUrls[n]);
  assert.equal(log.length, 2);
  assert.equal(await store.get({ name: 'Piet', url: 'https://10.0.0.1' }), 'pw-piet');
  assert.equal(await store.get({ name: 'Evil', url: 'https://10.0.0.1' }), undefined);
  assert.deepEqual([...secrets.map.keys()].filter((k) => k.startsWith('xcpAdmin.password/')), [], 'no password is left under the name alone');
});
