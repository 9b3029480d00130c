// S2 against the simulator: a 64 MiB image on a host of another pool (BL0) goes into a new raw VDI of
// Piet's FC SR through the extension's relay (two real SSH connections to two simulated dom0s), and
// the checksums of both ends match; a write into a VHD VDI is refused; a cancelled write stops both
// ends and its half-written VDI is destroyed; a raw write into a VHD LV (done by hand, as in the
// runbook's "How NOT to do it") makes SR.scan fail with the storage manager's error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PoolConnection, type TlsTrust } from '../../../src/model/poolConnection';
import type { PoolModel } from '../../../src/model/poolModel';
import { Journal } from '../../../src/procedures/journal';
import type { ByteSource, HostTarget, Plan } from '../../../src/procedures/plan';
import { byteCommands } from '../../../src/procedures/byteCommands';
import { planDestroyVdi, planHttpImport, planImportTarget, planRawWrite } from '../../../src/procedures/rawImport';
import { uploadFromSource } from '../../../src/procedures/uploadFromSource';
import { runPlan, type Executors } from '../../../src/procedures/runner';
import { planSrRepair } from '../../../src/procedures/srRepair';
import { sourceSize, sshExecutors } from '../../../src/procedures/sshExecutor';
import { MemoryHostKeyStore } from '../../../src/ssh';
import { XapiError } from '../../../src/xapi/errors';
import type { Ref } from '../../../src/xapi/records';
import { poolNamed, startSimulator, until, type Simulator } from '../xapi/simulator';

const noTls: TlsTrust = { pinned: () => undefined, confirm: async () => false, pin: async () => undefined };
const MiB = 1024 * 1024;

async function setup(t: { after(fn: () => unknown): void }) {
  const sim: Simulator = await startSimulator({ dom0: true });
  const piet = poolNamed(sim, 'Piet');
  const bl0 = poolNamed(sim, 'BL0');
  const conn = new PoolConnection({ name: 'Piet', url: piet.url, username: 'root', password: async () => piet.password, tls: noTls }, { eventTimeoutSeconds: 1 });
  await conn.connect();
  const model = (conn.state as { model: PoolModel }).model;
  const hosts = [...piet.hosts.map((h) => ({ ...h, password: piet.password })), ...bl0.hosts.map((h) => ({ ...h, password: bl0.password }))];
  const ssh = sshExecutors(async (host) => {
    const h = hosts.find((x) => x.address === host.address)!;
    return {
      host: host.address, port: sim.fleet.dom0!.port,
      auth: { username: 'root', agent: false, password: async () => h.password },
      hostKeys: { store: new MemoryHostKeyStore(), knownHostsFiles: [], confirm: async ({ key }) => key.fingerprint === h.ssh!.hostKeySha256 },
    };
  });
  const dir = mkdtempSync(join(tmpdir(), 'xcp-journal-'));
  t.after(async () => { ssh.close(); await conn.disconnect(); await sim.stop(); rmSync(dir, { recursive: true, force: true }); });
  const executors: Executors = { xapi: (method, args) => conn.call(method, args), shell: ssh.shell, relay: ssh.relay, checksum: ssh.checksum };
  const lines: string[] = [];
  const srcHost = bl0.hosts[1];
  const source: ByteSource = { kind: 'ssh', host: { name: srcHost.name, uuid: srcHost.uuid, address: srcHost.address }, path: '/root/images/old disk.img' };
  const fc = model.all('SR').find((s) => s.record.name_label === 'Compellent FC piet-1')!;
  const writer = model.hosts().find((h) => h.record.name_label === 'vms-piet-02')!;
  const writerTarget: HostTarget = { name: writer.record.name_label, uuid: writer.record.uuid, address: writer.record.address };
  return { sim, conn, model, ssh, executors, lines, console: { line: (s: string) => void lines.push(s) }, journal: new Journal(dir), source, fc, writer, writerTarget };
}

const yes = { confirm: async () => true };

/** Whether no process matching `pattern` runs on the host, within 10 s. */
async function gone(s: Awaited<ReturnType<typeof setup>>, host: HostTarget, pattern: string): Promise<boolean> {
  for (const end = Date.now() + 10_000; Date.now() < end; await new Promise((r) => setTimeout(r, 200))) {
    const r = await s.ssh.shell(host, `pgrep -f '${pattern}' >/dev/null && echo running || echo none`, undefined, () => undefined);
    if (r.stdout.trim() === 'none') return true;
  }
  return false;
}

