import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PoolModel, type ModelChange } from '../../../src/model/poolModel';
import { decodeRecord } from '../../../src/xapi/decode';
import { emptyRecords, type PoolRecords, type XapiEvent } from '../../../src/xapi/eventWatcher';
import type { RecordOf, Ref, XapiClass } from '../../../src/xapi/records';

function rec<K extends XapiClass>(cls: K, fields: Record<string, unknown>): RecordOf[K] {
  return decodeRecord(cls, { ...fields });
}

/** A small pool: three hosts (master vms-gen-05, vms-gen-10 dead), a shared FC SR, a local SR each. */
function smallPool(): PoolRecords {
  const r = emptyRecords();
  const put = <K extends XapiClass>(cls: K, ref: string, fields: Record<string, unknown>) =>
    (r[cls] as Map<string, RecordOf[K]>).set(ref, rec(cls, fields));
  put('pool', 'OpaqueRef:pool', { name_label: 'Generic', master: 'OpaqueRef:h05' });
  put('host', 'OpaqueRef:h10', { name_label: 'vms-gen-10', metrics: 'OpaqueRef:m10', address: '127.0.1.10' });
  put('host', 'OpaqueRef:h2', { name_label: 'vms-gen-2', metrics: 'OpaqueRef:m2', address: '127.0.1.2' });
  put('host', 'OpaqueRef:h05', { name_label: 'vms-gen-05', metrics: 'OpaqueRef:m05', address: '127.0.1.5' });
  put('host_metrics', 'OpaqueRef:m10', { live: false });
  put('host_metrics', 'OpaqueRef:m2', { live: true });
  put('host_metrics', 'OpaqueRef:m05', { live: true });
  put('SR', 'OpaqueRef:fc', { name_label: 'FC storage', shared: true, type: 'lvmohba' });
  put('SR', 'OpaqueRef:iso', { name_label: 'ISO library', shared: true, type: 'iso' });
  for (const h of ['h10', 'h2', 'h05']) {
    put('SR', `OpaqueRef:local-${h}`, { name_label: `Local storage ${h}`, shared: false, type: 'lvm' });
    put('PBD', `OpaqueRef:pbd-local-${h}`, { host: `OpaqueRef:${h}`, SR: `OpaqueRef:local-${h}`, currently_attached: true });
    put('PBD', `OpaqueRef:pbd-fc-${h}`, { host: `OpaqueRef:${h}`, SR: 'OpaqueRef:fc', currently_attached: true });
  }
  put('VDI', 'OpaqueRef:d10', { name_label: 'disk 10', SR: 'OpaqueRef:fc', sm_config: { type: 'raw', vdi_type: 'aio' } });
  put('VDI', 'OpaqueRef:d2', { name_label: 'disk 2', SR: 'OpaqueRef:fc', sm_config: { vdi_type: 'vhd' } });
  put('VDI', 'OpaqueRef:dx', { name_label: 'other', SR: 'OpaqueRef:local-h2', sm_config: {} });
  put('VM', 'OpaqueRef:dom0', { name_label: 'Control domain on host: vms-gen-2', is_control_domain: true, resident_on: 'OpaqueRef:h2' });
  put('VM', 'OpaqueRef:web', { name_label: 'web', resident_on: 'OpaqueRef:h2', power_state: 'Running' });
  put('VM', 'OpaqueRef:db', { name_label: 'db', resident_on: 'OpaqueRef:h2', power_state: 'Running' });
  put('VBD', 'OpaqueRef:b1', { VM: 'OpaqueRef:web', VDI: 'OpaqueRef:d10' });
  put('VBD', 'OpaqueRef:b2', { VM: 'OpaqueRef:dom0', VDI: 'OpaqueRef:d10' });
  put('VBD', 'OpaqueRef:b3', { VM: 'OpaqueRef:web', VDI: 'OpaqueRef:d10' });
  return r;
}

/** A change as a listener keys it: class, ref, operation (the previous record and the fields aside). */
const plain = (changes: ModelChange[]) => changes.map(({ cls, ref, op }) => ({ cls, ref, op }));
const names = (entries: { record: { name_label: string } }[]) => entries.map((e) => e.record.name_label);
const ref = <K extends XapiClass>(s: string) => s as Ref<K>;

test('hosts come in natural order and the master and liveness are known', () => {
  const m = new PoolModel(smallPool());
  assert.deepStrictEqual(names(m.hosts()), ['vms-gen-2', 'vms-gen-05', 'vms-gen-10']);
  assert.equal(m.pool().record.name_label, 'Generic');
  assert.equal(m.master()?.record.name_label, 'vms-gen-05');
  assert.ok(m.isMaster(ref('OpaqueRef:h05')));
  assert.ok(!m.isMaster(ref('OpaqueRef:h2')));
  assert.ok(m.isHostLive(ref('OpaqueRef:h2')));
  assert.ok(!m.isHostLive(ref('OpaqueRef:h10')), 'vms-gen-10 is dead');
  assert.ok(!m.isHostLive(ref('OpaqueRef:nope')));
});

