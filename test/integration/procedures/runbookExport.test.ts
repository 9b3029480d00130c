// Export Plan as Runbook says exactly what the runner does: each procedure runs for real against the
// simulator (XAPI over HTTP, shell steps over SSH to the simulated dom0s) through executors that note
// every call and command, and the exported script's line for each step is compared with what was sent:
// the same shell command on the same host, the xe command of the same XAPI call on the same object.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { planDeadHostVms, planForgetHost } from '../../../src/procedures/deadHost';
import { planNewMaster } from '../../../src/procedures/masterRecovery';
import { LateArg, type Plan } from '../../../src/procedures/plan';
import { planSrReattach } from '../../../src/procedures/srReattach';
import { planSrResize } from '../../../src/procedures/srResize';
import { planVmFromDisk } from '../../../src/procedures/vmFromDisk';
import { exportRunbook } from '../../../src/procedures/runbookExport';
import { runPlan, type Executors } from '../../../src/procedures/runner';
import { sshExecutors } from '../../../src/procedures/sshExecutor';
import { planUndoVersionOverride, planVersionOverride } from '../../../src/procedures/versionOverride';
import { quote } from '../../../src/shell/quote';
import { Journal } from '../../../src/procedures/journal';
import { journalDocument } from '../../../src/procedures/journalDocument';
import { markdownCode } from '../../../src/text/display';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryHostKeyStore } from '../../../src/ssh';
import type { PoolModel } from '../../../src/model/poolModel';
import { MODEL_CLASSES } from '../../../src/xapi/records';
import { connectPool, control, startSimulator, until, type Simulator } from '../xapi/simulator';

/** The xe command for each XAPI method the procedures call (xe's own names, from its man page). */
const XE: Record<string, string> = {
  'VM.power_state_reset': 'vm-reset-powerstate',
  'host.destroy': 'host-forget',
  'SR.forget': 'sr-forget',
  'pool.disable_ha': 'pool-ha-disable',
  'pool.designate_new_master': 'pool-designate-new-master',
  'host.get_software_version': 'host-param-get',
  'VM.clone': 'vm-clone',
  'VM.remove_from_other_config': 'vm-param-remove',
  'VM.set_is_a_template': 'vm-param-set',
  'VM.set_memory_limits': 'vm-memory-limits-set',
  'VM.set_VCPUs_max': 'vm-param-set',
  'VM.set_VCPUs_at_startup': 'vm-param-set',
  'VM.set_HVM_boot_policy': 'vm-param-set',
  'VM.set_PV_bootloader': 'vm-param-set',
  'VBD.create': 'vbd-create',
  'VM.start': 'vm-start',
  'VM.get_power_state': 'vm-param-get',
  'PBD.unplug': 'pbd-unplug',
  'VBD.destroy': 'vbd-destroy',
  'SR.introduce': 'sr-introduce',
  'PBD.create': 'pbd-create',
  'PBD.plug': 'pbd-plug',
  'SR.scan': 'sr-scan',
  'SR.get_VDIs': 'vdi-list',
  'pool.set_default_SR': 'pool-param-set',
  'SR.get_physical_size': 'sr-param-get',
  'host.emergency_ha_disable': 'host-emergency-ha-disable',
  'pool.emergency_transition_to_master': 'pool-emergency-transition-to-master',
  'pool.recover_slaves': 'pool-recover-slaves',
  'pool.get_default_SR': 'pool-param-get',
};

/** The script runs this line as a statement of its own, or keeps its output for a later step (`result_N=$(…)`). */
const runsInScript = (script: string, command: string): boolean => script.includes(`\n${command}\n`) || new RegExp(`\\nresult_\\d+=\\$\\(`).test(script) && script.includes(`=$(${command})\n`);

type Sent = { kind: 'xapi'; method: string; args: unknown[]; on?: string } | { kind: 'shell'; address: string; command: string };

