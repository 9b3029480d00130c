// Runs one command over an SSH connection: exit code, stdout/stderr (streamed and kept, capped),
// cancellation by AbortSignal. No vscode import.

import type { Readable, Writable } from 'node:stream';
import type { SshConnection } from './connection';

export interface ExecOptions {
  signal?: AbortSignal;
  /** Written to the command's stdin, then stdin is closed. */
  stdin?: string | Buffer;
  onStdout?(chunk: Buffer): void;
  onStderr?(chunk: Buffer): void;
  /** How much of each stream is kept for the result (default 1 MiB; the tail is kept). */
  keepBytes?: number;
}

export interface ExecResult {
  /** The remote exit status; null when the command died of a signal or was cancelled. */
  code: number | null;
  signal?: string;
  stdout: string;
  stderr: string;
  cancelled: boolean;
}

class Tail {
  private chunks: Buffer[] = [];
  private size = 0;
  constructor(private readonly max: number) {}
  push(b: Buffer): void {
    this.chunks.push(b);
    this.size += b.length;
    while (this.size > this.max && this.chunks.length > 1) this.size -= this.chunks.shift()!.length;
  }
  text(): string {
    const all = Buffer.concat(this.chunks);
    return all.subarray(Math.max(0, all.length - this.max)).toString('utf8');
  }
}

// sshd runs an exec request as `$SHELL -c <command>` in a new session, so that shell's pid is also the
// process group of everything the command starts. The wrapper reports it on stderr (stripped from the
// output) so a cancel can stop the whole group: closing the channel alone leaves a non-pty command running.
const PID_MARK = 'XCPADMIN-PGID=';
const wrap = (command: string) => `echo ${PID_MARK}$$ >&2; ${command}`;

/** A running remote command whose output is a stream (for the dd relay): read `stdout`, write `stdin`. */
export interface ExecStream {
  /** The remote stdout (the channel itself): backpressure reaches the remote side through SSH's window. */
  stdout: Readable;
  /** The remote stdin; end it to send EOF. */
  stdin: Writable;
  /** Settles when the channel closes: exit status, stderr tail (stdout is not collected here). */
  done: Promise<ExecResult>;
}

export interface ExecStreamOptions {
  signal?: AbortSignal;
  onStderr?(chunk: Buffer): void;
  keepBytes?: number;
}

/** Starts a command and hands its streams over; `done` settles when it has ended. */
export function execStream(conn: SshConnection, command: string, opts: ExecStreamOptions = {}): Promise<ExecStream> {
  const keep = opts.keepBytes ?? 1024 * 1024;
  return new Promise((resolveStream, reject) => {
    conn.client.exec(opts.signal ? wrap(command) : command, (err, channel) => {
      if (err) return reject(err);
      const errOut = new Tail(keep);
      let code: number | null = null;
      let signal: string | undefined;
      let cancelled = false;
      let pgid: number | undefined;
      let pendingMark: Buffer | undefined = opts.signal ? Buffer.alloc(0) : undefined;
      const onAbort = () => {
        cancelled = true;
        try { channel.signal('TERM'); } catch { /* not all servers allow signals */ }
        if (pgid) {
          // Stop the command's whole process group from a second channel, then close ours.
          conn.client.exec(`kill -TERM -- -${pgid} 2>/dev/null; sleep 1; kill -KILL -- -${pgid} 2>/dev/null; true`, (e, killer) => {
            if (!e) killer.on('close', () => undefined).resume();
          });
        }
        channel.close();
      };
      channel.stderr.on('data', (b: Buffer) => {
        if (pendingMark) {
          // The first stderr line is the wrapper's process-group id.
          const all = Buffer.concat([pendingMark, b]);
          const nl = all.indexOf(0x0a);
          if (nl < 0) return void (pendingMark = all);
          const m = new RegExp(`^${PID_MARK}(\\d+)$`).exec(all.subarray(0, nl).toString());
          if (m) pgid = Number(m[1]);
          pendingMark = undefined;
          b = m ? all.subarray(nl + 1) : all;
          if (cancelled && pgid) onAbort(); // cancelled before the id arrived
          if (b.length === 0) return;
        }
        errOut.push(b);
        opts.onStderr?.(b);
      });
      channel.on('exit', (c: number | null, s?: string) => { code = c ?? null; signal = s ?? undefined; });
      const done = new Promise<ExecResult>((resolve) => {
        channel.on('close', () => {
          opts.signal?.removeEventListener('abort', onAbort);
          resolve({ code: cancelled ? null : code, signal, stdout: '', stderr: errOut.text(), cancelled });
        });
      });
      if (opts.signal?.aborted) onAbort();
      else opts.signal?.addEventListener('abort', onAbort, { once: true });
      resolveStream({ stdout: channel, stdin: channel, done });
    });
  });
}

export async function exec(conn: SshConnection, command: string, opts: ExecOptions = {}): Promise<ExecResult> {
  if (opts.signal?.aborted) return { code: null, stdout: '', stderr: '', cancelled: true };
  const out = new Tail(opts.keepBytes ?? 1024 * 1024);
  const s = await execStream(conn, command, { signal: opts.signal, onStderr: opts.onStderr, keepBytes: opts.keepBytes });
  s.stdout.on('data', (b: Buffer) => { out.push(b); opts.onStdout?.(b); });
  if (opts.stdin !== undefined) s.stdin.end(opts.stdin);
  else s.stdin.end();
  const r = await s.done;
  return { ...r, stdout: out.text() };
}
