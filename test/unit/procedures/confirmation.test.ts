// Type-to-confirm: what must be typed for an irreversible step, and that nothing empty ever confirms.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { confirmPrompt, confirms, typeToConfirm } from '../../../src/procedures/confirmation';
import type { ObjectRef } from '../../../src/procedures/plan';
import { useTranslator } from '../../../src/text/l10n';

const UUID = '3f2a9c1e-7b4d-4e0a-9c8f-1a2b3c4d5e6f';
const host = (name: string, uuid = UUID): ObjectRef => ({ kind: 'host', name, uuid });

test('a plain, unique name is what must be typed', () => {
  const ask = typeToConfirm(host('vms-gen-03'), [{ name: 'vms-gen-03', uuid: UUID }, { name: 'vms-gen-04', uuid: 'other' }]);
  assert.equal(ask.answer, 'vms-gen-03');
  assert.equal(ask.why, undefined);
  assert.ok(confirms(ask, 'vms-gen-03'));
  assert.ok(!confirms(ask, 'vms-gen-0'));
  assert.ok(!confirms(ask, ''), 'Enter on the empty box does not confirm');
  assert.match(confirmPrompt(ask), /Type the host's name, vms-gen-03/);
});

test('a host named "" is confirmed by the first 8 characters of its uuid, never by Enter', () => {
  const ask = typeToConfirm(host(''), []);
  assert.equal(ask.answer, '3f2a9c1e');
  assert.match(confirmPrompt(ask), /first 8 characters of the host's uuid .*its name is empty/);
  assert.ok(!confirms(ask, ''));
  assert.ok(!confirms(ask, '   '));
  assert.ok(confirms(ask, '3F2A9C1E'), 'a uuid prefix in any case');
});

test('blank, control, bidi, zero-width, over-long and shared names ask for the uuid, saying why', () => {
  const cases: [string, RegExp][] = [
    ['   ', /blank/],
    ['\t', /blank/],
    ['evil\x1b[31mhost', /control, bidi or invisible/],
    ['line\nbreak', /control, bidi or invisible/],
    ['abc\u202Etxt.exe', /control, bidi or invisible/],
    ['zero\u200Bwidth', /control, bidi or invisible/],
    ['x'.repeat(65), /longer than 64 characters/],
  ];
  for (const [name, why] of cases) {
    const ask = typeToConfirm(host(name), []);
    assert.equal(ask.answer, '3f2a9c1e', JSON.stringify(name));
    assert.match(ask.why ?? '', why, JSON.stringify(name));
    assert.ok(!confirms(ask, name), `typing the name ${JSON.stringify(name)} does not confirm`);
  }
  assert.equal(typeToConfirm(host('x'.repeat(64)), []).answer, 'x'.repeat(64), '64 characters is still a name');
  const twin = typeToConfirm(host('vms-gen-03'), [{ name: 'vms-gen-03', uuid: UUID }, { name: 'vms-gen-03', uuid: '99999999-7b4d-4e0a-9c8f-1a2b3c4d5e6f' }]);
  assert.equal(twin.answer, '3f2a9c1e');
  assert.match(twin.why ?? '', /another host of the pool has the same name/);
});

test('with neither a usable name nor a uuid nothing confirms', () => {
  const ask = typeToConfirm(host('', ''), []);
  assert.equal(ask.answer, undefined);
  assert.ok(!confirms(ask, ''));
  assert.ok(!confirms(ask, 'anything'));
  assert.match(confirmPrompt(ask), /cannot be confirmed/);
});

test('the prompt speaks the editor\'s language: every word comes through the translator the editor handed over', () => {
  const shouting = { t: (m: string, ...a: (string | number | boolean)[]) => m.toUpperCase().replace(/\{(\d+)\}/g, (_, i: string) => String(a[Number(i)])) };
  const restore = useTranslator(shouting);
  try {
    const ask = typeToConfirm({ kind: 'host', name: '', uuid: '0123abcd-0000-4000-8000-000000000000' }, []);
    assert.equal(confirmPrompt(ask), "TYPE THE FIRST 8 CHARACTERS OF THE host'S UUID (0123abcd-0000-4000-8000-000000000000) TO CONFIRM: ITS NAME IS EMPTY, SO THE NAME CANNOT CONFIRM IT.");
    assert.ok(confirms(ask, '0123ABCD'), 'what must be typed does not depend on the language');
  } finally {
    restore();
  }
  assert.match(confirmPrompt(typeToConfirm({ kind: 'host', name: '', uuid: '0123abcd-0000-4000-8000-000000000000' }, [])), /^Type the first 8/, 'English again once the translator is taken back');
});