async function makeImage(s: Awaited<ReturnType<typeof setup>>, mib: number): Promise<string> {
  const host = (s.source as Extract<ByteSource, { kind: 'ssh' }>).host;
  const r = await s.ssh.shell(host, `mkdir -p /root/images && dd if=/dev/urandom of='/root/images/old disk.img' bs=1M count=${mib} 2>/dev/null && sha256sum '/root/images/old disk.img'`, undefined, () => undefined);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout.split(' ')[0];
}

/** A 64 MiB image on the source host, a raw VDI its size, and the plan that writes one into the other. */
async function writePlan(s: Awaited<ReturnType<typeof setup>>) {
  await makeImage(s, 64);
  const bytes = await sourceSize(s.ssh, s.source);
  const vdiRef = await createTarget(s, bytes);
  const vdi = s.model.get('VDI', vdiRef)!;
  return { bytes, vdiRef, vdi, plan: planRawWrite(s.model, vdiRef, s.source, bytes, s.writer.ref) };
}

async function createTarget(s: Awaited<ReturnType<typeof setup>>, bytes: number): Promise<Ref<'VDI'>> {
  const plan = planImportTarget(s.model, s.fc.ref, 'imported old disk', bytes, s.source);
  assert.equal(plan.refusal, undefined, plan.refusal);
  const run = await runPlan(plan, { executors: s.executors, console: s.console, confirmer: yes, journal: s.journal });
  assert.equal(run.status, 'done', run.message);
  const ref = run.steps[0].output as Ref<'VDI'>;
  await until('the model has the new VDI', () => s.model.get('VDI', ref) !== undefined);
  return ref;
}

test('S2: a 64 MiB image from another pool\'s host reaches a new raw VDI through the relay, checksums equal', async (t) => {
  const s = await setup(t);
  const sha = await makeImage(s, 64);
  const bytes = await sourceSize(s.ssh, s.source);
  assert.equal(bytes, 64 * MiB);
  const vdiRef = await createTarget(s, bytes);
  const vdi = s.model.get('VDI', vdiRef)!;
  assert.equal(vdi.sm_config.type, 'raw');
  assert.ok(vdi.virtual_size >= bytes);

  const plan = planRawWrite(s.model, vdiRef, s.source, bytes, s.writer.ref);
  assert.equal(plan.refusal, undefined, plan.refusal);
  const device = `/dev/VG_XenStorage-${s.fc.record.uuid}/LV-${vdi.uuid}`;
  const confirmed: string[] = [];
  const run = await runPlan(plan, { executors: s.executors, console: s.console, confirmer: { confirm: async (st) => (confirmed.push(st.confirmObject!.name), true) }, journal: s.journal });
  assert.equal(run.status, 'done', `${run.message}\n${s.lines.join('\n')}`);
  assert.ok(confirmed.some((c) => c.includes(device)), 'the confirmation shows the device path');
  const relay = JSON.parse(run.steps[1].output!) as { bytes: number; sha256: string };
  assert.equal(relay.bytes, bytes);
  assert.equal(relay.sha256, sha, 'the stream is the source');
  const sums = JSON.parse(run.steps[2].output!) as { source: string; target: string };
  assert.equal(sums.target, sha, 'the LV holds the source\'s bytes');
  // Read back from another host of the pool: the LV is shared storage.
  const other = s.model.hosts().find((h) => h.record.name_label === 'vms-piet-05')!;
  const back = await s.ssh.shell({ name: 'vms-piet-05', uuid: other.record.uuid, address: other.record.address }, `dd if=${device} bs=1M 2>/dev/null | head -c ${bytes} | sha256sum`, undefined, () => undefined);
  assert.equal(back.stdout.split(' ')[0], sha);
  const entry = (await s.journal.entries()).at(-1)!;
  assert.equal(entry.extra?.wrote, device, 'the journal knows which LV the import wrote');
});

test('S2 guards: no write into a VHD VDI, a VDI in use on a host, or one smaller than the source', async (t) => {
  const s = await setup(t);
  const vhd = s.model.vdisOf(s.fc.ref).find((v) => s.model.vdiFormat(v.ref) === 'vhd' && !v.record.VBDs.length);
  assert.ok(vhd, 'the FC SR has a VHD VDI');
  const refused = planRawWrite(s.model, vhd.ref, s.source, MiB, s.writer.ref);
  assert.match(refused.refusal ?? '', /not a raw VDI.*VHD-/s);
  assert.match(refused.refusal ?? '', /How NOT to do it/);
  const run = await runPlan(refused, { executors: s.executors, console: s.console, confirmer: { confirm: async () => assert.fail('nothing to confirm') }, journal: s.journal });
  assert.equal(run.status, 'refused');

  const inUse = s.model.vdisOf(s.fc.ref).find((v) => s.model.vdiFormat(v.ref) === 'raw' && v.record.VBDs.some((b) => s.model.get('VBD', b)?.currently_attached));
  assert.ok(inUse, 'the FC SR has a raw VDI attached to a running VM');
  assert.match(planRawWrite(s.model, inUse.ref, s.source, MiB, s.writer.ref).refusal ?? '', /is attached to .* on /);

  const small = await createTarget(s, 8 * MiB);
  assert.match(planRawWrite(s.model, small, s.source, 64 * MiB, s.writer.ref).refusal ?? '', /cut short/);
});

