// The tree's content (src/tree: nodes, views, invalidation) built from live pool models: the registry
// connects to the simulator over real HTTP, and the nodes and refreshes are read the way the
// TreeDataProvider reads them.
import { test } from 'node:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { PoolRegistry, type RegistryEvent } from '../../../src/model/poolRegistry';
import type { TlsTrust } from '../../../src/model/poolConnection';
import { rowsTouchedBy } from '../../../src/tree/invalidation';
import { childNodes, nodeId, rootNodes, type TreeNode, type TreeSource } from '../../../src/tree/nodes';
import { viewOf } from '../../../src/tree/views';
import { control, startSimulator, until, type Simulator } from '../xapi/simulator';

const noTls: TlsTrust = { pinned: () => undefined, confirm: async () => false, pin: async () => undefined };

function sourceOf(registry: PoolRegistry): TreeSource {
  return { poolNames: () => registry.names(), state: (p) => registry.state(p), url: (p) => registry.entry(p)?.url };
}

async function connectedFleet(sim: Simulator, passwords: Record<string, string> = {}): Promise<{ registry: PoolRegistry; events: RegistryEvent[] }> {
  const registry = new PoolRegistry({
    password: async (pool) => passwords[pool] ?? sim.fleet.pools.find((p) => p.name === pool)?.password,
    tls: noTls,
    tuning: { eventTimeoutSeconds: 1 },
  });
  const events: RegistryEvent[] = [];
  registry.onDidChange((e) => events.push(e));
  registry.setEntries(sim.fleet.pools.map((p) => ({ name: p.name, url: p.url, username: p.username })));
  await until('every pool connected or failed', () => registry.names().every((n) => ['connected', 'failed'].includes(registry.state(n)?.kind ?? '')), 15_000);
  return { registry, events };
}

const labels = (nodes: TreeNode[], source: TreeSource) => nodes.map((n) => viewOf(n, source)?.label);

