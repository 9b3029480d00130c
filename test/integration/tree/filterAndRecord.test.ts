// The view's Filter (src/tree/filter.ts, as the tree provider applies it) and Show XAPI Record's text
// (src/editor/any/recordDocument.ts) on the simulated fleet, read over real HTTP.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PoolConnection } from '../../../src/model/poolConnection';
import { keepsNode, nameMatches, parseFilter, type TreeFilter } from '../../../src/tree/filter';
import { childNodes, rootNodes, type TreeNode, type TreeSource } from '../../../src/tree/nodes';
import { viewOf } from '../../../src/tree/views';
import { MASK, recordDocument } from '../../../src/editor/any/recordDocument';
import { connectPool, startSimulator, until } from '../xapi/simulator';

/** The rows the provider would show under a filter: the same walk as PoolTreeProvider.getChildren. */
function shownTree(filter: TreeFilter | undefined, source: TreeSource): { node: TreeNode; label: string; depth: number }[] {
  const out: { node: TreeNode; label: string; depth: number }[] = [];
  const walk = (node: TreeNode, depth: number, matchedAbove: boolean) => {
    out.push({ node, label: viewOf(node, source)?.label ?? '', depth });
    const matched = matchedAbove || nameMatches(filter, node, source);
    for (const c of childNodes(node, source)) if (keepsNode(filter, c, matched, source)) walk(c, depth + 1, matched);
  };
  for (const r of rootNodes(source)) walk(r, 0, false);
  return out;
}

function sourceFor(name: string, conn: PoolConnection, url: string): TreeSource {
  return { poolNames: () => [name], state: () => conn.state, url: () => url };
}

test('Filter by name keeps the matching hosts, VMs, SRs and VDIs and the rows above them; power state and SR type narrow VMs and SRs', async (t) => {
  const sim = await startSimulator();
  const { pool, conn } = await connectPool(sim, 'Generic');
  t.after(async () => { await conn.disconnect(); await sim.stop(); });
  const source = sourceFor('Generic', conn, pool.url);
  const all = shownTree(undefined, source);

  const byName = shownTree({ name: 'GEN-05' }, source);
  const hosts = byName.filter((r) => r.node.kind === 'host').map((r) => r.label);
  assert.deepEqual(hosts, ['vms-gen-05'], 'only the host whose name holds the text (any case)');
  assert.ok(byName.some((r) => r.node.kind === 'folder'), 'the Hosts and Storage folders stay');
  const under05 = all.filter((r) => r.node.kind === 'vm' && childNodes(all.find((h) => h.label === 'vms-gen-05')!.node, source).some((c) => c.id === r.node.id));
  assert.equal(byName.filter((r) => r.node.kind === 'vm').length, under05.length, 'every VM under a matching host stays');
  assert.ok(byName.length < all.length / 2, `${byName.length} of ${all.length} rows shown`);

  // Running VMs show under their hosts, halted and suspended ones in the pool's group: each filter keeps its own.
  const vmRows = (f: TreeFilter) => shownTree(f, source).filter((r) => r.node.kind === 'vm');
  const stateOf = (r: { node: TreeNode }) => (conn.state.kind === 'connected' ? conn.state.model.get('VM', (r.node as { ref: string }).ref as never)?.power_state : undefined);
  const allVms = all.filter((r) => r.node.kind === 'vm');
  const running = vmRows({ powerStates: ['Running'] });
  assert.ok(running.length > 0);
  assert.equal(running.length, allVms.filter((r) => stateOf(r) === 'Running').length, 'every running VM stays');
  assert.ok(running.every((r) => stateOf(r) === 'Running'), 'and only running ones');
  const stopped = vmRows({ powerStates: ['Halted', 'Suspended'] });
  assert.ok(stopped.length > 0 && stopped.length < allVms.length);
  assert.ok(stopped.every((r) => stateOf(r) === 'Halted' || stateOf(r) === 'Suspended'), 'no VM in another state is shown');
  const halted = shownTree({ powerStates: ['Halted'] }, source);
  assert.equal(halted.filter((r) => r.node.kind === 'host').length, all.filter((r) => r.node.kind === 'host').length, 'the hosts all stay');

  const nfs = shownTree({ srTypes: ['lvm'] }, source);
  const srTypes = nfs.filter((r) => r.node.kind === 'sr').map((r) => conn.state.kind === 'connected' && conn.state.model.get('SR', (r.node as { ref: string }).ref)?.type);
  assert.ok(srTypes.length > 0 && srTypes.every((s) => s === 'lvm'), `only local LVM SRs: ${srTypes.join(', ')}`);

  // What the workspace state gives back: only a filter's own fields; an empty one is no filter.
  assert.deepEqual(parseFilter({ name: 'x', powerStates: ['Running', 3], evil: true }), { name: 'x', powerStates: ['Running'], srTypes: undefined });
  assert.equal(parseFilter({ name: '  ', powerStates: [] }), undefined);
  assert.equal(parseFilter('garbage'), undefined);
});

test('Show XAPI Record: the record as jsonc, refs followed by the name they point to, a CHAP password masked, following events', async (t) => {
  const sim = await startSimulator();
  const { conn, model } = await connectPool(sim, 'Generic');
  t.after(async () => { await conn.disconnect(); await sim.stop(); });
  const master = model.master()!;
  const doc = recordDocument(model, 'host', master.ref, 'Generic')!;
  assert.match(doc, /^\/\/ XAPI record of host OpaqueRef:/);
  assert.match(doc, /"name_label": "vms-gen-05",/);
  assert.match(doc, /"resident_VMs": \[/);
  const residentLine = doc.split('\n').find((l) => /"OpaqueRef:[^"]+",? \/\/ VM /.test(l));
  assert.ok(residentLine, 'a resident VM ref names its VM');
  assert.match(doc, /"metrics": "OpaqueRef:[^"]+", \/\/ host_metrics\b/);

  // An iSCSI SR with CHAP: the password is masked in the PBD's device_config, the user name is not.
  const simPool = sim.state.pool('Generic')!;
  const simPbd = [...simPool.all('PBD')].find((p) => (p.record.device_config as Record<string, string>).targetIQN)!;
  simPool.update(simPbd, { device_config: { ...(simPbd.record.device_config as Record<string, string>), chapuser: 'admin', chappassword: 's3cret-chap' } } as never);
  await until('the PBD change arrived', () => (model.get('PBD', simPbd.ref)?.device_config as Record<string, string> | undefined)?.chapuser === 'admin');
  const pbdDoc = recordDocument(model, 'PBD', simPbd.ref, 'Generic')!;
  assert.ok(!pbdDoc.includes('s3cret-chap'), 'the CHAP password is not shown');
  assert.match(pbdDoc, new RegExp(`"chappassword": "${MASK.replace(/[()]/g, '\\$&')}"`));
  assert.match(pbdDoc, /"chapuser": "admin"/);
  assert.match(pbdDoc, /"SR": "OpaqueRef:[^"]+", \/\/ SR /);
  assert.equal(recordDocument(model, 'VM', 'OpaqueRef:nope', 'Generic'), undefined, 'a gone object has no document');
});
