// A change repaints only the rows that show what changed: the simulator (over real HTTP) changes one
// object the way an admin or xapi would, the tree is driven as VS Code drives it (TreeDriver: expanded
// rows, refreshes asking views and children), and the views computed again are counted per kind of change.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PoolRegistry, type RegistryEvent } from '../../../src/model/poolRegistry';
import type { PoolModel } from '../../../src/model/poolModel';
import { nodeId, type TreeNode } from '../../../src/tree/nodes';
import { XapiSession } from '../../../src/xapi/session';
import { NO_TLS, control, startSimulator, until, type Simulator } from '../xapi/simulator';
import { TreeDriver, sourceOf } from '../../helpers/treeDriver';

interface Fixture {
  sim: Simulator;
  registry: PoolRegistry;
  model: PoolModel;
  driver: TreeDriver;
  xapi: XapiSession;
  /** The refreshes the tree received, one array of rows each. */
  fired: TreeNode[][];
  /** Waits for the next model batch of Piet and hands it to the tree as the provider does; returns the rows refreshed. */
  next(action: () => Promise<unknown>, done: () => boolean): Promise<TreeNode[]>;
}

/** Piet connected, its tree drawn with every host and SR row shown and every folder, host and SR expanded. */
async function fixture(): Promise<Fixture> {
  const sim = await startSimulator();
  const piet = sim.fleet.pools.find((p) => p.name === 'Piet')!;
  const registry = new PoolRegistry({ password: async () => piet.password, tls: NO_TLS, tuning: { eventTimeoutSeconds: 1 } });
  const driver = new TreeDriver(sourceOf(registry));
  const fired: TreeNode[][] = [];
  registry.onDidChange((e: RegistryEvent) => {
    if (e.kind !== 'model') return;
    const s = registry.state(e.pool);
    if (s?.kind !== 'connected') return;
    const rows = driver.rows.modelChanged(e.pool, e.changes, s.model);
    if (rows.length) fired.push(rows);
    driver.refresh(rows);
  });
  registry.setEntries([{ name: 'Piet', url: piet.url, username: piet.username }]);
  await until('Piet connected', () => registry.state('Piet')?.kind === 'connected', 15_000);
  const s = registry.state('Piet');
  if (s?.kind !== 'connected') throw new Error('not connected');
  const [pool] = driver.roots();
  for (const folder of driver.expand(pool)) for (const row of driver.expand(folder)) driver.expand(row);
  driver.takeComputed();
  const xapi = new XapiSession({ url: new URL(piet.url), username: piet.username, password: async () => piet.password });
  return {
    sim, registry, model: s.model, driver, xapi, fired,
    async next(action, done) {
      fired.length = 0;
      driver.takeComputed();
      await action();
      await until('the change reaches the tree', () => done() && fired.length > 0, 10_000);
      await new Promise((r) => setTimeout(r, 50)); // a straggling second answer would be counted too
      return fired.flat();
    },
  };
}

async function close(f: Fixture): Promise<void> {
  await f.xapi.dispose();
  f.registry.dispose();
  await f.sim.stop();
}

test('a renamed VDI repaints its row and nothing else', async (t) => {
  const f = await fixture();
  t.after(() => close(f));
  const vdi = f.model.all('VDI').find((v) => !v.record.is_a_snapshot)!;
  const rows = await f.next(() => control(f.sim, 'rename', { uuid: vdi.record.uuid, name_label: 'renamed' }), () => f.model.get('VDI', vdi.ref)?.name_label === 'renamed');
  assert.deepEqual(rows.map((n) => n.id), [nodeId.vdi('Piet', vdi.ref)]);
  assert.equal(f.driver.takeComputed(), 1, 'one view computed');
  assert.equal(f.driver.rows.view(rows[0])?.label, 'renamed');
});

test('a memory-only host_metrics update repaints its host row, no folder and not the pool row', async (t) => {
  const f = await fixture();
  t.after(() => close(f));
  const host = f.model.hosts()[3];
  const metrics = host.record.metrics;
  const rows = await f.next(() => control(f.sim, 'host/memory', { host: host.record.uuid, memory_free: 3 * 2 ** 30 }), () => f.model.get('host_metrics', metrics)?.memory_free === 3 * 2 ** 30);
  assert.deepEqual(rows.map((n) => n.id), [nodeId.host('Piet', host.ref)], 'the host row (its tooltip shows memory), not the Hosts folder');
  assert.equal(f.driver.takeComputed(), 1, 'its VMs are not computed again');
  assert.match(f.driver.rows.view(rows[0])!.tooltip!, /memory: 3(\.0)? GiB free/);
});

