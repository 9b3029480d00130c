// The simulated dom0s over real SSH (src/ssh as the client): xe and LVM commands act on the simulator's
// state, dd moves real bytes into the files that stand for the LVs, and the shell is a real bash.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectSsh, exec, MemoryHostKeyStore, openShell, SshError, type SshConnection } from '../../../src/ssh';
import { sh, uuidArg } from '../../../src/shell/quote';
import { poolNamed, startSimulator, type Simulator } from '../xapi/simulator';
import { XapiSession } from '../../../src/xapi/session';

async function dom0(sim: Simulator, poolName: string, hostName: string, password?: string): Promise<SshConnection> {
  const pool = poolNamed(sim, poolName);
  const host = pool.hosts.find((h) => h.name === hostName)!;
  return connectSsh({
    host: host.address, port: host.ssh!.port,
    auth: { username: 'root', agent: false, password: async () => password ?? pool.password },
    hostKeys: {
      store: new MemoryHostKeyStore(), knownHostsFiles: [],
      confirm: async ({ key }) => key.fingerprint === host.ssh!.hostKeySha256, // trust what the fleet line says
    },
  });
}

async function withDom0Fleet(t: { after(fn: () => unknown): void }): Promise<Simulator> {
  const sim = await startSimulator({ dom0: true });
  t.after(() => sim.stop());
  return sim;
}

test('each host answers SSH on its own address with its own name and key; a wrong password is refused', async (t) => {
  const sim = await withDom0Fleet(t);
  const generic = poolNamed(sim, 'Generic');
  assert.ok(sim.fleet.dom0 && sim.fleet.dom0.username === 'root');
  const keys = new Set(generic.hosts.map((h) => h.ssh!.hostKeySha256));
  assert.equal(keys.size, generic.hosts.length, 'every host has its own host key');
  for (const name of ['vms-gen-05', 'vms-gen-03']) {
    const c = await dom0(sim, 'Generic', name);
    const r = await exec(c, 'hostname');
    c.close();
    assert.equal(r.stdout, `${name}\n`);
  }
  await assert.rejects(dom0(sim, 'Generic', 'vms-gen-03', 'wrong'), (e: SshError) => e.kind === 'auth');
});

test('xe sr-list, vdi-create and lvscan act on the pool, and XAPI sees the new VDI', async (t) => {
  const sim = await withDom0Fleet(t);
  const c = await dom0(sim, 'Piet', 'vms-piet-02');
  t.after(() => c.close());
  const srs = await exec(c, 'xe sr-list type=lvmohba params=uuid,name-label');
  assert.equal(srs.code, 0, srs.stderr);
  assert.match(srs.stdout, /name-label \( RW\): Compellent FC piet-1/);
  const srUuid = /uuid \( RO\)\s*: ([0-9a-f-]{36})/.exec(srs.stdout)![1];

  const created = await exec(c, sh`xe vdi-create sr-uuid=${uuidArg(srUuid)} name-label=${'imported "disk" #1'} virtual-size=64MiB sm-config:type=raw type=user`);
  assert.equal(created.code, 0, created.stderr);
  const vdiUuid = created.stdout.trim();
  assert.match(vdiUuid, /^[0-9a-f-]{36}$/);

  const lv = await exec(c, 'lvscan');
  assert.match(lv.stdout, new RegExp(`'/dev/VG_XenStorage-${srUuid}/LV-${vdiUuid}' \\[0\\.06 GiB\\]`));

  const pool = poolNamed(sim, 'Piet');
  const session = new XapiSession({ url: new URL(pool.url), username: 'root', password: async () => pool.password });
  t.after(() => session.dispose());
  const ref = await session.call<string>('VDI.get_by_uuid', [vdiUuid]);
  assert.equal(await session.call('VDI.get_name_label', [ref]), 'imported "disk" #1');
  assert.deepEqual(await session.call('VDI.get_sm_config', [ref]), { type: 'raw', vdi_type: 'aio' });
});