async function fleet(t: { after(fn: () => unknown): void }) {
  const sim: Simulator = await startSimulator({ dom0: true });
  const pools: { disconnect(): Promise<void> }[] = [];
  const sshs: { close(): void }[] = [];
  t.after(async () => { for (const s of sshs) s.close(); for (const p of pools) await p.disconnect(); await sim.stop(); });
  const open = async (name: string) => {
    const { pool, conn, model } = await connectPool(sim, name);
    pools.push(conn);
    const keys = new Map(pool.hosts.map((h) => [h.address, h.ssh!.hostKeySha256] as const));
    const ssh = sshExecutors(async (host) => ({
      host: host.address, port: sim.fleet.dom0!.port, auth: { username: 'root', agent: false, password: async () => pool.password },
      hostKeys: { store: new MemoryHostKeyStore(), knownHostsFiles: [], confirm: async ({ key }) => key.fingerprint === keys.get(host.address) },
    }));
    sshs.push(ssh);
    return { conn, model, ssh };
  };
  return { sim, open };
}

/** Runs the plan for real, noting what each step sent; then compares the exported runbook with it. */
async function runAndCompare(plan: Plan, model: PoolModel, executors: Executors): Promise<void> {
  assert.equal(plan.refusal, undefined, plan.refusal);
  const uuidOf = new Map<string, string>();
  for (const cls of MODEL_CLASSES) for (const e of model.all(cls)) uuidOf.set(e.ref, e.record.uuid);
  const exported = exportRunbook(plan);
  const sent = new Map<string, Sent[]>();
  let current = '';
  const noting: Executors = {
    xapi: (method, args, signal, on, hooks) => {
      sent.get(current)!.push({ kind: 'xapi', method, args, ...(on ? { on: on.host.address } : {}) });
      return executors.xapi(method, args, signal, on, hooks);
    },
    shell: (host, command, signal, onOutput) => {
      sent.get(current)?.push({ kind: 'shell', address: host.address, command });
      return executors.shell(host, command, signal, onOutput);
    },
  };
  const dir = mkdtempSync(join(tmpdir(), 'xcp-journal-'));
  const journal = new Journal(dir);
  const run = await runPlan(plan, {
    executors: noting, console: { line: () => undefined }, confirmer: { confirm: async () => true }, journal,
    onStep: (step, status) => { if (status === 'running') sent.set((current = step.id), []); },
  });
  assert.equal(run.status, 'done', run.message);
  assert.equal(exported.steps.length, plan.steps.length);
  // The journal entry keeps the runbook, each step with its command and outcome; the journal document shows them.
  const entry = (await journal.entries()).at(-1)!;
  rmSync(dir, { recursive: true, force: true });
  assert.ok(entry.runbook, 'the journal entry keeps its runbook');
  assert.deepEqual(entry.steps.map((s) => s.command), exported.steps.map((e) => e.command));
  for (const e of exported.steps) assert.ok(runsInScript(entry.runbook.script, e.command), `the kept script runs ${e.command}`);
  assert.match(entry.runbook.markdown, /- outcome: \*\*done\*\*/);
  const doc = journalDocument([entry]);
  for (const e of exported.steps) assert.ok(doc.includes(markdownCode(e.command)), `Open Procedure Journal shows step ${e.id}'s command`);
  execFileSync('sh', ['-n'], { input: exported.script }); // POSIX sh parses it (dash on Debian)
  assert.match(exported.script, /^#!\/bin\/sh\nset -eu$|\nset -eu\n/);
  for (const [i, step] of plan.steps.entries()) {
    const e = exported.steps[i];
    assert.equal(e.id, step.id);
    assert.ok(runsInScript(exported.script, e.command), `the script runs step ${i + 1}'s line as exported: ${e.command}`);
    const calls = sent.get(step.id) ?? [];
    if (step.action.kind === 'shell') {
      const shells = calls.filter((c): c is Extract<Sent, { kind: 'shell' }> => c.kind === 'shell');
      assert.equal(shells.length, 1, `step ${step.id} ran one command`);
      assert.equal(e.command, `ssh ${quote(`root@${shells[0].address}`)} ${quote(shells[0].command)}`, `step ${step.id}: the script sends the runner's command to the same host`);
    } else if (step.action.kind === 'xapi') {
      const call = calls.filter((c): c is Extract<Sent, { kind: 'xapi' }> => c.kind === 'xapi' && c.method === (step.action as { method: string }).method).at(-1);
      assert.ok(call, `step ${step.id} called XAPI`);
      const xe = XE[call.method];
      assert.ok(xe, `the test knows the xe command of ${call.method}`);
      if (call.on) {
        // A call XCP Admin sends to one host (a slave-local session): the script runs its xe there, over SSH.
        const m = /^ssh '(root@[^']+)' '(.*)'$/s.exec(e.command);
        assert.ok(m, `step ${step.id}: the xe line runs on the host the call went to: ${e.command}`);
        assert.equal(m[1], `root@${call.on}`);
        assert.match(m[2], new RegExp(`^xe ${xe}( |$)`), `step ${step.id}: ${call.method} is xe ${xe}`);
      } else assert.match(e.command, new RegExp(`^xe ${xe}( |$)`), `step ${step.id}: ${call.method} is xe ${xe}`);
      const first = call.args[0];
      const planned = (step.action as { args: unknown[] }).args[0];
      if (planned instanceof LateArg && planned.stepId !== undefined) {
        // An object an earlier step made: the script names it by that step's output.
        // (or the uuid it has, when the step that made it kept a known uuid, as SR.introduce does).
        const producer = plan.steps.findIndex((p) => p.id === planned.stepId);
        const uuid = typeof first === 'string' ? String(await executors.xapi(`${call.method.split('.')[0]}.get_uuid`, [first], undefined)) : '';
        const named = e.command.includes(`"$result_${producer + 1}"`) && exported.script.includes(`\nresult_${producer + 1}=$(`);
        assert.ok(named || new RegExp(`\\buuid=${uuid}\\b`).test(e.command), `step ${step.id}: the xe line names what step ${producer + 1} made: ${e.command}`);
      } else if (typeof first === 'string' && first.startsWith('OpaqueRef:')) {
        const uuid = uuidOf.get(first);
        assert.ok(uuid, `the object of ${call.method} was in the pool`);
        assert.match(e.command, new RegExp(`\\buuid=${uuid}\\b`), `step ${step.id}: the xe line names the object the runner called ${call.method} on`);
      }
    }
  }
}

