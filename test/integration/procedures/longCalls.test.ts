// Procedure XAPI calls that outlast the HTTP idle timeout, and calls whose answer is lost, against the
// simulator over real HTTP with the connection the extension uses (PoolConnection):
// - a 130 s pool.designate_new_master (made slow through the control API) ends as success through its
//   XAPI task, progress shown in the terminal, where the synchronous call died at the 120 s idle timeout;
// - a connection dropped during a destructive call ends the run `unknown`, the object read back after
//   reconnecting, in the terminal and the journal, and never "nothing was changed".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { planDeadHostVms } from '../../../src/procedures/deadHost';
import { Journal } from '../../../src/procedures/journal';
import { planNewMaster } from '../../../src/procedures/masterRecovery';
import { preview } from '../../../src/procedures/plan';
import { runPlan, type Executors } from '../../../src/procedures/runner';
import { XapiSession } from '../../../src/xapi/session';
import { connectPool, control, startSimulator, until, type Simulator } from '../xapi/simulator';

async function setup(t: { after(fn: () => unknown): void }) {
  const sim: Simulator = await startSimulator();
  const { pool, conn, model } = await connectPool(sim, 'Generic');
  const dir = mkdtempSync(join(tmpdir(), 'xcp-journal-'));
  t.after(async () => { await conn.disconnect(); await sim.stop(); rmSync(dir, { recursive: true, force: true }); });
  // As the editor builds them (src/editor/runProcedure.ts).
  const executors: Executors = {
    xapi: (method, args, signal, on, task) =>
      on ? conn.callOn(on.host.address, method, args, { slaveLocal: on.session === 'slave-local', signal, ...task }) : conn.call(method, args, { signal, ...task }),
    shell: async () => { throw new Error('no shell step in these plans'); },
  };
  const lines: string[] = [];
  return { sim, pool, conn, model, executors, lines, console: { line: (s: string) => void lines.push(s) }, journal: new Journal(dir) };
}

/** A fresh client's view, apart from the connection under test. */
async function freshRead<T>(pool: { url: string; password: string }, method: string, args: unknown[]): Promise<T> {
  const session = new XapiSession({ url: new URL(pool.url), username: 'root', password: async () => pool.password });
  try {
    return await session.call<T>(method, args);
  } finally {
    await session.dispose();
  }
}

test('a connection dropped during a destructive call: outcome unknown, the VM read back after reconnecting, journaled as unknown', async (t) => {
  const s = await setup(t);
  const master = s.model.master()!;
  const victim = s.model.hosts().find((h) => !s.model.isMaster(h.ref) && s.model.residentVms(h.ref).length > 0)!;
  await control(s.sim, 'host/down', { host: victim.record.uuid });
  await until('the master sees the host dead', () => !s.model.isHostLive(victim.ref), 15_000);
  const plan = planDeadHostVms(s.model, victim.ref);
  assert.equal(plan.refusal, undefined, plan.refusal);
  const vm = s.model.residentVms(victim.ref)[0];
  assert.equal(plan.steps[0].confirmObject?.uuid, vm.record.uuid);

  // The reset takes 2 s on the master; the master drops off the network meanwhile and comes back after.
  await control(s.sim, 'slow', { method: 'VM.power_state_reset', ms: 2_000 });
  const run = runPlan(plan, { executors: s.executors, console: s.console, confirmer: { confirm: async () => true }, journal: s.journal, readBackWithinMs: 60_000 });
  await until('the first reset is sent', () => s.lines.some((l) => l.includes(`vm-reset-powerstate uuid=${vm.record.uuid}`)));
  await new Promise((r) => setTimeout(r, 300));
  await control(s.sim, 'host/down', { host: master.record.uuid });
  await new Promise((r) => setTimeout(r, 2_500));
  await control(s.sim, 'host/up', { host: master.record.uuid });
  const result = await run;

  const terminal = s.lines.join('\n');
  assert.equal(result.status, 'unknown', terminal);
  assert.equal(result.steps[0].status, 'unknown');
  assert.deepEqual(result.steps.slice(1).map((st) => st.status), result.steps.slice(1).map(() => 'not run'), 'the run stops at the unknown step');
  assert.match(result.message, /outcome unknown/);
  assert.doesNotMatch(result.message, /nothing was changed/);
  assert.doesNotMatch(terminal, /nothing was changed/);
  // What XAPI says now, read by another client: the server did run the reset.
  assert.equal(await freshRead(s.pool, 'VM.get_power_state', [vm.ref]), 'Halted');
  const readBack = s.lines.find((l) => l.startsWith(`read back VM ${vm.record.name_label}`));
  assert.ok(readBack, `the terminal shows the VM read back:\n${terminal}`);
  assert.match(readBack, /power_state=Halted/);
  assert.match(result.message, /power_state=Halted/, 'the run\'s message carries what was read back');
  assert.ok(s.lines.some((l) => l.startsWith('→ OUTCOME UNKNOWN')), terminal);

  const entry = (await s.journal.entries()).at(-1)!;
  assert.equal(entry.procedure, 'H6');
  assert.equal(entry.status, 'unknown');
  assert.equal(entry.steps[0].status, 'unknown');
  assert.ok(entry.steps[0].readBack?.some((l) => /power_state=Halted/.test(l)), JSON.stringify(entry.steps[0]));
  assert.doesNotMatch(entry.message, /nothing was changed/);
});

