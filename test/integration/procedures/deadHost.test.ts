// H5 and H6 against the simulator over real HTTP: plans built from the live model, run by the runner
// with a real XAPI session, read back through XAPI; guards refuse a live host; the journal keeps it all.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PoolConnection, type TlsTrust } from '../../../src/model/poolConnection';
import type { PoolModel } from '../../../src/model/poolModel';
import { planDeadHostVms, planForgetHost } from '../../../src/procedures/deadHost';
import { Journal } from '../../../src/procedures/journal';
import { preview } from '../../../src/procedures/plan';
import { runPlan, type Executors } from '../../../src/procedures/runner';
import { XapiError } from '../../../src/xapi/errors';
import { XapiSession } from '../../../src/xapi/session';
import type { Ref } from '../../../src/xapi/records';
import { control, poolNamed, startSimulator, until, type Simulator } from '../xapi/simulator';

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
  const last = plan.steps.at(-1)!.action;
  assert.equal(last.kind === 'xapi' ? last.method : last.kind, 'host.destroy');

  // Skip the VM resets: host.destroy must then fail with XAPI's own error, and the run stop there.
  const onlyDestroy = { ...plan, steps: plan.steps.slice(-1) };
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
