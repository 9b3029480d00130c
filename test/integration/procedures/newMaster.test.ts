// H4 against the simulator over real HTTP: the connection notices a silent master and asks the
// members; the plan's path follows from their answers; the emergency path runs on a slave through a
// slave-local session and the pool ends with the chosen master (read back through XAPI); the guards
// refuse an emergency transition while the master answers; the tree's connection follows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PoolConnection, type TlsTrust } from '../../../src/model/poolConnection';
import type { PoolModel } from '../../../src/model/poolModel';
import { Journal } from '../../../src/procedures/journal';
import { planNewMaster } from '../../../src/procedures/masterRecovery';
import { runPlan, type Executors } from '../../../src/procedures/runner';
import { XapiError } from '../../../src/xapi/errors';
import { XapiSession } from '../../../src/xapi/session';
import { control, poolNamed, startSimulator, until, type Simulator } from '../xapi/simulator';

const noTls: TlsTrust = { pinned: () => undefined, confirm: async () => false, pin: async () => undefined };

async function setup(t: { after(fn: () => unknown): void }) {
  const sim: Simulator = await startSimulator();
  const pool = poolNamed(sim, 'Generic');
  const conn = new PoolConnection(
    { name: 'Generic', url: pool.url, username: 'root', password: async () => pool.password, tls: noTls },
    { eventTimeoutSeconds: 1, backoffInitialMs: 100, backoffMaxMs: 400, connectTimeoutMs: 2_000 },
  );
  await conn.connect();
  assert.equal(conn.state.kind, 'connected');
  const model = (conn.state as { model: PoolModel }).model;
  const dir = mkdtempSync(join(tmpdir(), 'xcp-journal-'));
  t.after(async () => { await conn.disconnect(); await sim.stop(); rmSync(dir, { recursive: true, force: true }); });
  const executors: Executors = {
    xapi: (method, args, _signal, on) =>
      on ? conn.callOn(on.host.address, method, args, { slaveLocal: on.session === 'slave-local' }) : conn.call(method, args),
    shell: async () => { throw new Error('no shell step in these plans'); },
  };
  const lines: string[] = [];
  const master = model.master()!;
  const slaves = model.hosts().filter((h) => h.ref !== master.ref);
  return { sim, pool, conn, model, executors, lines, console: { line: (s: string) => void lines.push(s) }, journal: new Journal(dir), master, slaves };
}

/** What a fresh client sees: the master's address, read through a login that follows HOST_IS_SLAVE. */
async function masterSeenFrom(url: string, password: string): Promise<{ address: string; master: string }> {
  const session = new XapiSession({ url: new URL(url), username: 'root', password: async () => password });
  try {
    const pools = await session.call<string[]>('pool.get_all');
    const master = await session.call<string>('pool.get_master', [pools[0]]);
    return { address: session.masterAddress, master: await session.call<string>('host.get_name_label', [master]) };
  } finally {
    await session.dispose();
  }
}

test('H4 with a live master: the planned hand-over; an emergency transition is refused while the master answers', async (t) => {
  const s = await setup(t);
  const chosen = s.slaves[2];
  const probe = await s.conn.probe();
  assert.equal(probe?.verdict.kind, 'master-answers');
  const plan = planNewMaster(s.model, chosen.ref, probe);
  assert.equal(plan.refusal, undefined);
  assert.deepEqual(plan.steps.map((st) => st.action.kind === 'xapi' && st.action.method), ['pool.designate_new_master']);
  assert.ok(!plan.steps.some((st) => st.action.kind === 'xapi' && /emergency/.test(st.action.method)), 'no emergency call while the master answers');
  assert.equal(plan.steps[0].confirmObject?.uuid, chosen.record.uuid);

  const run = await runPlan(plan, { executors: s.executors, console: s.console, confirmer: { confirm: async () => true }, journal: s.journal });
  assert.equal(run.status, 'done', run.message);
  assert.deepEqual(await masterSeenFrom(s.pool.url, s.pool.password), { address: chosen.record.address, master: chosen.record.name_label });
  await until('the tree model shows the new master', () => s.model.master()?.ref === chosen.ref, 10_000);
  assert.ok(s.lines.includes(`$ xe pool-designate-new-master host-uuid=${chosen.record.uuid}`), 'the terminal reads like the runbook');
});

