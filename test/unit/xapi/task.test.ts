// A task's `result` is the call's return value as an XML-RPC <value> in a string (xapi's
// Xmlrpc.to_string, whatever the transport); these are the shapes xapi writes, and the simulator's
// encoder must give what the client decodes. Task records from XAPI are untrusted input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { taskResult } from '../../../simulator/tasks';
import { TransportError } from '../../../src/xapi/errors';
import { decodeTaskRecord, decodeTaskResult, isReadOnlyCall, runsAsTask } from '../../../src/xapi/task';

test('a void result reads as the empty string in every form xapi writes it', () => {
  assert.equal(decodeTaskResult(''), '', 'XCP 1.x: an empty result');
  assert.equal(decodeTaskResult('<value></value>'), '', 'later xapi: an empty <value>');
  assert.equal(decodeTaskResult('<value/>'), '');
});

test('a ref result (Async.SR.introduce, Async.VDI.create) is the ref inside <value>', () => {
  assert.equal(decodeTaskResult('<value>OpaqueRef:9d3e8a31-4a8e-4c6e-b7b5-5a2c0f1e2d3c</value>'), 'OpaqueRef:9d3e8a31-4a8e-4c6e-b7b5-5a2c0f1e2d3c');
  assert.equal(decodeTaskResult('  <value>OpaqueRef:a</value>\n'), 'OpaqueRef:a', 'whitespace around the value is not part of it');
});

test('set and struct results decode as arrays and objects, with entities', () => {
  assert.deepEqual(decodeTaskResult('<value><array><data><value>OpaqueRef:a</value><value>OpaqueRef:b</value></data></array></value>'), ['OpaqueRef:a', 'OpaqueRef:b']);
  assert.deepEqual(decodeTaskResult('<value><struct><member><name>k</name><value>a &lt;b&gt; &amp; c</value></member></struct></value>'), { k: 'a <b> & c' });
});

test('what the simulator writes into result is what the client reads back', () => {
  for (const value of ['', 'OpaqueRef:4c1b', ['OpaqueRef:x', 'OpaqueRef:y'], { name: '<&> "quoted"', n: 'ü' }]) {
    assert.deepEqual(decodeTaskResult(taskResult(value)), value);
  }
  assert.equal(taskResult(''), '', 'a void result is stored as "" (XCP 1.x)');
  assert.equal(taskResult('OpaqueRef:4c1b'), '<value>OpaqueRef:4c1b</value>');
});

test('a result that is not an XML-RPC value is refused with a clear error, not returned as if it were one', () => {
  assert.throws(() => decodeTaskResult('OpaqueRef:bare'), (e: TransportError) => e instanceof TransportError && e.kind === 'not-xapi' && /not an XML-RPC value/.test(e.message));
  assert.throws(() => decodeTaskResult('<value><struct><member>'), (e: TransportError) => e instanceof TransportError && e.kind === 'not-xapi');
});

test('task records: fields checked, progress clamped, status and operations in lower case', () => {
  const r = decodeTaskRecord({ status: 'Success', progress: '1.7', allowed_operations: ['Cancel'], error_info: ['X', 1], result: 5 });
  assert.equal(r.status, 'success');
  assert.equal(r.progress, 1);
  assert.deepEqual(r.allowed_operations, ['cancel']);
  assert.deepEqual(r.error_info, ['X', '1']);
  assert.equal(r.result, '', 'a result that is not a string is not trusted');
  assert.equal(decodeTaskRecord({ progress: -3 }).progress, 0);
  assert.equal(decodeTaskRecord(null).status, 'pending');
});

test('which calls run as tasks, and which cannot change anything', () => {
  for (const m of ['SR.scan', 'PBD.plug', 'PBD.unplug', 'pool.designate_new_master', 'VM.start', 'VM.hard_shutdown', 'SR.introduce', 'SR.forget', 'host.evacuate']) assert.ok(runsAsTask(m), m);
  assert.ok(!runsAsTask('VM.power_state_reset'));
  for (const m of ['VM.get_record', 'SR.get_by_uuid', 'VM.assert_can_boot_here', 'host.is_in_emergency_mode', 'event.from']) assert.ok(isReadOnlyCall(m), m);
  for (const m of ['VDI.destroy', 'host.destroy', 'pool.set_default_SR']) assert.ok(!isReadOnlyCall(m), m);
});
