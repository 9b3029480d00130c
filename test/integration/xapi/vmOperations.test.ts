// The simulator's VM lifecycle, migration, memory, snapshot and host-maintenance calls over real HTTP,
// as another XAPI client sees them: each operation's effect on the records, and each refusal with
// xapi's code and parameters (VM_BAD_POWER_STATE vm/expected/actual, VM_MISSING_PV_DRIVERS,
// HOST_NOT_ENOUGH_FREE_MEMORY, VM_REQUIRES_SR, HOST_DISABLED, MEMORY_CONSTRAINT_VIOLATION, …).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { XapiError } from '../../../src/xapi/errors';
import { XapiSession } from '../../../src/xapi/session';
import { TaskCancelledError, callAsTask } from '../../../src/xapi/task';
import { control, poolNamed, startSimulator, type Simulator } from './simulator';

const GiB = 1024 ** 3;
type Rec = Record<string, unknown>;

async function setup(t: { after(fn: () => unknown): void }, poolName = 'Generic') {
  const sim: Simulator = await startSimulator();
  const pool = poolNamed(sim, poolName);
  const session = new XapiSession({ url: new URL(pool.url), username: 'root', password: async () => pool.password });
  t.after(async () => { await session.dispose(); await sim.stop(); });
  await control(sim, 'migration', { bytesPerSecond: 64 * GiB });
  const hosts = await session.call<Record<string, Rec>>('host.get_all_records');
  const hostNamed = (name: string) => Object.entries(hosts).find(([, h]) => h.name_label === name)![0];
  const vms = async () => session.call<Record<string, Rec>>('VM.get_all_records');
  const vmNamed = async (name: string) => Object.entries(await vms()).find(([, v]) => v.name_label === name)![0];
  const vm = (ref: string) => session.call<Rec>('VM.get_record', [ref]);
  const refusal = (p: Promise<unknown>) => p.then(() => assert.fail('XAPI accepted it'), (e: XapiError) => (assert.ok(e instanceof XapiError, String(e)), [e.code, ...e.params]));
  return { sim, pool, session, hostNamed, vmNamed, vm, vms, refusal };
}

test('power: start, clean and hard shutdown, reboot, suspend and resume change the record as xapi does, with allowed_operations kept current', async (t) => {
  const s = await setup(t);
  const halted = await s.vmNamed('www-01');
  let r = await s.vm(halted);
  assert.equal(r.power_state, 'Halted');
  assert.ok((r.allowed_operations as string[]).includes('start') && !(r.allowed_operations as string[]).includes('clean_shutdown'));

  await callAsTask(s.session, 'VM.start', [halted, false, false]);
  r = await s.vm(halted);
  assert.equal(r.power_state, 'Running');
  assert.notEqual(r.resident_on, 'OpaqueRef:NULL');
  const host = r.resident_on as string;
  assert.ok((await s.session.call<string[]>('host.get_resident_VMs', [host])).includes(halted), 'the host lists it');
  assert.ok((r.allowed_operations as string[]).includes('clean_shutdown') && !(r.allowed_operations as string[]).includes('start'));
  assert.deepEqual(r.current_operations, {}, 'no operation left over');

  const domid = Number(r.domid);
  await callAsTask(s.session, 'VM.clean_reboot', [halted]);
  r = await s.vm(halted);
  assert.equal(r.power_state, 'Running');
  assert.notEqual(Number(r.domid), domid, 'a reboot builds a new domain');

  await callAsTask(s.session, 'VM.suspend', [halted]);
  r = await s.vm(halted);
  assert.equal(r.power_state, 'Suspended');
  assert.equal(r.resident_on, 'OpaqueRef:NULL');
  assert.notEqual(r.suspend_VDI, 'OpaqueRef:NULL', 'the memory image is a VDI');
  assert.ok((r.allowed_operations as string[]).includes('resume'));

  await callAsTask(s.session, 'VM.resume', [halted, false, false]);
  r = await s.vm(halted);
  assert.equal(r.power_state, 'Running');
  assert.equal(r.suspend_VDI, 'OpaqueRef:NULL');

  await callAsTask(s.session, 'VM.clean_shutdown', [halted]);
  r = await s.vm(halted);
  assert.equal(r.power_state, 'Halted');
  assert.equal(r.resident_on, 'OpaqueRef:NULL');
  assert.ok(!(await s.session.call<string[]>('host.get_resident_VMs', [host])).includes(halted));

  const other = await s.vmNamed('ganglia-01');
  await callAsTask(s.session, 'VM.hard_shutdown', [other]);
  assert.equal((await s.vm(other)).power_state, 'Halted');
});

