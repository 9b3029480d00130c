// The runner's executors that need SSH: shell steps on a host, the dd relay between two hosts (or a
// local file and a host), and checksums at both ends. One connection per host for the whole run,
// output streamed as it comes, cancel stopping the remote process groups. No vscode import: the
// editor gives the connection options (keys, passwords, host-key policy).

import { createReadStream } from 'node:fs';
import { createHash } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { Transform, type Readable } from 'node:stream';
import { connectSsh, exec, execStream, type SshConnection, type SshConnectOptions } from '../ssh';
import { sh } from '../shell/quote';
import { relayStream } from '../storage/relay';
import type { ByteSource, HostTarget } from './plan';
import type { Executors } from './runner';

export interface SshExecutors {
  shell: Executors['shell'];
  /** The source's bytes as a stream (dd over SSH, or a local file); `done` says how its end went. */
  openSource(source: ByteSource, signal?: AbortSignal): Promise<{ stream: Readable; done: Promise<{ code: number | null; stderr: string } | undefined> }>;
  relay: NonNullable<Executors['relay']>;
  checksum: NonNullable<Executors['checksum']>;
  /** Closes every connection the run opened. */
  close(): void;
}

const BLOCK = '4M';

export function sshExecutors(optionsFor: (host: HostTarget) => Promise<SshConnectOptions>): SshExecutors {
  const connections = new Map<string, Promise<SshConnection>>();
  const connectionTo = (host: HostTarget): Promise<SshConnection> => {
    let c = connections.get(host.address);
    if (!c) {
      c = optionsFor(host).then(connectSsh);
      c.catch(() => connections.delete(host.address)); // a failed attempt may be tried again
      connections.set(host.address, c);
    }
    return c;
  };
  const run = async (host: HostTarget, command: string, signal?: AbortSignal) => {
    const r = await exec(await connectionTo(host), command, { signal });
    if (r.code !== 0) throw new Error(`${host.name}: ${command.split(' ')[0]} failed (exit status ${r.code ?? 'none'}): ${r.stderr.trim().split('\n').slice(-2).join(' ')}`);
    return r.stdout;
  };
  const openSource: SshExecutors['openSource'] = async (src, signal) => {
    if (src.kind === 'local') return { stream: createReadStream(src.path, { highWaterMark: 4 * 1024 * 1024 }), done: Promise.resolve(undefined) };
    const s = await execStream(await connectionTo(src.host), sh`dd if=${src.path} bs=${BLOCK} 2>/dev/null`, { signal });
    s.stdin.end();
    return { stream: s.stdout, done: s.done };
  };
  const sha = (text: string) => {
    const m = /^([0-9a-f]{64})\b/.exec(text.trim());
    if (!m) throw new Error(`sha256sum printed no checksum: ${text.slice(0, 80)}`);
    return m[1];
  };

  return {
    async shell(host, command, signal, onOutput) {
      const r = await exec(await connectionTo(host), command, {
        signal,
        onStdout: (b) => onOutput(b.toString('utf8')),
        onStderr: (b) => onOutput(b.toString('utf8')),
      });
      return { code: r.code, stdout: r.stdout, stderr: r.stderr };
    },

    openSource,

    async relay(action, signal, onProgress) {
      const targetConn = await connectionTo(action.target.host);
      // The target first: dd waits for its stdin; conv=fsync makes its exit mean "on the device".
      const target = await execStream(targetConn, sh`dd of=${action.target.device} bs=${BLOCK} conv=notrunc,fsync 2>&1`, { signal });
      const opened = await openSource(action.source, signal);
      const source = opened.stream;
      const sourceDone = opened.done;
      let targetSays = '';
      target.stdout.on('data', (b: Buffer) => (targetSays += b.toString()));
      try {
        const result = await relayStream(source, target.stdin, { total: action.bytes, signal, onProgress });
        const [t, s] = await Promise.all([target.done, sourceDone]);
        if (signal?.aborted) throw new Error('cancelled');
        if (s && s.code !== 0) throw new Error(`the source's dd failed (exit status ${s.code ?? 'none'}): ${s.stderr.trim()}`);
        if (t.code !== 0) throw new Error(`the target's dd failed (exit status ${t.code ?? 'none'}): ${(targetSays + t.stderr).trim().split('\n').slice(-2).join(' ')}`);
        return result;
      } catch (err) {
        // Whatever went wrong, neither end is left running.
        target.stdin.destroy();
        source.destroy();
        throw err;
      }
    },

    async checksum(action, signal) {
      const n = action.bytes;
      const targetCmd = sh`dd if=${action.target.device} bs=1M 2>/dev/null | head -c ${n} | sha256sum`;
      const [source, target] = await Promise.all([
        sourceChecksum(action.source, n, (host, cmd) => run(host, cmd, signal)).then((t) => sha(t)),
        run(action.target.host, targetCmd, signal).then(sha),
      ]);
      return { source, target };
    },

    close() {
      for (const c of connections.values()) void c.then((conn) => conn.close(), () => undefined);
      connections.clear();
    },
  };
}

async function sourceChecksum(source: ByteSource, bytes: number, run: (host: HostTarget, cmd: string) => Promise<string>): Promise<string> {
  if (source.kind === 'ssh') return run(source.host, sh`head -c ${bytes} ${source.path} | sha256sum`);
  const hash = createHash('sha256');
  await pipeline(createReadStream(source.path, { end: bytes - 1 }), new Transform({ transform(c: Buffer, _e, done) { hash.update(c); done(); } }));
  return hash.digest('hex');
}

/** The size of the source in bytes (stat on its host, or locally). */
export async function sourceSize(ex: Pick<SshExecutors, 'shell'>, source: ByteSource, signal?: AbortSignal): Promise<number> {
  if (source.kind === 'local') {
    const { stat } = await import('node:fs/promises');
    return (await stat(source.path)).size;
  }
  const r = await ex.shell(source.host, sh`stat -L -c %s ${source.path}`, signal, () => undefined);
  const n = Number(r.stdout.trim());
  if (r.code !== 0 || !Number.isSafeInteger(n)) throw new Error(`cannot read the size of ${source.path} on ${source.host.name}: ${r.stderr.trim() || r.stdout.trim()}`);
  return n;
}
