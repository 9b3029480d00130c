// H5 and H6 against the simulator over real HTTP: plans built from the live model, run by the runner
// with a real XAPI session, read back through XAPI; guards refuse a live host; the journal keeps it all.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PoolConnection, type TlsTrust } from '../../../src/model/poolConnection';
import type { PoolModel } from '../../../src/model/poolModel';
import { planDeadHostVms, planForgetHost, planSelectedVmsHalted } from '../../../src/procedures/deadHost';
import { vmView } from '../../../src/tree/views/vm';
import { Journal } from '../../../src/procedures/journal';
import { preview } from '../../../src/procedures/plan';
import { runPlan, type Executors } from '../../../src/procedures/runner';
import { XapiError } from '../../../src/xapi/errors';
import { XapiSession } from '../../../src/xapi/session';
import type { Ref } from '../../../src/xapi/records';
import { control, poolNamed, startSimulator, until, type Simulator } from '../xapi/simulator';

const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', '..', 'package.json'), 'utf8')) as { contributes: { menus: Record<string, { command: string; when: string }[]> } };

const noTls: TlsTrust = { pinned: () => undefined, confirm: async () => false, pin: async () => undefined };

async function setup(t: { after(fn: () => unknown): void }) {
  const sim: Simulator = await startSimulator();
  const pool = poolNamed(sim, 'Generic');
  const conn = new PoolConnection({ name: 'Generic', url: pool.url, username: 'root', password: async () => pool.password, tls: noTls }, { eventTimeoutSeconds: 1 });
  await conn.connect();
  assert.equal(conn.state.kind, 'connected');
  const model = (conn.state as { model: PoolModel }).model;
  const session = new XapiSession({ url: new URL(pool.url), username: 'root', password: async () => pool.password });
  const dir = mkdtempSync(join(tmpdir(), 'xcp-journal-'));
  t.after(async () => { await conn.disconnect(); await session.dispose(); await sim.stop(); rmSync(dir, { recursive: true, force: true }); });
  const executors: Executors = {
    xapi: (method, args) => session.call(method, args as never[]),
    shell: async () => { throw new Error('no shell step in these plans'); },
  };
  const lines: string[] = [];
  const victim = model.hosts().find((h) => !model.isMaster(h.ref) && model.residentVms(h.ref).length > 0)!;
  return { sim, model, session, executors, lines, console: { line: (s: string) => void lines.push(s) }, journal: new Journal(dir), victim };
}

async function killHost(sim: Simulator, model: PoolModel, host: { ref: Ref<'host'>; record: { uuid: string } }) {
  await control(sim, 'host/down', { host: host.record.uuid });
  await until('the master sees the host dead', () => !model.isHostLive(host.ref), 15_000);
}