test('power refusals: VM_BAD_POWER_STATE with vm, expected and actual; VM_MISSING_PV_DRIVERS for a clean shutdown of an HVM guest without tools; templates and dom0', async (t) => {
  const s = await setup(t);
  const halted = await s.vmNamed('www-01');
  assert.deepEqual(await s.refusal(callAsTask(s.session, 'VM.clean_shutdown', [halted])), ['VM_BAD_POWER_STATE', halted, 'running', 'halted']);
  assert.deepEqual(await s.refusal(callAsTask(s.session, 'VM.hard_shutdown', [halted])), ['VM_BAD_POWER_STATE', halted, 'paused, suspended, running', 'halted']);
  const running = await s.vmNamed('db-01');
  assert.deepEqual(await s.refusal(callAsTask(s.session, 'VM.start', [running, false, false])), ['VM_BAD_POWER_STATE', running, 'halted', 'running']);
  assert.deepEqual(await s.refusal(callAsTask(s.session, 'VM.resume', [running, false, false])), ['VM_BAD_POWER_STATE', running, 'suspended', 'running']);

  // An HVM guest whose agent reports no PV drivers: the guest cannot be asked to shut down.
  const hvm = await s.vmNamed('mail-01');
  const gm = (await s.vm(hvm)).guest_metrics as string;
  const state = s.sim.state.pool('Generic')!;
  state.update(state.getOf('VM_guest_metrics', gm)!, { PV_drivers_version: {} });
  // Allowed operations follow the guest metrics on the next operation; the call itself is refused now.
  assert.deepEqual(await s.refusal(callAsTask(s.session, 'VM.clean_shutdown', [hvm])), ['VM_MISSING_PV_DRIVERS', hvm]);
  assert.deepEqual(await s.refusal(callAsTask(s.session, 'VM.pool_migrate', [hvm, s.hostNamed('vms-gen-04'), { live: 'true' }])), ['VM_MISSING_PV_DRIVERS', hvm]);
  await callAsTask(s.session, 'VM.hard_shutdown', [hvm]);
  assert.equal((await s.vm(hvm)).power_state, 'Halted', 'the forced shutdown needs no tools');

  const template = await s.vmNamed('Other install media');
  assert.deepEqual(await s.refusal(callAsTask(s.session, 'VM.start', [template, false, false])), ['VM_IS_TEMPLATE', template, 'start']);
  const dom0 = Object.entries(await s.vms()).find(([, v]) => v.is_control_domain)![0];
  assert.equal((await s.refusal(callAsTask(s.session, 'VM.hard_reboot', [dom0])))[0], 'OPERATION_NOT_ALLOWED');
});

test('start_on: HOST_DISABLED, VM_REQUIRES_SR and HOST_NOT_ENOUGH_FREE_MEMORY [needed, available] come from assert_can_boot_here', async (t) => {
  const s = await setup(t);
  const halted = await s.vmNamed('www-01');
  const gen06 = s.hostNamed('vms-gen-06');
  await s.session.call('host.disable', [gen06]);
  assert.equal(await s.session.call('host.get_enabled', [gen06]), false);
  assert.deepEqual(await s.refusal(callAsTask(s.session, 'VM.start_on', [halted, gen06, false, false])), ['HOST_DISABLED', gen06]);
  assert.deepEqual(await s.refusal(s.session.call('VM.assert_can_boot_here', [halted, gen06])), ['HOST_DISABLED', gen06]);
  await s.session.call('host.enable', [gen06]);
  await callAsTask(s.session, 'VM.start_on', [halted, gen06, false, false]);
  assert.equal((await s.vm(halted)).resident_on, gen06);

  // www-03 keeps a disk on vms-gen-08's local SR: no other host can run it.
  const local = await s.vmNamed('www-03');
  const [code, vmParam, srParam] = await s.refusal(callAsTask(s.session, 'VM.pool_migrate', [local, s.hostNamed('vms-gen-04'), { live: 'true' }]));
  assert.deepEqual([code, vmParam], ['VM_REQUIRES_SR', local]);
  assert.equal(await s.session.call('SR.get_type', [srParam]), 'lvm', 'the SR named is the local one');

  // vms-gen-08 has about 1.2 GiB free: a 4 GiB VM does not fit.
  const big = await s.vmNamed('db-01');
  const gen08 = s.hostNamed('vms-gen-08');
  const free = Number(await s.session.call('host_metrics.get_memory_free', [await s.session.call('host.get_metrics', [gen08])]));
  assert.deepEqual(await s.refusal(callAsTask(s.session, 'VM.pool_migrate', [big, gen08, { live: 'true' }])), ['HOST_NOT_ENOUGH_FREE_MEMORY', String(4 * GiB), String(free)]);
});