test('the tree shows the seed\'s pools and Lab, with product, API and transport; Generic\'s hosts with the master marked, and an FC SR\'s VDIs', async (t) => {
  const sim = await startSimulator();
  const { registry } = await connectedFleet(sim);
  t.after(async () => { registry.dispose(); await sim.stop(); });
  const source = sourceOf(registry);

  assert.deepEqual(labels(rootNodes(source), source), ['Piet', 'Generic', 'BL0', 'Security', 'Lab']);
  const generic = rootNodes(source)[1];
  assert.match(viewOf(generic, source)!.description!, /master vms-gen-05 · 8 hosts/);
  // The pool row says what it runs and how the client talks to it: XCP 1.5 over XML-RPC, XCP-ng 8 over JSON-RPC.
  const shown = (n: TreeNode) => viewOf(n, source)!.tooltip!.replace(/\\(.)/g, '$1'); // as the markdown renders
  assert.match(shown(generic), /product: XCP 1\.4\.90 · API 1\.9 · XML-RPC/);
  assert.match(shown(rootNodes(source)[4]), /product: XCP-ng 8\.3\.0 · API 2\.21 · JSON-RPC/);
  // The 6.0.99 presentation (H2, H3) is the XCP 1.5 pools' business: Lab's hosts and guests are not flagged.
  const [labHostsFolder] = childNodes(rootNodes(source)[4], source);
  const labHosts = childNodes(labHostsFolder, source);
  assert.equal(labHosts.length, 3);
  for (const h of labHosts) {
    assert.match(viewOf(h, source)!.description!, /XCP-ng 8\.3\.0/);
    assert.doesNotMatch(viewOf(h, source)!.description!, /not overridden/);
    for (const vm of childNodes(h, source)) assert.doesNotMatch(viewOf(vm, source)!.description!, /\(old\)/);
  }
  const [hosts] = childNodes(generic, source);
  const hostNodes = childNodes(hosts, source);
  assert.equal(hostNodes.length, 8);
  const views = hostNodes.map((n) => viewOf(n, source)!);
  // Generic runs XCP 1.5: every host still has to present 6.0.99 to XenCenter (H2), so Present is offered.
  const master = views.filter((v) => v.contextValue === 'host.live.master.toPresent');
  assert.deepEqual(master.map((v) => v.label), ['vms-gen-05']);
  assert.match(master[0].description!, /^127\.\d+\.\d+\.\d+ · master · XCP /);
  assert.ok(views.every((v) => v.description!.includes('XCP 1.4.90 (not overridden)')), 'XCP 1.5 hosts are flagged until they present 6.0.99');
  assert.ok(views.every((v) => v.tooltip!.includes('uuid:')), 'host tooltips give the uuid');

  const [, storage] = childNodes(rootNodes(source)[0], source); // Piet: FC storage
  const srs = childNodes(storage, source).map((n) => ({ n, v: viewOf(n, source)! }));
  const fc = srs.find((s) => s.v.contextValue === 'sr.lvmohba');
  assert.ok(fc, 'Piet has an FC SR');
  assert.match(fc.v.description!, /^lvmohba · [\d.]+ \w+ \/ [\d.]+ \w+ · shared/);
  assert.match(fc.v.tooltip!, /SCSIid=/, 'the SR tooltip shows the PBDs\' device_config');
  // Piet's sixteen local SRs sit in one group after the shared SRs, each row led by its host's name.
  const group = srs.at(-1)!;
  assert.equal(group.v.contextValue, 'folder.localStorage', 'the local-storage group comes last');
  assert.ok(srs.slice(0, -1).every((s) => /· shared$/.test(s.v.description!)), 'the shared SRs come first');
  assert.equal(group.v.description, '16 SRs on 16 hosts');
  const local = childNodes(group.n, source).map((n) => viewOf(n, source)!);
  assert.equal(local.length, 16, 'one local SR per host');
  assert.deepEqual(local.map((v) => v.label), Array.from({ length: 16 }, (_, i) => `vms-piet-${String(i + 1).padStart(2, '0')}`));
  assert.ok(local.every((v) => v.contextValue === 'sr.lvm' && /^Local storage · lvm · [\d.]+ \w+ \/ 552 GiB · local$/.test(v.description!)), local.map((v) => v.description).join('\n'));
  const vdis = childNodes(fc.n, source).map((n) => viewOf(n, source)!);
  assert.ok(vdis.length > 0);
  for (const v of vdis) {
    assert.match(v.description!, /^[\d.]+ (MiB|GiB|TiB) · (raw|VHD)/);
    assert.match(v.tooltip!, /device: `\/dev\/VG_XenStorage-[0-9a-f-]{36}\/(LV|VHD)-[0-9a-f-]{36}`/);
    assert.equal(v.contextValue, /· raw/.test(v.description!) ? 'vdi.raw' : 'vdi.vhd');
  }
});

