import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatBytes } from '../../../src/tree/format';
import { esc } from '../../../src/tree/views/nodeView';

test('sizes read in binary units with sensible precision', () => {
  assert.equal(formatBytes(0), '0 B');
  assert.equal(formatBytes(1023), '1023 B');
  assert.equal(formatBytes(8 * 1024 ** 3), '8 GiB');
  assert.equal(formatBytes(1.5 * 1024 ** 4), '1.5 TiB');
  assert.equal(formatBytes(200 * 1024 ** 3), '200 GiB');
  assert.equal(formatBytes(-1), '?');
});

test('XAPI text is escaped before it reaches a markdown tooltip: no markup, no bare URL, no second line', () => {
  assert.equal(esc('**bold** [link](http://x) <b>'), '\\*\\*bold\\*\\* \\[link\\]\\(http\\://x\\) \\<b\\>');
  assert.equal(esc('a\n\n# heading'), 'a\\\\n\\\\n\\# heading');
});