test('pool_migrate moves a running VM with task progress, the hosts\' free memory follows; cancel stops it where it was', async (t) => {
  const s = await setup(t);
  const vm = await s.vmNamed('mail-01');
  const from = s.hostNamed('vms-gen-03');
  const to = s.hostNamed('vms-gen-04');
  const freeOf = async (h: string) => Number(await s.session.call('host_metrics.get_memory_free', [await s.session.call('host.get_metrics', [h])]));
  const [fromFree, toFree] = [await freeOf(from), await freeOf(to)];
  await control(s.sim, 'migration', { bytesPerSecond: 4 * GiB }); // 4 GiB: about a second
  const seen: number[] = [];
  await callAsTask(s.session, 'VM.pool_migrate', [vm, to, { live: 'true' }], { onProgress: (f) => seen.push(f) });
  assert.ok(seen.some((f) => f > 0 && f < 1), `progress between 0 and 1 was reported: ${seen.join(' ')}`);
  const r = await s.vm(vm);
  assert.equal(r.resident_on, to);
  assert.equal(r.power_state, 'Running');
  assert.equal(await freeOf(from), fromFree + 4 * GiB);
  assert.equal(await freeOf(to), toFree - 4 * GiB);

  await control(s.sim, 'migration', { bytesPerSecond: GiB / 4 }); // 16 s: cancelled long before
  const abort = new AbortController();
  const run = callAsTask(s.session, 'VM.pool_migrate', [vm, from, { live: 'true' }], { signal: abort.signal, onProgress: (f) => { if (f > 0) abort.abort(); } });
  await assert.rejects(run, (e) => e instanceof TaskCancelledError);
  assert.equal((await s.vm(vm)).resident_on, to, 'a cancelled migration leaves the VM where it was');
  assert.equal(await freeOf(from), fromFree + 4 * GiB, 'and gives back the memory held for it');
});

test('set_memory_dynamic_range: within the static limits, live on a running VM; MEMORY_CONSTRAINT_VIOLATION otherwise; VM_BAD_POWER_STATE when suspended', async (t) => {
  const s = await setup(t);
  const vm = await s.vmNamed('db-01');
  const r = await s.vm(vm);
  const sMin = Number(r.memory_static_min);
  const sMax = Number(r.memory_static_max);
  await s.session.call('VM.set_memory_dynamic_range', [vm, String(sMin), String(sMax)]);
  const after = await s.vm(vm);
  assert.equal(Number(after.memory_dynamic_min), sMin);
  assert.equal(Number(after.memory_dynamic_max), sMax);
  const [code, reason] = await s.refusal(s.session.call('VM.set_memory_dynamic_range', [vm, String(sMin), String(sMax + GiB)]));
  assert.equal(code, 'MEMORY_CONSTRAINT_VIOLATION');
  assert.match(reason, /static_min ≤ dynamic_min ≤ dynamic_max ≤ static_max/);
  await callAsTask(s.session, 'VM.suspend', [vm]);
  assert.deepEqual(await s.refusal(s.session.call('VM.set_memory_dynamic_range', [vm, String(sMin), String(sMax)])), ['VM_BAD_POWER_STATE', vm, 'halted, running', 'suspended']);
});

