import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { xmlValue } from './client';

// The compiled test lives in out/test/unit/simulator; main.js in out/simulator.
const MAIN = join(__dirname, '..', '..', '..', 'simulator', 'main.js');

test('main.js prints exactly one JSON line first, serves, and exits cleanly on SIGTERM', async () => {
  const child = spawn(process.execPath, [MAIN, '--seed', '2', '--net', '80', '--hosts', '3', '--vdis', '20', '--vms', '5'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const firstLine = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
      const nl = stdout.indexOf('\n');
      if (nl >= 0) resolve(stdout.slice(0, nl));
    });
    child.once('exit', (code) => reject(new Error(`exited ${code}: ${stderr}`)));
    setTimeout(() => reject(new Error(`no line in 10 s: ${stderr}`)), 10_000).unref();
  });
  try {
    const fleet = JSON.parse(firstLine);
    assert.deepEqual(fleet.pools.map((p: { name: string; release: { name: string } }) => `${p.name} ${p.release.name}`), ['Piet xcp-1.5', 'Generic xcp-1.5', 'BL0 xcp-1.5', 'Security xcp-1.5', 'Lab xcp-ng-8']);
    assert.equal(fleet.pools[0].hosts.length, 3);
    assert.match(fleet.control, /^http:\/\/127\.80\.1\.1:\d+\/control\/$/);
    assert.equal(fleet.tls, undefined);
    const piet = fleet.pools[0];
    assert.match(String(await xmlValue(piet.url, 'session.login_with_password', [piet.username, piet.password])), /^OpaqueRef:/);
  } finally {
    const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    assert.equal(await exit, 0);
  }
  assert.equal(stdout, firstLine + '\n', 'nothing else on stdout');
});

test('main.js rejects an unknown option with exit code 2', async () => {
  const child = spawn(process.execPath, [MAIN, '--frob'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  assert.equal(code, 2);
  assert.equal(stdout, '');
});
