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
import { planHttpImport, planImportTarget, planRawWrite } from '../../../src/procedures/rawImport';
import { planSrRepair } from '../../../src/procedures/srRepair';
import { planGuestTools } from '../../../src/procedures/guestTools';
import { planVmPower } from '../../../src/procedures/vmPower';
import { planMigrate } from '../../../src/procedures/vmMigrate';
import { planDeleteSnapshot, planRevert, planTakeSnapshot } from '../../../src/procedures/snapshots';
import { planSetMemory } from '../../../src/procedures/vmMemory';
import { planEnterMaintenance, planExitMaintenance } from '../../../src/procedures/maintenanceMode';
import { PRESENTED_VERSION } from '../../../src/model/xenCenterVersion';
import { uploadFromSource } from '../../../src/procedures/uploadFromSource';
import type { ByteSource } from '../../../src/procedures/plan';
import type { Ref } from '../../../src/xapi/records';
import type { XapiError } from '../../../src/xapi/errors';
import { exportRunbook } from '../../../src/procedures/runbookExport';
import { runPlan, type Executors, type RunResult } from '../../../src/procedures/runner';
import { sourceSize, sshExecutors } from '../../../src/procedures/sshExecutor';
import { planUndoVersionOverride, planVersionOverride } from '../../../src/procedures/versionOverride';
import { quote } from '../../../src/shell/quote';
import { Journal } from '../../../src/procedures/journal';
import { journalDocument } from '../../../src/procedures/journalDocument';
import { markdownCode, markdownProse } from '../../../src/text/display';
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
  'VDI.create': 'vdi-create',
  'VDI.destroy': 'vdi-destroy',
  'VM_guest_metrics.get_PV_drivers_version': 'vm-param-get',
  'VM.snapshot': 'vm-snapshot',
  'VM.snapshot_with_quiesce': 'vm-snapshot-with-quiesce',
  'VM.revert': 'snapshot-revert',
  'VM.destroy': 'snapshot-destroy',
  'VM.set_memory_dynamic_range': 'vm-memory-dynamic-range-set',
  'VM.pool_migrate': 'vm-migrate',
  'VM.clean_shutdown': 'vm-shutdown',
  'VM.hard_shutdown': 'vm-shutdown',
  'VM.clean_reboot': 'vm-reboot',
  'VM.start_on': 'vm-start',
  'host.disable': 'host-disable',
  'host.enable': 'host-enable',
  'host.evacuate': 'host-evacuate',
  'host.add_to_other_config': 'host-param-set',
  'host.remove_from_other_config': 'host-param-remove',
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
    const keys = new Map([...pool.hosts.map((h) => [h.address, h.ssh!.hostKeySha256] as const), ...(pool.guests ?? []).map((g) => [g.address, g.ssh.hostKeySha256] as const)]);
    const ssh = sshExecutors(async (host) => ({
      host: host.address, port: sim.fleet.dom0!.port, auth: { username: 'root', agent: false, password: async () => pool.password },
      hostKeys: { store: new MemoryHostKeyStore(), knownHostsFiles: [], confirm: async ({ key }) => key.fingerprint === keys.get(host.address) },
    }));
    sshs.push(ssh);
    return { pool, conn, model, ssh };
  };
  return { sim, open };
}

/** Runs the plan for real, noting what each step sent; then compares the exported runbook with it. */
/** The commands the simulated dom0s received (the sshd's own log of exec requests), from `from` on. */
type Dom0Log = readonly { address: string; command: string }[];

