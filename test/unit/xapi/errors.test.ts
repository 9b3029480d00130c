import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TransportError, XapiError, classifyNetworkError, describeError, describeXapiError } from '../../../src/xapi/errors';

const cases: [string, string[], RegExp][] = [
  ['SESSION_AUTHENTICATION_FAILED', ['root', 'Authentication failure'], /user name or password.*"root".*Check the credentials/],
  ['HOST_IS_SLAVE', ['10.0.0.5'], /not the master; the master is 10\.0\.0\.5/],
  ['SESSION_INVALID', ['OpaqueRef:abc'], /session has expired.*Log in again/],
  ['HANDLE_INVALID', ['VDI', 'OpaqueRef:x'], /VDI object OpaqueRef:x no longer exists/],
  ['UUID_INVALID', ['VM', '1234'], /no VM with uuid 1234/],
  ['MESSAGE_METHOD_UNKNOWN', ['event.inject'], /does not know the call event\.inject/],
  ['HOST_OFFLINE', ['OpaqueRef:h'], /host OpaqueRef:h is offline/],
  ['HOST_NOT_LIVE', [], /not live/],
  ['HOST_IS_LIVE', [], /still live.*Shut it down first/],
  ['HOST_HAS_RESIDENT_VMS', ['OpaqueRef:h'], /still runs VMs.*Migrate/],
  ['HA_IS_ENABLED', [], /Disable HA first/],
  ['VM_BAD_POWER_STATE', ['OpaqueRef:vm', 'halted', 'running'], /is running; this needs it halted/],
  ['VDI_IN_USE', ['OpaqueRef:vdi', 'destroy'], /in use.*Detach it/],
  ['SR_HAS_PBD', ['OpaqueRef:sr'], /still plugged.*PBDs/],
  ['OPERATION_NOT_ALLOWED', ['VBD is attached'], /does not allow this operation now: VBD is attached/],
  ['OTHER_OPERATION_IN_PROGRESS', ['VM', 'OpaqueRef:vm'], /Another operation is running on VM OpaqueRef:vm/],
  ['EVENTS_LOST', [], /dropped events.*full reload/],
  ['SR_BACKEND_FAILURE_46', ['', 'The VDI is not available [opterr=VDI busy]', ''], /storage backend failed: The VDI is not available.*SMlog/],
  ['SOMETHING_NEW', ['a', 'b'], /refused the call VM\.start with SOMETHING_NEW/],
];

for (const [code, params, pattern] of cases) {
  test(`${code} reads as a sentence an admin can act on, with the code and params`, () => {
    const text = describeXapiError(new XapiError(code, params, 'VM.start'));
    assert.match(text, pattern);
    assert.ok(text.includes(code), `names the code: ${text}`);
    for (const param of params) assert.ok(text.includes(param), `names the parameter ${param}: ${text}`);
    assert.ok(text.includes('VM.start'), `names the method: ${text}`);
  });
}

test('XapiError keeps code, params and method', () => {
  const e = new XapiError('VDI_IN_USE', ['OpaqueRef:1'], 'VDI.destroy');
  assert.equal(e.code, 'VDI_IN_USE');
  assert.deepStrictEqual(e.params, ['OpaqueRef:1']);
  assert.equal(e.method, 'VDI.destroy');
  assert.match(describeError(e), /VDI_IN_USE/);
});

test('network errors are classified by their Node code', () => {
  const url = 'https://pool.example:443/';
  const kind = (code: string) => classifyNetworkError(Object.assign(new Error(code), { code }), url).kind;
  assert.equal(kind('ENOTFOUND'), 'dns');
  assert.equal(kind('EAI_AGAIN'), 'dns');
  assert.equal(kind('ECONNREFUSED'), 'refused');
  assert.equal(kind('ETIMEDOUT'), 'timeout');
  assert.equal(kind('EHOSTUNREACH'), 'unreachable');
  assert.equal(kind('ECONNRESET'), 'reset');
  assert.equal(kind('ERR_SSL_WRONG_VERSION_NUMBER'), 'tls');
  assert.equal(kind('HPE_INVALID_CONSTANT'), 'not-xapi');
  const abort = Object.assign(new Error('aborted'), { name: 'AbortError', code: 'ABORT_ERR' });
  assert.equal(classifyNetworkError(abort, url).kind, 'aborted');
  const refused = classifyNetworkError(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }), url);
  assert.ok(refused instanceof TransportError);
  assert.match(refused.message, /pool\.example refused the connection to https:\/\/pool\.example/);
  assert.match(classifyNetworkError(Object.assign(new Error('x'), { code: 'ENOTFOUND' }), url).message, /pool\.example does not resolve/);
});