test('S2 cancelled: both ends stop, the terminal says so, and the half-written VDI is destroyed', async (t) => {
  const s = await setup(t);
  const { bytes, vdiRef, vdi, plan } = await writePlan(s);
  const cancel = new AbortController();
  const executors: Executors = {
    ...s.executors,
    relay: (a, signal, onProgress) => s.executors.relay!(a, signal, (p) => { onProgress(p); if (p.bytes > 8 * MiB) cancel.abort(); }),
  };
  const run = await runPlan(plan, { executors, console: s.console, confirmer: yes, journal: s.journal, signal: cancel.signal });
  assert.equal(run.status, 'cancelled');
  assert.equal(run.steps[1].status, 'cancelled');
  assert.match(run.message, /was cancelled.*not run: Compare checksums/s);
  // Neither dd is left running on its host.
  const srcHost = (s.source as Extract<ByteSource, { kind: 'ssh' }>).host;
  assert.equal(await gone(s, s.writerTarget, `[o]f=.*LV-${vdi.uuid}`), true, 'no dd left on the writer');
  assert.equal(await gone(s, srcHost, '[i]f=.*old disk.img'), true, 'no dd left on the source');
  assert.match(run.message, /of 67108864 bytes had gone into .*LV-.*partial image/, 'the message says what is left behind');

  const cleanup = planDestroyVdi(s.model, vdiRef, 'The import was cancelled.');
  const done = await runPlan(cleanup, { executors: s.executors, console: s.console, confirmer: yes, journal: s.journal });
  assert.equal(done.status, 'done', done.message);
  await assert.rejects(s.conn.call('VDI.get_record', [vdiRef]), (e: XapiError) => e.code === 'HANDLE_INVALID');
});

test('a raw write into a VHD LV breaks SR.scan with the storage manager\'s error', async (t) => {
  const s = await setup(t);
  const vhd = s.model.vdisOf(s.fc.ref).find((v) => s.model.vdiFormat(v.ref) === 'vhd')!;
  const device = `/dev/VG_XenStorage-${s.fc.record.uuid}/VHD-${vhd.record.uuid}`;
  await s.conn.call('SR.scan', [s.fc.ref]); // healthy before
  const r = await s.ssh.shell(s.writerTarget, `dd if=/dev/urandom of=${device} bs=1M count=1 conv=notrunc 2>/dev/null`, undefined, () => undefined);
  assert.equal(r.code, 0, r.stderr);
  await assert.rejects(s.conn.call('SR.scan', [s.fc.ref]), (e: XapiError) => e.code === 'SR_BACKEND_FAILURE_40' && /The SR scan failed/.test(e.params[1]) && e.params[1].includes(vhd.record.uuid));
});

