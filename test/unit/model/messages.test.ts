// What a XAPI message means: severity from the pool's release and the name, and the bodies of known
// shape (xapi's mpathalert and perfmon formats, mpathcount's "[current, max]").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PoolModel } from '../../../src/model/poolModel';
import { messageSeverity, parseAlarm, parseMultipathAlert, parsePathCounts } from '../../../src/model/messages';
import { decodeRecord } from '../../../src/xapi/decode';
import { emptyRecords } from '../../../src/xapi/eventWatcher';

function poolOnApi(major: number, minor: number): PoolModel {
  const r = emptyRecords();
  r.pool.set('OpaqueRef:p', decodeRecord('pool', { name_label: 'P', master: 'OpaqueRef:h' }));
  r.host.set('OpaqueRef:h', decodeRecord('host', { name_label: 'h', API_version_major: String(major), API_version_minor: String(minor) }));
  return new PoolModel(r);
}

test('API 1.9: larger is more important for names we do not know; known names keep their meaning whatever the number', () => {
  const m = poolOnApi(1, 9);
  assert.equal(messageSeverity(m, { name: 'SOMETHING', priority: 10 }), 'error');
  assert.equal(messageSeverity(m, { name: 'SOMETHING', priority: 5 }), 'warning');
  assert.equal(messageSeverity(m, { name: 'SOMETHING', priority: 1 }), 'info');
  assert.equal(messageSeverity(m, { name: 'PBD_PLUG_FAILED_ON_SERVER_START', priority: 1 }), 'error');
  assert.equal(messageSeverity(m, { name: 'VM_STARTED', priority: 1 }), 'info');
  assert.equal(messageSeverity(m, { name: 'HOST_CLOCK_SKEW_DETECTED', priority: 10 }), 'warning');
});

test('API 2.0 and later: 1 critical … 5 informational; certificate expiry by its name', () => {
  const m = poolOnApi(2, 21);
  assert.equal(messageSeverity(m, { name: 'SOMETHING', priority: 1 }), 'error');
  assert.equal(messageSeverity(m, { name: 'SOMETHING', priority: 3 }), 'warning');
  assert.equal(messageSeverity(m, { name: 'SOMETHING', priority: 5 }), 'info');
  assert.equal(messageSeverity(m, { name: 'SOMETHING', priority: 10 }), 'info');
  assert.equal(messageSeverity(m, { name: 'HOST_SERVER_CERTIFICATE_EXPIRING_07', priority: 2 }), 'warning');
});

test('MULTIPATH_PERIODIC_ALERT: unhealthy paths and events, a PBD line and a boot-LUN line', () => {
  const body = 'Unhealthy paths:\n' +
    '[20120224T10:11:12Z] host=h-1; host-name="vms-gen-01"; pbd=p-1; scsi_id=36000d31; current=1; max=2\n' +
    'Events received during the last 120 seconds:\n' +
    '[20120224T10:11:12Z] host=h-1; host-name="vms-gen-01"; pbd=p-1; scsi_id=36000d31; current=1; max=2\n' +
    '[20120224T10:11:13Z] host=h-2; host-name="a \\"quoted\\" name"; root=true; current=2; max=2\n';
  const { unhealthy, events } = parseMultipathAlert(body);
  assert.deepEqual(unhealthy, [{ time: '20120224T10:11:12Z', host: 'h-1', hostName: 'vms-gen-01', pbd: 'p-1', scsiId: '36000d31', current: 1, max: 2 }]);
  assert.equal(events.length, 2);
  assert.deepEqual([events[1].pbd, events[1].current, events[1].max, events[1].hostName], [undefined, 2, 2, 'a \\"quoted\\" name']);
  assert.deepEqual(parseMultipathAlert('whatever\nelse'), { unhealthy: [], events: [] });
});

test('ALARM body and mpath counts', () => {
  assert.deepEqual(parseAlarm('value: 0.953000\nconfig:\n<variable>\n\t<name value="cpu_usage"/>\n\t<alarm_trigger_level value="0.5"/>\n</variable>\n'), { variable: 'cpu_usage', value: '0.953000', triggerLevel: '0.5' });
  assert.deepEqual(parsePathCounts('[2, 4]'), { current: 2, max: 4 });
  assert.deepEqual(parsePathCounts('[2L, 4L]'), { current: 2, max: 4 }, 'Python 2 longs');
  assert.equal(parsePathCounts('2/4'), undefined);
});