test('shared SRs once per pool, local SRs per host, and the host of a local SR', () => {
  const m = new PoolModel(smallPool());
  assert.deepStrictEqual(names(m.sharedSrs()), ['FC storage', 'ISO library']);
  assert.deepStrictEqual(names(m.localSrs(ref('OpaqueRef:h2'))), ['Local storage h2']);
  assert.equal(m.hostOfLocalSr(ref('OpaqueRef:local-h10'))?.record.name_label, 'vms-gen-10');
  assert.equal(m.hostOfLocalSr(ref('OpaqueRef:fc')), undefined, 'a shared SR has no single host');
  assert.deepStrictEqual(m.pbdsOf(ref('OpaqueRef:fc')).map((p) => p.host?.record.name_label), ['vms-gen-2', 'vms-gen-05', 'vms-gen-10']);
});

test('VDIs of an SR, the VMs using a VDI (dom0 included, once) and resident VMs (dom0 excluded)', () => {
  const m = new PoolModel(smallPool());
  assert.deepStrictEqual(names(m.vdisOf(ref('OpaqueRef:fc'))), ['disk 2', 'disk 10']);
  assert.deepStrictEqual(names(m.vmsUsing(ref('OpaqueRef:d10'))), ['Control domain on host: vms-gen-2', 'web']);
  assert.deepStrictEqual(names(m.residentVms(ref('OpaqueRef:h2'))), ['db', 'web']);
  assert.equal(m.vdiFormat(ref('OpaqueRef:d10')), 'raw');
  assert.equal(m.vdiFormat(ref('OpaqueRef:d2')), 'vhd');
  assert.equal(m.vdiFormat(ref('OpaqueRef:dx')), 'unknown');
});

function ev<K extends XapiClass>(cls: K, operation: XapiEvent['operation'], r: string, fields?: Record<string, unknown>): XapiEvent {
  return { id: '0', cls, operation, ref: r as Ref, snapshot: fields ? rec(cls, fields) : undefined };
}

test('an add, a mod and a del in one event.from answer fire one batch, and relations follow', () => {
  const m = new PoolModel(smallPool());
  const batches: ModelChange[][] = [];
  m.onDidChange((c) => batches.push(c));
  m.applyEvents([
    ev('VDI', 'add', 'OpaqueRef:new', { name_label: 'added', SR: 'OpaqueRef:fc' }),
    ev('VDI', 'mod', 'OpaqueRef:d2', { name_label: 'disk 2 moved', SR: 'OpaqueRef:local-h2' }),
    ev('VBD', 'del', 'OpaqueRef:b2'),
  ]);
  assert.equal(batches.length, 1, 'one batch per answer');
  assert.deepStrictEqual(plain(batches[0]), [
    { cls: 'VDI', ref: 'OpaqueRef:new', op: 'add' },
    { cls: 'VDI', ref: 'OpaqueRef:d2', op: 'mod' },
    { cls: 'VBD', ref: 'OpaqueRef:b2', op: 'del' },
  ]);
  assert.deepStrictEqual(names(m.vdisOf(ref('OpaqueRef:fc'))), ['added', 'disk 10'], 'moved VDI left the FC SR');
  assert.deepStrictEqual(names(m.vdisOf(ref('OpaqueRef:local-h2'))), ['disk 2 moved', 'other']);
  assert.deepStrictEqual(names(m.vmsUsing(ref('OpaqueRef:d10'))), ['web'], 'dom0 detached');
});

test('a host going dead and the master moving are seen through host_metrics and pool mods', () => {
  const m = new PoolModel(smallPool());
  m.applyEvents([ev('host_metrics', 'mod', 'OpaqueRef:m2', { live: false }), ev('pool', 'mod', 'OpaqueRef:pool', { name_label: 'Generic', master: 'OpaqueRef:h2' })]);
  assert.ok(!m.isHostLive(ref('OpaqueRef:h2')));
  assert.equal(m.master()?.record.name_label, 'vms-gen-2');
});

