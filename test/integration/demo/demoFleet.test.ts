// Start Demo Fleet's engine as it ships: the bundle dist/demoFleet.js (npm run build) loaded on its
// own, its pools connected by the registry over real HTTP on loopback with the passwords it hands out,
// a dom0 answering over SSH where bash is there, and everything gone after stop.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { join, resolve } from 'node:path';
import { PoolRegistry } from '../../../src/model/poolRegistry';
import { isLoopbackHost } from '../../../src/xapi/loopback';
import type * as DemoModule from '../../../src/demo/demoFleet';
import { NO_TLS, until } from '../xapi/simulator';

const repoRoot = resolve(__dirname, '..', '..', '..', '..');

test('the demo fleet bundle starts the seed pools and Lab on loopback, they connect with its passwords, dom0 SSH answers, and stop ends them', { timeout: 60_000 }, async (t) => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const demo = require(join(repoRoot, 'dist', 'demoFleet.js')) as typeof DemoModule;
  const fleet = await demo.startDemoFleet();
  let stopped = false;
  t.after(async () => { if (!stopped) await fleet.stop(); });
  assert.deepEqual(fleet.pools.map((p) => p.name), ['Piet', 'Generic', 'BL0', 'Security', 'Lab']);
  for (const p of fleet.pools) assert.ok(isLoopbackHost(new URL(p.url).hostname), `${p.name} is on loopback (${p.url})`);
  assert.equal(fleet.dom0, demo.bashAvailable(), 'dom0 shells run where bash is');

  const registry = new PoolRegistry({ password: async (name) => fleet.pools.find((p) => p.name === name)?.password, tls: NO_TLS, tuning: { eventTimeoutSeconds: 1 } });
  t.after(() => registry.dispose());
  registry.setEntries(fleet.pools.map((p) => ({ name: p.name, url: p.url, username: p.username })));
  await until('every demo pool connected', () => fleet.pools.every((p) => registry.state(p.name)?.kind === 'connected'), 20_000);

  if (fleet.dom0) {
    const piet = registry.state('Piet');
    assert.ok(piet?.kind === 'connected');
    const banner = await new Promise<string>((done, fail) => {
      const s = net.connect(fleet.pools[0].sshPort!, piet.model.master()!.record.address);
      s.once('data', (b) => { done(b.toString('latin1')); s.destroy(); });
      s.once('error', fail);
    });
    assert.match(banner, /^SSH-2\.0-/, 'the master\'s dom0 speaks SSH');
  }

  registry.dispose();
  await fleet.stop();
  stopped = true;
  const refused = await new Promise<boolean>((done) => {
    const u = new URL(fleet.pools[0].url);
    const s = net.connect(Number(u.port), u.hostname);
    s.once('connect', () => { s.destroy(); done(false); });
    s.once('error', () => done(true));
  });
  assert.ok(refused, 'nothing listens after stop');
});
