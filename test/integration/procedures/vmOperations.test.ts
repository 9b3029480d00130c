// The daily operations (issue 18) as plans run against the simulator over real HTTP with the
// connection the extension uses: VM power, Start on Host, live migration with task progress, snapshots
// (take, revert, delete with its disks), the dynamic memory range, maintenance mode (refused with
// XAPI's reasons, then entered and left; a master hands its role over first), host reboot. Each
// refusal says why in XAPI's terms; every run is read back through XAPI and the pool model.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Journal } from '../../../src/procedures/journal';
import { MAINTENANCE_MODE, inMaintenance, planEnterMaintenance, planExitMaintenance, planHostPower } from '../../../src/procedures/maintenanceMode';
import { preview, type Plan } from '../../../src/procedures/plan';
import { runPlan, type Executors } from '../../../src/procedures/runner';
import { planDeleteSnapshot, planRevert, planTakeSnapshot, snapshotsOf } from '../../../src/procedures/snapshots';
import { planSetMemory } from '../../../src/procedures/vmMemory';
import { planMigrate } from '../../../src/procedures/vmMigrate';
import { checkHostsFor, planVmPower } from '../../../src/procedures/vmPower';
import type { Ref } from '../../../src/xapi/records';
import { connectPool, control, startSimulator, until, type Simulator } from '../xapi/simulator';

const GiB = 1024 ** 3;

async function setup(t: { after(fn: () => unknown): void }) {
  const sim: Simulator = await startSimulator();
  const { pool, conn, model } = await connectPool(sim, 'Generic');
  const dir = mkdtempSync(join(tmpdir(), 'xcp-journal-'));
  t.after(async () => { await conn.disconnect(); await sim.stop(); rmSync(dir, { recursive: true, force: true }); });
  await control(sim, 'migration', { bytesPerSecond: 32 * GiB });
  const progress: number[] = [];
  const executors: Executors = {
    xapi: (method, args, signal, on, task) => conn.call(method, args, { signal, ...task, onProgress: (f) => { progress.push(f); task?.onProgress?.(f); } }),
    shell: async () => { throw new Error('no shell step in these plans'); },
  };
  const lines: string[] = [];
  const journal = new Journal(dir);
  const confirmed: string[] = [];
  const run = (plan: Plan) => runPlan(plan, { executors, console: { line: (l) => void lines.push(l) }, confirmer: { confirm: async (step) => (confirmed.push(step.confirmObject?.name ?? plan.target.name), true) }, journal });
  const vm = (name: string) => model.all('VM').find((v) => v.record.name_label === name)!.ref;
  const host = (name: string) => model.hosts().find((h) => h.record.name_label === name)!.ref;
  return { sim, pool, conn, model, run, lines, journal, confirmed, progress, vm, host };
}

test('power: start and resume run at once; shutdown, suspend and force off are confirmed by name; a VM in the wrong state or without tools is refused with what to do', async (t) => {
  const s = await setup(t);
  const halted = [s.vm('www-01'), s.vm('srm-01')];
  const start = planVmPower(s.model, halted, 'start');
  assert.equal(start.refusal, undefined, start.refusal);
  assert.ok(start.steps.every((st) => !st.destructive), 'starting is not destructive');
  assert.equal((await s.run(start)).status, 'done');
  await until('the model sees both running', () => halted.every((r) => s.model.get('VM', r)?.power_state === 'Running'));

  const again = planVmPower(s.model, halted, 'start');
  assert.match(again.refusal ?? '', /www-01 is Running; start needs it Halted/);

  const suspend = planVmPower(s.model, [halted[0]], 'suspend');
  assert.equal((await s.run(suspend)).status, 'done');
  assert.deepEqual(s.confirmed, ['www-01'], 'suspending asks, naming the VM');
  await until('suspended', () => s.model.get('VM', halted[0])?.power_state === 'Suspended');
  assert.equal((await s.run(planVmPower(s.model, [halted[0]], 'resume'))).status, 'done');
  await until('resumed', () => s.model.get('VM', halted[0])?.power_state === 'Running');

  // An HVM guest whose tools stopped answering: no clean shutdown, Force Shut Down offered instead.
  const hvm = s.vm('mail-01');
  const state = s.sim.state.pool('Generic')!;
  state.update(state.getOf('VM_guest_metrics', s.model.get('VM', hvm)!.guest_metrics)!, { PV_drivers_version: {} });
  state.update(state.getOf('VM', hvm)!, { allowed_operations: ['changing_dynamic_range', 'hard_reboot', 'hard_shutdown', 'pause', 'snapshot'] });
  await until('the model sees it', () => !s.model.get('VM', hvm)!.allowed_operations.includes('clean_shutdown'));
  const clean = planVmPower(s.model, [hvm], 'clean_shutdown');
  assert.match(clean.refusal ?? '', /VM_MISSING_PV_DRIVERS.*Force Shut Down/);
  const hard = planVmPower(s.model, [hvm], 'hard_shutdown');
  assert.equal(hard.refusal, undefined);
  assert.match(preview(hard), /xe vm-shutdown uuid=[0-9a-f-]{36} --force/);
  assert.equal((await s.run(hard)).status, 'done');
  await until('halted', () => s.model.get('VM', hvm)?.power_state === 'Halted');
  assert.deepEqual((await s.journal.entries()).map((e) => e.status), ['done', 'done', 'done', 'done']);
});

