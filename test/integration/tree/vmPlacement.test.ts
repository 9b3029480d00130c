// Where VMs show in the tree (src/tree/vmPlacement.ts, nodes.ts, invalidation.ts), from a live pool:
// every VM that is not a template, snapshot or control domain exactly once, under its host while it
// runs, else in the pool's halted/suspended group; its power state as the icon; its snapshots under it
// with name and time; a host in maintenance mode shown so. Changes reach the rows through events.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ModelChange } from '../../../src/model/poolModel';
import { rowsTouchedBy } from '../../../src/tree/invalidation';
import { childNodes, nodeId, poolNode, type TreeNode, type TreeSource } from '../../../src/tree/nodes';
import { viewOf } from '../../../src/tree/views';
import { callAsTask } from '../../../src/xapi/task';
import { XapiSession } from '../../../src/xapi/session';
import { connectPool, control, startSimulator, until } from '../xapi/simulator';

async function setup(t: { after(fn: () => unknown): void }) {
  const sim = await startSimulator();
  const { pool, conn, model } = await connectPool(sim, 'Generic');
  const session = new XapiSession({ url: new URL(pool.url), username: 'root', password: async () => pool.password });
  t.after(async () => { await session.dispose(); await conn.disconnect(); await sim.stop(); });
  await control(sim, 'migration', { bytesPerSecond: 64 * 1024 ** 3 });
  const source: TreeSource = { poolNames: () => ['Generic'], state: () => conn.state, url: () => pool.url };
  const changes: ModelChange[] = [];
  model.onDidChange((c) => changes.push(...c));
  const vmRef = (name: string) => model.all('VM').find((v) => v.record.name_label === name)!.ref;
  return { sim, conn, model, session, source, changes, vmRef };
}

/** Every VM row of the pool, with the row it sits under. */
function vmRows(source: TreeSource): { node: TreeNode; parent: TreeNode }[] {
  const out: { node: TreeNode; parent: TreeNode }[] = [];
  const walk = (node: TreeNode) => {
    for (const child of childNodes(node, source)) {
      if (child.kind === 'vm') out.push({ node: child, parent: node });
      walk(child);
    }
  };
  walk(poolNode('Generic'));
  return out;
}

test('every guest appears exactly once: under its host while it runs, else in the halted and suspended group; templates, snapshots and control domains never', async (t) => {
  const s = await setup(t);
  const [, , group] = childNodes(poolNode('Generic'), s.source);
  assert.equal(group.kind === 'folder' && group.folder, 'stoppedVms');
  assert.match(viewOf(group, s.source)!.label, /Halted and suspended VMs/);
  await callAsTask(s.session, 'VM.snapshot', [s.vmRef('db-01'), 'nightly']);
  await callAsTask(s.session, 'VM.suspend', [s.vmRef('dns-01')]);
  await until('the model sees the suspend', () => s.model.get('VM', s.vmRef('dns-01'))?.power_state === 'Suspended');

  const rows = vmRows(s.source);
  const guests = s.model.all('VM').filter((v) => !v.record.is_a_template && !v.record.is_a_snapshot && !v.record.is_control_domain);
  assert.equal(rows.length, guests.length, 'one row per guest');
  assert.equal(new Set(rows.map((r) => r.node.id)).size, rows.length, 'no guest twice');
  for (const { node, parent } of rows) {
    const vm = s.model.get('VM', (node as { ref: string }).ref)!;
    assert.ok(!vm.is_a_template && !vm.is_control_domain);
    if (vm.power_state === 'Running') assert.equal(parent.id, nodeId.host('Generic', vm.resident_on), `${vm.name_label} under its host`);
    else assert.equal(parent.id, group.id, `${vm.name_label} (${vm.power_state}) in the group`);
    const view = viewOf(node, s.source)!;
    assert.match(view.contextValue, new RegExp(`^vm\\.(linux|windows|unknown)\\.${vm.power_state.toLowerCase()}$`));
  }
  const running = viewOf(rows.find((r) => r.node.id === nodeId.vm('Generic', s.vmRef('db-01')))!.node, s.source)!;
  const suspended = viewOf(rows.find((r) => r.node.id === nodeId.vm('Generic', s.vmRef('dns-01')))!.node, s.source)!;
  assert.notEqual(running.icon, suspended.icon, 'the power state shows as the icon');

  // The snapshot sits under its VM, with its name and time, and nowhere else.
  assert.equal(running.collapsible, true);
  const [snap] = childNodes(rows.find((r) => r.node.id === nodeId.vm('Generic', s.vmRef('db-01')))!.node, s.source);
  const sv = viewOf(snap, s.source)!;
  assert.equal(snap.kind, 'snapshot');
  assert.equal(sv.label, 'nightly');
  assert.match(sv.description!, /^\d{4}-\d\d-\d\d \d\d:\d\d UTC/);
  assert.equal(sv.contextValue, 'snapshot');
});

test('a VM that shuts down moves from its host to the group, a migrated one to its new host; the invalidation refreshes the rows it left and joins', async (t) => {
  const s = await setup(t);
  const vm = s.vmRef('ganglia-01');
  const from = s.model.get('VM', vm)!.resident_on;
  s.changes.length = 0;
  await callAsTask(s.session, 'VM.clean_shutdown', [vm]);
  await until('the model sees it halted', () => s.model.get('VM', vm)?.power_state === 'Halted');
  const { repaint, reshape } = rowsTouchedBy('Generic', s.changes, s.model);
  const touched = [...repaint, ...reshape].map((n) => n.id);
  assert.ok(reshape.some((n) => n.id === nodeId.host('Generic', from)), 'the host it left lists its VMs again');
  assert.ok(reshape.some((n) => n.id === nodeId.folder('Generic', 'stoppedVms')), 'the group it joins lists its VMs again');
  assert.ok(touched.includes(nodeId.vm('Generic', vm)), 'its own row shows it halted');
  assert.equal(vmRows(s.source).find((r) => r.node.id === nodeId.vm('Generic', vm))?.parent.id, nodeId.folder('Generic', 'stoppedVms'));

  const mover = s.vmRef('mail-01');
  const to = s.model.hosts().find((h) => h.record.name_label === 'vms-gen-04')!.ref;
  await callAsTask(s.session, 'VM.pool_migrate', [mover, to, { live: 'true' }]);
  await until('the model sees it moved', () => s.model.get('VM', mover)?.resident_on === to);
  assert.equal(vmRows(s.source).find((r) => r.node.id === nodeId.vm('Generic', mover))?.parent.id, nodeId.host('Generic', to));
});

test('a host in maintenance mode says so in its row and gets its own context value', async (t) => {
  const s = await setup(t);
  const host = s.model.hosts().find((h) => h.record.name_label === 'vms-gen-06')!;
  await s.session.call('host.disable', [host.ref]);
  await s.session.call('host.add_to_other_config', [host.ref, 'MAINTENANCE_MODE', 'true']);
  await until('the model sees it', () => s.model.get('host', host.ref)?.other_config.MAINTENANCE_MODE === 'true');
  const view = viewOf({ kind: 'host', id: nodeId.host('Generic', host.ref), pool: 'Generic', ref: host.ref }, s.source)!;
  assert.match(view.description!, /maintenance mode/);
  // XCP 1.5: the host also still has to present 6.0.99 (H2), which the context value carries after the mode.
  assert.match(view.contextValue, /^host\.live\.slave\.maintenance(\.toPresent|\.presented)?$/);
});
