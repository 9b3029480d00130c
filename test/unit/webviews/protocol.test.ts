// The webviews' state (shared reducers) and the throttle that keeps a fast relay from flooding a view.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { currentRate, etaSeconds, initialDd, MAX_SAMPLES, SAMPLE_MS, reduceDd, reduceResize, initialResize, stalledSeconds, validDdFromView, validResizeFromView } from '../../../src/webviews/protocol';
import { Throttle } from '../../../src/webviews/throttle';

test('the dd state: progress, rate over the last seconds, ETA, verdict; samples stay bounded', () => {
  let s = reduceDd(initialDd(), { kind: 'start', ends: { source: 'a:/x', target: 'b:/dev/y', total: 100 * 1048576 } });
  assert.equal(s.phase, 'copying');
  for (let i = 1; i <= 1000; i++) s = reduceDd(s, { kind: 'progress', bytes: i * 50 * 1024, elapsedMs: i * 10 });
  assert.ok(s.samples.length <= MAX_SAMPLES + 1, `${s.samples.length} samples kept`);
  assert.equal(s.bytes, 1000 * 50 * 1024);
  // 50 KiB every 10 ms = 5000 KiB/s.
  assert.ok(Math.abs(currentRate(s) - 5000 * 1024) < 1024 * 10, String(currentRate(s)));
  const eta = etaSeconds(s)!;
  assert.ok(Math.abs(eta - (100 * 1048576 - s.bytes) / (5000 * 1024)) < 0.5, String(eta));
  s = reduceDd(s, { kind: 'verdict', ok: true, message: 'ok', source: 'aa', target: 'aa' });
  assert.equal(s.phase, 'done');
  assert.deepEqual(reduceDd(initialDd(), { kind: 'snapshot', state: s }), s, 'a snapshot restores a view exactly');
});

test('a stream that stops is flagged as stalled after 10 s without a byte, its rate drops to 0, and it recovers', () => {
  let s = reduceDd(initialDd(), { kind: 'start', ends: { source: 'a:/x', target: 'b:/dev/y', total: 100 * 1048576 } });
  for (let i = 1; i <= 20; i++) s = reduceDd(s, { kind: 'progress', bytes: i * 1048576, elapsedMs: i * 100 });
  assert.equal(stalledSeconds(s), undefined);
  for (let sec = 3; sec <= 11; sec++) s = reduceDd(s, { kind: 'tick', elapsedMs: sec * 1000 });
  assert.equal(s.elapsedMs, 11_000, 'elapsed time goes on without bytes');
  assert.equal(stalledSeconds(s), undefined, 'not yet: 9 s without a byte');
  assert.equal(currentRate(s), 0, 'no byte in the last seconds: the rate reads 0');
  assert.equal(etaSeconds(s), undefined);
  s = reduceDd(s, { kind: 'tick', elapsedMs: 12_500 });
  assert.equal(stalledSeconds(s), 10);
  // The same count again is no progress; a larger one ends the stall.
  s = reduceDd(s, { kind: 'progress', bytes: 20 * 1048576, elapsedMs: 13_000 });
  assert.equal(stalledSeconds(s), 11);
  s = reduceDd(s, { kind: 'progress', bytes: 21 * 1048576, elapsedMs: 13_100 });
  assert.equal(stalledSeconds(s), undefined);
  s = reduceDd(s, { kind: 'verdict', ok: false, message: 'cancelled' });
  s = reduceDd(s, { kind: 'tick', elapsedMs: 60_000 });
  assert.equal(stalledSeconds(s), undefined, 'a finished stream is never stalled');
  assert.equal(s.elapsedMs, 13_100, 'and its clock stops');
});

test('the resize grid: cells fill per host and step, sizes per host, the verdict with physical_size', () => {
  let s = reduceResize(initialResize(), { kind: 'start', sr: { name: 'fc', uuid: 'u', before: 10 }, hosts: [{ key: 'h1', name: 'twin' }, { key: 'h2', name: 'twin' }], steps: ['find map', 'rescan'] });
  assert.equal(s.cells.h2.rescan.status, 'pending');
  s = reduceResize(s, { kind: 'cell', host: 'h2', step: 'rescan', cell: { status: 'failed', detail: 'sdb still 10' } });
  assert.equal(s.cells.h2.rescan.status, 'failed');
  assert.equal(s.cells.h1.rescan.status, 'pending', 'other cells untouched');
  s = reduceResize(s, { kind: 'verdict', ok: true, message: 'grown', after: 20 });
  assert.equal(s.after, 20);
});

test('the throttle sends the latest value at most once per interval, and flush sends what is pending', async () => {
  const sent: number[] = [];
  const t = new Throttle<number>(50, (v) => sent.push(v));
  for (let i = 0; i < 1000; i++) t.push(i);
  assert.deepEqual(sent, [0], 'the first goes at once, the rest wait');
  await new Promise((r) => setTimeout(r, 80));
  assert.deepEqual(sent, [0, 999], 'then only the latest');
  t.push(1000);
  t.flush();
  assert.deepEqual(sent, [0, 999, 1000]);
  t.dispose();
});

test('messages from the views: only {kind: "ready"} and {kind: "cancel"} pass; anything else is dropped', () => {
  for (const valid of [validDdFromView, validResizeFromView]) {
    assert.deepEqual(valid({ kind: 'ready' }), { kind: 'ready' });
    assert.deepEqual(valid({ kind: 'cancel' }), { kind: 'cancel' });
    const malformed: unknown[] = [
      undefined, null, 'cancel', 42, ['cancel'], {}, { kind: 'CANCEL' }, { kind: 'cancel ' }, { kind: 'start' }, { kind: 'snapshot', state: {} },
      { kind: 7 }, { kind: ['cancel'] }, { kind: 'cancel', extra: true },
      Object.create({ kind: 'cancel' }), JSON.parse('{"__proto__": {"kind": "cancel"}}'),
    ];
    for (const m of malformed) assert.equal(valid(m), undefined, `${JSON.stringify(m)} passed`);
  }
});

test('chunks closer than a sample apart move the byte count, not the samples', () => {
  let s = reduceDd(initialDd(), { kind: 'start', ends: { source: 'a:/x', target: 'b:/dev/y', total: 1 << 30 } });
  for (let i = 0; i < 100; i++) s = reduceDd(s, { kind: 'progress', bytes: (i + 1) * 32768, elapsedMs: i * (SAMPLE_MS / 10) });
  assert.equal(s.bytes, 100 * 32768, 'every chunk counts');
  assert.equal(s.samples.length, 10, 'one sample per SAMPLE_MS');
  assert.equal(s.elapsedMs, 99 * (SAMPLE_MS / 10));
});