async function runAndCompare(plan: Plan, model: PoolModel, executors: Executors, dom0?: Dom0Log): Promise<RunResult> {
  assert.equal(plan.refusal, undefined, plan.refusal);
  const uuidOf = new Map<string, string>();
  for (const cls of MODEL_CLASSES) for (const e of model.all(cls)) uuidOf.set(e.ref, e.record.uuid);
  // xe reads a VM's guest metrics through the VM: the object of such a call is the VM.
  for (const vm of model.all('VM')) if (vm.record.guest_metrics && vm.record.guest_metrics !== 'OpaqueRef:NULL') uuidOf.set(vm.record.guest_metrics, vm.record.uuid);
  const exported = exportRunbook(plan);
  const sent = new Map<string, Sent[]>();
  const received = new Map<string, number>(); // the dom0 log's length when each step started
  const uploads = new Map<string, { vdi: string; host: string }>();
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
    ...(executors.relay ? { relay: executors.relay } : {}),
    ...(executors.checksum ? { checksum: executors.checksum } : {}),
    ...(executors.upload ? {
      upload: async (action, signal, onProgress) => {
        const r = await executors.upload!(action, signal, onProgress);
        uploads.set(current, { vdi: action.vdi.ref, host: (r as { host?: string }).host ?? '' });
        return r;
      },
    } : {}),
  };
  const dir = mkdtempSync(join(tmpdir(), 'xcp-journal-'));
  const journal = new Journal(dir);
  const run = await runPlan(plan, {
    executors: noting, console: { line: () => undefined }, confirmer: { confirm: async () => true }, journal,
    onStep: (step, status) => { if (status === 'running') { sent.set((current = step.id), []); received.set(step.id, dom0?.length ?? 0); } },
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
    const next = plan.steps[i + 1];
    const onDom0 = dom0 ? dom0.slice(received.get(step.id), next ? received.get(next.id) : undefined) : [];
    const a = step.action;
    if (a.kind === 'relay' || a.kind === 'checksum' || a.kind === 'upload') {
      // Byte steps: the commands the hosts' sshd received for this step, each in the script as `ssh root@host 'command'`, in order.
      assert.ok(dom0, 'byte steps are compared with the dom0s\' log');
      const byHost = (address: string) => onDom0.filter((c) => c.address === address).map((c) => c.command);
      const parts: string[] = [];
      if (a.source.kind === 'ssh') {
        const src = byHost(a.source.host.address);
        assert.equal(src.length, 1, `step ${step.id}: one command ran on the source host`);
        parts.push(`ssh ${quote(`root@${a.source.host.address}`)} ${quote(src[0])}`);
      } else if (a.kind !== 'checksum') parts.push(`cat ${quote(a.source.path)}`); // a local file's checksum is read by XCP Admin itself
      if (a.kind !== 'upload') {
        const tgt = byHost(a.target.host.address);
        assert.equal(tgt.length, 1, `step ${step.id}: one command ran on the target host`);
        parts.push(`ssh ${quote(`root@${a.target.host.address}`)} ${quote(tgt[0])}`);
      }
      assert.equal(onDom0.length, parts.filter((x) => x.startsWith('ssh ')).length, `step ${step.id}: no other command ran: ${JSON.stringify(onDom0)}`);
      let at = 0;
      for (const part of parts) {
        const found = e.command.indexOf(part, at);
        assert.ok(found >= 0, `step ${step.id}: the script runs ${part}, in the runner's order: ${e.command}`);
        at = found + part.length;
      }
      if (a.kind === 'relay') assert.equal(e.command, parts.join(' | '), `step ${step.id}: the relay is the source piped into the target`);
      if (a.kind === 'upload') {
        const put = uploads.get(step.id);
        assert.ok(put, `step ${step.id} uploaded`);
        const uuid = uuidOf.get(put.vdi);
        assert.ok(uuid, 'the VDI the runner wrote is in the pool');
        if (a.xe === 'curl') {
          assert.ok(e.command.includes(`'http://127.0.0.1/import_raw_vdi?vdi=${uuid}&format=raw'`), `step ${step.id}: curl PUTs to the handler the runner used, for the same VDI: ${e.command}`);
          assert.ok(e.command.includes(`--header 'Content-Length: ${a.bytes}'`), `step ${step.id}: the length is given (no chunked body)`);
          assert.equal(put.host, model.master()!.record.address, 'the runner\'s PUT went to the master, as the script\'s curl does');
        } else assert.ok(e.command.endsWith(` | xe vdi-import uuid=${uuid} filename=/dev/stdin format=raw`), `step ${step.id}: xe vdi-import into the VDI the runner wrote: ${e.command}`);
      }
      continue;
    }
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
  // The Markdown names the same steps, in the same order.
  const headings = [...exported.markdown.matchAll(/^### (\d+)\. (.*)$/gm)];
  assert.deepEqual(headings.map((h) => Number(h[1])), plan.steps.map((_, i) => i + 1), 'the Markdown has a heading per step, in order');
  for (const [i, step] of plan.steps.entries()) assert.equal(headings[i][2], markdownProse(step.title), `step ${i + 1}'s heading is its title`);
  return run;
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

test('exported runbooks do what the runner does: S2 the import itself (dd relay, import_raw_vdi upload, checksums), S3 the repair', { timeout: 300_000 }, async (t) => {
  const f = await fleet(t);
  const piet = await f.open('Piet');
  const log = f.sim.dom0Executed!;
  const executors: Executors = {
    xapi: (m, a) => piet.conn.call(m, a), shell: piet.ssh.shell, relay: piet.ssh.relay, checksum: piet.ssh.checksum,
    upload: async (action, signal, onProgress) => uploadFromSource(piet.ssh.openSource, await piet.conn.httpAccess(), action, signal, onProgress),
  };
  // An 8 MiB image in a file whose name needs quoting, on one host of the pool; written from another.
  const [srcHost, writer] = piet.model.hosts().filter((h) => !piet.model.isMaster(h.ref));
  const sourceHost = { name: srcHost.record.name_label, uuid: srcHost.record.uuid, address: srcHost.record.address };
  const source: ByteSource = { kind: 'ssh', host: sourceHost, path: "/root/images/old disk's.img" };
  const made = await piet.ssh.shell(sourceHost, `mkdir -p /root/images && dd if=/dev/urandom of=${quote(source.path)} bs=1M count=8 2>/dev/null`, undefined, () => undefined);
  assert.equal(made.code, 0, made.stderr);
  const bytes = await sourceSize(piet.ssh, source);

  // The runbook's way: a raw VDI on the FC SR, then dd relayed into its LV (activated, written, checksummed, deactivated).
  const fc = piet.model.all('SR').find((s) => s.record.type === 'lvmohba')!;
  const created = await runAndCompare(planImportTarget(piet.model, fc.ref, 'from the runbook', bytes, source), piet.model, executors, log);
  const vdiRef = created.steps[0].output as Ref<'VDI'>;
  await until('the model has the VDI', () => piet.model.get('VDI', vdiRef) !== undefined);
  const write = planRawWrite(piet.model, vdiRef, source, bytes, writer.ref);
  assert.ok(write.steps.some((s) => s.action.kind === 'relay') && write.steps.some((s) => s.action.kind === 'checksum'), 'the write relays and checksums');
  await runAndCompare(write, piet.model, executors, log);

  // XAPI's way, into the VHD-based NFS SR: this XCP 1.5 pool's xe cannot read a pipe, so the script has curl.
  const nfs = piet.model.all('SR').find((s) => s.record.type === 'nfs')!;
  const viaHttp = await runAndCompare(planImportTarget(piet.model, nfs.ref, 'via import_raw_vdi', bytes, source, 'http'), piet.model, executors, log);
  const nfsVdi = viaHttp.steps[0].output as Ref<'VDI'>;
  await until('the model has the NFS VDI', () => piet.model.get('VDI', nfsVdi) !== undefined);
  const upload = planHttpImport(piet.model, nfsVdi, source, bytes, writer.ref);
  assert.equal(upload.steps[0].action.kind === 'upload' && upload.steps[0].action.xe, 'curl', 'XCP 1.5 (API 1.9): curl, not xe vdi-import');
  await runAndCompare(upload, piet.model, executors, log);
  // A current pool (XCP-ng 8.3, API 2.21): its xe reads the pipe, so the script has xe vdi-import.
  const lab = await f.open('Lab');
  const spare = lab.model.all('VDI').find((v) => lab.model.vmsUsing(v.ref).length === 0 && v.record.virtual_size >= bytes && !v.record.read_only && lab.model.get('SR', v.record.SR)?.content_type !== 'iso')!;
  const current = planHttpImport(lab.model, spare.ref, source, bytes);
  assert.equal(current.refusal, undefined, current.refusal);
  assert.equal(current.steps[0].action.kind === 'upload' && current.steps[0].action.xe, 'vdi-import');
  assert.match(exportRunbook(current).steps[0].command, new RegExp(` \\| xe vdi-import uuid=${spare.record.uuid} filename=/dev/stdin format=raw$`));

  // S3: a raw write into a VHD LV broke the FC SR's scan; the repair removes exactly that LV after a metadata backup.
  const victim = piet.model.vdisOf(fc.ref).find((v) => piet.model.vdiFormat(v.ref) === 'vhd')!;
  const device = `/dev/VG_XenStorage-${fc.record.uuid}/VHD-${victim.record.uuid}`;
  const writerHost = { name: writer.record.name_label, uuid: writer.record.uuid, address: writer.record.address };
  await piet.ssh.shell(writerHost, `dd if=/dev/urandom of=${device} bs=1M count=2 conv=notrunc 2>/dev/null`, undefined, () => undefined);
  const scanError = await piet.conn.call('SR.scan', [fc.ref]).then(() => undefined, (e: XapiError) => `${e.code} ${e.params.join(' ')}`);
  assert.ok(scanError, 'the scan fails before the repair');
  const entries = [{
    procedure: 'S2', title: 'Import a raw disk image: write the bytes', target: { kind: 'VDI' as const, name: victim.record.name_label, uuid: victim.record.uuid },
    started: '2012-03-01T10:00:00.000Z', ended: '2012-03-01T10:05:00.000Z', status: 'done' as const, message: '', steps: [],
    extra: { wrote: device, sr: fc.record.uuid, source: 'old-host:/images/x.img' },
  }];
  await runAndCompare(planSrRepair(piet.model, fc.ref, scanError, entries), piet.model, executors, log);
});

test('exported runbooks do what the runner does: H3 on a Linux guest over SSH, and on a Windows guest (the .cmd, then the read-back)', { timeout: 240_000 }, async (t) => {
  const f = await fleet(t);
  const generic = await f.open('Generic');
  const old = (model: PoolModel, uuid: string) => {
    const v = model.all('VM').find((x) => x.record.uuid === uuid);
    return v ? model.get('VM_guest_metrics', v.record.guest_metrics)?.PV_drivers_version.micro !== '99' : false;
  };
  const guest = generic.pool.guests!.find((g) => old(generic.model, g.uuid) && planGuestTools(generic.model, generic.model.all('VM').find((v) => v.record.uuid === g.uuid)!.ref).refusal === undefined)!;
  assert.ok(guest, 'Generic has a reachable Linux guest with old tools');
  const linux = generic.model.all('VM').find((v) => v.record.uuid === guest.uuid)!;
  const linuxPlan = planGuestTools(generic.model, linux.ref);
  assert.ok(linuxPlan.steps.some((s) => s.action.kind === 'shell' && s.action.host.address === guest.address), 'shell steps go to the guest');
  await runAndCompare(linuxPlan, generic.model, { xapi: (m, a) => generic.conn.call(m, a), shell: generic.ssh.shell }, f.sim.dom0Executed!);

  const piet = await f.open('Piet');
  const win = piet.model.all('VM').find((v) => {
    const g = piet.model.get('VM_guest_metrics', v.record.guest_metrics);
    return v.record.power_state === 'Running' && g && /windows/i.test(g.os_version.distro ?? '') && g.PV_drivers_version.micro !== '99';
  })!;
  const winPlan = planGuestTools(piet.model, win.ref as Ref<'VM'>);
  assert.equal(winPlan.refusal, undefined, winPlan.refusal);
  // The exported runbook carries the .cmd the admin runs in the guest, as the editor opens it.
  const exported = exportRunbook(winPlan);
  const cmd = winPlan.guestScript;
  assert.ok(cmd, 'the Windows plan carries its .cmd');
  for (const line of cmd.text.split('\r\n').filter((l) => l)) {
    assert.ok(exported.markdown.includes(`- ${markdownCode(line)}`), `the Markdown shows the .cmd line ${line}`);
    assert.ok(exported.script.includes(`\n#   ${line}\n`), `the script shows the .cmd line ${line} as a comment`);
  }
  // The admin runs it; the guest's agent reports the new version (as the simulated guest would).
  const [major, minor, micro] = PRESENTED_VERSION.split('.');
  const vm = f.sim.state.findByUuid(win.record.uuid)!;
  const gm = vm.pool.getOf('VM_guest_metrics', vm.obj.record.guest_metrics as string)!;
  vm.pool.update(gm, { PV_drivers_version: { ...(gm.record.PV_drivers_version as Record<string, string>), major, minor, micro } });
  await runAndCompare(winPlan, piet.model, { xapi: (m, a) => piet.conn.call(m, a), shell: piet.ssh.shell }, f.sim.dom0Executed!);
});

test('exported runbooks do what the runner does: the daily operations (snapshot, memory, migrate, power, revert, delete snapshot, maintenance mode)', { timeout: 240_000 }, async (t) => {
  const f = await fleet(t);
  const g = await f.open('Generic');
  const ex: Executors = { xapi: (m, a) => g.conn.call(m, a), shell: g.ssh.shell };
  const live = g.model.hosts().filter((h) => g.model.isHostLive(h.ref));
  const vm = g.model.all('VM').find((v) => v.record.power_state === 'Running' && !v.record.is_control_domain && !v.record.is_a_template && g.model.get('VM_guest_metrics', v.record.guest_metrics) && live.some((h) => h.ref !== v.record.resident_on))!;
  const rec = () => g.model.get('VM', vm.ref)!;

  const snap = await runAndCompare(planTakeSnapshot(g.model, vm.ref, 'before the change', false), g.model, ex);
  const snapRef = snap.steps[0].output as Ref<'VM'>;
  await until('the model has the snapshot', () => g.model.get('VM', snapRef) !== undefined);
  const mib = 1024 * 1024;
  const max = rec().memory_static_max;
  const min = Math.max(rec().memory_static_min, Math.floor(max / 2 / mib) * mib);
  await runAndCompare(planSetMemory(g.model, vm.ref, min === rec().memory_dynamic_min ? min + mib : min, max), g.model, ex);
  const other = live.find((h) => h.ref !== rec().resident_on)!;
  await runAndCompare(planMigrate(g.model, vm.ref, other.ref), g.model, ex);
  await until('the model sees it moved', () => rec().resident_on === other.ref);
  await runAndCompare(planVmPower(g.model, [vm.ref], 'clean_shutdown'), g.model, ex);
  await until('the model sees it halted', () => rec().power_state === 'Halted');
  await runAndCompare(planVmPower(g.model, [vm.ref], 'start'), g.model, ex);
  await until('the model sees it running', () => rec().power_state === 'Running');
  await runAndCompare(planRevert(g.model, snapRef), g.model, ex);
  await until('the snapshot still there', () => g.model.get('VM', snapRef) !== undefined);
  await runAndCompare(planDeleteSnapshot(g.model, snapRef), g.model, ex);

  // Maintenance mode on a slave whose VMs can all move (XAPI's own answer, as the editor asks it), and back.
  let slave: (typeof live)[number] | undefined;
  for (const h of live.filter((x) => !g.model.isMaster(x.ref))) {
    const problems = await g.conn.call<Record<string, string[]>>('host.get_vms_which_prevent_evacuation', [h.ref]);
    if (Object.keys(problems).length === 0) { slave = h; break; }
  }
  assert.ok(slave, 'Generic has a slave whose VMs can all move');
  await runAndCompare(planEnterMaintenance(g.model, slave.ref, {}), g.model, ex);
  await until('the model sees it disabled', () => g.model.get('host', slave.ref)?.enabled === false);
  await runAndCompare(planExitMaintenance(g.model, slave.ref), g.model, ex);
});