test('snapshots are VMs and VDIs with is_a_snapshot and snapshot_of; revert puts the disks back; destroy keeps the VDIs', async (t) => {
  const s = await setup(t);
  const vm = await s.vmNamed('jenkins-01');
  const disksBefore = (await s.vm(vm)).VBDs as string[];
  const snap = await callAsTask<string>(s.session, 'VM.snapshot', [vm, 'before upgrade']);
  const sr = await s.vm(snap);
  assert.equal(sr.name_label, 'before upgrade');
  assert.equal(sr.is_a_snapshot, true);
  assert.equal(sr.is_a_template, true);
  assert.equal(sr.snapshot_of, vm);
  assert.ok(sr.snapshot_time instanceof Date && sr.snapshot_time.getTime() > Date.now() - 60_000);
  assert.equal((sr.snapshot_info as Rec)['power-state-at-snapshot'], 'Running');
  assert.ok(((await s.vm(vm)).snapshots as string[]).includes(snap));
  const snapVdis = await Promise.all((sr.VBDs as string[]).map((b) => s.session.call<string>('VBD.get_VDI', [b])));
  assert.equal(snapVdis.length, disksBefore.length);
  for (const v of snapVdis) assert.equal(await s.session.call('VDI.get_is_a_snapshot', [v]), true);
  assert.deepEqual(await s.refusal(callAsTask(s.session, 'VM.start', [snap, false, false])), ['VM_IS_SNAPSHOT', snap, 'start']);
  assert.deepEqual(await s.refusal(callAsTask(s.session, 'VM.revert', [vm])), ['REVERT_ONLY_ALLOWED_ON_SNAPSHOT']);

  const seen: number[] = [];
  await callAsTask(s.session, 'VM.revert', [snap], { onProgress: (f) => seen.push(f) });
  const reverted = await s.vm(vm);
  assert.equal(reverted.power_state, 'Halted', 'a disk-only snapshot reverts to a halted VM');
  assert.equal(reverted.parent, snap);
  const newDisks = reverted.VBDs as string[];
  assert.equal(newDisks.length, disksBefore.length);
  for (const b of disksBefore) assert.ok(!newDisks.includes(b), 'the disks were replaced');

  await callAsTask(s.session, 'VM.destroy', [snap]);
  assert.ok(!((await s.vm(vm)).snapshots as string[]).includes(snap));
  for (const v of snapVdis) assert.equal(await s.session.call('VDI.get_is_a_snapshot', [v]), true, 'its VDIs stay until destroyed');
  for (const v of snapVdis) await s.session.call('VDI.destroy', [v]);
});

test('host maintenance: get_vms_which_prevent_evacuation names the VM with a local disk; evacuate raises it before moving anything, then empties the host once it is gone', async (t) => {
  const s = await setup(t);
  const gen01 = s.hostNamed('vms-gen-01');
  const local = await s.vmNamed('www-04');
  const problems = await s.session.call<Record<string, string[]>>('host.get_vms_which_prevent_evacuation', [gen01]);
  assert.deepEqual(Object.keys(problems), [local]);
  assert.equal(problems[local][0], 'VM_REQUIRES_SR');
  assert.equal(problems[local][1], local);
  const before = await s.session.call<string[]>('host.get_resident_VMs', [gen01]);
  assert.equal((await s.refusal(callAsTask(s.session, 'host.evacuate', [gen01])))[0], 'VM_REQUIRES_SR');
  assert.deepEqual(await s.session.call<string[]>('host.get_resident_VMs', [gen01]), before, 'nothing moved');
  assert.equal((await s.refusal(s.session.call('host.assert_can_evacuate', [gen01])))[0], 'CANNOT_EVACUATE_HOST');

  await callAsTask(s.session, 'VM.hard_shutdown', [local]);
  await s.session.call('host.disable', [gen01]);
  const inUse = await s.refusal(callAsTask(s.session, 'host.reboot', [gen01]));
  assert.deepEqual(inUse.slice(0, 3), ['HOST_IN_USE', gen01, 'vm']);
  assert.ok(before.includes(inUse[3]), 'it names a VM still running there');
  const progress: number[] = [];
  await callAsTask(s.session, 'host.evacuate', [gen01], { onProgress: (f) => progress.push(f) });
  const left = await s.session.call<string[]>('host.get_resident_VMs', [gen01]);
  for (const v of left) assert.equal(await s.session.call('VM.get_is_control_domain', [v]), true, 'only the control domain stays');
  assert.ok(progress.some((f) => f > 0 && f < 1), 'evacuation reports progress');
  // A disabled host takes no new VM.
  assert.deepEqual(await s.refusal(callAsTask(s.session, 'VM.start_on', [local, gen01, false, false])), ['HOST_DISABLED', gen01]);
  await control(s.sim, 'host/reboot-time', { ms: 200 });
  await callAsTask(s.session, 'host.reboot', [gen01]);
  await new Promise((r) => setTimeout(r, 600));
  assert.equal(await s.session.call('host.get_enabled', [gen01]), true, 'a host comes back from a reboot enabled');
});