test('a PBD unplugged and plugged again repaints its SR row only', async (t) => {
  const f = await fixture();
  t.after(() => close(f));
  // A local SR's PBD: no running VM may hold a disk on it for the unplug to pass.
  const pbd = f.model.all('PBD').find((p) => {
    const sr = f.model.get('SR', p.record.SR);
    return sr && !sr.shared && f.model.vdisOf(p.record.SR).every((v) => f.model.vmsUsing(v.ref).every((vm) => vm.record.power_state !== 'Running'));
  })!;
  assert.ok(pbd, 'Piet has a local SR no running VM uses');
  for (const [method, attached] of [['PBD.unplug', false], ['PBD.plug', true]] as const) {
    const rows = await f.next(() => f.xapi.call(method, [pbd.ref]), () => f.model.get('PBD', pbd.ref)?.currently_attached === attached);
    assert.deepEqual(rows.map((n) => n.id), [nodeId.sr('Piet', pbd.record.SR)], `${method}: the SR row only`);
    assert.equal(f.driver.takeComputed(), 1, `${method}: one view; the SR's VDIs are not computed again`);
    assert.equal(f.driver.rows.view(rows[0])!.icon, attached ? 'database' : 'warning');
  }
});

test('a VM shut down leaves its host\'s list for the halted group: those two rows and the VM are computed again, its host\'s other VMs are not', async (t) => {
  const f = await fixture();
  t.after(() => close(f));
  const host = f.model.hosts().find((h) => f.model.residentVms(h.ref).length >= 2)!;
  const vm = f.model.residentVms(host.ref)[0];
  const siblings = f.model.residentVms(host.ref).length - 1;
  const rows = await f.next(() => f.xapi.call('VM.clean_shutdown', [vm.ref]), () => f.model.get('VM', vm.ref)?.power_state === 'Halted');
  assert.ok(rows.some((n) => n.id === nodeId.host('Piet', host.ref)), 'the host row is refreshed (its list changed)');
  assert.deepEqual(rows.map((n) => n.id).sort(), [nodeId.host('Piet', host.ref), nodeId.folder('Piet', 'stoppedVms')].sort(), 'its host and the group it joins; no other folder, no pool row');
  assert.equal(f.driver.takeComputed(), 3, `the host row, the group's row and the VM's own (now halted); its host's ${siblings} other VMs keep their views`);
  const children = f.driver.rows.children(rows.find((n) => n.id === nodeId.host('Piet', host.ref))!);
  assert.equal(children.length, siblings);
  assert.ok(!children.some((c) => c.id === nodeId.vm('Piet', vm.ref)), 'the halted VM left its host');
});

test('a hidden tree is not refreshed; shown again, it gets one refresh with what changed', async (t) => {
  const f = await fixture();
  t.after(() => close(f));
  const vdis = f.model.all('VDI').filter((v) => !v.record.is_a_snapshot).slice(0, 2);
  assert.deepEqual(f.driver.rows.setVisible(false), []);
  f.fired.length = 0;
  for (const v of vdis) await control(f.sim, 'rename', { uuid: v.record.uuid, name_label: `hidden ${v.record.uuid}` });
  await until('the renames reach the model', () => vdis.every((v) => f.model.get('VDI', v.ref)?.name_label.startsWith('hidden')));
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(f.fired.length, 0, 'nothing is refreshed while the tree is hidden');
  assert.equal(f.driver.takeComputed(), 0, 'no view computed while hidden');
  const owed = f.driver.rows.setVisible(true);
  assert.deepEqual(owed.map((n) => n.id).sort(), vdis.map((v) => nodeId.vdi('Piet', v.ref)).sort());
  f.driver.refresh(owed);
  assert.equal(f.driver.takeComputed(), 2, 'the two renamed rows, once each');
  assert.deepEqual(owed.map((n) => f.driver.rows.view(n)!.label).sort(), vdis.map((v) => `hidden ${v.record.uuid}`).sort());
});
