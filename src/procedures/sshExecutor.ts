// The runner's executors that need SSH: shell steps on a host, the dd relay between two hosts (or a
// local file and a host), and checksums at both ends. One connection per host for the whole run,
// output streamed as it comes, cancel stopping the remote process groups. No vscode import: the
// editor gives the connection options (keys, passwords, host-key policy).

import { createReadStream } from 'node:fs';
import { createHash } from 'node:crypto';
import { StringDecoder } from 'node:string_decoder';
import { pipeline } from 'node:stream/promises';
import { Transform, type Readable } from 'node:stream';
import { connectSsh, exec, execStream, type SshConnection, type SshConnectOptions } from '../ssh';
import { sh } from '../shell/quote';
import { RelayError, relayStream } from '../storage/relay';
import { checksumCommand, readingOf, readingProblem, relaySourceCommand, relayTargetCommand, type EndReading } from './byteCommands';
import { describeSource, type ByteSource, type HostTarget } from './plan';
import type { Executors } from './runner';
import { l10n } from '../text/l10n';

export interface SshExecutors {
  shell: Executors['shell'];
  /** The source's bytes as a stream (dd over SSH, or a local file); `done` says how its end went. */
  openSource(source: ByteSource, signal?: AbortSignal): Promise<{ stream: Readable; done: Promise<{ code: number | null; stderr: string } | undefined> }>;
  relay: NonNullable<Executors['relay']>;
  checksum: NonNullable<Executors['checksum']>;
  /** Closes every connection the run opened. */
  close(): void;
}

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
  /** One end's checksum reading over SSH (an unreachable host is an error, not a reading). */
  const readEnd = async (host: HostTarget, command: string, signal?: AbortSignal): Promise<EndReading> => {
    const r = await exec(await connectionTo(host), command, { signal });
    return readingOf(r.code, r.stdout, r.stderr);
  };
  const openSource: SshExecutors['openSource'] = async (src, signal) => {
    if (src.kind === 'local') return { stream: createReadStream(src.path, { highWaterMark: 4 * 1024 * 1024 }), done: Promise.resolve(undefined) };
    const s = await execStream(await connectionTo(src.host), relaySourceCommand(src), { signal });
    s.stdin.end();
    return { stream: s.stdout, done: s.done };
  };

  return {
    async shell(host, command, signal, onOutput) {
      // One decoder per stream: a character split across two packets stays whole.
      const out = new StringDecoder('utf8');
      const err = new StringDecoder('utf8');
      const r = await exec(await connectionTo(host), command, {
        signal,
        onStdout: (b) => onOutput(out.write(b)),
        onStderr: (b) => onOutput(err.write(b)),
      });
      const rest = out.end() + err.end();
      if (rest) onOutput(rest);
      return { code: r.code, stdout: r.stdout, stderr: r.stderr };
    },

    openSource,

    async relay(action, signal, onProgress) {
      const targetConn = await connectionTo(action.target.host);
      // The target first: dd waits for its stdin; conv=fsync makes its exit mean "on the device".
      const target = await execStream(targetConn, relayTargetCommand(action.target), { signal });
      const opened = await openSource(action.source, signal);
      const source = opened.stream;
      const sourceDone = opened.done;
      let targetSays = '';
      target.stdout.on('data', (b: Buffer) => (targetSays += b.toString()));
      try {
        const result = await relayStream(source, target.stdin, { total: action.bytes, signal, onProgress });
        const [t, s] = await Promise.all([target.done, sourceDone]);
        if (signal?.aborted) throw new Error('cancelled');
        if (s && s.code !== 0) throw new Error(l10n.t('the source\'s dd failed (exit status {0}): {1}', s.code ?? l10n.t('none'), s.stderr.trim()));
        if (t.code !== 0) throw new Error(l10n.t('the target\'s dd failed (exit status {0}): {1}', t.code ?? l10n.t('none'), (targetSays + t.stderr).trim().split('\n').slice(-2).join(' ')));
        return result;
      } catch (err) {
        // Whatever went wrong, neither end is left running.
        target.stdin.destroy();
        source.destroy();
        if (!(err instanceof RelayError)) throw err;
        // Name the end that failed, with what its process said when it is known within a moment.
        const ended = await Promise.race([(err.end === 'target' ? target.done : sourceDone).catch(() => undefined), new Promise<undefined>((r) => setTimeout(() => r(undefined), 3_000))]);
        const said = ended ? l10n.t(' (exit status {0}{1})', ended.code ?? l10n.t('none: killed'), ended.stderr.trim() || targetSays.trim() ? `: ${(ended.stderr + (err.end === 'target' ? targetSays : '')).trim().split('\n').slice(-2).join(' ')}` : '') : '';
        const who = err.end === 'target' ? l10n.t('the target\'s dd on {0} ({1})', action.target.host.name, action.target.device) : l10n.t('the source, {0},', describeSource(action.source));
        throw new Error(l10n.t('{0} stopped after {1} of {2} bytes{3}', who, err.bytes, action.bytes, said), { cause: err });
      }
    },

    async checksum(action, signal) {
      const n = action.bytes;
      const [source, target] = await Promise.all([
        action.source.kind === 'ssh' ? readEnd(action.source.host, checksumCommand(action.source.path, n), signal) : localReading(action.source.path, n),
        readEnd(action.target.host, checksumCommand(action.target.device, n, action.target.activate), signal),
      ]);
      // An end that could not be read is its own outcome, never a hash to compare.
      const problems = [
        readingProblem(l10n.t('the source ({0})', describeSource(action.source)), source, n),
        readingProblem(l10n.t('the target ({0}:{1})', action.target.host.name, action.target.device), target, n),
      ].filter((p): p is string => p !== undefined);
      if (problems.length) throw new Error(problems.join('; '));
      return { source: (source as { sha256: string }).sha256, target: (target as { sha256: string }).sha256 };
    },

    close() {
      for (const c of connections.values()) void c.then((conn) => conn.close(), () => undefined);
      connections.clear();
    },
  };
}

/** The first `bytes` bytes of a local file, hashed and counted here. */
async function localReading(path: string, bytes: number): Promise<EndReading> {
  const hash = createHash('sha256');
  let read = 0;
  try {
    if (bytes > 0) await pipeline(createReadStream(path, { end: bytes - 1 }), new Transform({ transform(c: Buffer, _e, done) { hash.update(c); read += c.length; done(); } }));
  } catch (err) {
    return { unreadable: (err as Error).message };
  }
  return { sha256: hash.digest('hex'), bytes: read };
}

/** The size of the source in bytes (stat on its host, or locally). */
export async function sourceSize(ex: Pick<SshExecutors, 'shell'>, source: ByteSource, signal?: AbortSignal): Promise<number> {
  if (source.kind === 'local') {
    const { stat } = await import('node:fs/promises');
    return (await stat(source.path)).size;
  }
  const r = await ex.shell(source.host, sh`stat -L -c %s ${source.path}`, signal, () => undefined);
  const n = Number(r.stdout.trim());
  if (r.code !== 0 || !Number.isSafeInteger(n)) throw new Error(l10n.t('cannot read the size of {0} on {1}: {2}', source.path, source.host.name, r.stderr.trim() || r.stdout.trim()));
  return n;
}