test('Start on Host offers only the hosts XAPI accepts (VM.assert_can_boot_here): a disabled host is refused with HOST_DISABLED', async (t) => {
  const s = await setup(t);
  const vm = s.vm('wms-01');
  await s.conn.call('host.disable', [s.host('vms-gen-06')]);
  const checks = await checkHostsFor(s.model, vm, (m, a) => s.conn.call(m, a));
  const gen06 = checks.find((c) => c.host.record.name_label === 'vms-gen-06')!;
  assert.equal(gen06.error?.[0], 'HOST_DISABLED');
  const ok = checks.find((c) => c.host.record.name_label === 'vms-gen-05')!;
  assert.equal(ok.error, undefined);
  const plan = planVmPower(s.model, [vm], 'start_on', ok.host.ref);
  assert.equal((await s.run(plan)).status, 'done');
  await until('it runs on vms-gen-05', () => s.model.get('VM', vm)?.resident_on === ok.host.ref);
});

test('migrate: refused for a disk on local storage (VM_REQUIRES_SR) and for memory; a live migration runs as a task with progress and the model follows', async (t) => {
  const s = await setup(t);
  const local = planMigrate(s.model, s.vm('www-03'), s.host('vms-gen-04'));
  assert.match(local.refusal ?? '', /Local storage.*VM_REQUIRES_SR/);
  const big = planMigrate(s.model, s.vm('db-01'), s.host('vms-gen-08'));
  assert.match(big.refusal ?? '', /HOST_NOT_ENOUGH_FREE_MEMORY/);
  const halted = planMigrate(s.model, s.vm('www-01'), s.host('vms-gen-04'));
  assert.match(halted.refusal ?? '', /only a running VM migrates live/);
  const xapiSays = planMigrate(s.model, s.vm('mail-01'), s.host('vms-gen-04'), ['HOST_NOT_LIVE']);
  assert.match(xapiSays.refusal ?? '', /XAPI refuses: HOST_NOT_LIVE/);

  await control(s.sim, 'migration', { bytesPerSecond: 4 * GiB });
  const vm = s.vm('mail-01');
  const plan = planMigrate(s.model, vm, s.host('vms-gen-04'));
  assert.equal(plan.refusal, undefined, plan.refusal);
  assert.match(preview(plan), /xe vm-migrate uuid=[0-9a-f-]{36} host-uuid=[0-9a-f-]{36} live=true/);
  const result = await s.run(plan);
  assert.equal(result.status, 'done', result.message);
  assert.ok(s.progress.some((f) => f > 0 && f < 1), `the task's progress reached the caller: ${s.progress.join(' ')}`);
  await until('the model has it on vms-gen-04', () => s.model.get('VM', vm)?.resident_on === s.host('vms-gen-04'));
  assert.ok(s.model.residentVms(s.host('vms-gen-04')).some((v) => v.ref === vm));
  assert.ok(!s.model.residentVms(s.host('vms-gen-03')).some((v) => v.ref === vm));
});

test('snapshots: take one, revert to it (confirmed naming the VM and the snapshot; a running VM is started again), delete it with its disks', async (t) => {
  const s = await setup(t);
  const vm = s.vm('jenkins-01');
  assert.match(planTakeSnapshot(s.model, vm, 'x', true).refusal ?? '', /VM_SNAPSHOT_WITH_QUIESCE_NOT_SUPPORTED/);
  const take = planTakeSnapshot(s.model, vm, 'before "upgrade"; $(reboot)', false);
  assert.match(preview(take), /new-name-label='before "upgrade"; \$\(reboot\)'/, 'the name is quoted for the shell in the xe line');
  assert.equal((await s.run(take)).status, 'done');
  await until('the model has the snapshot', () => snapshotsOf(s.model, vm).length === 1);
  const [snap] = snapshotsOf(s.model, vm);
  assert.equal(snap.record.name_label, 'before "upgrade"; $(reboot)');
  const disksAtSnapshot = s.model.get('VM', vm)!.VBDs.map((b) => s.model.get('VBD', b)!.VDI);

  const revert = planRevert(s.model, snap.ref);
  assert.equal(revert.refusal, undefined, revert.refusal);
  assert.deepEqual(revert.steps.map((st) => st.action.kind === 'xapi' ? st.action.method : ''), ['VM.revert', 'VM.start']);
  s.confirmed.length = 0;
  assert.equal((await s.run(revert)).status, 'done');
  assert.match(s.confirmed[0], /^jenkins-01 → snapshot before "upgrade"; \$\(reboot\)$/);
  await until('running again with new disks', () => {
    const r = s.model.get('VM', vm);
    return r?.power_state === 'Running' && r.VBDs.every((b) => !disksAtSnapshot.includes(s.model.get('VBD', b)?.VDI as Ref<'VDI'>));
  });

  const del = planDeleteSnapshot(s.model, snap.ref);
  const snapDisks = del.steps.filter((st) => st.action.kind === 'xapi' && st.action.method === 'VDI.destroy').map((st) => (st.action as { args: string[] }).args[0]);
  assert.equal(snapDisks.length, disksAtSnapshot.length, 'the plan lists every snapshot disk');
  assert.equal(del.steps.filter((st) => st.destructive && !st.confirmedBy).length, 1, 'one confirmation covers the deletion');
  assert.equal((await s.run(del)).status, 'done');
  await until('snapshot and disks gone', () => snapshotsOf(s.model, vm).length === 0 && snapDisks.every((d) => !s.model.get('VDI', d)));
});