test('an event touches only the rows it changes: a renamed VDI, a host going down', async (t) => {
  const sim = await startSimulator();
  const { registry, events } = await connectedFleet(sim);
  t.after(async () => { registry.dispose(); await sim.stop(); });
  const source = sourceOf(registry);
  const state = registry.state('Piet');
  assert.equal(state?.kind, 'connected');
  if (state?.kind !== 'connected') return;
  const model = state.model;
  const vdi = model.all('VDI').find((v) => !v.record.is_a_snapshot)!;

  events.length = 0;
  await control(sim, 'rename', { uuid: vdi.record.uuid, name_label: 'renamed "with quotes"\nand a newline' });
  await until('the rename reaches the model', () => events.some((e) => e.kind === 'model' && e.pool === 'Piet'));
  const batch = events.flatMap((e) => (e.kind === 'model' && e.pool === 'Piet' ? e.changes : []));
  const touched = rowsTouchedBy('Piet', batch, model);
  assert.deepEqual(touched.repaint.map((n) => n.id), [nodeId.vdi('Piet', vdi.ref)], 'only the VDI row refreshes');
  assert.deepEqual(touched.reshape, [], 'no list of rows changes');
  const view = viewOf(touched.repaint[0], source)!;
  assert.equal(view.label, 'renamed "with quotes"\\nand a newline', 'the label is one line, the newline shown');

  const victim = model.hosts().find((h) => !model.isMaster(h.ref))!;
  events.length = 0;
  await control(sim, 'host/down', { host: victim.record.uuid });
  await until('the host is seen dead', () => !model.isHostLive(victim.ref), 15_000);
  const changes = events.flatMap((e) => (e.kind === 'model' && e.pool === 'Piet' ? e.changes : []));
  const ids = rowsTouchedBy('Piet', changes, model).repaint.map((n) => n.id);
  assert.ok(ids.includes(nodeId.folder('Piet', 'hosts')) || ids.includes(nodeId.host('Piet', victim.ref)), `the host's row or its folder refreshes (${ids.join(', ')})`);
  assert.ok(!ids.some((id) => id.includes('/vdi/')), 'no VDI row refreshes for a host going down');
  const hostView = viewOf({ kind: 'host', id: nodeId.host('Piet', victim.ref), pool: 'Piet', ref: victim.ref }, source)!;
  assert.equal(hostView.contextValue, 'host.dead.slave.toPresent');
  assert.match(hostView.description!, /DEAD/);
  assert.match(viewOf(rootNodes(source)[0], source)!.description!, /1 dead/);
});

test('a wrong password fails its pool with the reason, the other pools connect', async (t) => {
  const sim = await startSimulator();
  const { registry } = await connectedFleet(sim, { BL0: 'not-the-password' });
  t.after(async () => { registry.dispose(); await sim.stop(); });
  const source = sourceOf(registry);
  const bl0 = rootNodes(source).find((n) => n.pool === 'BL0')!;
  const view = viewOf(bl0, source)!;
  assert.equal(view.contextValue, 'pool.failed');
  assert.match(view.description!, /wrong user name or password/);
  const [notice] = childNodes(bl0, source);
  assert.equal(notice.kind, 'notice');
  assert.match(viewOf(notice, source)!.label, /SESSION_AUTHENTICATION_FAILED/);
  assert.equal(viewOf(notice, source)!.command?.id, 'xcpAdmin.pool.connect', 'clicking the notice retries');
  for (const other of ['Piet', 'Generic', 'Security']) assert.equal(registry.state(other)?.kind, 'connected', `${other} connected`);
});

test('a silent master: the pool row says so and offers H4, the master\'s row is dead, the slaves stay on show', async (t) => {
  const sim = await startSimulator();
  const registry = new PoolRegistry({
    password: async (pool) => sim.fleet.pools.find((p) => p.name === pool)?.password,
    tls: noTls,
    tuning: { eventTimeoutSeconds: 1, backoffInitialMs: 100, backoffMaxMs: 300 },
  });
  const generic = sim.fleet.pools.find((p) => p.name === 'Generic')!;
  registry.setEntries([{ name: 'Generic', url: generic.url, username: generic.username }]);
  t.after(async () => { registry.dispose(); await sim.stop(); });
  await until('connected', () => registry.state('Generic')?.kind === 'connected', 15_000);
  const source = sourceOf(registry);
  await control(sim, 'host/down', { host: generic.master });
  await until('the master reported lost', () => { const s = registry.state('Generic'); return s?.kind === 'connected' && s.masterLost !== undefined; }, 20_000);
  const pool = rootNodes(source)[0];
  const view = viewOf(pool, source)!;
  assert.equal(view.contextValue, 'pool.masterLost');
  assert.match(view.description!, /master vms-gen-05 not answering · slaves answer · 8 hosts/);
  assert.match(view.tooltip!.replace(/\\/g, ''), /vms-gen-03 \(127\.77\.2\.3\) answers as a slave of 127\.77\.2\.5/, 'the tooltip says what each member answered');
  const [hostsFolder] = childNodes(pool, source);
  const hostViews = childNodes(hostsFolder, source).map((n) => viewOf(n, source)!);
  assert.equal(hostViews.length, 8);
  const master = hostViews.find((v) => v.label === 'vms-gen-05')!;
  assert.equal(master.contextValue, 'host.dead.master.toPresent');
  assert.match(master.description!, /NOT ANSWERING/);
  assert.equal(hostViews.filter((v) => v.contextValue === 'host.live.slave.toPresent').length, 7);
});