test('exported runbooks do what the runner does: H6, H5 (HA on, local SRs), H4 hand-over and emergency path, H2 present and undo', { timeout: 240_000 }, async (t) => {
  const f = await fleet(t);
  const generic = await f.open('Generic');
  const xapiOnly: Executors = { xapi: (m, a) => generic.conn.call(m, a), shell: generic.ssh.shell };

  // H2, both ways, on a live host (shell steps over SSH, XAPI read-back).
  const h2host = generic.model.hosts().find((h) => h.record.name_label === 'vms-gen-02')!;
  await runAndCompare(planVersionOverride(generic.model, h2host.ref, 'file'), generic.model, xapiOnly);
  await until('the model sees 6.0.99', () => generic.model.get('host', h2host.ref)?.software_version.product_version === '6.0.99', 30_000);
  await runAndCompare(planUndoVersionOverride(generic.model, h2host.ref), generic.model, xapiOnly);

  // H6 then H5 on a dead slave, with HA on.
  const victim = generic.model.hosts().find((h) => !generic.model.isMaster(h.ref) && generic.model.residentVms(h.ref).length > 1)!;
  await control(f.sim, 'host/down', { host: victim.record.uuid });
  await control(f.sim, 'pool/ha', { pool: 'Generic', enabled: true });
  await until('dead, HA on', () => !generic.model.isHostLive(victim.ref) && generic.model.pool().record.ha_enabled);
  await runAndCompare(planDeadHostVms(generic.model, victim.ref, [generic.model.residentVms(victim.ref)[0].ref]), generic.model, xapiOnly);
  await until('the model sees the VM halted', () => generic.model.residentVms(victim.ref).length > 0);
  await runAndCompare(planForgetHost(generic.model, victim.ref), generic.model, xapiOnly);

  // H4, the planned hand-over, on another pool.
  const security = await f.open('Security');
  const other = security.model.hosts().find((h) => !security.model.isMaster(h.ref))!;
  await runAndCompare(planNewMaster(security.model, other.ref, undefined), security.model, { xapi: (m, a) => security.conn.call(m, a), shell: security.ssh.shell });

  // H4's emergency path on BL0: its master dies, a slave is made master over slave-local sessions.
  const bl0 = await f.open('BL0');
  const master = bl0.model.master()!;
  const slave = bl0.model.hosts().find((h) => h.ref !== master.ref)!;
  await control(f.sim, 'host/down', { host: master.record.uuid });
  await until('the master found silent', () => bl0.conn.state.kind === 'connected' && bl0.conn.state.masterLost !== undefined, 30_000);
  const lost = (bl0.conn.state as { masterLost: Parameters<typeof planNewMaster>[2] }).masterLost;
  const emergency = await bl0.conn.callOn<boolean>(slave.record.address, 'host.is_in_emergency_mode', [], { slaveLocal: true });
  const onHost: Executors = {
    xapi: (m, a, _s, on) => (on ? bl0.conn.callOn(on.host.address, m, a, { slaveLocal: on.session === 'slave-local' }) : bl0.conn.call(m, a)),
    shell: bl0.ssh.shell,
  };
  await runAndCompare(planNewMaster(bl0.model, slave.ref, lost, { inEmergencyMode: emergency, detail: 'in emergency mode' }), bl0.model, onHost);
});