test('S3: the SR a raw overwrite broke is repaired: exactly the bad LV removed (after a backup), the scan passes again', async (t) => {
  const s = await setup(t);
  const victim = s.model.vdisOf(s.fc.ref).find((v) => s.model.vdiFormat(v.ref) === 'vhd')!;
  const device = `/dev/VG_XenStorage-${s.fc.record.uuid}/VHD-${victim.record.uuid}`;
  const before = s.model.vdisOf(s.fc.ref).length;
  // The accident, as the runbook tells it, written from another machine; this journal heard of it.
  await s.ssh.shell(s.writerTarget, `dd if=/dev/urandom of=${device} bs=1M count=2 conv=notrunc 2>/dev/null`, undefined, () => undefined);
  await s.journal.append({
    procedure: 'S2', title: 'Import a raw disk image: write the bytes', target: { kind: 'VDI', name: victim.record.name_label, uuid: victim.record.uuid },
    started: '2012-03-01T10:00:00.000Z', ended: '2012-03-01T10:05:00.000Z', status: 'done', message: '', steps: [],
    extra: { wrote: device, sr: s.fc.record.uuid, source: 'old-host:/images/x.img' },
  });
  const scanError = await s.conn.call('SR.scan', [s.fc.ref]).then(() => undefined, (e: XapiError) => `${e.code} ${e.params.join(' ')}`);
  assert.ok(scanError, 'the scan fails before the repair');

  const nothing = planSrRepair(s.model, s.fc.ref, undefined, []);
  assert.match(nothing.refusal ?? '', /nothing to repair/);
  const plan = planSrRepair(s.model, s.fc.ref, scanError, await s.journal.entries());
  assert.equal(plan.refusal, undefined, plan.refusal);
  assert.ok(plan.facts.some((f) => f.includes('old-host:/images/x.img')), 'the plan says which write did it');
  const confirmed: string[] = [];
  const run = await runPlan(plan, { executors: s.executors, console: s.console, confirmer: { confirm: async (st) => (confirmed.push(st.confirmObject!.name), true) }, journal: s.journal });
  assert.equal(run.status, 'done', `${run.message}\n${s.lines.join('\n')}`);
  assert.deepEqual(confirmed.length, 1);
  assert.ok(confirmed[0].includes(device), 'the confirmation shows the full LV path');
  await s.conn.call('SR.scan', [s.fc.ref]); // passes now
  await until('the broken VDI is forgotten, the others stay', () => s.model.vdisOf(s.fc.ref).length === before - 1 && !s.model.get('VDI', victim.ref));
  const master = s.model.master()!;
  const backup = await s.ssh.shell({ name: master.record.name_label, uuid: master.record.uuid, address: master.record.address }, `ls /etc/lvm/backup/VG_XenStorage-${s.fc.record.uuid}`, undefined, () => undefined);
  assert.equal(backup.code, 0, 'the metadata backup exists on the master');
});

test('S2 through XAPI\'s import_raw_vdi: into a VHD-based NFS SR, and into a local SR of a slave (the master redirects there)', async (t) => {
  const s = await setup(t);
  const sha = await makeImage(s, 8);
  const bytes = await sourceSize(s.ssh, s.source);
  const executors: Executors = {
    ...s.executors,
    upload: async (action, signal, onProgress) => {
      const r = await uploadFromSource(s.ssh.openSource, await s.conn.httpAccess(), action, signal, onProgress);
      hosts.push(r.host);
      return r;
    },
  };
  const hosts: string[] = [];
  for (const srName of ['NFS images', 'Local storage']) {
    const sr = srName === 'NFS images'
      ? s.model.all('SR').find((x) => x.record.name_label === srName)!
      : s.model.localSrs(s.writer.ref)[0];
    assert.match(planImportTarget(s.model, sr.ref, 'x', bytes, s.source).refusal ?? (sr.record.type === 'lvm' ? 'lvm' : ''), sr.record.type === 'nfs' ? /dd relay writes into an LV/ : /lvm/);
    const created = await runPlan(planImportTarget(s.model, sr.ref, `via http to ${srName}`, bytes, s.source, 'http'), { executors, console: s.console, confirmer: yes });
    assert.equal(created.status, 'done', created.message);
    const vdiRef = created.steps[0].output as Ref<'VDI'>;
    await until('the model has the VDI', () => s.model.get('VDI', vdiRef) !== undefined);
    const plan = planHttpImport(s.model, vdiRef, s.source, bytes, s.writer.ref);
    assert.equal(plan.refusal, undefined, plan.refusal);
    const run = await runPlan(plan, { executors, console: s.console, confirmer: yes, journal: s.journal });
    assert.equal(run.status, 'done', `${run.message}\n${s.lines.slice(-12).join('\n')}`);
    assert.equal((JSON.parse(run.steps[0].output!) as { sha256: string }).sha256, sha);
    if (sr.record.type === 'lvm') {
      assert.equal((JSON.parse(run.steps[1].output!) as { target: string }).target, sha, 'the local LV holds the image');
      // After the storage manager's write the LV is not active on a real host: the check activates it and deactivates it after.
      const check = plan.steps[1].action as Extract<Plan['steps'][number]['action'], { kind: 'checksum' }>;
      const targetCommand = byteCommands(check).at(-1)!;
      const device = check.target.device;
      const unactivated = await s.ssh.shell(s.writerTarget, `dd if=${device} bs=1M count=1 of=/dev/null`, undefined, () => undefined);
      assert.notEqual(unactivated.code, 0, 'the LV was left inactive after the check: dd alone cannot read it');
      assert.match(targetCommand, /^set -o pipefail; .*lvchange -ay '\/dev\/VG_XenStorage-[^']+' \|\| exit 3; dd if='[^']+' bs=\d+ count=\d+ \| sha256sum; rc=\$\?; lvchange -an '[^']+'; exit \$rc$/, targetCommand);
    } else {
      assert.equal(run.steps.length, 1, 'no device checksum on a VHD-based SR');
    }
  }
  const master = s.model.master()!.record.address;
  assert.deepEqual(hosts, [master, s.writer.record.address], 'the NFS import went to the master; the local one was redirected to its host');
});

