// What an unfinished S2 write leaves behind, and so what the editor offers to remove (issue 16, point 4).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { leftBehind } from '../../../src/procedures/rawImport';
import type { RunResult, StepStatus } from '../../../src/procedures/runner';

const run = (status: RunResult['status'], copy: StepStatus, steps = ['activate', 'copy', 'verify', 'deactivate']): RunResult => ({
  status,
  message: '',
  steps: steps.map((id) => ({ id, title: id, status: id === 'copy' ? copy : id === 'activate' && copy !== 'not run' ? 'done' : 'not run' })),
});

test('a VDI this import created is offered for removal as empty when the write plan was refused or its preview dismissed', () => {
  assert.deepEqual(leftBehind(undefined, true), { what: 'empty' });
  assert.equal(leftBehind(undefined, false), undefined, 'an existing VDI the admin chose is left alone');
});

test('declining the write, or a failure before it, leaves the new VDI empty', () => {
  assert.deepEqual(leftBehind(run('declined', 'declined'), true), { what: 'empty' });
  assert.deepEqual(leftBehind(run('failed', 'not run'), true), { what: 'empty' }, 'the LV activation failed');
  assert.equal(leftBehind(run('declined', 'declined'), false), undefined);
});

test('once the copy started, the VDI holds a partial image whoever created it; a finished write leaves nothing', () => {
  for (const [status, copy] of [['failed', 'failed'], ['cancelled', 'cancelled'], ['unknown', 'unknown'], ['failed', 'done']] as const) {
    assert.deepEqual(leftBehind(run(status, copy), false), { what: 'partial', status });
    assert.deepEqual(leftBehind(run(status, copy), true), { what: 'partial', status });
  }
  assert.equal(leftBehind(run('done', 'done'), true), undefined);
});
