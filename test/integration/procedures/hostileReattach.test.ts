// Forget and Re-attach SR (S3b) on a hostile pool, run for real against the simulator: maps a pool user
// wrote (device_config, sm_config) with `$resultOf` / `$refOf` keys reach XAPI as the data they are, and
// an SR whose name XML-RPC cannot carry is refused before any step runs, the SR left where it was.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PoolConnection } from '../../../src/model/poolConnection';
import type { PoolModel } from '../../../src/model/poolModel';
import { Journal } from '../../../src/procedures/journal';
import { preflightProblem } from '../../../src/procedures/preflight';
import { runPlan, type Executors } from '../../../src/procedures/runner';
import { planSrReattach } from '../../../src/procedures/srReattach';
import type { Ref } from '../../../src/xapi/records';
import { connectPool, startSimulator, until, type Simulator } from '../xapi/simulator';

/** A shared SR of the pool with its VMs halted, so that S3b's plan is not refused. */
async function quietSr(conn: PoolConnection, model: PoolModel): Promise<Ref<'SR'>> {
  const sr = model.sharedSrs()[0];
  const running = model.vdisOf(sr.ref).flatMap((v) => model.vmsUsing(v.ref)).filter((vm) => vm.record.power_state === 'Running' && !vm.record.is_control_domain);
  for (const vm of new Map(running.map((v) => [v.ref, v])).values()) await conn.call('VM.hard_shutdown', [vm.ref]);
  await until('the model sees the VMs halted', () => running.every((vm) => model.get('VM', vm.ref)?.power_state === 'Halted'));
  return sr.ref;
}

/** Changes an object's fields in the simulator's database, as a pool user with rights would. */
function edit(sim: Simulator, uuid: string, changes: Record<string, unknown>): void {
  const found = sim.state.findByUuid(uuid);
  assert.ok(found, `no object ${uuid} in the simulator`);
  found.pool.update(found.obj, changes as never);
}

test('S3b: device_config and sm_config with $resultOf / $refOf keys reach XAPI unchanged in a real re-attach', async (t) => {
  const sim = await startSimulator();
  const { conn, model } = await connectPool(sim, 'Security');
  t.after(async () => { await conn.disconnect(); await sim.stop(); });
  const srRef = await quietSr(conn, model);
  const sr = model.get('SR', srRef)!;
  const vm = model.all('VM').find((v) => !v.record.is_control_domain)!;
  // The forged keys of the review: a PBD.create that would get "" as device_config, a call chosen by the data.
  const smConfig = { ...sr.sm_config, $refOf: 'VM', uuid: vm.record.uuid };
  edit(sim, sr.uuid, { sm_config: smConfig });
  const deviceConfigs = new Map<string, Record<string, string>>();
  for (const p of model.pbdsOf(srRef)) {
    const dc = { ...p.record.device_config, $resultOf: 'forget' };
    deviceConfigs.set(p.host!.record.uuid, dc);
    edit(sim, p.record.uuid, { device_config: dc });
  }
  await until('the model sees the forged maps', () => model.get('SR', srRef)?.sm_config.$refOf === 'VM' && model.pbdsOf(srRef).every((p) => p.record.device_config.$resultOf === 'forget'));

  const plan = planSrReattach(model, srRef);
  assert.equal(plan.refusal, undefined, plan.refusal);
  const calls: string[] = [];
  const executors: Executors = { xapi: (method, args) => (calls.push(method), conn.call(method, args)), shell: async () => assert.fail('no shell step') };
  const lines: string[] = [];
  const run = await runPlan(plan, { executors, console: { line: (l) => void lines.push(l) }, confirmer: { confirm: async () => true } });
  assert.equal(run.status, 'done', `${run.message}\n${lines.join('\n')}`);
  assert.ok(!calls.includes('VM.get_by_uuid'), `the data chose no call: ${calls.join(', ')}`);

  const newSr = (await conn.call('SR.get_by_uuid', [sr.uuid])) as string;
  assert.deepEqual(await conn.call('SR.get_sm_config', [newSr]), smConfig, 'sm_config introduced as it was, not a VM ref');
  const pbds = (await conn.call('SR.get_PBDs', [newSr])) as string[];
  assert.equal(pbds.length, deviceConfigs.size);
  for (const pbd of pbds) {
    const rec = (await conn.call('PBD.get_record', [pbd])) as { host: string; device_config: Record<string, string> };
    const hostUuid = (await conn.call('host.get_uuid', [rec.host])) as string;
    assert.deepEqual(rec.device_config, deviceConfigs.get(hostUuid), 'device_config created as it was, not ""');
  }
});

test('S3b over XML-RPC on an SR whose name holds ESC: refused before any step, the SR still there', async (t) => {
  const sim = await startSimulator();
  const { conn, model } = await connectPool(sim, 'Security', 'xmlrpc');
  const dir = mkdtempSync(join(tmpdir(), 'xcp-journal-'));
  t.after(async () => { await conn.disconnect(); await sim.stop(); rmSync(dir, { recursive: true, force: true }); });
  const srRef = await quietSr(conn, model);
  const sr = model.get('SR', srRef)!;
  const hostile = `evil\x1b[31m ${sr.name_label}`;
  edit(sim, sr.uuid, { name_label: hostile });
  await until('the model sees the new name', () => model.get('SR', srRef)?.name_label === hostile);
  const pbdsBefore = (await conn.call('SR.get_PBDs', [srRef])) as string[];

  const plan = planSrReattach(model, srRef);
  const calls: string[] = [];
  const executors: Executors = { xapi: (method, args) => (calls.push(method), conn.call(method, args)), shell: async () => assert.fail('no shell step') };
  const journal = new Journal(dir);
  const run = await runPlan(plan, { executors, wire: 'xmlrpc', console: { line: () => undefined }, confirmer: { confirm: async () => assert.fail('a refused plan asks nothing') }, journal });
  assert.equal(run.status, 'refused');
  assert.match(run.message, /Introduce .* could not be sent as planned: .*XML 1\.0 forbids \(U\+001B\).*Nothing was changed/s);
  assert.deepEqual(calls, [], 'no XAPI call was made');
  assert.equal(await conn.call('SR.get_by_uuid', [sr.uuid]), srRef, 'the SR is still there');
  assert.deepEqual(await conn.call('SR.get_PBDs', [srRef]), pbdsBefore, 'its PBDs too');
  assert.equal((await journal.entries()).at(-1)?.status, 'refused', 'the refusal is journaled');

  // JSON-RPC carries ESC: over it the same plan would pass the pre-flight.
  assert.equal(preflightProblem(plan, ['jsonrpc']), undefined);
});