test('H4 with a dead master: the members are asked, the emergency path recovers the pool onto the chosen slave', async (t) => {
  const s = await setup(t);
  const chosen = s.slaves[1];
  const states: string[] = [];
  s.conn.onDidChangeState((st) => states.push(st.kind === 'connected' && st.masterLost ? 'masterLost' : st.kind));
  await control(s.sim, 'host/down', { host: s.master.record.uuid });

  await until('the connection finds the master silent and the slaves answering', () => s.conn.state.kind === 'connected' && s.conn.state.masterLost !== undefined, 20_000);
  const lost = (s.conn.state as { masterLost: NonNullable<Extract<PoolConnection['state'], { kind: 'connected' }>['masterLost']> }).masterLost;
  assert.equal(lost.verdict.kind, 'master-dead');
  assert.equal(lost.members.find((m) => m.address === s.master.record.address)?.answer.kind, 'silent');
  assert.ok(s.slaves.every((h) => lost.members.find((m) => m.address === h.record.address)?.answer.kind === 'slave'), 'every slave answers as a slave');

  // The planned hand-over cannot work without a master; the pool session is gone.
  await assert.rejects(s.conn.call('pool.get_all', []));

  // A slave that still reached its master would be refused (partition); this one does not.
  const partitioned = planNewMaster(s.model, chosen.ref, lost, { inEmergencyMode: false, detail: 'it still reaches its master' });
  assert.match(partitioned.refusal ?? '', /network partition/);

  const inEmergency = await s.conn.callOn<boolean>(chosen.record.address, 'host.is_in_emergency_mode', [], { slaveLocal: true });
  assert.equal(inEmergency, true);
  const plan = planNewMaster(s.model, chosen.ref, lost, { inEmergencyMode: inEmergency, detail: 'in emergency mode' });
  assert.equal(plan.refusal, undefined, plan.refusal);
  assert.deepEqual(plan.steps.map((st) => st.action.kind === 'xapi' && st.action.method),
    ['host.emergency_ha_disable', 'pool.emergency_transition_to_master', 'pool.recover_slaves', 'pool.get_default_SR']);
  assert.ok(plan.facts.some((f) => f.includes(s.master.record.name_label) && /does not answer/.test(f)), 'the plan shows how the master was found dead');
  assert.match(plan.summary, /two masters/, 'the confirmation warns about a partition');

  const confirmed: string[] = [];
  const run = await runPlan(plan, {
    executors: s.executors, console: s.console, journal: s.journal,
    confirmer: { confirm: async (step) => (confirmed.push(step.confirmObject!.uuid), true) },
  });
  assert.equal(run.status, 'done', `${run.message}\n${s.lines.join('\n')}`);
  assert.deepEqual(confirmed, [chosen.record.uuid], 'one confirmation, naming the chosen host');
  const recovered = JSON.parse(run.steps[2].output ?? '[]') as string[];
  assert.equal(recovered.length, s.slaves.length - 1, 'every other slave listened to recover_slaves');

  // Read back through XAPI from another slave: it follows the new master now.
  const other = s.slaves.find((h) => h.ref !== chosen.ref)!;
  const seen = await masterSeenFrom(s.pool.url.replace(s.master.record.address, other.record.address), s.pool.password);
  assert.deepEqual(seen, { address: chosen.record.address, master: chosen.record.name_label });

  // The connection follows (here on its own, as the probe now finds a master elsewhere).
  await until('the connection follows the new master', () => s.conn.state.kind === 'connected' && !s.conn.state.masterLost && s.conn.state.masterAddress === chosen.record.address, 20_000);
  const model = (s.conn.state as { model: PoolModel }).model;
  assert.equal(model.master()?.record.name_label, chosen.record.name_label);
  const journal = await s.journal.entries();
  assert.equal(journal.at(-1)?.procedure, 'H4');
  assert.equal(journal.at(-1)?.status, 'done');
});

test('H4: a failing step stops the plan and the journal says where', async (t) => {
  const s = await setup(t);
  const chosen = s.slaves[0];
  await control(s.sim, 'host/down', { host: s.master.record.uuid });
  await until('master lost', () => s.conn.state.kind === 'connected' && s.conn.state.masterLost !== undefined, 20_000);
  const lost = (s.conn.state as { masterLost: Parameters<typeof planNewMaster>[2] }).masterLost;
  const plan = planNewMaster(s.model, chosen.ref, lost, { inEmergencyMode: true, detail: '' });
  // The chosen slave dies between the plan and the run.
  await control(s.sim, 'host/down', { host: chosen.record.uuid });
  const run = await runPlan(plan, { executors: s.executors, console: s.console, confirmer: { confirm: async () => true }, journal: s.journal });
  assert.equal(run.status, 'failed');
  assert.equal(run.steps[0].status, 'failed');
  assert.deepEqual(run.steps.slice(1).map((st) => st.status), ['not run', 'not run', 'not run']);
  assert.match(run.message, /nothing was changed/);
  const last = (await s.journal.entries()).at(-1)!;
  assert.equal(last.status, 'failed');
  assert.equal(last.steps[0].status, 'failed');
  // And XAPI itself refuses a slave-local write that is not an emergency call.
  const other = s.slaves[2];
  await assert.rejects(s.conn.callOn(other.record.address, 'pool.designate_new_master', [other.ref], { slaveLocal: true }), (e: XapiError) => e.code === 'HOST_IS_SLAVE');
});