test('Set Memory: checked against the static limits before the call; applied live on a running VM with tools', async (t) => {
  const s = await setup(t);
  const vm = s.vm('db-01');
  const rec = s.model.get('VM', vm)!;
  assert.match(planSetMemory(s.model, vm, rec.memory_static_min, rec.memory_static_max + GiB).refusal ?? '', /MEMORY_CONSTRAINT_VIOLATION/);
  assert.match(planSetMemory(s.model, vm, 2 * GiB, GiB).refusal ?? '', /minimum not above the maximum/);
  const plan = planSetMemory(s.model, vm, rec.memory_static_min, rec.memory_static_max);
  assert.equal(plan.refusal, undefined, plan.refusal);
  assert.equal((await s.run(plan)).status, 'done');
  await until('the model has the new range', () => s.model.get('VM', vm)?.memory_dynamic_min === rec.memory_static_min);
});

test('maintenance mode: refused naming a VM with a local disk; a slave with VMs is emptied, disabled and marked; exit enables it', async (t) => {
  const s = await setup(t);
  const gen01 = s.host('vms-gen-01');
  const problems = await s.conn.call<Record<string, string[]>>('host.get_vms_which_prevent_evacuation', [gen01]);
  const refused = planEnterMaintenance(s.model, gen01, problems);
  assert.match(refused.refusal ?? '', /www-04 has a disk on Local storage that no other host sees \(VM_REQUIRES_SR\): shut it down/);

  const gen03 = s.host('vms-gen-03');
  const vms = s.model.residentVms(gen03).map((v) => v.ref);
  assert.ok(vms.length > 0);
  const plan = planEnterMaintenance(s.model, gen03, await s.conn.call('host.get_vms_which_prevent_evacuation', [gen03]));
  assert.equal(plan.refusal, undefined, plan.refusal);
  s.confirmed.length = 0;
  const result = await s.run(plan);
  assert.equal(result.status, 'done', result.message + s.lines.join('\n'));
  assert.deepEqual(s.confirmed, ['vms-gen-03'], 'one confirmation, naming the host');
  await until('empty, disabled and marked', () => s.model.residentVms(gen03).length === 0 && inMaintenance(s.model, gen03));
  for (const v of vms) assert.equal(s.model.get('VM', v)?.power_state, 'Running', 'every VM still runs, elsewhere');
  assert.ok(s.progress.some((f) => f > 0 && f < 1), 'the evacuation reports progress');

  assert.equal((await s.run(planExitMaintenance(s.model, gen03))).status, 'done');
  await until('enabled, unmarked', () => s.model.get('host', gen03)?.enabled === true && s.model.get('host', gen03)?.other_config[MAINTENANCE_MODE] === undefined);
});

test('maintenance mode on the master hands the role over first; reboot of a host with VMs confirms each VM by name', async (t) => {
  const s = await setup(t);
  const master = s.model.master()!.ref;
  const plan = planEnterMaintenance(s.model, master, await s.conn.call('host.get_vms_which_prevent_evacuation', [master]));
  assert.equal(plan.refusal, undefined, plan.refusal);
  assert.equal(plan.steps[0].action.kind === 'xapi' && plan.steps[0].action.method, 'pool.designate_new_master');
  assert.equal((await s.run(plan)).status, 'done', s.lines.join('\n'));
  await until('another host is master and the old one is in maintenance', () => !s.model.isMaster(master) && inMaintenance(s.model, master));

  await control(s.sim, 'host/reboot-time', { ms: 300 });
  const gen07 = s.host('vms-gen-07');
  const names = s.model.residentVms(gen07).map((v) => v.record.name_label);
  const reboot = planHostPower(s.model, gen07, 'reboot');
  assert.equal(reboot.refusal, undefined, reboot.refusal);
  s.confirmed.length = 0;
  assert.equal((await s.run(reboot)).status, 'done', s.lines.join('\n'));
  assert.deepEqual(s.confirmed, [...names, 'vms-gen-07'], 'each VM still there, then the host');
  await until('back, enabled, no VM', () => s.model.isHostLive(gen07) && s.model.get('host', gen07)?.enabled === true && s.model.residentVms(gen07).length === 0, 10_000);
  assert.match(planHostPower(s.model, s.model.master()!.ref, 'shutdown').refusal ?? '', /is the pool master/);
});