test('several events on one object collapse: add+mod = add, add+del = nothing, del of the unknown is ignored', () => {
  const m = new PoolModel(smallPool());
  const batches: ModelChange[][] = [];
  m.onDidChange((c) => batches.push(c));
  const changes = m.applyEvents([
    ev('VDI', 'add', 'OpaqueRef:a', { name_label: 'a', SR: 'OpaqueRef:fc' }),
    ev('VDI', 'mod', 'OpaqueRef:a', { name_label: 'a2', SR: 'OpaqueRef:fc' }),
    ev('VDI', 'add', 'OpaqueRef:b', { name_label: 'b', SR: 'OpaqueRef:fc' }),
    ev('VDI', 'del', 'OpaqueRef:b'),
    ev('VDI', 'del', 'OpaqueRef:never-seen'),
  ]);
  assert.deepStrictEqual(plain(changes), [{ cls: 'VDI', ref: 'OpaqueRef:a', op: 'add' }]);
  assert.equal(m.get('VDI', 'OpaqueRef:a')?.name_label, 'a2');
  assert.equal(m.get('VDI', 'OpaqueRef:b'), undefined);
  assert.equal(batches.length, 1);
  assert.deepStrictEqual(m.applyEvents([ev('VDI', 'del', 'OpaqueRef:zzz')]), []);
  assert.equal(batches.length, 1, 'no empty batches');
});

test('a mod says which fields changed and keeps the record before it; a resync reports only what differs', () => {
  const m = new PoolModel(smallPool());
  const before = m.get('host_metrics', 'OpaqueRef:m2')!;
  const [memory] = m.applyEvents([ev('host_metrics', 'mod', 'OpaqueRef:m2', { live: true, memory_free: 1024, last_updated: before.last_updated })]);
  assert.deepStrictEqual(memory.fields, ['memory_free'], 'a memory update is a memory update, not a liveness change');
  assert.equal(memory.previous, before);
  const [twice] = m.applyEvents([
    ev('VDI', 'mod', 'OpaqueRef:d2', { name_label: 'renamed', SR: 'OpaqueRef:fc', sm_config: { vdi_type: 'vhd' } }),
    ev('VDI', 'mod', 'OpaqueRef:d2', { name_label: 'renamed', SR: 'OpaqueRef:fc', sm_config: { vdi_type: 'vhd' }, virtual_size: 5 }),
  ]);
  assert.deepStrictEqual([...twice.fields!].sort(), ['name_label', 'virtual_size'], 'two events of one answer: the fields of both, against the record before the answer');
  assert.equal((twice.previous as { name_label: string }).name_label, 'disk 2');
  const [same] = m.applyEvents([ev('VDI', 'mod', 'OpaqueRef:d2', { name_label: 'renamed', SR: 'OpaqueRef:fc', sm_config: { vdi_type: 'vhd' }, virtual_size: 5 })]);
  assert.deepStrictEqual(same.fields, [], 'the same record again: no field changed (maps compared by content)');
  const [gone] = m.applyEvents([ev('VDI', 'del', 'OpaqueRef:dx')]);
  assert.equal((gone.previous as { SR: string }).SR, 'OpaqueRef:local-h2', 'a del keeps where the object was');
});

test('a resync (load after EVENTS_LOST) reports what vanished, appeared and stayed', () => {
  const m = new PoolModel(smallPool());
  const next = smallPool();
  next.VDI.delete('OpaqueRef:dx');
  next.VDI.set('OpaqueRef:fresh', rec('VDI', { name_label: 'fresh', SR: 'OpaqueRef:fc' }));
  const batches: ModelChange[][] = [];
  m.onDidChange((c) => batches.push(c));
  m.load(next);
  const vdiChanges = batches[0].filter((c) => c.cls === 'VDI');
  assert.deepStrictEqual(plain(vdiChanges.filter((c) => c.op !== 'mod')), [
    { cls: 'VDI', ref: 'OpaqueRef:dx', op: 'del' },
    { cls: 'VDI', ref: 'OpaqueRef:fresh', op: 'add' },
  ]);
  assert.deepStrictEqual(names(m.vdisOf(ref('OpaqueRef:fc'))), ['disk 2', 'disk 10', 'fresh']);
  assert.deepStrictEqual(names(m.vdisOf(ref('OpaqueRef:local-h2'))), []);
});

test('a listener that throws does not stop the others', () => {
  const m = new PoolModel(smallPool());
  let seen = 0;
  const errors = console.error;
  console.error = () => undefined;
  try {
    m.onDidChange(() => {
      throw new Error('boom');
    });
    const sub = m.onDidChange(() => seen++);
    m.applyEvents([ev('VM', 'mod', 'OpaqueRef:web', { name_label: 'web2', resident_on: 'OpaqueRef:h2' })]);
    sub.dispose();
    m.applyEvents([ev('VM', 'mod', 'OpaqueRef:web', { name_label: 'web3', resident_on: 'OpaqueRef:h2' })]);
  } finally {
    console.error = errors;
  }
  assert.equal(seen, 1);
});