test('exported runbooks do what the runner does: S2 a VM from a disk, S3 forget and re-attach, S4 grow an FC SR', { timeout: 300_000 }, async (t) => {
  const f = await fleet(t);
  const generic = await f.open('Generic');
  const executors: Executors = { xapi: (m, a) => generic.conn.call(m, a), shell: generic.ssh.shell };

  // S2's last step: a VM made around a disk no VM uses.
  const spare = generic.model.all('VDI').find((v) => generic.model.vmsUsing(v.ref).length === 0 && generic.model.get('SR', v.record.SR)?.shared)!;
  await runAndCompare(planVmFromDisk(generic.model, spare.ref, { name: 'from-the-runbook', memoryMiB: 512, vcpus: 1, start: true }), generic.model, executors);

  // S3's last resort on an SR whose VMs are shut down first.
  const iscsi = generic.model.all('SR').find((s) => s.record.type === 'lvmoiscsi')!;
  const users = new Set(generic.model.vdisOf(iscsi.ref).flatMap((v) => generic.model.vmsUsing(v.ref)).filter((v) => v.record.power_state === 'Running').map((v) => v.ref));
  for (const vm of users) await generic.conn.call('VM.hard_shutdown', [vm]);
  await until('the VMs halted', () => [...users].every((vm) => generic.model.get('VM', vm)?.power_state === 'Halted'));
  await runAndCompare(planSrReattach(generic.model, iscsi.ref), generic.model, executors);

  // S4 on BL0's five hosts: shell steps over SSH to each, then pvresize and the scan.
  const bl0 = await f.open('BL0');
  const fc = bl0.model.all('SR').find((s) => s.record.type === 'lvmohba')!;
  await control(f.sim, 'lun/grow', { sr: fc.record.uuid, size: fc.record.physical_size + 1024 ** 4 });
  await runAndCompare(planSrResize(bl0.model, fc.ref), bl0.model, { xapi: (m, a) => bl0.conn.call(m, a), shell: bl0.ssh.shell });
});
