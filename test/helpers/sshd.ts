// A real OpenSSH sshd on 127.0.0.1 for tests: its own temporary host key, authorized_keys and client
// key, in a temp folder; nothing of the system's sshd is touched. Needs `openssh-server` (.ci/run).

import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const SSHD = '/usr/sbin/sshd';

export interface Sshd {
  host: string;
  port: number;
  user: string;
  dir: string;
  clientKeyPath: string;
  hostKeyPath: string;
  /** `ssh-keygen -lf` of the host key: "SHA256:…". */
  hostFingerprint(): string;
  /** Replaces the host key (of the given type, ed25519 by default) and restarts sshd on the same port (a reinstalled host, an impostor). */
  regenerateHostKey(type?: HostKeyType): Promise<void>;
  stop(): Promise<void>;
}

export function missingSshd(): string | undefined {
  return existsSync(SSHD) ? undefined : `${SSHD} not found: apt-get install -y openssh-server`;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

async function waitListening(port: number, child: ChildProcess, log: () => string): Promise<void> {
  const end = Date.now() + 10_000;
  while (Date.now() < end) {
    if (child.exitCode !== null) throw new Error(`sshd exited (${child.exitCode}):\n${log()}`);
    const ok = await new Promise<boolean>((r) => {
      const s = net.connect(port, '127.0.0.1', () => { s.destroy(); r(true); });
      s.once('error', () => r(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`sshd did not listen on ${port}:\n${log()}`);
}

export type HostKeyType = 'ed25519' | 'rsa';

export interface SshdOptions {
  /** Allow TCP forwarding (a jump host). */
  forwarding?: boolean;
}

export async function startSshd(opts: SshdOptions = {}): Promise<Sshd> {
  const missing = missingSshd();
  if (missing) throw new Error(missing);
  mkdirSync('/run/sshd', { recursive: true });
  const dir = mkdtempSync(join(tmpdir(), 'xcp-sshd-'));
  const hostKeyPath = join(dir, 'host_key');
  const clientKeyPath = join(dir, 'client_ed25519');
  const keygen = (path: string, type: HostKeyType = 'ed25519') => execFileSync('ssh-keygen', ['-q', '-t', type, ...(type === 'rsa' ? ['-b', '2048'] : []), '-N', '', '-C', 'xcp-admin-test', '-f', path]);
  keygen(hostKeyPath);
  keygen(clientKeyPath);
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(clientKeyPath + '.pub'));
  const port = await freePort();
  const user = process.env.USER || 'root';
  writeFileSync(join(dir, 'sshd_config'), [
    `Port ${port}`,
    'ListenAddress 127.0.0.1',
    `HostKey ${hostKeyPath}`,
    `PidFile ${join(dir, 'sshd.pid')}`,
    `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'PermitRootLogin prohibit-password',
    'StrictModes no',
    'UsePAM no',
    `AllowTcpForwarding ${opts.forwarding ? 'yes' : 'no'}`,
    'PrintMotd no',
    'LogLevel ERROR',
    '',
  ].join('\n'));
  let child!: ChildProcess;
  let output = '';
  const launch = async () => {
    output = '';
    child = spawn(SSHD, ['-D', '-e', '-f', join(dir, 'sshd_config')], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (b) => (output += b));
    child.stderr!.on('data', (b) => (output += b));
    await waitListening(port, child, () => output);
  };
  const kill = async () => {
    if (child.exitCode !== null || child.signalCode) return;
    const gone = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await gone;
  };
  await launch();
  return {
    host: '127.0.0.1',
    port,
    user,
    dir,
    clientKeyPath,
    hostKeyPath,
    hostFingerprint: () => execFileSync('ssh-keygen', ['-lf', hostKeyPath + '.pub']).toString().split(' ')[1],
    async regenerateHostKey(type) {
      await kill();
      rmSync(hostKeyPath, { force: true });
      rmSync(hostKeyPath + '.pub', { force: true });
      keygen(hostKeyPath, type);
      await launch();
    },
    async stop() {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
