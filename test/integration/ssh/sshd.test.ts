// src/ssh against a real OpenSSH sshd on 127.0.0.1 (test/helpers/sshd.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectSsh, exec, MemoryHostKeyStore, openShell, SshError, type SshConnection, type HostKey } from '../../../src/ssh';
import { checkHostKey, HostKeyError } from '../../../src/ssh/hostKeys';
import { sh } from '../../../src/shell/quote';
import { startSshd, type Sshd } from '../../helpers/sshd';


function trustAll(store = new MemoryHostKeyStore()) {
  const asked: { host: string; port: number; key: HostKey }[] = [];
  return { asked, store, policy: { store, knownHostsFiles: [] as string[], confirm: async (r: { host: string; port: number; key: HostKey }) => (asked.push(r), true) } };
}

async function connect(d: Sshd, hostKeys = trustAll().policy): Promise<SshConnection> {
  return connectSsh({ host: d.host, port: d.port, auth: { username: d.user, agent: false, privateKeyPath: d.clientKeyPath }, hostKeys });
}

test('exec returns exit codes, stdout and stderr; an unknown key is asked about once, with its SHA256 fingerprint', async (t) => {
  const d = await startSshd();
  t.after(() => d.stop());
  const trust = trustAll();
  const conn = await connect(d, trust.policy);
  t.after(() => conn.close());
  assert.equal(trust.asked.length, 1, 'the admin was asked about the new host key');
  assert.equal(trust.asked[0].key.fingerprint, d.hostFingerprint(), 'the fingerprint shown is the one ssh-keygen -l prints');
  assert.equal(trust.asked[0].key.type, 'ssh-ed25519');

  const ok = await exec(conn, 'echo hello; echo oops >&2');
  assert.deepEqual([ok.code, ok.stdout, ok.stderr], [0, 'hello\n', 'oops\n']);
  const three = await exec(conn, 'exit 3');
  assert.equal(three.code, 3);
  const stdin = await exec(conn, 'sha256sum', { stdin: 'abc' });
  assert.match(stdin.stdout, /^ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad/);

  // The pinned key is accepted without asking again.
  const again = await connect(d, trust.policy);
  again.close();
  assert.equal(trust.asked.length, 1);
});

test('a declined key and a changed key are refused, the changed one with a warning naming the host', async (t) => {
  const d = await startSshd();
  t.after(() => d.stop());
  await assert.rejects(
    connect(d, { store: new MemoryHostKeyStore(), knownHostsFiles: [], confirm: async () => false }),
    (e: SshError) => e.kind === 'host-key' && /not accepted/.test(e.message),
  );
  const trust = trustAll();
  (await connect(d, trust.policy)).close();
  await d.regenerateHostKey();
  await assert.rejects(connect(d, trust.policy), (e: SshError) => {
    assert.equal(e.kind, 'host-key');
    assert.match(e.message, new RegExp(`\\[127\\.0\\.0\\.1\\]:${d.port} has CHANGED`));
    assert.ok(e.message.includes(d.hostFingerprint()), 'the message shows the new fingerprint');
    return true;
  });
  assert.equal(trust.asked.length, 1, 'a changed key is never offered for acceptance');
});

test('an impostor offering an RSA key for a host pinned with ed25519 is refused like a changed key, never asked about', async (t) => {
  const d = await startSshd();
  t.after(() => d.stop());
  const trust = trustAll();
  (await connect(d, trust.policy)).close();
  const pinned = d.hostFingerprint();
  assert.equal(trust.store.get(`[127.0.0.1]:${d.port}`)[0].type, 'ssh-ed25519');
  await d.regenerateHostKey('rsa');
  const impostor = d.hostFingerprint();
  // Only ed25519 is offered to the server: it has no such key, the handshake ends before any credential.
  await assert.rejects(connect(d, trust.policy), (e: SshError) => {
    assert.equal(e.kind, 'host-key', e.message);
    assert.match(e.message, /offers no SSH host key of the type known for it/);
    assert.ok(e.message.includes(`ssh-ed25519 ${pinned}`), 'names the pinned key');
    return true;
  });
  assert.equal(trust.asked.length, 1, 'the impostor was not asked about as a new host');
  assert.equal(trust.store.get(`[127.0.0.1]:${d.port}`).length, 1, 'and not pinned');
  // Had the RSA key been presented anyway, the check refuses it naming both fingerprints.
  const blob = Buffer.from(readFileSync(d.hostKeyPath + '.pub', 'utf8').split(' ')[1], 'base64');
  await assert.rejects(checkHostKey(trust.policy, d.host, d.port, blob), (e: HostKeyError) => {
    assert.equal(e.kind, 'changed');
    assert.ok(e.message.includes(`ssh-ed25519 ${pinned}`) && e.message.includes(`ssh-rsa ${impostor}`), e.message);
    assert.match(e.message, /a key of another type/);
    return true;
  });
  assert.equal(trust.asked.length, 1);
});