test('S5: an SR\'s tooltip says how each host reaches its storage: the iSCSI target through the storage network, the FC LUN', async (t) => {
  const sim = await startSimulator();
  const { registry } = await connectedFleet(sim);
  t.after(async () => { registry.dispose(); await sim.stop(); });
  const source = sourceOf(registry);
  const generic = rootNodes(source).find((n) => n.pool === 'Generic')!;
  const [, storage] = childNodes(generic, source);
  const iscsi = childNodes(storage, source).map((n) => viewOf(n, source)!).find((v) => v.contextValue === 'sr.lvmoiscsi')!;
  const text = iscsi.tooltip!.replace(/\\/g, '');
  assert.match(text, /vms-gen-03: attached .*\n {2}iSCSI iqn\.2002-03\.com\.compellent:5000d31000sint at 10\.99\.0\.34:3260, 10\.99\.0\.35:3260 via eth1 \(network "iSCSI storage", 10\.99\.0\.103\/255\.255\.255\.0\)/);
  const piet = rootNodes(source).find((n) => n.pool === 'Piet')!;
  const fc = childNodes(childNodes(piet, source)[1], source).map((n) => viewOf(n, source)!).find((v) => v.contextValue === 'sr.lvmohba')!;
  assert.match(fc.tooltip!.replace(/\\/g, ''), /Fibre Channel LUN [0-9a-z]+ \(multipath map \/dev\/mapper\/[0-9a-z]+\)/);
});

test('a VM with old guest tools names, in its tooltip, the command its menu really offers', async (t) => {
  const sim = await startSimulator();
  const { registry } = await connectedFleet(sim);
  t.after(async () => { registry.dispose(); await sim.stop(); });
  const source = sourceOf(registry);
  const pkg = JSON.parse(readFileSync(join(__dirname, '../../../../package.json'), 'utf8')) as { contributes: { commands: { command: string; title: string }[]; menus: Record<string, { command: string; when?: string }[]> } };
  const nls = JSON.parse(readFileSync(join(__dirname, '../../../../package.nls.json'), 'utf8')) as Record<string, string>;
  const vmMenu = pkg.contributes.menus['view/item/context'].filter((m) => /viewItem =~ \/\^vm/.test(m.when ?? '')).map((m) => m.command);
  const vmTitles = pkg.contributes.commands.filter((c) => vmMenu.includes(c.command)).map((c) => nls[c.title.replace(/^%|%$/g, '')]);
  const vms: TreeNode[] = [];
  const walk = (n: TreeNode): void => { if (n.kind === 'vm') vms.push(n); else if (n.kind !== 'vdi') childNodes(n, source).forEach(walk); };
  rootNodes(source).forEach(walk);
  const old = vms.find((n) => /\(old\)/.test(viewOf(n, source)!.description!));
  assert.ok(old, 'the seed has a VM with old tools on an XCP 1.5 pool');
  const tooltip = viewOf(old, source)!.tooltip!.replace(/\\(.)/g, '$1');
  const named = /"([^"]+)" in this VM's menu fixes it/.exec(tooltip)?.[1];
  assert.ok(named && vmTitles.includes(named), `the tooltip names "${named}", the VM menu offers ${vmTitles.map((x) => `"${x}"`).join(', ')}`);
});