test('H6 and H5 refuse a live host, at plan time and on the server', async (t) => {
  const s = await setup(t);
  const h6 = planDeadHostVms(s.model, s.victim.ref);
  assert.match(h6.refusal ?? '', /is live/);
  assert.match(preview(h6), /## Refused/);
  const h5 = planForgetHost(s.model, s.victim.ref);
  assert.match(h5.refusal ?? '', /is live/);
  const result = await runPlan(h5, { executors: s.executors, console: s.console, confirmer: { confirm: async () => assert.fail('a refused plan asks nothing') }, journal: s.journal });
  assert.equal(result.status, 'refused');
  // Even if a client skipped the plan's guard, XAPI itself refuses.
  await assert.rejects(s.session.call('host.destroy', [s.victim.ref]), (e: XapiError) => e.code === 'HOST_IS_LIVE');
  const vm = s.model.residentVms(s.victim.ref)[0];
  await assert.rejects(s.session.call('VM.power_state_reset', [vm.ref]), (e: XapiError) => e.code === 'HOST_IS_LIVE' && e.params[0] === s.victim.ref);
  assert.equal((await s.journal.entries()).at(-1)?.status, 'refused', 'the refusal is journaled');
});

test('H6 declares the VMs of a dead host halted; a declined confirmation changes nothing', async (t) => {
  const s = await setup(t);
  await killHost(s.sim, s.model, s.victim);
  const plan = planDeadHostVms(s.model, s.victim.ref);
  assert.equal(plan.refusal, undefined);
  assert.ok(plan.steps.length > 0 && plan.steps.every((st) => st.destructive && st.confirmObject?.kind === 'VM'));
  assert.match(plan.facts[0], /host_metrics\.live = false/, 'the plan says how the host was found dead');

  const declined = await runPlan(plan, { executors: s.executors, console: s.console, confirmer: { confirm: async () => false }, journal: s.journal });
  assert.equal(declined.status, 'declined');
  const first = s.model.residentVms(s.victim.ref)[0];
  assert.equal(await s.session.call('VM.get_power_state', [first.ref]), 'Running', 'nothing changed');

  const asked: string[] = [];
  const run = await runPlan(plan, { executors: s.executors, console: s.console, confirmer: { confirm: async (step) => (asked.push(`${step.confirmObject!.name} ${step.confirmObject!.uuid}`), true) }, journal: s.journal });
  assert.equal(run.status, 'done', run.message);
  assert.equal(asked.length, plan.steps.length, 'one confirmation per VM, naming it');
  for (const step of plan.steps) {
    const ref = (step.action as { args: string[] }).args[0];
    assert.equal(await s.session.call('VM.get_power_state', [ref]), 'Halted');
    assert.equal(await s.session.call('VM.get_resident_on', [ref]), 'OpaqueRef:NULL');
  }
  assert.ok(s.lines.some((l) => /^\$ xe vm-reset-powerstate uuid=[0-9a-f-]{36} --force$/.test(l)), 'the terminal reads like the runbook');
  const entries = await s.journal.entries();
  assert.deepEqual(entries.map((e) => e.status), ['declined', 'done']);
});

test('H5 forgets a dead host; a failing step stops the plan and is journaled', async (t) => {
  const s = await setup(t);
  await killHost(s.sim, s.model, s.victim);
  const plan = planForgetHost(s.model, s.victim.ref);
  assert.equal(plan.refusal, undefined);
  const destroy = plan.steps.find((st) => st.action.kind === 'xapi' && st.action.method === 'host.destroy')!;
  assert.ok(destroy, 'the plan destroys the host');

  // Skip the VM resets: host.destroy must then fail with XAPI's own error, and the run stop there.
  const onlyDestroy = { ...plan, steps: [destroy] };
  const failed = await runPlan(onlyDestroy, { executors: s.executors, console: s.console, confirmer: { confirm: async () => true }, journal: s.journal });
  assert.equal(failed.status, 'failed');
  assert.match(failed.steps[0].error ?? '', /HOST_HAS_RESIDENT_VMS/);

  const run = await runPlan(plan, { executors: s.executors, console: s.console, confirmer: { confirm: async () => true }, journal: s.journal });
  assert.equal(run.status, 'done', run.message);
  const hosts = await s.session.call<string[]>('host.get_all', []);
  assert.ok(!hosts.includes(s.victim.ref), 'the host is gone from host.get_all');
  await until('the model drops the host', () => !s.model.get('host', s.victim.ref));
  const statuses = (await s.journal.entries()).map((e) => `${e.procedure}:${e.status}`);
  assert.deepEqual(statuses, ['H5:failed', 'H5:done']);
});

const methods = (plan: { steps: { action: { kind: string; method?: string } }[] }) => plan.steps.map((st) => (st.action.kind === 'xapi' ? st.action.method : st.action.kind));

test('H5 lists the local SRs with their VDIs and VMs, disables HA first (its own confirmation), and forgets the local SRs after the host', async (t) => {
  const s = await setup(t);
  const locals = s.model.localSrs(s.victim.ref);
  assert.ok(locals.length > 0, 'every simulated host has a local SR');
  const localVdis = locals.flatMap((sr) => s.model.vdisOf(sr.ref));
  const losing = localVdis.flatMap((v) => s.model.vmsUsing(v.ref)).map((v) => v.record.name_label);
  assert.ok(losing.length > 0, 'a VM of the victim keeps a disk on its local SR (the fleet is seeded)');
  await control(s.sim, 'pool/ha', { pool: 'Generic', enabled: true });
  await until('the model sees HA on', () => s.model.pool().record.ha_enabled === true);
  await killHost(s.sim, s.model, s.victim);

  const plan = planForgetHost(s.model, s.victim.ref);
  assert.equal(plan.refusal, undefined, plan.refusal);
  const resets = s.model.residentVms(s.victim.ref).length;
  assert.deepEqual(methods(plan), [...Array(resets).fill('VM.power_state_reset'), 'pool.disable_ha', 'host.destroy', ...locals.map(() => 'SR.forget')], 'reset VMs, disable HA, destroy, then forget the local SRs');
  const text = preview(plan);
  for (const sr of locals) assert.ok(text.includes(sr.record.uuid), `the preview names local SR ${sr.record.uuid}`);
  for (const vdi of localVdis) assert.ok(text.includes(vdi.record.uuid), `the preview lists VDI ${vdi.record.name_label}`);
  assert.match(text, /HA is enabled/);
  for (const name of losing) assert.match(plan.facts.find((f) => f.startsWith('VM(s) that lose a disk')) ?? '', new RegExp(name), `the plan says ${name} loses its disk`);
  const ha = plan.steps.find((st) => st.id === 'disable-ha')!;
  assert.ok(ha.destructive && !ha.confirmedBy && ha.confirmObject?.kind === 'pool', 'disabling HA asks on its own, naming the pool');
  assert.ok(plan.steps.filter((st) => st.id.startsWith('forget-sr-')).every((st) => st.confirmedBy === 'destroy'), 'the typed host name covers the SRs');

  // Without the HA step, XAPI refuses host.destroy itself.
  const resetsOnly = { ...plan, steps: plan.steps.filter((st) => st.id.startsWith('reset-')) };
  assert.equal((await runPlan(resetsOnly, { executors: s.executors, console: s.console, confirmer: { confirm: async () => true } })).status, 'done');
  await assert.rejects(s.session.call('host.destroy', [s.victim.ref]), (e: XapiError) => e.code === 'HA_IS_ENABLED' && e.params.length === 0);

  const asked: string[] = [];
  const again = planForgetHost(s.model, s.victim.ref);
  const run = await runPlan(again, { executors: s.executors, console: s.console, confirmer: { confirm: async (step) => (asked.push(step.confirmObject!.kind), true) }, journal: s.journal });
  assert.equal(run.status, 'done', run.message);
  assert.deepEqual(asked, ['pool', 'host'], 'one confirmation for HA, one typed for the host');
  assert.equal(await s.session.call('pool.get_ha_enabled', [s.model.pool().ref]), false);
  const srs = await s.session.call<string[]>('SR.get_all', []);
  for (const sr of locals) assert.ok(!srs.includes(sr.ref), `local SR ${sr.record.name_label} is forgotten`);
  const vdis = await s.session.call<string[]>('VDI.get_all', []);
  for (const vdi of localVdis) assert.ok(!vdis.includes(vdi.ref), `VDI ${vdi.record.name_label} is gone with its SR`);
  assert.ok(s.lines.some((l) => /^\$ xe sr-forget uuid=[0-9a-f-]{36}$/.test(l)) && s.lines.includes('$ xe pool-ha-disable'));
});

test('H5 is refused, naming the VM, when a VM running on another host uses a disk on a local SR of the dead host', async (t) => {
  const s = await setup(t);
  const local = s.model.localSrs(s.victim.ref)[0];
  const added = (await control(s.sim, 'vdi/add', { sr: local.record.uuid, name_label: 'archive disk', virtual_size: 1 << 30 })) as { ref: string };
  const halted = s.model.all('VM').find((v) => !v.record.is_control_domain && v.record.power_state === 'Running' && v.record.resident_on !== s.victim.ref)!;
  await s.session.call('VBD.create', [{ VM: halted.ref, VDI: added.ref, userdevice: '3', bootable: false, mode: 'RW', type: 'Disk', empty: false, other_config: {} }]);
  await until('the model sees the new disk slot', () => s.model.vmsUsing(added.ref as Ref<'VDI'>).some((v) => v.ref === halted.ref));
  await killHost(s.sim, s.model, s.victim);
  const plan = planForgetHost(s.model, s.victim.ref);
  assert.ok(plan.refusal, 'refused');
  assert.ok(plan.refusal!.includes(halted.record.name_label) && plan.refusal!.includes(halted.record.uuid), `the refusal names ${halted.record.name_label}: ${plan.refusal}`);
  assert.match(plan.refusal!, /archive disk/);
  const run = await runPlan(plan, { executors: s.executors, console: s.console, confirmer: { confirm: async () => assert.fail('a refused plan asks nothing') }, journal: s.journal });
  assert.equal(run.status, 'refused');
  assert.ok((await s.session.call<string[]>('host.get_all', [])).includes(s.victim.ref), 'nothing changed');
});

test('H6 from VM rows: the rows under a dead host offer it, and a multi-selection declares exactly the selected VMs halted', async (t) => {
  const s = await setup(t);
  const onVictim = s.model.residentVms(s.victim.ref);
  assert.ok(onVictim.length >= 2, 'the victim runs at least two VMs');
  // package.json's own `when` for Declare Halted, read from the manifest
  const when = manifest.contributes.menus['view/item/context'].find((m) => m.command === 'xcpAdmin.vm.declareHalted')!.when;
  const offered = new RegExp(/viewItem =~ \/(.*)\//.exec(when)![1]);
  const menuOffers = (ref: Ref<'VM'>) => offered.test(vmView(s.model, ref)!.contextValue);
  assert.ok(!menuOffers(onVictim[0].ref), 'not offered while the host is live');
  await killHost(s.sim, s.model, s.victim);
  assert.ok(onVictim.every((v) => menuOffers(v.ref)), 'offered on every VM row under the dead host');
  const elsewhere = s.model.all('VM').find((v) => v.record.power_state === 'Running' && !v.record.is_control_domain && v.record.resident_on !== s.victim.ref)!;
  assert.ok(!menuOffers(elsewhere.ref), 'not offered on a VM of a live host');
  assert.match(planSelectedVmsHalted(s.model, [elsewhere.ref]).refusal ?? '', /is live/, 'and refused if reached anyway');

  const picked = onVictim.slice(0, 2).map((v) => v.ref);
  const plan = planSelectedVmsHalted(s.model, picked);
  assert.equal(plan.refusal, undefined, plan.refusal);
  assert.deepEqual(plan.steps.map((st) => st.confirmObject?.uuid), onVictim.slice(0, 2).map((v) => v.record.uuid), 'one step per selected VM, naming it');
  const run = await runPlan(plan, { executors: s.executors, console: s.console, confirmer: { confirm: async () => true }, journal: s.journal });
  assert.equal(run.status, 'done', run.message);
  for (const ref of picked) assert.equal(await s.session.call('VM.get_power_state', [ref]), 'Halted');
  for (const v of onVictim.slice(2)) assert.equal(await s.session.call('VM.get_power_state', [v.ref]), 'Running', `${v.record.name_label} was not selected and keeps its state`);
});
