// The file system of the simulated dom0s: one folder per simulator run holding
//   bin/                  our commands (xe, lvscan, hostname …) and the wrappers of real ones (dd)
//   pools/<pool>/VG_XenStorage-<sr>/LV-<vdi>   the shared LVs: sparse files, the same for every host
//   hosts/<uuid>/root     the home folder of root on that host
//   hosts/<uuid>/dev/VG_XenStorage-<sr>  → symlink into pools/<pool>/… (shared storage is shared)
//   hosts/<uuid>/etc/init.d/xapi, opt/xensource/bin/xapi, etc/xensource/   what H2 edits
//   guests/<vm uuid>/usr/sbin/xe-update-guest-attrs                       what H3 edits in a Linux guest
// The sandbox is no chroot: the exec requests' absolute paths of those places are mapped into the
// host's (or guest's) folder before bash sees them (mapDom0Paths), and dd maps /dev/… itself.

import { appendFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, openSync, closeSync, ftruncateSync, statSync, writeFileSync, writeSync, readSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PoolState, XObject } from '../state';

const VHD_COOKIE = Buffer.from('conectix');

export class Dom0Sandbox {
  readonly root: string;
  readonly bin: string;
  private readonly removed = new Set<string>();

  constructor() {
    this.root = mkdtempSync(join(tmpdir(), 'xcp-sim-dom0-'));
    this.bin = join(this.root, 'bin');
    mkdirSync(this.bin);
  }

  /** By uuid: a name is XAPI data (a rename must not lose the host's files, `../` must not leave the sandbox). */
  hostDir(host: XObject): string {
    return join(this.root, 'hosts', host.uuid);
  }

  poolDir(pool: PoolState): string {
    return join(this.root, 'pools', pool.name);
  }

  guestDir(vm: XObject): string {
    return join(this.root, 'guests', vm.uuid);
  }

  /** Creates a host's folders once; LV folders are linked when an SR is first touched. */
  prepareHost(host: XObject): string {
    const dir = this.hostDir(host);
    if (existsSync(dir)) return dir;
    for (const d of ['root', 'dev', 'etc/xensource', 'etc/init.d', 'opt/xensource/bin', 'sys/block', 'tmp']) mkdirSync(join(dir, d), { recursive: true });
    const version = (host.record.software_version as Record<string, string>).product_version ?? '1.4.90';
    writeFileSync(join(dir, 'opt/xensource/bin/xapi'), fakeXapiBinary(version), { mode: 0o755 });
    writeFileSync(join(dir, 'etc/init.d/xapi'), XAPI_INIT, { mode: 0o755 });
    return dir;
  }

  /** Lines the storage manager logs on this host, as /var/log/SMlog has them: date, host, `SM: [pid]`. */
  smlog(host: XObject, pid: number, lines: string[]): void {
    const dir = join(this.prepareHost(host), 'var', 'log');
    mkdirSync(dir, { recursive: true });
    const now = new Date();
    const stamp = `${now.toUTCString().slice(8, 11)} ${String(now.getUTCDate()).padStart(2, ' ')} ${now.toISOString().slice(11, 19)}`;
    const name = String(host.record.hostname || host.record.name_label).replace(/[^A-Za-z0-9.-]/g, '_');
    appendFileSync(join(dir, 'SMlog'), lines.map((l) => `${stamp} ${name} SM: [${pid}] ${l.replace(/\n/g, ' ')}\n`).join(''));
  }

  /** A Linux guest with the XenServer tools installed: root's home and xe-update-guest-attrs. */
  prepareGuest(vm: XObject, pv: Record<string, string>): string {
    const dir = this.guestDir(vm);
    if (existsSync(dir)) return dir;
    for (const d of ['root', 'usr/sbin', 'tmp']) mkdirSync(join(dir, d), { recursive: true });
    writeFileSync(join(dir, 'usr/sbin/xe-update-guest-attrs'), guestAttrsScript(pv), { mode: 0o755 });
    return dir;
  }

  /** The file backing an LV of an SR of this pool, created sparse at `size` bytes on first use. */
  lvFile(pool: PoolState, host: XObject, srUuid: string, lvName: string, size: number): string {
    const vgDir = join(this.poolDir(pool), `VG_XenStorage-${srUuid}`);
    mkdirSync(vgDir, { recursive: true });
    const link = join(this.hostDir(host), 'dev', `VG_XenStorage-${srUuid}`);
    if (!existsSync(link)) symlinkSync(vgDir, link);
    const file = join(vgDir, lvName);
    const fresh = !existsSync(file);
    if (fresh || statSync(file).size < size) {
      const fd = openSync(file, fresh ? 'w' : 'r+');
      ftruncateSync(fd, size);
      // A VHD volume starts with the VHD cookie, as the storage manager writes it; a raw write destroys it.
      if (fresh && lvName.startsWith('VHD-')) writeSync(fd, VHD_COOKIE, 0, VHD_COOKIE.length, 0);
      closeSync(fd);
    }
    return file;
  }

