// XAPI's errors in the admin's language: the sentence that says what to do goes through the editor's
// translator, the code, its params and the method stay exactly as XAPI said them (searchable, quotable).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { english, useTranslator, type Translator } from '../../../src/text/l10n';
import { XapiError, classifyNetworkError, describeXapiError } from '../../../src/xapi/errors';

/** Marks every message after substitution, so a word that did not go through the translator shows. */
const marking: Translator = { t: (message, ...args) => `⟦${english.t(message, ...args)}⟧` };

test('describeXapiError: the advice is translated, the code, params and method are not', () => {
  const restore = useTranslator(marking);
  try {
    const cases: [string, string[]][] = [
      ['HOST_IS_SLAVE', ['10.0.0.5']],
      ['VM_BAD_POWER_STATE', ['OpaqueRef:vm', 'halted', 'running']],
      ['VDI_IN_USE', ['OpaqueRef:vdi', 'destroy']],
      ['VDI_IN_USE', ['OpaqueRef:vdi']],
      ['SR_BACKEND_FAILURE_46', ['', 'The VDI is not available [opterr=VDI busy]', '']],
      ['SOMETHING_NEW', ['a', 'b']],
    ];
    for (const [code, params] of cases) {
      const text = describeXapiError(new XapiError(code, params, 'VM.start'));
      // One translated sentence, holding the advice (itself translated) and the raw error as XAPI said it.
      const m = /^⟦⟦([^⟦⟧]+)⟧ \(XAPI \[(.*)\] from VM\.start\)⟧$/.exec(text);
      assert.ok(m, `${code}: the whole text is translated, the advice nested in it: ${text}`);
      assert.equal(m[2], [code, ...params].join(', '), `${code}: code and params unchanged`);
      if (code === 'HOST_IS_SLAVE') assert.match(m[1], /the master is 10\.0\.0\.5/);
    }
  } finally {
    restore();
  }
  assert.match(describeXapiError(new XapiError('HOST_IS_SLAVE', ['10.0.0.5'], 'VM.start')), /^This host is a pool member/, 'English again once restored');
});

test('connection failures say what to do through the translator, naming the server as given', () => {
  const restore = useTranslator(marking);
  try {
    const refused = classifyNetworkError(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }), 'https://127.0.0.1:4/');
    assert.equal(refused.kind, 'refused');
    assert.match(refused.message, /^⟦127\.0\.0\.1:4 refused the connection to https:\/\/127\.0\.0\.1:4\/: .*`service xapi status`.*⟧$/);
  } finally {
    restore();
  }
});
