// The one abortable sleep: waits, ends early on abort, and leaves no listener on the signal it waited on
// (H3's 15-minute guest wait sleeps ~450 times on one run's signal).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { sleep } from '../../../src/base/sleep';

test('a sleep that ran out leaves no abort listener behind, however many times it waits on one signal', async () => {
  const run = new AbortController();
  for (let i = 0; i < 450; i++) await sleep(0, run.signal);
  assert.equal(getEventListeners(run.signal, 'abort').length, 0);
});

test('an abort ends the sleep at once, and a sleep on an aborted signal does not wait', async () => {
  const run = new AbortController();
  let woke = false;
  const waiting = sleep(60_000, run.signal).then(() => void (woke = true));
  await new Promise((r) => setImmediate(r));
  assert.equal(woke, false);
  run.abort();
  await waiting;
  assert.equal(woke, true);
  assert.equal(getEventListeners(run.signal, 'abort').length, 0);
  await sleep(60_000, run.signal); // would hang the test if it waited
});
