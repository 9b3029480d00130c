// The Storage folder as an admin reads it: shared SRs first, then one Local storage group whose rows lead
// with their host's name; counts in words ("1 host"); sizes XAPI does not know said so; ISO images
// called ISO; a host without host_metrics "liveness unknown", not DEAD. Built from records as XAPI
// gives them (decodeRecord), read through the tree's own nodes and views.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ConnectionState } from '../../../src/model/poolConnection';
import { PoolModel } from '../../../src/model/poolModel';
import { childNodes, rootNodes, type TreeSource } from '../../../src/tree/nodes';
import { viewOf } from '../../../src/tree/views';
import { count, usedOfSize } from '../../../src/tree/format';
import { decodeRecord } from '../../../src/xapi/decode';
import { emptyRecords } from '../../../src/xapi/eventWatcher';
import type { RecordOf, XapiClass } from '../../../src/xapi/records';

const GiB = 1024 ** 3;

function model(): PoolModel {
  const r = emptyRecords();
  const put = <K extends XapiClass>(cls: K, ref: string, fields: Record<string, unknown>) => (r[cls] as Map<string, RecordOf[K]>).set(ref, decodeRecord(cls, { ...fields }));
  put('pool', 'OpaqueRef:pool', { name_label: 'Solo', master: 'OpaqueRef:h1' });
  put('host', 'OpaqueRef:h1', { name_label: 'vms-solo-01', metrics: 'OpaqueRef:m1', address: '127.0.9.1' });
  put('host', 'OpaqueRef:h2', { name_label: 'vms-solo-02', metrics: 'OpaqueRef:NULL', address: '127.0.9.2' });
  put('host_metrics', 'OpaqueRef:m1', { live: true });
  put('SR', 'OpaqueRef:nfs', { name_label: 'NFS images', shared: true, type: 'nfs', physical_size: 2 * 1024 * GiB, physical_utilisation: 300 * GiB });
  put('SR', 'OpaqueRef:tools', { name_label: 'XenServer Tools', shared: true, type: 'iso', content_type: 'iso', physical_size: -1, physical_utilisation: -1 });
  put('VDI', 'OpaqueRef:iso', { name_label: 'xs-tools.iso', SR: 'OpaqueRef:tools', virtual_size: 60 * 1024 * 1024, sm_config: {} });
  for (const h of ['h1', 'h2']) {
    put('SR', `OpaqueRef:local-${h}`, { name_label: 'Local storage', shared: false, type: 'lvm', physical_size: 552 * GiB, physical_utilisation: 20 * GiB });
    put('PBD', `OpaqueRef:pbd-${h}`, { host: `OpaqueRef:${h}`, SR: `OpaqueRef:local-${h}`, currently_attached: true });
  }
  const m = new PoolModel();
  m.load(r);
  return m;
}

function source(m: PoolModel): TreeSource {
  return { poolNames: () => ['Solo'], state: () => ({ kind: 'connected', model: m } as unknown as ConnectionState), url: () => 'http://127.0.9.1' };
}

test('Storage: shared SRs first, then one Local storage group whose rows lead with the host', () => {
  const src = source(model());
  const [hosts, storage] = childNodes(rootNodes(src)[0], src);
  const rows = childNodes(storage, src).map((n) => ({ n, v: viewOf(n, src)! }));
  assert.deepEqual(rows.map((r) => r.v.label), ['NFS images', 'XenServer Tools', 'Local storage'], 'shared SRs, then the group');
  assert.equal(viewOf(storage, src)!.description, '4 SRs · 2 shared');
  const group = rows[2];
  assert.equal(group.v.contextValue, 'folder.localStorage');
  assert.equal(group.v.description, '2 SRs on 2 hosts');
  const locals = childNodes(group.n, src).map((n) => viewOf(n, src)!);
  assert.deepEqual(locals.map((v) => v.label), ['vms-solo-01', 'vms-solo-02'], 'each local SR is named by its host');
  assert.match(locals[0].description!, /^Local storage · lvm · 20 GiB \/ 552 GiB · local$/);
  // Hosts: one pool row says "2 hosts"; the host with no host_metrics record is not called dead.
  const h2 = childNodes(hosts, src).map((n) => viewOf(n, src)!).find((v) => v.label === 'vms-solo-02')!;
  assert.match(h2.description!, /liveness unknown/);
  assert.doesNotMatch(h2.description!, /DEAD/);
});

test('an SR whose size XAPI reports as -1 says "size unknown"; a VDI on an ISO SR says ISO', () => {
  const src = source(model());
  const [, storage] = childNodes(rootNodes(src)[0], src);
  const tools = childNodes(storage, src).find((n) => viewOf(n, src)!.label === 'XenServer Tools')!;
  assert.match(viewOf(tools, src)!.description!, /^iso · size unknown · shared$/);
  assert.doesNotMatch(viewOf(tools, src)!.description!, /\?/);
  const iso = viewOf(childNodes(tools, src)[0], src)!;
  assert.match(iso.description!, /^60 MiB · ISO$/);
});

test('counts in words: 1 host, 2 hosts; used / size or size unknown', () => {
  assert.equal(count(1, 'host'), '1 host');
  assert.equal(count(2, 'host'), '2 hosts');
  assert.equal(count(0, 'SR'), '0 SRs');
  assert.equal(usedOfSize(GiB, 4 * GiB), '1 GiB / 4 GiB');
  assert.equal(usedOfSize(-1, -1), 'size unknown');
  assert.equal(usedOfSize(GiB, -1), '1 GiB used · size unknown');
});