test('dd moves real bytes into an LV that every host of the pool sees', async (t) => {
  const sim = await withDom0Fleet(t);
  const a = await dom0(sim, 'Piet', 'vms-piet-03');
  const b = await dom0(sim, 'Piet', 'vms-piet-07');
  t.after(() => { a.close(); b.close(); });
  const sr = /^([0-9a-f-]{36})$/m.exec((await exec(a, 'xe sr-list type=lvmohba --minimal')).stdout.split(',')[0])![1];
  const vdi = (await exec(a, sh`xe vdi-create sr-uuid=${uuidArg(sr)} name-label=dd-test virtual-size=8MiB sm-config:type=raw`)).stdout.trim();
  const device = `/dev/VG_XenStorage-${sr}/LV-${vdi}`;
  const data = randomBytes(4 * 1024 * 1024);
  const write = await exec(a, `dd of=${device} bs=1M conv=notrunc status=none`, { stdin: data });
  assert.equal(write.code, 0, write.stderr);
  const read = await exec(b, `dd if=${device} bs=1M count=4 status=none | sha256sum`);
  assert.equal(read.code, 0, read.stderr);
  assert.equal(read.stdout.split(' ')[0], createHash('sha256').update(data).digest('hex'), 'the other host reads the same bytes');
  const wrong = await exec(a, `dd if=/dev/VG_XenStorage-${sr}/VHD-${vdi} of=/dev/null status=none`);
  assert.notEqual(wrong.code, 0, 'a raw VDI has no VHD- volume');
});

test('a pty shell shows the host\'s prompt', async (t) => {
  const sim = await withDom0Fleet(t);
  const c = await dom0(sim, 'BL0', 'vms-bl0-02');
  t.after(() => c.close());
  const shell = await openShell(c, { cols: 100, rows: 30 });
  let out = '';
  shell.onData((d) => (out += d.toString()));
  const exit = new Promise<{ code: number | null }>((r) => shell.onExit(r));
  shell.write('hostname; exit 4\n');
  assert.equal((await exit).code, 4);
  assert.match(out, /\[root@vms-bl0-02 [^\]]*\]# /);
  assert.match(out, /[\r\n]vms-bl0-02\r?\n/, 'hostname printed the simulated name');
});

test('a host named $(touch …) runs nothing in the prompt; a renamed host (even to ../) keeps its sandbox', async (t) => {
  const sim = await withDom0Fleet(t);
  const bl0 = poolNamed(sim, 'BL0');
  const host = bl0.hosts.find((h) => h.name === 'vms-bl0-02')!;
  const marker = join(tmpdir(), `xcp-prompt-${randomBytes(6).toString('hex')}`);
  t.after(() => rmSync(marker, { force: true }));
  const before = await exec(await dom0(sim, 'BL0', 'vms-bl0-02'), 'echo kept > /root/mine && ls /opt/xensource/bin');
  assert.equal(before.code, 0, before.stderr);
  const found = sim.state.findByUuid(host.uuid)!;
  for (const name of [`$(touch ${marker})`, '`touch ' + marker + '`', '../../../../escaped']) {
    found.pool.update(found.obj, { name_label: name });
    const c = await dom0(sim, 'BL0', 'vms-bl0-02');
    const shell = await openShell(c, { cols: 100, rows: 30 });
    let out = '';
    shell.onData((d) => (out += d.toString()));
    const exit = new Promise<{ code: number | null }>((r) => shell.onExit(r));
    shell.write('cat ~/mine; ls ~/../opt/xensource/bin; exit 0\n'); // a pty shell's paths are not mapped: home is the host's root/
    assert.equal((await exit).code, 0);
    c.close();
    assert.ok(!existsSync(marker), `the name ${name} ran nothing: ${out}`);
    assert.match(out, /\[root@[A-Za-z0-9._-]* [^\]]*\]# /, 'the prompt shows hostname characters only');
    assert.match(out, /kept/, `root's home is the same after the rename to ${name}`);
    assert.match(out, /xapi/, 'the host\'s files are where H2 finds them');
  }
  assert.ok(!existsSync(join(tmpdir(), 'escaped')), 'nothing written outside the sandbox');
});
