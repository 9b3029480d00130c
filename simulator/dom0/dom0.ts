// Simulated dom0s: an SSH server (ssh2's Server) for every simulated host, on that host's own loopback
// address, with its own host key and the pool's root password (as on XenServer, where XAPI's root
// login is dom0's root account). Exec and shell requests run a real bash whose PATH starts with our
// commands (sandbox.ts, commands.ts); dd is the real coreutils dd on files standing in for the LVs.

import { spawn } from 'node:child_process';
import { createHash, timingSafeEqual } from 'node:crypto';
import { chmodSync, createWriteStream, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { join } from 'node:path';
import { Server, utils, type Connection, type ParsedKey, type ServerChannel } from 'ssh2';
import type { PoolState, SimState, XObject } from '../state';
import { LVM_SR_TYPES, lvNameOf, runCommand } from './commands';
import { removeVdi } from '../vdis';
import { Luns } from './luns';
import { Dom0Sandbox, mapDom0Paths } from './sandbox';

export interface Dom0Host {
  name: string;
  uuid: string;
  address: string;
  port: number;
  hostKeySha256: string;
}

/** A running Linux guest with the tools, reachable over SSH as root (the pool's password) for H3. */
export interface GuestSsh {
  name: string;
  uuid: string;
  address: string;
  hostKeySha256: string;
}

export interface Dom0Fleet {
  port: number;
  username: string;
  hosts: Dom0Host[];
  guests: GuestSsh[];
  /** Every exec request as it arrived, in order (the address it came to, the command as sent): what a test compares an exported runbook with. */
  executed: { address: string; command: string }[];
  stop(): Promise<void>;
}

const DOM0_CMD = `#!/usr/bin/env node
// Forwards a dom0 command to the simulator over its unix socket and prints the answer.
const net = require('net');
const [cmd, ...args] = process.argv.slice(2);
const s = net.connect(process.env.XCP_SIM_SOCK);
let buf = '';
s.on('data', (d) => (buf += d));
s.on('end', () => {
  const r = JSON.parse(buf || '{"stdout":"","stderr":"simulator: no answer\\\\n","code":1}');
  process.stdout.write(r.stdout || '');
  process.stderr.write(r.stderr || '');
  process.exitCode = r.code;
});
s.on('error', (e) => { process.stderr.write('simulator: ' + e.message + '\\n'); process.exitCode = 1; });
s.end(JSON.stringify({ host: process.env.XCP_SIM_HOST, cmd, args }));
`;

/** bash start-up file of every dom0 shell: our commands first, functions for absolute paths. */
function bashRc(bin: string): string {
  return `# simulated dom0
export PATH="${bin}:/usr/sbin:/usr/bin:/sbin:/bin"
# Interactive shells only (every bash script started from here reads this file too, via BASH_ENV).
if [[ $- == *i* ]]; then
  [ -n "$XCP_ROWS" ] && stty rows "$XCP_ROWS" cols "$XCP_COLS" 2>/dev/null
  # The name is put in a variable that the prompt expands: the result of an expansion is never expanded
  # again, so a host named $(touch /tmp/x) runs nothing (hostname prints hostname characters only anyway).
  XCP_PROMPT_HOST="$(hostname | tr -cd 'A-Za-z0-9._-')"
  PS1='[root@\${XCP_PROMPT_HOST} \\W]# '
fi
`;
}

const WRAPPERS: Record<string, string> = {
  xe: 'exec "$XCP_SIM_BIN/dom0cmd" xe "$@"\n',
  lvscan: 'exec "$XCP_SIM_BIN/dom0cmd" lvscan "$@"\n',
  hostname: 'exec "$XCP_SIM_BIN/dom0cmd" hostname "$@"\n',
  lvremove: 'exec "$XCP_SIM_BIN/dom0cmd" lvremove "$@"\n',
  lvchange: 'exec "$XCP_SIM_BIN/dom0cmd" lvchange "$@"\n',
  vgcfgbackup: 'exec "$XCP_SIM_BIN/dom0cmd" vgcfgbackup "$@"\n',
  blockdev: 'exec "$XCP_SIM_BIN/dom0cmd" blockdev "$@"\n',
  pvresize: 'exec "$XCP_SIM_BIN/dom0cmd" pvresize "$@"\n',
  vgdisplay: 'exec "$XCP_SIM_BIN/dom0cmd" vgdisplay "$@"\n',
  pvdisplay: 'exec "$XCP_SIM_BIN/dom0cmd" pvdisplay "$@"\n',
  pvscan: 'exec "$XCP_SIM_BIN/dom0cmd" pvscan "$@"\n',
  multipathd: 'exec "$XCP_SIM_BIN/dom0cmd" multipathd "$@"\n',
  multipath: 'exec "$XCP_SIM_BIN/dom0cmd" multipath "$@"\n',
  // dd: the real one, with if=/of= naming /dev/… mapped to the files standing in for the devices.
  dd: `args=()
for a in "$@"; do
  case "$a" in
    if=/*|of=/*)
      p=$("$XCP_SIM_BIN/dom0cmd" map-dev "\${a#*=}") || exit 1
      args+=("\${a%%=*}=$p") ;;
    *) args+=("$a") ;;
  esac
done
exec /bin/dd "\${args[@]}"
`,
};

function writeBin(sandbox: Dom0Sandbox): string {
  writeFileSync(join(sandbox.bin, 'dom0cmd'), DOM0_CMD);
  chmodSync(join(sandbox.bin, 'dom0cmd'), 0o755);
  for (const [name, body] of Object.entries(WRAPPERS)) {
    writeFileSync(join(sandbox.bin, name), `#!/bin/bash\n${body}`);
    chmodSync(join(sandbox.bin, name), 0o755);
  }
  const rc = join(sandbox.root, 'bashrc');
  writeFileSync(rc, bashRc(sandbox.bin));
  return rc;
}

/** A fresh ed25519 host key; ssh2's generator now and then writes one its own parser rejects: retry. */
function hostKey() {
  for (let i = 0; ; i++) {
    const key = utils.generateKeyPairSync('ed25519');
    const parsed = utils.parseKey(key.private);
    if (!(parsed instanceof Error)) return { key, parsed };
    if (i > 20) throw parsed;
  }
}

function sameSecret(a: string, b: string): boolean {
  const x = createHash('sha256').update(a).digest();
  const y = createHash('sha256').update(b).digest();
  return timingSafeEqual(x, y);
}

export async function startDom0s(sim: SimState, opts: { port?: number; authorizedKeys?: string[] } = {}): Promise<Dom0Fleet> {
  const sandbox = new Dom0Sandbox();
  const rc = writeBin(sandbox);
  const sock = join(sandbox.root, 'dom0.sock');
  const luns = new Luns(sandbox);
  const keys = (opts.authorizedKeys ?? []).map((k) => utils.parseKey(k)).filter((k): k is ParsedKey => !(k instanceof Error) && !Array.isArray(k));
  let smPid = 4000;
  sim.storage = {
    scan(pool, sr) {
      if (!LVM_SR_TYPES.includes(sr.record.type as string)) return undefined;
      // The storage manager logs every scan to /var/log/SMlog on the SR's master (the pool master), one
      // process id per call, as LVHDSR does: S4 reads it back when physical_size did not grow.
      const master = pool.getOf('host', pool.masterRef());
      const log = (lines: string[]) => { if (master) sandbox.smlog(master, ++smPid, lines); };
      const vdis = [...pool.all('VDI')].filter((v) => v.record.SR === sr.ref);
      // LVHDSR reads every VHD's header first: one destroyed by a raw write fails the whole scan.
      const damaged = vdis.find((v) => sandbox.vhdDamaged(pool, sr.uuid, lvNameOf(v)));
      if (damaged) {
        const why = `Error scanning VDI ${damaged.uuid}: VHD-${damaged.uuid} is not a valid VHD (vhd-util check: invalid footer cookie)`;
        log([`sr_scan {'sr_uuid': '${sr.uuid}'}`, `LVHDSR.scan for ${sr.uuid}`, `***** vhd-util check failed on VHD-${damaged.uuid}: invalid footer cookie`, `Raising exception [40, The SR scan failed  [opterr=${why}]]`]);
        return why;
      }
      // A volume removed behind the storage manager's back: the scan forgets its VDI.
      for (const v of vdis) if (sandbox.isRemoved(pool, sr.uuid, lvNameOf(v))) removeVdi(pool, v);
      // A PV that pvresize grew: the scan reads the larger VG. A LUN the array grew whose PV did not follow:
      // LVHDSR's own attempt to grow the PV fails, and only SMlog says so ("non-fatal").
      const lun = luns.lunOfSr(sr.uuid);
      const lines = [`sr_scan {'sr_uuid': '${sr.uuid}'}`, `LVHDSR.scan for ${sr.uuid}`];
      if (lun && lun.arraySize > lun.pvSize) {
        const stale = [...lun.hosts.values()].some((h) => h.mapSize < lun.arraySize || h.paths.some((p) => p.size < lun.arraySize));
        lines.push(`LVHDSR._expand_size for ${sr.uuid}: the LUN reports ${lun.arraySize} bytes, the PV ${lun.pvSize}`);
        lines.push(stale ? `***** pvresize /dev/mapper/${lun.scsiId}: a path or map of the LUN still reports the old size on a host` : `***** pvresize /dev/mapper/${lun.scsiId}: Cannot change metadata for partial volume group VG_XenStorage-${sr.uuid}`);
        lines.push('Failed to grow the PV, non-fatal');
      }
      if (lun && lun.pvSize !== sr.record.physical_size) pool.update(sr, { physical_size: lun.pvSize });
      lines.push(`SR ${sr.uuid} physical_size ${sr.record.physical_size}`, 'lock: released');
      log(lines);
      return undefined;
    },
    growLun(srUuid, size) {
      luns.grow(srUuid, size);
    },
    rawWriter(pool, vdi) {
      // An LV of an LVM SR is the shared file standing for it; a VDI on a file SR has its own file
      // (xapi would write it as a VHD; the bytes are what matter here).
      const sr = pool.getOf('SR', vdi.record.SR as string)!;
      const lvm = LVM_SR_TYPES.includes(sr.record.type as string);
      const file = lvm
        ? sandbox.lvFile(pool, [...pool.all('host')][0], sr.uuid, lvNameOf(vdi), vdi.record.physical_utilisation as number)
        : sandbox.vdiFile(pool, sr.uuid, vdi.uuid);
      // The storage manager deactivates the LV after its write: a host reads it only after lvchange -ay.
      if (lvm) sandbox.writtenByStorageManager(pool, sr.uuid, lvNameOf(vdi));
      return createWriteStream(file, { flags: 'r+' });
    },
    destroyed(pool, sr, vdi) {
      if (LVM_SR_TYPES.includes(sr.record.type as string)) sandbox.removeLv(pool, sr.uuid, lvNameOf(vdi));
    },
  };
  const hosts = new Map<string, { pool: PoolState; host: XObject }>();
  for (const pool of sim.pools) for (const host of pool.all('host')) hosts.set(host.uuid, { pool, host });
  const guests = new Map<string, { pool: PoolState; host: XObject; vm: XObject; address: string }>();
  for (const pool of sim.pools) {
    for (const vm of pool.all('VM')) {
      const gm = pool.getOf('VM_guest_metrics', vm.record.guest_metrics as string);
      const host = pool.getOf('host', vm.record.resident_on as string);
      const address = (gm?.record.networks as Record<string, string> | undefined)?.['0/ip'];
      const linux = (gm?.record.os_version as Record<string, string> | undefined)?.distro !== 'windows';
      if (vm.record.power_state === 'Running' && host && gm && linux && address?.startsWith('127.')) guests.set(vm.uuid, { pool, host, vm, address });
    }
  }

  // The commands' way back into the simulator's state.
  const cmdServer = net.createServer((s) => {
    let buf = '';
    s.on('data', (d) => (buf += d));
    s.on('end', () => {
      let reply;
      try {
        const req = JSON.parse(buf) as { host: string; cmd: string; args: string[] };
        const place = hosts.get(req.host) ?? guests.get(req.host);
        reply = place ? runCommand({ ...place, sandbox, sim, luns }, req.cmd, req.args) : { stdout: '', stderr: 'unknown host\n', code: 1 };
      } catch (e) {
        reply = { stdout: '', stderr: `simulator: ${(e as Error).message}\n`, code: 1 };
      }
      s.end(JSON.stringify(reply));
    });
    s.on('error', () => undefined);
  });
  await new Promise<void>((r) => cmdServer.listen(sock, r));

  const servers: Server[] = [];
  const clients = new Set<Connection>();
  const described: Dom0Host[] = [];
  const executed: { address: string; command: string }[] = [];
  let port = opts.port ?? 0;
  const listen = async (address: string, ctx: HostContext): Promise<string> => {
    const { key, parsed } = hostKey();
    const server = new Server({ hostKeys: [key.private] }, (client) => {
      clients.add(client);
      client.on('close', () => clients.delete(client));
      serveClient(client, ctx);
    });
    server.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, address, () => resolve());
    });
    if (port === 0) port = (server.address() as net.AddressInfo).port; // the first picks; every address shares it
    servers.push(server);
    return 'SHA256:' + createHash('sha256').update(parsed.getPublicSSH()).digest('base64').replace(/=+$/, '');
  };
  for (const [uuid, { pool, host }] of hosts) {
    const address = host.record.address as string;
    const dir = sandbox.prepareHost(host);
    const fingerprint = await listen(address, { pool, host, sandbox, rc, sock, dir, who: uuid, keys, address, executed });
    described.push({ name: host.record.name_label as string, uuid, address, port, hostKeySha256: fingerprint });
  }
  luns.build(sim.pools); // after the hosts' folders exist
  const guestList: GuestSsh[] = [];
  for (const [uuid, { pool, vm, address }] of guests) {
    const gm = pool.getOf('VM_guest_metrics', vm.record.guest_metrics as string)!;
    const dir = sandbox.prepareGuest(vm, gm.record.PV_drivers_version as Record<string, string>);
    const fingerprint = await listen(address, { pool, host: vm, sandbox, rc, sock, dir, who: uuid, keys, address, executed });
    guestList.push({ name: vm.record.name_label as string, uuid, address, hostKeySha256: fingerprint });
  }
  return {
    port,
    username: 'root',
    hosts: described,
    guests: guestList,
    executed,
    async stop() {
      for (const c of clients) c.end(); // a stopping simulator drops its sessions, as a host going away would
      await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
      await new Promise((r) => cmdServer.close(r));
      sim.storage = undefined;
      luns.dispose();
      sandbox.dispose();
    },
  };
}

