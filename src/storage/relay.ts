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

/** A pass-through that counts and hashes the bytes and reports progress for each chunk. */
export class StreamMeter extends Transform {
  private readonly hash = createHash('sha256');
  private readonly started = Date.now();
  bytes = 0;

  constructor(private readonly total: number, private readonly onProgress?: (p: RelayProgress) => void) {
    // A larger buffer than the default keeps both SSH windows busy without unbounded memory.
    super({ highWaterMark: 4 * 1024 * 1024 });
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: (err: null, chunk: Buffer) => void): void {
    this.bytes += chunk.length;
    this.hash.update(chunk);
    this.onProgress?.({ bytes: this.bytes, total: this.total, elapsedMs: Date.now() - this.started });
    done(null, chunk);
  }

  /** What went through, once the stream has ended. */
  result(): RelayResult {
    return { bytes: this.bytes, sha256: this.hash.digest('hex'), elapsedMs: Date.now() - this.started };
  }
}

export async function relayStream(source: Readable, target: Writable, opts: RelayOptions): Promise<RelayResult> {
  const meter = new StreamMeter(opts.total, opts.onProgress);
  await pipeline(source, meter, target, { signal: opts.signal });
  return meter.result();
}