test('host.reboot of an enabled host: HOST_NOT_DISABLED; evacuating onto no host: NO_HOSTS_AVAILABLE per VM', async (t) => {
  const s = await setup(t, 'Security');
  const hosts = await s.session.call<string[]>('host.get_all');
  const master = await s.session.call<string>('pool.get_master', [(await s.session.call<string[]>('pool.get_all'))[0]]);
  const slave = hosts.find((h) => h !== master)!;
  assert.deepEqual(await s.refusal(callAsTask(s.session, 'host.reboot', [slave])), ['HOST_NOT_DISABLED']);
  await s.session.call('host.disable', [master]);
  const problems = await s.session.call<Record<string, string[]>>('host.get_vms_which_prevent_evacuation', [slave]);
  const guests = await s.session.call<string[]>('host.get_resident_VMs', [slave]);
  for (const [vm, p] of Object.entries(problems)) assert.deepEqual(p, ['NO_HOSTS_AVAILABLE', vm]);
  assert.ok(Object.keys(problems).length > 0 && Object.keys(problems).every((v) => guests.includes(v)));
});

test('the evacuation plan: a guest without PV drivers, and VMs that do not fit in the free memory of the enabled hosts left, are named with xapi\'s codes', async (t) => {
  const s = await setup(t);
  const state = s.sim.state.pool('Generic')!;
  const hvm = await s.vmNamed('mail-01');
  state.update(state.getOf('VM_guest_metrics', (await s.vm(hvm)).guest_metrics as string)!, { PV_drivers_version: {} });
  const gen03 = s.hostNamed('vms-gen-03');
  const problems = await s.session.call<Record<string, string[]>>('host.get_vms_which_prevent_evacuation', [gen03]);
  assert.deepEqual(problems[hvm], ['VM_MISSING_PV_DRIVERS', hvm]);

  // Only vms-gen-08 (about 1.2 GiB free) left enabled: vms-gen-04's VMs (4, 2 and 4 GiB) have nowhere to fit.
  for (const name of ['vms-gen-01', 'vms-gen-02', 'vms-gen-03', 'vms-gen-05', 'vms-gen-06', 'vms-gen-07']) await s.session.call('host.disable', [s.hostNamed(name)]);
  const gen04 = s.hostNamed('vms-gen-04');
  const full = await s.session.call<Record<string, string[]>>('host.get_vms_which_prevent_evacuation', [gen04]);
  const guests = [];
  for (const v of await s.session.call<string[]>('host.get_resident_VMs', [gen04])) if (!(await s.session.call('VM.get_is_control_domain', [v]))) guests.push(v);
  assert.deepEqual(Object.keys(full).sort(), [...guests].sort());
  for (const [vm, p] of Object.entries(full)) assert.deepEqual(p, ['HOST_NOT_ENOUGH_FREE_MEMORY', vm]);
  assert.equal((await s.refusal(callAsTask(s.session, 'host.evacuate', [gen04])))[0], 'HOST_NOT_ENOUGH_FREE_MEMORY');
});

test('XCP 1.5 pools and XCP-ng answer the same operations; calls after API 1.9 are unknown on XCP 1.5', async (t) => {
  const s = await setup(t);
  const methods = await s.session.callAnonymous<string[]>('system.listMethods');
  for (const m of ['VM.pool_migrate', 'Async.VM.pool_migrate', 'VM.snapshot', 'VM.revert', 'VM.set_memory_dynamic_range', 'host.evacuate', 'host.get_vms_which_prevent_evacuation']) assert.ok(methods.includes(m), m);
  assert.deepEqual(await s.refusal(s.session.call('VM.set_memory', ['OpaqueRef:x', '1'])), ['MESSAGE_METHOD_UNKNOWN', 'VM.set_memory']);
});