test('two long calls at once on one pool: both followed to their end by one task watcher, the tree kept live meanwhile', async (t) => {
  const s = await setup(t);
  const sr = s.model.pool().record.default_SR;
  await control(s.sim, 'slow', { method: 'VDI.create', ms: 1_500 });
  const record = (name: string) => ({ SR: sr, virtual_size: String(4 * 1024 * 1024), name_label: name, name_description: '', type: 'user', sharable: false, read_only: false, other_config: {}, sm_config: {}, xenstore_data: {} });
  const progress: Record<string, number[]> = { a: [], b: [] };
  const [a, b] = await Promise.all(['a', 'b'].map((n) => s.conn.call<string>('VDI.create', [record(`parallel ${n}`)], { onProgress: (f) => progress[n].push(f) })));
  assert.deepEqual([await freshRead(s.pool, 'VDI.get_name_label', [a]), await freshRead(s.pool, 'VDI.get_name_label', [b])], ['parallel a', 'parallel b']);
  assert.ok(progress.a.some((f) => f > 0 && f < 1) && progress.b.some((f) => f > 0 && f < 1), JSON.stringify(progress));
  await until('the tree shows both new VDIs', () => s.model.get('VDI', a as never) !== undefined && s.model.get('VDI', b as never) !== undefined, 10_000);
  assert.equal(s.conn.state.kind, 'connected');
});

test('a 130 s pool.designate_new_master (longer than the 120 s idle timeout) ends as success through its task, progress in the terminal', async (t) => {
  const s = await setup(t);
  const chosen = s.model.hosts().find((h) => !s.model.isMaster(h.ref))!;
  const probe = await s.conn.probe();
  const plan = planNewMaster(s.model, chosen.ref, probe);
  assert.equal(plan.refusal, undefined, plan.refusal);
  assert.deepEqual(plan.steps.map((st) => st.action.kind === 'xapi' && st.action.method), ['pool.designate_new_master']);

  await control(s.sim, 'slow', { method: 'pool.designate_new_master', ms: 130_000 });
  const started = Date.now();
  const result = await runPlan(plan, { executors: s.executors, console: s.console, confirmer: { confirm: async () => true }, journal: s.journal });
  const took = Date.now() - started;
  const terminal = s.lines.join('\n');
  assert.ok(took > 120_000, `the call outlasted the HTTP idle timeout of 120 s (it took ${took} ms), or this test shows nothing`);
  assert.equal(result.status, 'done', `${result.message}\n${terminal}`);
  assert.ok(s.lines.some((l) => /^ {2}… running as XAPI task OpaqueRef:/.test(l)), `the terminal says the call runs as a task:\n${terminal}`);
  assert.match(preview(plan), /pool\.designate_new_master`.* as an XAPI task/, 'the preview says so too');
  for (const p of [10, 50, 90]) assert.ok(s.lines.includes(`  ${p}%`), `progress ${p}% shown:\n${terminal}`);
  assert.deepEqual(
    s.lines.filter((l) => /^ {2}\d+%$/.test(l)),
    ['  10%', '  20%', '  30%', '  40%', '  50%', '  60%', '  70%', '  80%', '  90%'],
    'a line per 10%, in order, each once',
  );
  const pools = await freshRead<string[]>(s.pool, 'pool.get_all', []);
  assert.equal(await freshRead(s.pool, 'pool.get_master', [pools[0]]), chosen.ref, 'the pool has the new master');
  assert.equal((await s.journal.entries()).at(-1)?.status, 'done');
  assert.deepEqual(await freshRead(s.pool, 'task.get_all', []), [], 'the task was destroyed');
});
