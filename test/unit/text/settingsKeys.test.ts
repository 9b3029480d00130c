// The keys a workspace's settings file sets, read as VS Code reads it (comments, trailing commas): the
// tree says "this workspace's pools are ignored" only when the file really sets them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { settingsKeys } from '../../../src/text/settingsKeys';

test('a settings file with comments and trailing commas: its keys, at any depth, and nothing from comments or values', () => {
  const keys = settingsKeys(`{
    // "xcpAdmin.ssh.privateKeyPath": "/commented/out",
    /* "xcpAdmin.demo.simulatorCertificates": {} */
    "editor.tabSize": 2, "note": "xcpAdmin.pools: not a key, a value with \\"quotes\\"",
    "xcpAdmin.pools": [ { "name": "Lab", "url": "https://127.0.0.1:8443", }, ],
  }`);
  assert.ok(keys.has('xcpAdmin.pools'));
  assert.ok(keys.has('editor.tabSize'));
  assert.ok(keys.has('name'), 'keys inside values count too (a language override holds settings)');
  assert.ok(!keys.has('xcpAdmin.ssh.privateKeyPath'), 'a line comment sets nothing');
  assert.ok(!keys.has('xcpAdmin.demo.simulatorCertificates'), 'a block comment sets nothing');
  assert.ok(![...keys].some((k) => k.startsWith('xcpAdmin.pools:')), 'a string value is no key');
});

test('a file without the key, an empty or broken file: no pools', () => {
  assert.ok(!settingsKeys('{ "editor.tabSize": 2 }').has('xcpAdmin.pools'));
  assert.equal(settingsKeys('').size, 0);
  assert.ok(settingsKeys('{ "xcpAdmin.pools": [ { "name": "unterminated').has('xcpAdmin.pools'));
  assert.ok(!settingsKeys('{ "xcpAdmin.pools').has('xcpAdmin.pools'), 'a name without its colon sets nothing');
});
