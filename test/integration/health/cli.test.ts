// `npm run health` on the simulator, as cron runs it: a child process (node out/src/cli/health.js) with
// the password in XCP_ADMIN_PASSWORD, its output and its exit status: 0 healthy, 1 findings at the
// minimum severity, 2 the pool cannot be read (or the command was refused).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { control, startSimulator, type Simulator } from '../xapi/simulator';

const CLI = join(__dirname, '..', '..', '..', 'src', 'cli', 'health.js');

function run(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH ?? '', ...env } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

describe('npm run health on the simulator', () => {
  let sim: Simulator;
  before(async () => {
    sim = await startSimulator({ net: 84 });
  });
  after(() => sim.stop());
  const pool = (name: string) => sim.fleet.pools.find((p) => p.name === name)!;

  test('a healthy pool: exit 0 and a line saying so; with --min-severity info the orphan disks are listed and exit is 1', async () => {
    const sec = pool('Security');
    const ok = await run(['--url', sec.url, '--user', 'root'], { XCP_ADMIN_PASSWORD: sec.password });
    assert.equal(ok.code, 0, ok.err + ok.out);
    assert.match(ok.out, /^Security: nothing at or above warning\.\n$/);
    const info = await run(['--url', sec.url, '--user', 'root', '--min-severity', 'info', '--json'], { XCP_ADMIN_PASSWORD: sec.password });
    const lines = info.out.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
    assert.equal(info.code, 1);
    assert.ok(lines.length > 0, 'the seed pool has disks no VM uses');
    assert.deepEqual([...new Set(lines.map((l) => `${l.pool} ${l.check} ${l.severity}`))], ['Security orphan-vdi info']);
  });

  test('a dead host: exit 1, the admin\'s words with the fix; --json one object per line with pool, check, severity, object, summary, fix', async () => {
    const gen = pool('Generic');
    const slave = gen.hosts.find((h) => h.name !== gen.master)!;
    await control(sim, '/control/host/down', { host: slave.uuid });
    try {
      const text = await run(['--url', gen.url, '--user', 'root'], { XCP_ADMIN_PASSWORD: gen.password });
      assert.equal(text.code, 1, text.err);
      assert.match(text.out, new RegExp(`^(ERROR|WARNING) +Generic · host ${slave.name} \\[${slave.uuid}\\]\\n +Host ${slave.name} is dead`, 'm'));
      assert.match(text.out, /fix: H[56] /);

      const json = await run(['--url', gen.url, '--user', 'root', '--json'], { XCP_ADMIN_PASSWORD: gen.password });
      assert.equal(json.code, 1);
      const found = json.out.trim().split('\n').map((l) => JSON.parse(l));
      const dead = found.find((f) => f.check === 'dead-host');
      assert.deepEqual(Object.keys(dead).slice(0, 7), ['pool', 'check', 'severity', 'object', 'summary', 'fix', 'evidence']);
      assert.deepEqual(dead.object, { kind: 'host', name: slave.name, uuid: slave.uuid });
      assert.equal(dead.pool, 'Generic');
      assert.match(dead.fix.procedure, /^H[56] /);

      const errorsOnly = await run(['--url', gen.url, '--user', 'root', '--json', '--min-severity', 'error'], { XCP_ADMIN_PASSWORD: gen.password });
      const errs = errorsOnly.out.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
      assert.ok(errs.every((f) => f.severity === 'error'));
      assert.equal(errorsOnly.code, errs.length > 0 ? 1 : 0);
    } finally {
      await control(sim, '/control/host/up', { host: slave.uuid });
    }
  });

  test('exit 2: wrong password, nothing listening, no password, a password argument, https without a pin, http to a non-loopback address', async () => {
    const gen = pool('Generic');
    const wrong = await run(['--url', gen.url, '--user', 'root'], { XCP_ADMIN_PASSWORD: 'not it' });
    assert.equal(wrong.code, 2);
    assert.match(wrong.err, /could not be read: .*SESSION_AUTHENTICATION_FAILED|could not be read: .*password/i);
    const closed = await run(['--url', 'http://127.0.0.1:1/', '--user', 'root'], { XCP_ADMIN_PASSWORD: 'x' });
    assert.equal(closed.code, 2);
    assert.match(closed.err, /could not be read/);
    const noPassword = await run(['--url', gen.url, '--user', 'root']);
    assert.equal(noPassword.code, 2);
    assert.match(noPassword.err, /XCP_ADMIN_PASSWORD/);
    const argPassword = await run(['--url', gen.url, '--user', 'root', '--password', gen.password]);
    assert.equal(argPassword.code, 2);
    assert.match(argPassword.err, /never an argument/);
    const https = await run(['--url', 'https://127.0.0.1:1/', '--user', 'root'], { XCP_ADMIN_PASSWORD: 'x' });
    assert.equal(https.code, 2);
    assert.match(https.err, /--fingerprint/);
    const plain = await run(['--url', 'http://192.0.2.1/', '--user', 'root'], { XCP_ADMIN_PASSWORD: 'x' });
    assert.equal(plain.code, 2);
    assert.match(plain.err, /plain http would send the password in clear/);
    const badPin = await run(['--url', 'https://127.0.0.1:1/', '--user', 'root', '--fingerprint', 'SHA256:nope'], { XCP_ADMIN_PASSWORD: 'x' });
    assert.equal(badPin.code, 2);
    assert.match(badPin.err, /not a SHA-256 fingerprint/);
  });
});

test('https: the pinned certificate is read; another pin is refused (exit 2)', async (t) => {
  const sim = await startSimulator({ tls: true, net: 85 });
  t.after(() => sim.stop());
  const sec = sim.fleet.pools.find((p) => p.name === 'Security')!;
  const pin = sim.fleet.tls!.fingerprint256;
  const ok = await run(['--url', sec.url, '--user', 'root', '--fingerprint', `SHA256:${pin}`], { XCP_ADMIN_PASSWORD: sec.password });
  assert.equal(ok.code, 0, ok.err);
  const b64 = Buffer.from(pin.replace(/:/g, ''), 'hex').toString('base64').replace(/=$/, '');
  assert.equal((await run(['--url', sec.url, '--user', 'root', '--fingerprint', `SHA256:${b64}`], { XCP_ADMIN_PASSWORD: sec.password })).code, 0, 'base64 as OpenSSH writes it');
  const other = await run(['--url', sec.url, '--user', 'root', '--fingerprint', 'SHA256:' + '00'.repeat(32)], { XCP_ADMIN_PASSWORD: sec.password });
  assert.equal(other.code, 2);
  assert.match(other.err, /could not be read/);
});
