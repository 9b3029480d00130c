// H2 and H3 against the simulator: shell steps run over real SSH (src/ssh through the procedures' SSH
// executor) in the simulated dom0s and guests, XAPI steps through a real session; the results are read
// back through XAPI (host.software_version, VM_guest_metrics.PV_drivers_version).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PoolConnection, type TlsTrust } from '../../../src/model/poolConnection';
import type { PoolModel } from '../../../src/model/poolModel';
import { planGuestTools, windowsToolsScript } from '../../../src/procedures/guestTools';
import { Journal } from '../../../src/procedures/journal';
import { runPlan, type Executors } from '../../../src/procedures/runner';
import { sshExecutors } from '../../../src/procedures/sshExecutor';
import { planUndoVersionOverride, planVersionOverride } from '../../../src/procedures/versionOverride';
import { MemoryHostKeyStore } from '../../../src/ssh';
import { sh } from '../../../src/shell/quote';
import { terminalLine } from '../../../src/text/terminal';
import type { Ref } from '../../../src/xapi/records';
import { poolNamed, startSimulator, until, type Simulator } from '../xapi/simulator';

const noTls: TlsTrust = { pinned: () => undefined, confirm: async () => false, pin: async () => undefined };

async function setup(t: { after(fn: () => unknown): void }, poolName = 'Generic') {
  const sim: Simulator = await startSimulator({ dom0: true });
  const pool = poolNamed(sim, poolName);
  const conn = new PoolConnection({ name: pool.name, url: pool.url, username: 'root', password: async () => pool.password, tls: noTls }, { eventTimeoutSeconds: 1 });
  await conn.connect();
  const model = (conn.state as { model: PoolModel }).model;
  const keys = new Map([...pool.hosts.map((h) => [h.address, h.ssh!.hostKeySha256] as const), ...(pool.guests ?? []).map((g) => [g.address, g.ssh.hostKeySha256] as const)]);
  const ssh = sshExecutors(async (host) => ({
    host: host.address,
    port: sim.fleet.dom0!.port,
    auth: { username: 'root', agent: false, password: async () => pool.password },
    hostKeys: { store: new MemoryHostKeyStore(), knownHostsFiles: [], confirm: async ({ key }) => key.fingerprint === keys.get(host.address) },
  }));
  const dir = mkdtempSync(join(tmpdir(), 'xcp-journal-'));
  t.after(async () => { ssh.close(); await conn.disconnect(); await sim.stop(); rmSync(dir, { recursive: true, force: true }); });
  const executors: Executors = { xapi: (method, args) => conn.call(method, args), shell: ssh.shell };
  const lines: string[] = [];
  return { sim, pool, conn, model, executors, lines, console: { line: (s: string) => void lines.push(s) }, journal: new Journal(dir) };
}

const yes = { confirm: async () => true };

for (const method of ['binary', 'file'] as const) {
  test(`H2 (${method}): the host reports 6.0.99 after the xapi restart; undo brings its own version back`, async (t) => {
    const s = await setup(t);
    const host = s.model.hosts().find((h) => h.record.name_label === 'vms-gen-02')!;
    assert.equal(host.record.software_version.product_version, '1.4.90');
    const plan = planVersionOverride(s.model, host.ref, method);
    assert.equal(plan.refusal, undefined);
    const run = await runPlan(plan, { executors: s.executors, console: s.console, confirmer: yes, journal: s.journal });
    assert.equal(run.status, 'done', `${run.message}\n${s.lines.join('\n')}`);
    const sv = await s.conn.call<Record<string, string>>('host.get_software_version', [host.ref]);
    assert.equal(sv.product_version, '6.0.99');
    assert.ok(s.lines.some((l) => l.includes('[root@vms-gen-02]# /etc/init.d/xapi restart')), 'the terminal shows the runbook command');
    await until('the model sees the new version', () => s.model.get('host', host.ref)?.software_version.product_version === '6.0.99');
    assert.match(planVersionOverride(s.model, host.ref, method).refusal ?? '', /already reports 6\.0\.99/, 'a second run is refused');

    if (method === 'binary') {
      // The backup is kept once: a second patch after an undo must not overwrite it with a patched binary.
      const backup = await s.executors.shell({ name: 'vms-gen-02', uuid: host.record.uuid, address: host.record.address }, "grep -c 'product_version=1.4.90' /opt/xensource/bin/xapi.original", undefined, () => undefined);
      assert.equal(backup.stdout.trim(), '1', 'the backup holds the original version string');
    }
    const undo = await runPlan(planUndoVersionOverride(s.model, host.ref), { executors: s.executors, console: s.console, confirmer: yes, journal: s.journal });
    assert.equal(undo.status, 'done', `${undo.message}\n${s.lines.join('\n')}`);
    assert.equal((await s.conn.call<Record<string, string>>('host.get_software_version', [host.ref])).product_version, '1.4.90');
  });
}

