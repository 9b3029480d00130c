// S4 against the simulator: the array grows the LUN behind Piet's FC SR (control API); the plan runs
// on every one of Piet's 16 hosts over real SSH (multipath, sysfs rescans, multipathd, pvresize) and
// the SR's physical_size read back through XAPI is the larger one. Without the array's growth the first
// host's rescan finds nothing, and the plan stops there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PoolConnection, type TlsTrust } from '../../../src/model/poolConnection';
import type { PoolModel } from '../../../src/model/poolModel';
import { runPlan, type Executors } from '../../../src/procedures/runner';
import { sshExecutors } from '../../../src/procedures/sshExecutor';
import { gridCell, parseSizes, planSrResize, smlogOfLastScan } from '../../../src/procedures/srResize';
import { Journal } from '../../../src/procedures/journal';
import { journalDocument } from '../../../src/procedures/journalDocument';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryHostKeyStore } from '../../../src/ssh';
import { connectPool, control, poolNamed, startSimulator, until, type Simulator } from '../xapi/simulator';

const noTls: TlsTrust = { pinned: () => undefined, confirm: async () => false, pin: async () => undefined };
const TiB = 1024 ** 4;

async function setup(t: { after(fn: () => unknown): void }) {
  const sim: Simulator = await startSimulator({ dom0: true });
  const piet = poolNamed(sim, 'Piet');
  const conn = new PoolConnection({ name: 'Piet', url: piet.url, username: 'root', password: async () => piet.password, tls: noTls }, { eventTimeoutSeconds: 1 });
  await conn.connect();
  const model = (conn.state as { model: PoolModel }).model;
  const ssh = sshExecutors(async (host) => {
    const h = piet.hosts.find((x) => x.address === host.address)!;
    return {
      host: host.address, port: sim.fleet.dom0!.port, auth: { username: 'root', agent: false, password: async () => piet.password },
      hostKeys: { store: new MemoryHostKeyStore(), knownHostsFiles: [], confirm: async ({ key }) => key.fingerprint === h.ssh!.hostKeySha256 },
    };
  });
  t.after(async () => { ssh.close(); await conn.disconnect(); await sim.stop(); });
  const executors: Executors = { xapi: (method, args) => conn.call(method, args), shell: ssh.shell };
  const fc = model.all('SR').find((s) => s.record.name_label === 'Compellent FC piet-1')!;
  const lines: string[] = [];
  return { sim, conn, model, executors, fc, lines, console: { line: (l: string) => void lines.push(l) } };
}

test('S4: a LUN grown on the array grows the FC SR on all 16 hosts; physical_size reads the new size', { timeout: 120_000 }, async (t) => {
  const s = await setup(t);
  const before = s.fc.record.physical_size;
  await control(s.sim, 'lun/grow', { sr: s.fc.record.uuid, size: before + TiB });
  const plan = planSrResize(s.model, s.fc.ref);
  assert.equal(plan.refusal, undefined, plan.refusal);
  const hosts = new Set(plan.steps.map(gridCell).filter((c) => c && c.column === 'rescan paths').map((c) => c!.host));
  assert.equal(hosts.size, 16, 'every host with a PBD takes part');
  const cells: string[] = [];
  const sizes: { name: string; bytes: number }[][] = [];
  const run = await runPlan(plan, {
    executors: s.executors, console: s.console, confirmer: { confirm: async () => true },
    onStep: (step, status, output) => {
      if (status !== 'running') cells.push(`${gridCell(step)?.host}/${gridCell(step)?.column}=${status}`);
      if (status === 'done' && output) sizes.push(parseSizes(output));
    },
  });
  assert.equal(run.status, 'done', `${run.message}\n${s.lines.slice(-30).join('\n')}`);
  assert.equal(cells.length, 16 * 3 + 3);
  assert.ok(cells.every((c) => c.endsWith('=done')));
  // Before: paths and map at the old size; after the resize: all at the new one.
  assert.ok(sizes[0].some((x) => x.name.startsWith('map ') && x.bytes === before), JSON.stringify(sizes[0]));
  assert.ok(sizes[2].every((x) => x.bytes === before + TiB), JSON.stringify(sizes[2]));
  const after = Number(await s.conn.call('SR.get_physical_size', [s.fc.ref]));
  assert.equal(after, before + TiB);
  await until('the tree model sees the larger SR', () => s.model.get('SR', s.fc.ref)?.physical_size === before + TiB);
  // The master's SMlog has the scan, with the size it read and no failure.
  const master = s.model.master()!.record;
  const log = await s.executors.shell({ name: master.name_label, uuid: master.uuid, address: master.address }, smlogOfLastScan(s.fc.record.uuid), undefined, () => undefined);
  assert.match(log.stdout, new RegExp(`SM: \\[\\d+\\] SR ${s.fc.record.uuid} physical_size ${before + TiB}`));
  assert.doesNotMatch(log.stdout, /Failed to grow the PV/);
});