/** A plan of one checksum step, as S2's plans end: the first `bytes` of `source` against `device` on the writer. */
function checksumPlan(s: Awaited<ReturnType<typeof setup>>, source: ByteSource, device: string, bytes: number): Plan {
  return {
    procedure: 'S2', title: 'checksum', target: { kind: 'SR', name: s.fc.record.name_label, uuid: s.fc.record.uuid }, summary: '', facts: [],
    steps: [{ id: 'verify', title: 'Compare checksums of both ends', why: 'fault test', destructive: false, action: { kind: 'checksum', source, target: { host: s.writerTarget, device }, bytes } }],
  };
}

test('S2 checksum fault: both ends unreadable is "could not read" for each, never "checksums match"', async (t) => {
  const s = await setup(t);
  const missingLv = `/dev/VG_XenStorage-${s.fc.record.uuid}/LV-${randomUUID()}`;
  const source: ByteSource = { ...(s.source as Extract<ByteSource, { kind: 'ssh' }>), path: '/root/images/no such image.img' };
  const run = await runPlan(checksumPlan(s, source, missingLv, 4 * MiB), { executors: s.executors, console: s.console, confirmer: yes });
  assert.equal(run.status, 'failed', s.lines.join('\n'));
  assert.match(run.steps[0].error ?? '', /could not read the source \(.*no such image\.img\).*could not read the target \(vms-piet-02:.*LV-/);
  assert.ok(!s.lines.includes('checksums match'), s.lines.join('\n'));
});

test('S2 checksum fault: an unreadable target is "could not read the target", the readable source is not blamed', async (t) => {
  const s = await setup(t);
  await makeImage(s, 4);
  const missingLv = `/dev/VG_XenStorage-${s.fc.record.uuid}/LV-${randomUUID()}`;
  const run = await runPlan(checksumPlan(s, s.source, missingLv, 4 * MiB), { executors: s.executors, console: s.console, confirmer: yes });
  assert.equal(run.status, 'failed', s.lines.join('\n'));
  assert.match(run.steps[0].error ?? '', /^could not read the target \(vms-piet-02:.*\): exit status \d+/);
  assert.doesNotMatch(run.steps[0].error ?? '', /the source/);
  // A source shorter than the plan says is not a match either: dd's count is checked.
  const short = await runPlan(checksumPlan(s, s.source, missingLv, 8 * MiB), { executors: s.executors, console: s.console, confirmer: yes });
  assert.match(short.steps[0].error ?? '', /could not read the source .*: 4194304 of 8388608 bytes were there/);
});

/** The pid of this machine's process whose command line holds every one of `parts` (the simulated dom0s' processes are local). */
function pidOf(...parts: string[]): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (cmd[0]?.endsWith('dd') && parts.every((p) => cmd.some((a) => a.includes(p)))) return Number(entry);
    } catch {
      // the process ended meanwhile
    }
  }
  return undefined;
}

test('S2 relay: a target dd killed mid-relay is reported as the target failing, not "Premature close"', async (t) => {
  const s = await setup(t);
  const { bytes, vdiRef, vdi, plan } = await writePlan(s);
  let killed: number | undefined;
  const executors: Executors = {
    ...s.executors,
    relay: (a, signal, onProgress) => s.executors.relay!(a, signal, (p) => {
      onProgress(p);
      if (killed === undefined && p.bytes > 8 * MiB) {
        killed = pidOf('of=', `LV-${vdi.uuid}`);
        if (killed) process.kill(killed, 'SIGKILL'); // exactly the target's dd this test started
      }
    }),
  };
  const run = await runPlan(plan, { executors, console: s.console, confirmer: yes, journal: s.journal });
  assert.ok(killed, 'the target dd was found and killed');
  assert.equal(run.status, 'failed');
  const error = run.steps[1].error ?? '';
  assert.match(error, /^the target's dd on vms-piet-02 \(\/dev\/VG_XenStorage-.*LV-.*\) stopped after \d+ of 67108864 bytes/, error);
  assert.doesNotMatch(error, /^Premature close/);
});