interface HostContext {
  pool: PoolState;
  /** The host, or the VM for a guest. */
  host: XObject;
  sandbox: Dom0Sandbox;
  rc: string;
  sock: string;
  /** Its folder in the sandbox (home is root/ under it). */
  dir: string;
  /** The uuid the commands name it by. */
  who: string;
  /** Public keys root may log in with. */
  keys: ParsedKey[];
  /** The address it listens on, and the fleet's log of exec requests. */
  address: string;
  executed: { address: string; command: string }[];
}

function serveClient(client: Connection, ctx: HostContext): void {
  client.on('error', () => undefined);
  client.on('authentication', (auth) => {
    if (auth.username === 'root' && auth.method === 'password' && sameSecret(auth.password, ctx.pool.password)) return auth.accept();
    if (auth.username === 'root' && auth.method === 'publickey') {
      const key = ctx.keys.find((k) => k.type === auth.key.algo && k.getPublicSSH().equals(auth.key.data));
      // Without a signature the client only asks whether the key would do; with one, it must verify.
      if (key && (!auth.signature || key.verify(auth.blob!, auth.signature, auth.hashAlgo) === true)) return auth.accept();
    }
    auth.reject(ctx.keys.length ? ['password', 'publickey'] : ['password']);
  });
  client.on('ready', () => {
    client.on('session', (acceptSession) => {
      const session = acceptSession();
      let pty: { cols: number; rows: number; term: string } | undefined;
      session.on('pty', (accept, _reject, info) => {
        pty = { cols: info.cols, rows: info.rows, term: info.term };
        accept?.();
      });
      session.on('window-change', (accept) => accept?.());
      session.on('env', (accept) => accept?.());
      session.on('exec', (accept, _reject, info) => {
        ctx.executed.push({ address: ctx.address, command: info.command });
        if (ctx.executed.length > 20_000) ctx.executed.splice(0, 10_000); // a long demo run keeps the recent ones
        run(accept(), ctx, ['-c', mapDom0Paths(info.command, ctx.dir)], undefined);
      });
      session.on('shell', (accept) => run(accept(), ctx, ['-i'], pty ?? { cols: 80, rows: 24, term: 'xterm' }));
    });
  });
}

