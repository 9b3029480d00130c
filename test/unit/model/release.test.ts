// The release facts read from the master's host record: API version, product, import_raw_vdi.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PoolModel } from '../../../src/model/poolModel';
import { apiVersionOf, hasImportRawVdi, productOf } from '../../../src/model/release';
import { decodeRecord } from '../../../src/xapi/decode';
import { emptyRecords } from '../../../src/xapi/eventWatcher';

/** A one-host pool whose master reports these host fields (as XML-RPC gives them: int64 as strings). */
function poolWithMaster(host: Record<string, unknown>): PoolModel {
  const r = emptyRecords();
  r.pool.set('OpaqueRef:p', decodeRecord('pool', { name_label: 'P', master: 'OpaqueRef:h' }));
  r.host.set('OpaqueRef:h', decodeRecord('host', { name_label: 'h', ...host }));
  return new PoolModel(r);
}

test('XCP 1.5 (API 1.9): product and API from the master, import_raw_vdi offered', () => {
  const m = poolWithMaster({ API_version_major: '1', API_version_minor: '9', software_version: { product_brand: 'XCP', product_version: '1.4.90' } });
  assert.deepEqual(apiVersionOf(m), { major: 1, minor: 9 });
  assert.equal(productOf(m), 'XCP 1.4.90');
  assert.equal(hasImportRawVdi(m), true);
});

test('XCP-ng 8.3 (API 2.21): import_raw_vdi offered', () => {
  const m = poolWithMaster({ API_version_major: 2, API_version_minor: 21, software_version: { product_brand: 'XCP-ng', product_version: '8.3.0' } });
  assert.equal(productOf(m), 'XCP-ng 8.3.0');
  assert.equal(hasImportRawVdi(m), true);
});

test('older than XenServer 5.5 (API 1.6), or no API version at all: import_raw_vdi is not offered', () => {
  assert.equal(hasImportRawVdi(poolWithMaster({ API_version_major: '1', API_version_minor: '3' })), false, 'XenServer 5.0');
  const unknown = poolWithMaster({});
  assert.equal(apiVersionOf(unknown), undefined);
  assert.equal(hasImportRawVdi(unknown), false);
  assert.equal(productOf(unknown), undefined);
});