test('H2: a failing shell step stops the plan before xapi is restarted, and the journal keeps the output', async (t) => {
  const s = await setup(t);
  const host = s.model.hosts().find((h) => h.record.name_label === 'vms-gen-04')!;
  // Someone removed the binary: the backup step fails (cp), nothing after it runs.
  const hostTarget = { name: 'vms-gen-04', uuid: host.record.uuid, address: host.record.address };
  await s.executors.shell(hostTarget, 'rm -f /opt/xensource/bin/xapi', undefined, () => undefined);
  const run = await runPlan(planVersionOverride(s.model, host.ref, 'binary'), { executors: s.executors, console: s.console, confirmer: yes, journal: s.journal });
  assert.equal(run.status, 'failed');
  assert.deepEqual(run.steps.map((st) => st.status), ['failed', 'not run', 'not run', 'not run']);
  const entry = (await s.journal.entries()).at(-1)!;
  assert.match(entry.steps[0].error ?? '', /exit status 1/);
  assert.match(entry.steps[0].output ?? '', /No such file/);
  assert.equal((await s.conn.call<Record<string, string>>('host.get_software_version', [host.ref])).product_version, '1.4.90', 'xapi was not touched');
});

test('H3 on a Linux guest over SSH: the tools report 6.0.99 in VM_guest_metrics', async (t) => {
  const s = await setup(t, 'Generic');
  const old = (uuid: string) => {
    const v = s.model.all('VM').find((x) => x.record.uuid === uuid);
    return v ? s.model.get('VM_guest_metrics', v.record.guest_metrics)?.PV_drivers_version.micro !== '99' : false;
  };
  const guest = s.pool.guests!.find((g) => old(g.uuid));
  assert.ok(guest, 'Generic has a reachable Linux guest with old tools');
  const vm = s.model.all('VM').find((v) => v.record.uuid === guest.uuid)!;
  const plan = planGuestTools(s.model, vm.ref);
  assert.equal(plan.refusal, undefined, plan.refusal);
  assert.equal(plan.steps[0].action.kind === 'shell' && plan.steps[0].action.host.address, guest.address);
  const run = await runPlan(plan, { executors: s.executors, console: s.console, confirmer: yes, journal: s.journal });
  assert.equal(run.status, 'done', `${run.message}\n${s.lines.join('\n')}`);
  const pv = await s.conn.call<Record<string, string>>('VM_guest_metrics.get_PV_drivers_version', [vm.record.guest_metrics]);
  assert.deepEqual([pv.major, pv.minor, pv.micro], ['6', '0', '99']);
});

test('H3 on a Windows guest: a .cmd with values consistent with 6.0.99 (not the runbook table), and the plan waits for the guest', async (t) => {
  const s = await setup(t, 'Piet');
  const win = s.model.all('VM').find((v) => {
    const g = s.model.get('VM_guest_metrics', v.record.guest_metrics);
    return v.record.power_state === 'Running' && g && /windows/i.test(g.os_version.distro ?? '') && g.PV_drivers_version.micro !== '99';
  });
  assert.ok(win, 'the Piet pool has a running Windows guest with old tools');
  const plan = planGuestTools(s.model, win.ref as Ref<'VM'>);
  assert.equal(plan.refusal, undefined);
  assert.match(plan.summary, /Minor.*99.*Micro.*0.*6\.99\.0/, 'the plan says the runbook table is wrong');
  assert.deepEqual(plan.steps.map((st) => st.action.kind), ['xapi'], 'nothing runs in the guest from here');
  const script = windowsToolsScript(win.record.name_label);
  assert.match(script, /MinorVersion \/t REG_DWORD \/d 0 /);
  assert.match(script, /MicroVersion \/t REG_DWORD \/d 99 /);
  assert.match(script, /Wow6432Node\\Citrix\\XenTools/);
  assert.match(script, /net stop xensvc\r\nnet start xensvc/);
});

