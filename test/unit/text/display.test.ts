// Names shown outside terminals: one line in dialogs, plain text in Markdown.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { displayName, markdownCode, markdownProse, markdownText } from '../../../src/text/display';

test('a dialog shows a name on one line, with controls and bidi overrides visible, and a 10 kB name cut', () => {
  assert.equal(displayName('vms-gen-03'), 'vms-gen-03');
  assert.equal(displayName('two\nlines'), 'two\\nlines');
  assert.equal(displayName('abc\u202Etxt.exe'), 'abc\\u202etxt.exe');
  assert.equal(displayName('esc\x1b[31m'), 'esc\\x1b[31m');
  assert.equal(displayName(''), '(no name)');
  assert.equal(displayName('   '), '"   " (blank name)');
  const long = displayName('x'.repeat(10_240));
  assert.ok(long.length < 200, `cut: ${long.length} characters`);
  assert.match(long, /… \(10240 characters\)$/);
});

test('Markdown text cannot start a heading, a link, HTML or emphasis, and a bare URL stays text', () => {
  const md = markdownText('x\n# Heading\n[click](https://evil.example) <img src=x> **bold** https://evil.example www.evil.example');
  assert.ok(!md.includes('\n'), 'one line');
  assert.ok(!/(^|[^\\])[#[\]()<>*:.]/.test(md), `every punctuation character escaped: ${md}`);
  assert.ok(md.includes('https\\://evil\\.example'));
});

test('a sentence with a name in it, for the plan preview and the journal: readable raw, inert rendered', () => {
  const md = markdownProse('Forget SR x\n\n# Done. Visit https://evil.example or www.evil.example (*now*) for 6.0.99.');
  assert.ok(!md.includes('\n'), 'one line: no heading, no fake step');
  assert.match(md, /\\# Done\. Visit https\\:\/\/evil\\\.example or www\\\.evil\\\.example \(\\\*now\\\*\) for 6\.0\.99\./);
  assert.equal(markdownProse('- a list? 1. no'), '\\- a list? 1. no');
});

test('a command line in a Markdown code span: backticks in it cannot end the span, newlines are shown', () => {
  assert.equal(markdownCode("xe sr-forget name='a`b'"), "``xe sr-forget name='a`b'``");
  assert.equal(markdownCode('a\n\n# b'), '`a\\n\\n# b`');
});
