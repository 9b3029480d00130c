// The dd relay: bytes from a source stream to a target stream through this process, with backpressure
// (stream.pipeline), a SHA-256 of what passed, a byte count, and progress reports. Neither end needs
// to see the other: the extension is the broker the runbook's third machine was. No vscode import.

import { createHash } from 'node:crypto';
import { Transform, type Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { l10n } from '../text/l10n';

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

/** A relay that broke, naming the end that failed first (a killed target dd is not a "Premature close"). */
export class RelayError extends Error {
  constructor(readonly end: 'source' | 'target', readonly bytes: number, message: string, override readonly cause?: unknown) {
    super(message);
    this.name = 'RelayError';
  }
}

export async function relayStream(source: Readable, target: Writable, opts: RelayOptions): Promise<RelayResult> {
  const meter = new StreamMeter(opts.total, opts.onProgress);
  // The first end to fail is the one to name: the pipeline then tears the other one down too.
  let failed: 'source' | 'target' | undefined;
  let sourceEnded = false;
  let targetFinished = false;
  source.once('error', () => (failed ??= 'source'));
  source.once('end', () => (sourceEnded = true));
  source.once('close', () => { if (!sourceEnded) failed ??= 'source'; });
  target.once('error', () => (failed ??= 'target'));
  target.once('finish', () => (targetFinished = true));
  target.once('close', () => { if (!targetFinished) failed ??= 'target'; });
  try {
    await pipeline(source, meter, target, { signal: opts.signal });
  } catch (err) {
    if (opts.signal?.aborted || !failed) throw err;
    const what = failed === 'target' ? l10n.t('the target stopped taking bytes') : l10n.t('the source stopped sending bytes');
    throw new RelayError(failed, meter.bytes, l10n.t('{0} after {1} of {2} bytes ({3})', what, meter.bytes, opts.total, (err as Error).message), err);
  }
  return meter.result();
}
