// The terminal writer: what a guest or a pool user's name can make the procedure terminal do. Nothing:
// every control shows up as text, lines stay whole across packets, and a line's style comes from its kind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cleanForTerminal, terminalLine, TerminalLineWriter } from '../../../src/text/terminal';

/** The bytes written with our own SGR codes (ESC [ digits m) taken out: what is left must hold no control. */
const withoutOwnStyle = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/;

test('a guest printing OSC 0, OSC 52, cursor movement and a fake green "H3 done" writes no escape sequence', () => {
  const guest = '\x1b]0;pwned title\x07\x1b]52;c;ZWNobyBoaQ==\x07\x1b[2J\x1b[H\x1b[32m✔ H3 done\x1b[0m\x9b31m\r';
  const out: string[] = [];
  const w = new TerminalLineWriter((l) => out.push(terminalLine(l, 'output')));
  w.write(Buffer.from(guest + '\n'));
  w.flush();
  assert.equal(out.length, 1);
  assert.doesNotMatch(out[0], /\x1b/, 'an output line carries no ESC at all');
  assert.match(out[0], /␛\]0;pwned title\\x07/, 'the title sequence is shown as text');
  assert.match(out[0], /␛\[32m✔ H3 done/, 'the fake colour is visible as text');
  assert.ok(out[0].endsWith('\r\n'));
  assert.doesNotMatch(out[0].slice(0, -2), CONTROL);
});

test('a UTF-8 character split across packets stays whole, and a line split across packets stays one line', () => {
  const text = Buffer.from('Größe: 10 GiB — ok\nsecond line\n');
  const out: string[] = [];
  const w = new TerminalLineWriter((l) => out.push(l));
  for (let i = 0; i < text.length; i++) w.write(text.subarray(i, i + 1)); // one byte per packet
  w.flush();
  assert.deepEqual(out, ['Größe: 10 GiB — ok', 'second line']);
});

test('an unfinished last line comes out at the end; a CR cannot overwrite a line', () => {
  const out: string[] = [];
  const w = new TerminalLineWriter((l) => out.push(l));
  w.write('real result: FAILED\rreal result: ok   \r\n');
  w.write('no newline at the end');
  assert.equal(out.length, 1);
  w.flush();
  assert.deepEqual(out, ['real result: FAILED\\x0dreal result: ok   ', 'no newline at the end']);
});

test('the style comes from the kind: a shell output line starting with "# " is not bold, a heading is', () => {
  assert.equal(terminalLine('# rm -rf / done', 'output'), '# rm -rf / done\r\n');
  assert.equal(terminalLine('## 2/5 Forget the SR', 'heading'), '\x1b[1m## 2/5 Forget the SR\x1b[0m\r\n');
  assert.equal(terminalLine('$ xe sr-forget', 'command'), '\x1b[36m$ xe sr-forget\x1b[0m\r\n');
});

test('names with every C0 control, DEL, C1 controls and bidi overrides are shown, newlines and tabs kept', () => {
  let all = '';
  for (let c = 0; c < 0x20; c++) all += String.fromCharCode(c);
  all += '\x7f\x85\x9b\u202e\u2066';
  const out = withoutOwnStyle(terminalLine(`host ${all} end`, 'heading'));
  assert.doesNotMatch(out.replace(/\r\n/g, ''), CONTROL);
  assert.doesNotMatch(out, /[\u202a-\u202e\u2066-\u2069]/);
  assert.ok(out.includes('\t'), 'a tab is kept');
  assert.equal(out.split('\r\n').length, 3, 'the newline in it is kept as a line end');
  assert.equal(cleanForTerminal('a\nb'), 'a\r\nb');
});