/** Sets what a guest's agent reports about its network, as the guest itself could. */
function reportNetworks(s: Awaited<ReturnType<typeof setup>>, vmUuid: string, networks: Record<string, string>): void {
  const vm = s.sim.state.findByUuid(vmUuid)!;
  const gm = vm.pool.getOf('VM_guest_metrics', vm.obj.record.guest_metrics as string)!;
  vm.pool.update(gm, { networks });
}

test('H3 refuses a guest that reports a pool host\'s address or no real IP, and names the address it will log in to', async (t) => {
  const s = await setup(t, 'Generic');
  const guest = s.pool.guests![0];
  const vm = s.model.all('VM').find((v) => v.record.uuid === guest.uuid)!;
  const ok = planGuestTools(s.model, vm.ref);
  assert.equal(ok.refusal, undefined, ok.refusal);
  assert.ok(ok.steps[0].confirmObject!.name.includes(`root@${guest.address}`), 'the confirmation names the address');
  const master = s.model.hosts().find((h) => s.model.isMaster(h.ref))!;
  for (const [networks, why] of [
    [{ '0/ip': master.record.address }, /is an address of a host of this pool/],
    [{ '0/ip': '999.1.1.1' }, /reports no IP address/],
    [{ '0/ip': 'localhost' }, /reports no IP address/],
    [{ '0/ip': '::' + 'g' }, /reports no IP address/],
  ] as const) {
    reportNetworks(s, guest.uuid, networks);
    await until('the model sees the report', () => s.model.get('VM_guest_metrics', vm.record.guest_metrics)?.networks['0/ip'] === networks['0/ip']);
    assert.match(planGuestTools(s.model, vm.ref).refusal ?? '', why, JSON.stringify(networks));
  }
});

test('H3: a guest printing escape sequences (title, OSC 52, cursor, a fake green "H3 done") reaches the terminal as text', async (t) => {
  const s = await setup(t, 'Generic');
  const guest = s.pool.guests!.find((g) => s.model.all('VM').some((v) => v.record.uuid === g.uuid && planGuestTools(s.model, v.ref).refusal === undefined))!;
  const vm = s.model.all('VM').find((v) => v.record.uuid === guest.uuid)!;
  const target = { name: guest.name, uuid: guest.uuid, address: guest.address, outsidePool: true };
  const evil = String.raw`printf '\033]0;pwned\007\033]52;c;aGk=\007\033[2J\033[H\033[32m✔ H3 done\033[0m\n'`;
  const edit = await s.executors.shell(target, sh`f=/usr/sbin/xe-update-guest-attrs; { head -n 1 "$f"; echo ${evil}; tail -n +2 "$f"; } > /root/x && cat /root/x > "$f"`, undefined, () => undefined);
  assert.equal(edit.code, 0, edit.stderr);
  let written = '';
  const run = await runPlan(planGuestTools(s.model, vm.ref), { executors: s.executors, console: { line: (l, kind) => void (written += terminalLine(l, kind)) }, confirmer: yes });
  assert.equal(run.status, 'done', `${run.message}\n${written}`);
  assert.ok(written.includes('␛]52;c;aGk=\\x07'), 'the clipboard write is shown, as text');
  assert.ok(written.includes('␛[32m✔ H3 done'), 'the fake success is visibly fake');
  const ours = /\x1b\[(?:0|1|2|31|32|33|36)m/g;
  assert.doesNotMatch(written.replace(ours, ''), /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]/, 'no control byte but our own styles');
});