test('S4: when physical_size did not grow, the failure and the journal carry the master\'s SMlog of that scan', { timeout: 120_000 }, async (t) => {
  const s = await setup(t);
  const before = s.fc.record.physical_size;
  await control(s.sim, 'lun/grow', { sr: s.fc.record.uuid, size: before + TiB });
  const plan = planSrResize(s.model, s.fc.ref);
  // The PV left at its old size (as when LVHDSR's own grow fails): the scan cannot read a larger VG.
  const noPvresize = { ...plan, steps: plan.steps.filter((st) => gridCell(st)?.column !== 'pvresize') };
  const dir = mkdtempSync(join(tmpdir(), 'xcp-journal-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const journal = new Journal(dir);
  const run = await runPlan(noPvresize, { executors: s.executors, console: s.console, confirmer: { confirm: async () => true }, journal });
  assert.equal(run.status, 'failed');
  const last = run.steps.at(-1)!;
  assert.equal(last.status, 'failed');
  assert.match(run.message, /physical_size is still \d+ bytes/);
  assert.match(run.message, /\/var\/log\/SMlog .* says: .*Failed to grow the PV, non-fatal/, 'the failure message quotes SMlog');
  const entry = (await journal.entries()).at(-1)!;
  const kept = entry.steps.at(-1)!.diagnosis!;
  assert.ok(kept.lines.some((l) => l.includes(`sr_scan {'sr_uuid': '${s.fc.record.uuid}'`)), 'the journal keeps the scan\'s lines');
  assert.ok(kept.lines.some((l) => l.includes('Failed to grow the PV, non-fatal')));
  assert.ok(kept.lines.every((l) => /SM: \[(\d+)\]/.exec(l)?.[1] === /SM: \[(\d+)\]/.exec(kept.lines[0])?.[1]), 'only the lines of that scan');
  assert.match(journalDocument(await journal.entries()), /Failed to grow the PV, non-fatal/, 'Open Procedure Journal shows it');
});

test('S4 without the array\'s growth: the first host\'s rescan finds nothing and the plan stops there', { timeout: 60_000 }, async (t) => {
  const s = await setup(t);
  const before = s.fc.record.physical_size;
  const plan = planSrResize(s.model, s.fc.ref);
  const run = await runPlan(plan, { executors: s.executors, console: s.console, confirmer: { confirm: async () => true } });
  assert.equal(run.status, 'failed');
  assert.deepEqual(run.steps.slice(0, 3).map((x) => x.status), ['done', 'failed', 'not run']);
  assert.match(run.steps[1].error ?? '', /was the LUN grown on the array/);
  assert.ok(run.steps.slice(2).every((x) => x.status === 'not run'), 'no other host is touched');
  assert.equal(Number(await s.conn.call('SR.get_physical_size', [s.fc.ref])), before);
});

test('S4 refuses an SR that is not a multipathed LUN, and a pool with a dead host holding a PBD', async (t) => {
  const s = await setup(t);
  const nfs = s.model.all('SR').find((x) => x.record.type === 'nfs')!;
  assert.match(planSrResize(s.model, nfs.ref).refusal ?? '', /nfs SR/);
  const victim = s.model.hosts().find((h) => !s.model.isMaster(h.ref))!;
  await control(s.sim, 'host/down', { host: victim.record.uuid });
  await until('dead', () => !s.model.isHostLive(victim.ref), 15_000);
  assert.match(planSrResize(s.model, s.fc.ref).refusal ?? '', new RegExp(`${victim.record.name_label} is dead or unplugged`));
});

test('S4 grid rows are keyed by host uuid: two hosts with one name and a name with ":" keep their own rows', async (t) => {
  const sim = await startSimulator();
  const { conn, model } = await connectPool(sim, 'BL0');
  t.after(async () => { await conn.disconnect(); await sim.stop(); });
  const fc = model.all('SR').find((s) => s.record.type === 'lvmohba')!;
  const hosts = model.pbdsOf(fc.ref).map((p) => p.host!);
  assert.ok(hosts.length >= 3);
  const rename = (uuid: string, name: string) => { const f = sim.state.findByUuid(uuid)!; f.pool.update(f.obj, { name_label: name }); };
  rename(hosts[0].record.uuid, 'twin');
  rename(hosts[1].record.uuid, 'twin');
  rename(hosts[2].record.uuid, 'a:rescan paths:b');
  await until('the model sees the names', () => model.get('host', hosts[2].ref)?.name_label === 'a:rescan paths:b');
  const plan = planSrResize(model, fc.ref);
  assert.equal(plan.refusal, undefined, plan.refusal);
  const cells = plan.steps.map(gridCell);
  assert.ok(cells.every((c) => c !== undefined), 'every step has its cell');
  const rows = new Set(cells.filter((c) => !c!.once).map((c) => c!.host));
  assert.deepEqual([...rows].sort(), hosts.map((h) => h.record.uuid).sort(), 'one row per host, by uuid');
  assert.deepEqual([...new Set(cells.map((c) => c!.column))].sort(), ['SR.scan', 'find map', 'physical_size', 'pvresize', 'rescan paths', 'resize map']);
});
