// S3's last resort against the simulator: Piet's FC SR is forgotten and attached again under the same
// uuid on all 16 hosts, never formatted: its VDIs come back with their uuids and names, the VMs get
// their disk slots back, the pool's default SR points at it again. Refused while a VM runs on it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Journal } from '../../../src/procedures/journal';
import { preview } from '../../../src/procedures/plan';
import { runPlan, type Executors } from '../../../src/procedures/runner';
import { diskSlotsOf, planSrReattach } from '../../../src/procedures/srReattach';
import { connectPool, control, startSimulator, until } from '../xapi/simulator';

test('S3 fallback: an FC SR forgotten and attached again on 16 hosts keeps its VDIs, the VMs get their disks back', async (t) => {
  const sim = await startSimulator();
  const { conn, model } = await connectPool(sim, 'Piet');
  const dir = mkdtempSync(join(tmpdir(), 'xcp-journal-'));
  t.after(async () => { await conn.disconnect(); await sim.stop(); rmSync(dir, { recursive: true, force: true }); });
  const sr = model.all('SR').find((s) => s.record.name_label === 'Compellent FC piet-1')!;
  const before = {
    uuid: sr.record.uuid,
    size: sr.record.physical_size,
    vdis: new Map(model.vdisOf(sr.ref).map((v) => [v.record.uuid, v.record.name_label])),
    pbds: new Map<string, Record<string, string>>(model.pbdsOf(sr.ref).map((p) => [p.host!.record.uuid as string, p.record.device_config])),
    slots: diskSlotsOf(model, sr.ref).map((s) => `${s.vm.uuid} ${s.userdevice} ${s.vdi.uuid} ${s.bootable} ${s.mode}`).sort(),
    wasDefault: model.pool().record.default_SR === sr.ref,
  };
  assert.equal(before.pbds.size, 16);
  assert.ok(before.slots.length > 0, 'VMs have disks on the SR');

  // Running VMs use it: refused, naming them.
  const running = [...new Map(diskSlotsOf(model, sr.ref).filter((s) => model.get('VM', s.vm.ref)?.power_state === 'Running').map((s) => [s.vm.uuid, s.vm])).values()];
  assert.ok(running.length > 0);
  const refused = planSrReattach(model, sr.ref);
  assert.match(refused.refusal ?? '', /shut .* down first/);
  assert.ok(refused.refusal!.includes(running[0].name), refused.refusal);

  for (const vm of running) await conn.call('VM.hard_shutdown', [vm.ref]);
  await until('the model sees the VMs halted', () => running.every((vm) => model.get('VM', vm.ref)?.power_state === 'Halted'));

  const plan = planSrReattach(model, sr.ref);
  assert.equal(plan.refusal, undefined, plan.refusal);
  assert.ok(!plan.steps.some((s) => s.action.kind === 'xapi' && s.action.method === 'SR.create'), 'never SR.create');
  assert.match(preview(plan), /under the confirmation of step 17/);
  const asked: string[] = [];
  const lines: string[] = [];
  const executors: Executors = { xapi: (method, args) => conn.call(method, args), shell: async () => { throw new Error('no shell step expected'); } };
  const journal = new Journal(dir);
  const run = await runPlan(plan, { executors, console: { line: (l) => void lines.push(l) }, confirmer: { confirm: async (step) => (asked.push(step.title), true) }, journal });
  assert.equal(run.status, 'done', `${run.message}\n${lines.join('\n')}`);
  assert.equal(asked.length, 1, 'one confirmation (typed name) covers every destructive step');

  // Read back through XAPI: the SR under the same uuid, plugged everywhere with the old device_config.
  const srRef = (await conn.call('SR.get_by_uuid', [before.uuid])) as string;
  assert.notEqual(srRef, sr.ref, 'a new record');
  const rec = (await conn.call('SR.get_record', [srRef])) as { physical_size: string | number; PBDs: string[]; VDIs: string[] };
  assert.equal(Number(rec.physical_size), before.size);
  assert.equal(rec.PBDs.length, 16);
  for (const pbdRef of rec.PBDs) {
    const pbd = (await conn.call('PBD.get_record', [pbdRef])) as { host: string; currently_attached: boolean; device_config: Record<string, string> };
    const hostUuid = (await conn.call('host.get_uuid', [pbd.host])) as string;
    assert.equal(pbd.currently_attached, true);
    assert.deepEqual(pbd.device_config, before.pbds.get(hostUuid));
  }
  const after = new Map<string, string>();
  for (const vdiRef of rec.VDIs) {
    const v = (await conn.call('VDI.get_record', [vdiRef])) as { uuid: string; name_label: string };
    after.set(v.uuid, v.name_label);
  }
  assert.deepEqual(after, before.vdis, 'every VDI back under its uuid and name');
  await until('the model follows', () => model.get('SR', srRef as never) !== undefined && diskSlotsOf(model, srRef as never).length === before.slots.length);
  assert.deepEqual(diskSlotsOf(model, srRef as never).map((s) => `${s.vm.uuid} ${s.userdevice} ${s.vdi.uuid} ${s.bootable} ${s.mode}`).sort(), before.slots);
  if (before.wasDefault) assert.equal(await conn.call('pool.get_default_SR', [model.pool().ref]), srRef);
  const entry = (await journal.entries()).at(-1)!;
  assert.equal(entry.procedure, 'S3b');
  assert.equal(entry.status, 'done');
  assert.equal((entry.extra?.slots as unknown[]).length, before.slots.length);
  assert.ok(lines.some((l) => l.startsWith('$ xe sr-introduce uuid=' + before.uuid)), 'the terminal reads like the runbook');
});

test('S3 fallback refused while a host with a PBD is dead (its PBD could not be plugged again)', async (t) => {
  const sim = await startSimulator();
  const { pool: generic, conn, model } = await connectPool(sim, 'Generic');
  t.after(async () => { await conn.disconnect(); await sim.stop(); });
  const sr = model.sharedSrs()[0];
  const slave = generic.hosts.find((h) => h.address !== new URL(generic.url).hostname)!;
  await control(sim, 'host/down', { host: slave.uuid });
  await until('the model sees the slave dead', () => !model.isHostLive(model.hosts().find((h) => h.record.uuid === slave.uuid)!.ref));
  const plan = planSrReattach(model, sr.ref);
  assert.match(plan.refusal ?? '', new RegExp(`${slave.name} is not live`));
  assert.equal(plan.steps.length, 0);
});