  /** The file standing for a VDI of a file SR (NFS, ext), created empty on first use. */
  vdiFile(pool: PoolState, srUuid: string, vdiUuid: string): string {
    const dir = join(this.poolDir(pool), `sr-${srUuid}`);
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${vdiUuid}.img`);
    if (!existsSync(file)) writeFileSync(file, '');
    return file;
  }

  /** The file of an LV, if it was ever touched (undefined otherwise). */
  existingLv(pool: PoolState, srUuid: string, lvName: string): string | undefined {
    const file = join(this.poolDir(pool), `VG_XenStorage-${srUuid}`, lvName);
    return existsSync(file) ? file : undefined;
  }

  /** lvremove: the volume is gone; the VDI stays in XAPI's database until the next SR.scan. */
  removeLv(pool: PoolState, srUuid: string, lvName: string): void {
    rmSync(join(this.poolDir(pool), `VG_XenStorage-${srUuid}`, lvName), { force: true });
    this.removed.add(`${pool.name}/${srUuid}/${lvName}`);
  }

  /**
   * LV activation, per host: an LV is active where lvchange -ay made it so and inactive where -an did;
   * elsewhere it is active, except after the storage manager wrote it for import_raw_vdi, which leaves it
   * inactive on every host (as on a real pool). An inactive LV has no device node: dd cannot open it.
   */
  private readonly activation = new Map<string, boolean>();
  private readonly leftInactive = new Set<string>();

  writtenByStorageManager(pool: PoolState, srUuid: string, lvName: string): void {
    const lv = `${pool.name}/${srUuid}/${lvName}`;
    this.leftInactive.add(lv);
    for (const key of [...this.activation.keys()]) if (key.endsWith(`|${lv}`)) this.activation.delete(key);
  }

  setActive(host: XObject, pool: PoolState, srUuid: string, lvName: string, active: boolean): void {
    this.activation.set(`${host.uuid}|${pool.name}/${srUuid}/${lvName}`, active);
  }

  isActive(host: XObject, pool: PoolState, srUuid: string, lvName: string): boolean {
    const lv = `${pool.name}/${srUuid}/${lvName}`;
    return this.activation.get(`${host.uuid}|${lv}`) ?? !this.leftInactive.has(lv);
  }

  isRemoved(pool: PoolState, srUuid: string, lvName: string): boolean {
    return this.removed.has(`${pool.name}/${srUuid}/${lvName}`);
  }

  /** True when the LV's first bytes are no VHD's (a raw image was written over it). */
  vhdDamaged(pool: PoolState, srUuid: string, lvName: string): boolean {
    const file = this.existingLv(pool, srUuid, lvName);
    if (!file || !lvName.startsWith('VHD-')) return false;
    const head = Buffer.alloc(VHD_COOKIE.length);
    const fd = openSync(file, 'r');
    try {
      readSync(fd, head, 0, head.length, 0);
    } finally {
      closeSync(fd);
    }
    return !head.equals(VHD_COOKIE);
  }

  dispose(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** Stands in for the xapi binary: some bytes around the version string, as `strings` would find it. */
function fakeXapiBinary(version: string): Buffer {
  const noise = Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 37 + 11) % 256));
  return Buffer.concat([Buffer.from('\x7fELF'), noise, Buffer.from(`\0product_version=${version}\0xapi ${version} build 53341c\0`), noise]);
}

const XAPI_INIT = `#!/bin/bash
# xapi init script (simulated): stop/start/restart the toolstack of this host.
case "$1" in
  stop|start|restart) exec "$XCP_SIM_BIN/dom0cmd" xapi-init "$1" ;;
  *) echo "Usage: $0 {start|stop|restart}" >&2; exit 2 ;;
esac
`;

/** The tools' reporting script as the guest has it: one xenstore write per version field. */
function guestAttrsScript(pv: Record<string, string>): string {
  return `#!/bin/bash
# xe-update-guest-attrs (simulated): reports the guest's attributes and the PV drivers' version.
xenstore_write() { "$XCP_SIM_BIN/dom0cmd" guest-attr "$1" "$2"; }
xenstore_write "attr/PVAddons/MajorVersion" "${pv.major ?? '1'}"
xenstore_write "attr/PVAddons/MinorVersion" "${pv.minor ?? '4'}"
xenstore_write "attr/PVAddons/MicroVersion" "${pv.micro ?? '90'}"
xenstore_write "attr/PVAddons/BuildVersion" "${pv.build ?? '53341'}"
`;
}

/** The absolute paths of the runbook's files, mapped into a host's or guest's folder. */
const MAPPED = ['/etc/init.d/xapi', '/opt/xensource/', '/etc/xensource/', '/etc/lvm/', '/usr/sbin/xe-update-guest-attrs', '/var/log/', '/root/', '/sys/block/'];

/** Rewrites the mapped absolute paths in a command line (where a path can start: after a space, quote, =, <, >, ;, |, &, ( or at the start). */
export function mapDom0Paths(command: string, dir: string): string {
  let out = command;
  for (const p of MAPPED) {
    const re = new RegExp(`(^|[\\s'"=<>;|&(])${p.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`, 'g');
    out = out.replace(re, (_m, lead: string) => `${lead}${dir}${p}`);
  }
  return out;
}
