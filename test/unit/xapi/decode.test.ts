import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classFromEventName, decodeAllRecords, decodeRecord } from '../../../src/xapi/decode';
import { decodeEvents } from '../../../src/xapi/eventWatcher';
import { decodeMethodResponse } from '../../../src/xapi/xmlDecoder';
import { xapiValue } from './xapiXml';

test('an XML-RPC VDI record becomes typed: int64 strings → numbers, booleans stay, maps and refs kept', () => {
  const xml = `<methodResponse><params><param>${xapiValue({
    uuid: 'u', name_label: 'disk', SR: 'OpaqueRef:sr', VBDs: ['OpaqueRef:vbd'], virtual_size: '21474836480',
    physical_utilisation: '-1', sharable: false, sm_config: { type: 'raw' }, extra_field: 'kept',
  })}</param></params></methodResponse>`;
  const vdi = decodeRecord('VDI', decodeMethodResponse(xml));
  assert.equal(vdi.virtual_size, 21474836480);
  assert.equal(vdi.physical_utilisation, -1);
  assert.equal(vdi.sharable, false);
  assert.deepStrictEqual(vdi.sm_config, { type: 'raw' });
  assert.equal((vdi as unknown as { extra_field: string }).extra_field, 'kept', 'fields outside the schema are kept');
  assert.equal(vdi.read_only, false, 'a missing boolean reads false');
  assert.equal(vdi.location, '', 'a missing string reads empty');
  assert.deepStrictEqual(vdi.other_config, {}, 'a missing map reads empty');
});

test('a JSON-RPC host_metrics record: numbers stay numbers, the compact date string becomes a Date', () => {
  const m = decodeRecord('host_metrics', JSON.parse('{"uuid":"u","live":true,"memory_total":103079215104,"memory_free":1024,"last_updated":"20200407T08:28:32Z"}'));
  assert.equal(m.memory_total, 103079215104);
  assert.ok(m.last_updated instanceof Date);
  assert.equal(m.last_updated.toISOString(), '2020-04-07T08:28:32.000Z');
});

test('a host from an old XAPI without API_version fields gets 0 and a null metrics ref', () => {
  const h = decodeRecord('host', { uuid: 'u', name_label: 'h', metrics: '' });
  assert.equal(h.API_version_major, 0);
  assert.equal(h.metrics, 'OpaqueRef:NULL');
  assert.deepStrictEqual(h.resident_VMs, []);
});

test('get_all_records answers become a Map by ref', () => {
  const all = decodeAllRecords('SR', { 'OpaqueRef:a': { shared: true, physical_size: '10' }, 'OpaqueRef:b': { shared: false } });
  assert.equal(all.size, 2);
  assert.equal(all.get('OpaqueRef:a')!.physical_size, 10);
  assert.equal(all.get('OpaqueRef:b')!.physical_size, 0);
});

test('event class names map back to our class names, case-insensitively', () => {
  assert.equal(classFromEventName('vdi'), 'VDI');
  assert.equal(classFromEventName('vm_guest_metrics'), 'VM_guest_metrics');
  assert.equal(classFromEventName('SR'), 'SR');
  assert.equal(classFromEventName('task'), undefined);
});

test('events are decoded; classes we do not cache and add/mod without snapshot are skipped', () => {
  const events = decodeEvents([
    { id: '1', class: 'vdi', operation: 'add', ref: 'OpaqueRef:v', snapshot: { name_label: 'x', virtual_size: '5' } },
    { id: '2', class: 'task', operation: 'add', ref: 'OpaqueRef:t', snapshot: {} },
    { id: '3', class: 'vdi', operation: 'mod', ref: 'OpaqueRef:w' },
    { id: '4', class: 'vdi', operation: 'del', ref: 'OpaqueRef:v' },
    'garbage',
  ]);
  assert.deepStrictEqual(events.map((e) => [e.id, e.cls, e.operation]), [['1', 'VDI', 'add'], ['4', 'VDI', 'del']]);
  assert.equal((events[0].snapshot as { virtual_size: number }).virtual_size, 5);
});