function run(channel: ServerChannel, ctx: HostContext, bashArgs: string[], pty: { cols: number; rows: number; term: string } | undefined): void {
  const home = join(ctx.dir, 'root');
  const env: NodeJS.ProcessEnv = {
    HOME: home,
    USER: 'root',
    LANG: 'C.UTF-8',
    PATH: `${ctx.sandbox.bin}:/usr/sbin:/usr/bin:/sbin:/bin`,
    BASH_ENV: ctx.rc,
    XCP_SIM_BIN: ctx.sandbox.bin,
    XCP_SIM_SOCK: ctx.sock,
    XCP_SIM_HOST: ctx.who,
    TERM: pty?.term ?? 'dumb',
    XCP_ROWS: pty ? String(pty.rows) : '',
    XCP_COLS: pty ? String(pty.cols) : '',
  };
  // A pty shell runs under script(1), which gives bash a real terminal.
  const child = pty
    ? spawn('script', ['-qfec', `bash --rcfile ${ctx.rc} -i`, '/dev/null'], { cwd: home, env })
    : spawn('bash', bashArgs, { cwd: home, env });
  channel.pipe(child.stdin).on('error', () => undefined);
  child.stdout.pipe(channel, { end: false });
  child.stderr.pipe(pty ? channel : channel.stderr, { end: false });
  child.stdin.on('error', () => undefined);
  // 'close' comes after the exit status and after both output streams ended.
  child.on('close', (code, sig) => {
    if (sig) channel.exit(sig.replace(/^SIG/, ''), false, '');
    else channel.exit(code ?? 0);
    channel.end();
  });
  channel.on('close', () => {
    if (child.exitCode === null) child.kill('SIGHUP');
  });
}
