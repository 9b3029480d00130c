// S2's last step against the simulator: a spare raw VDI of Piet's FC SR becomes the boot disk of a new
// PV VM made from the "Other install media" template, which then runs on a host that sees the SR; the
// same disk is refused for a second VM.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runPlan, type Executors } from '../../../src/procedures/runner';
import { planVmFromDisk } from '../../../src/procedures/vmFromDisk';
import type { Ref } from '../../../src/xapi/records';
import { connectPool, startSimulator } from '../xapi/simulator';

test('S2 last step: a VM made with the imported disk boots PV from it and runs; the disk is not given to a second VM', async (t) => {
  const sim = await startSimulator();
  const { conn, model } = await connectPool(sim, 'Piet');
  t.after(async () => { await conn.disconnect(); await sim.stop(); });
  const fc = model.all('SR').find((s) => s.record.name_label === 'Compellent FC piet-1')!;
  const vdiRef = (await conn.call('VDI.create', [{ name_label: 'rooier.img', name_description: '', SR: fc.ref, virtual_size: String(4 * 1024 ** 3), type: 'user', sharable: false, read_only: false, other_config: {}, sm_config: { type: 'raw' }, xenstore_data: {}, tags: [] }])) as Ref<'VDI'>;
  for (let i = 0; i < 100 && !model.get('VDI', vdiRef); i++) await new Promise((r) => setTimeout(r, 50));

  const bad = planVmFromDisk(model, vdiRef, { name: 'rooier', memoryMiB: 10, vcpus: 1, start: true });
  assert.match(bad.refusal ?? '', /Memory/);

  const plan = planVmFromDisk(model, vdiRef, { name: 'rooier', memoryMiB: 1024, vcpus: 2, start: true });
  assert.equal(plan.refusal, undefined, plan.refusal);
  const lines: string[] = [];
  const executors: Executors = { xapi: (method, args) => conn.call(method, args), shell: async () => { throw new Error('no shell step expected'); } };
  const run = await runPlan(plan, { executors, console: { line: (l) => void lines.push(l) }, confirmer: { confirm: async () => false } });
  assert.equal(run.status, 'done', `${run.message}\n${lines.join('\n')}`);

  // Read back through XAPI.
  const vmRef = run.steps.find((s) => s.id === 'clone')!.output!;
  const vm = (await conn.call('VM.get_record', [vmRef])) as Record<string, unknown>;
  assert.equal(vm.name_label, 'rooier');
  assert.equal(vm.is_a_template, false);
  assert.equal(vm.power_state, 'Running');
  assert.equal(vm.PV_bootloader, 'pygrub');
  assert.equal(vm.HVM_boot_policy, '');
  assert.equal(Number(vm.memory_static_max), 1024 * 1024 * 1024);
  assert.equal(Number(vm.VCPUs_at_startup), 2);
  assert.equal(String((vm.other_config as Record<string, string>).disks ?? ''), '', 'no template disk recipe left');
  const vbds = vm.VBDs as string[];
  assert.equal(vbds.length, 1, 'the imported disk is its only disk');
  const vbd = (await conn.call('VBD.get_record', [vbds[0]])) as Record<string, unknown>;
  assert.equal(vbd.VDI, vdiRef);
  assert.equal(vbd.bootable, true);
  assert.equal(vbd.userdevice, '0');
  assert.equal(vbd.currently_attached, true);
  const host = vm.resident_on as string;
  const pbds = (await conn.call('SR.get_PBDs', [fc.ref])) as string[];
  const hostsWithSr = await Promise.all(pbds.map((p) => conn.call('PBD.get_host', [p])));
  assert.ok(hostsWithSr.includes(host), 'it runs on a host that has the SR');

  for (let i = 0; i < 100 && model.vmsUsing(vdiRef).length === 0; i++) await new Promise((r) => setTimeout(r, 50));
  const again = planVmFromDisk(model, vdiRef, { name: 'rooier 2', memoryMiB: 512, vcpus: 1, start: false });
  assert.match(again.refusal ?? '', /already a disk of rooier/);
});
