import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateEntries } from '../../../src/model/poolRegistry';

test('a pool list from settings is checked entry by entry', () => {
  const { entries, problems } = validateEntries([
    { name: 'Piet', url: 'vms-piet-01.example' },
    { name: 'Piet', url: 'other' },
    { name: 'Bad', url: 'ftp://x' },
    { url: 'nameless' },
    { name: 'T', url: 'h', transport: 'soap' },
    'junk',
  ]);
  assert.deepEqual(entries, [{ name: 'Piet', url: 'vms-piet-01.example', username: 'root', transport: undefined, jumpHost: undefined }]);
  assert.equal(problems.length, 5);
  assert.match(problems.join('\n'), /used twice/);
  assert.match(problems.join('\n'), /ftp:/);
  assert.match(problems.join('\n'), /transport must be/);
});