test('a host known in known_hosts (hashed entry) is accepted without asking', async (t) => {
  const d = await startSshd();
  const dir = mkdtempSync(join(tmpdir(), 'xcp-kh-'));
  t.after(async () => { await d.stop(); rmSync(dir, { recursive: true, force: true }); });
  const pub = readFileSync(d.hostKeyPath + '.pub', 'utf8').trim().split(' ');
  const kh = join(dir, 'known_hosts');
  writeFileSync(kh, `[${d.host}]:${d.port} ${pub[0]} ${pub[1]}\n`);
  const { execFileSync } = await import('node:child_process');
  execFileSync('ssh-keygen', ['-H', '-f', kh], { stdio: 'ignore' });
  assert.match(readFileSync(kh, 'utf8'), /^\|1\|/, 'the entry is hashed');
  const conn = await connect(d, { store: new MemoryHostKeyStore(), knownHostsFiles: [kh], confirm: async () => assert.fail('must not ask') });
  conn.close();
});

test('a pty shell: TERM, resize, and the exit status', async (t) => {
  const d = await startSshd();
  t.after(() => d.stop());
  const conn = await connect(d);
  t.after(() => conn.close());
  const shell = await openShell(conn, { cols: 80, rows: 24 });
  let out = '';
  shell.onData((b) => (out += b.toString()));
  const exited = new Promise<{ code: number | null }>((r) => shell.onExit(r));
  shell.write('echo "term=$TERM"\n');
  shell.resize(132, 43);
  await new Promise((r) => setTimeout(r, 200));
  shell.write('stty size; exit 7\n');
  assert.equal((await exited).code, 7);
  assert.match(out, /term=xterm-256color/);
  assert.match(out, /43 132/);
});

test('a jump host: the target is reached through a second sshd', async (t) => {
  const jump = await startSshd({ forwarding: true });
  const target = await startSshd();
  t.after(async () => { await jump.stop(); await target.stop(); });
  const trust = trustAll();
  const conn = await connectSsh({
    host: target.host, port: target.port,
    auth: { username: target.user, agent: false, privateKeyPath: target.clientKeyPath },
    jump: { host: jump.host, port: jump.port, auth: { username: jump.user, agent: false, privateKeyPath: jump.clientKeyPath } },
    hostKeys: trust.policy,
  });
  t.after(() => conn.close());
  assert.deepEqual(trust.asked.map((a) => a.port).sort(), [jump.port, target.port].sort(), 'both host keys were checked');
  const r = await exec(conn, 'echo "$SSH_CONNECTION"');
  assert.equal(r.code, 0);
  assert.match(r.stdout, new RegExp(` ${target.port}\\n$`), 'the command ran on the target');
});

test('cancelling a long command returns at once', async (t) => {
  const d = await startSshd();
  t.after(() => d.stop());
  const conn = await connect(d);
  t.after(() => conn.close());
  const ac = new AbortController();
  const started = Date.now();
  setTimeout(() => ac.abort(), 300);
  const r = await exec(conn, 'sleep 30', { signal: ac.signal });
  assert.equal(r.cancelled, true);
  assert.equal(r.code, null);
  assert.ok(Date.now() - started < 10_000, 'the exec returned well before the command would have ended');
});

test('hostile values reach the shell as one word and run nothing', async (t) => {
  const d = await startSshd();
  const dir = mkdtempSync(join(tmpdir(), 'xcp-hostile-'));
  t.after(async () => { await d.stop(); rmSync(dir, { recursive: true, force: true }); });
  const conn = await connect(d);
  t.after(() => conn.close());
  const trace = join(dir, 'PWNED');
  const hostile = [
    `'; touch ${trace} #`,
    `$(touch ${trace})`,
    `\`touch ${trace}\``,
    `a\ntouch ${trace}\n`,
    `"; touch ${trace}; echo "`,
    `x' ; touch ${trace} ; echo 'y`,
    `--help && touch ${trace}`,
  ];
  for (const value of hostile) {
    const r = await exec(conn, sh`printf '%s|' ${value}; echo "$#"`.replace('"$#"', 'end'));
    assert.equal(r.code, 0);
    assert.equal(r.stdout, `${value}|end\n`, `printed verbatim as one word: ${JSON.stringify(value)}`);
    const count = await exec(conn, sh`set -- ${value}; echo $#`);
    assert.equal(count.stdout, '1\n', `one word: ${JSON.stringify(value)}`);
  }
  assert.equal(existsSync(trace), false, 'no command hidden in a value ran');
});
