// The dd relay: bytes from a source stream to a target stream through this process, with backpressure
// (stream.pipeline), a SHA-256 of what passed, a byte count, and progress reports. Neither end needs
// to see the other: the extension is the broker the runbook's third machine was. No vscode import.

import { createHash } from 'node:crypto';
import { Transform, type Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export interface RelayProgress {
  bytes: number;
  total: number;
  elapsedMs: number;
}

export interface RelayResult {
  bytes: number;
  /** SHA-256 (hex) of the bytes that went through. */
  sha256: string;
  elapsedMs: number;
}

export interface RelayOptions {
  total: number;
  signal?: AbortSignal;
  /** Called for every chunk; throttle on the receiving side (the webview's updates are). */
  onProgress?(p: RelayProgress): void;
}

export async function relayStream(source: Readable, target: Writable, opts: RelayOptions): Promise<RelayResult> {
  const hash = createHash('sha256');
  const started = Date.now();
  let bytes = 0;
  const meter = new Transform({
    // A larger buffer than the default keeps both SSH windows busy without unbounded memory.
    highWaterMark: 4 * 1024 * 1024,
    transform(chunk: Buffer, _enc, done) {
      bytes += chunk.length;
      hash.update(chunk);
      opts.onProgress?.({ bytes, total: opts.total, elapsedMs: Date.now() - started });
      done(null, chunk);
    },
  });
  await pipeline(source, meter, target, { signal: opts.signal });
  return { bytes, sha256: hash.digest('hex'), elapsedMs: Date.now() - started };
}
