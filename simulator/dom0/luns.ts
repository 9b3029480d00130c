// The LUNs behind the shared LVM SRs (FC, iSCSI), as each dom0 sees them: a multipath map dm-N over
// two SCSI paths, sizes in sysfs (/sys/block/dm-N/size, …/slaves/sdX/size, in 512-byte sectors), one
// PV per LUN. Growing the LUN on the array (control API) changes nothing a host sees until each path
// is rescanned (`echo 1 > …/device/rescan`), then the map resized (`multipathd -k"resize map …"`),
// then the PV (`pvresize`); SR.scan then reads the larger VG into physical_size. As on a real pool.

import { mkdirSync, renameSync, writeFileSync, watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import type { PoolState, XObject } from '../state';
import type { Dom0Sandbox } from './sandbox';

const SECTOR = 512;

interface HostView {
  dm: string;
  paths: { name: string; hctl: string; size: number }[];
  mapSize: number;
}

export interface Lun {
  pool: PoolState;
  sr: XObject;
  scsiId: string;
  /** What the array says now. */
  arraySize: number;
  pvSize: number;
  hosts: Map<string, HostView>;
}

export class Luns {
  private readonly bySr = new Map<string, Lun>();
  private readonly watchers: FSWatcher[] = [];

  constructor(private readonly sandbox: Dom0Sandbox) {}

  /** Every shared LVM SR with a SCSIid gets its LUN, seen by every host with a PBD. */
  build(pools: PoolState[]): void {
    for (const pool of pools) {
      const counters = new Map<string, number>();
      for (const sr of pool.all('SR')) {
        if (!['lvmohba', 'lvmoiscsi'].includes(sr.record.type as string)) continue;
        const size = sr.record.physical_size as number;
        let scsiId = '';
        const lun: Lun = { pool, sr, scsiId, arraySize: size, pvSize: size, hosts: new Map() };
        for (const pbdRef of sr.record.PBDs as string[]) {
          const pbd = pool.getOf('PBD', pbdRef);
          const host = pbd && pool.getOf('host', pbd.record.host as string);
          if (!pbd || !host) continue;
          scsiId ||= (pbd.record.device_config as Record<string, string>).SCSIid ?? '';
          const n = counters.get(host.ref) ?? 0;
          counters.set(host.ref, n + 1);
          const letter = (i: number) => String.fromCharCode(98 + i); // sdb, sdc, …
          const view: HostView = {
            dm: `dm-${n + 1}`,
            paths: [0, 1].map((p) => ({ name: `sd${letter(n * 2 + p)}`, hctl: `${p + 1}:0:0:${n + 1}`, size })),
            mapSize: size,
          };
          lun.hosts.set(host.ref, view);
          this.writeSysfs(host, view);
          this.watchRescans(lun, host, view);
        }
        lun.scsiId = scsiId;
        if (scsiId) this.bySr.set(sr.uuid, lun);
      }
    }
  }

  lunOfSr(srUuid: string): Lun | undefined {
    return this.bySr.get(srUuid);
  }

  lunOfMap(pool: PoolState, name: string): Lun | undefined {
    for (const l of this.bySr.values()) if (l.pool === pool && l.scsiId === name) return l;
    return undefined;
  }

  lunsOfHost(pool: PoolState, host: XObject): Lun[] {
    return [...this.bySr.values()].filter((l) => l.pool === pool && l.hosts.has(host.ref));
  }

  /** The array grew the LUN: nothing changes on the hosts yet. */
  grow(srUuid: string, size: number): Lun {
    const lun = this.bySr.get(srUuid);
    if (!lun) throw new Error(`no LUN behind SR ${srUuid}`);
    if (size < lun.arraySize) throw new Error('a LUN does not shrink online');
    lun.arraySize = size;
    return lun;
  }

  /** multipathd resize map: the map takes its paths' size, if they all agree. */
  resizeMap(lun: Lun, host: XObject): string | undefined {
    const view = lun.hosts.get(host.ref)!;
    const sizes = new Set(view.paths.map((p) => p.size));
    if (sizes.size !== 1) return 'fail';
    view.mapSize = [...sizes][0];
    this.writeSysfs(host, view);
    return undefined;
  }

  dispose(): void {
    for (const w of this.watchers) w.close();
  }

  private blockDir(host: XObject): string {
    return join(this.sandbox.hostDir(host), 'sys', 'block');
  }

  private writeSysfs(host: XObject, view: HostView): void {
    const dm = join(this.blockDir(host), view.dm);
    for (const p of view.paths) {
      const dir = join(dm, 'slaves', p.name);
      mkdirSync(join(dir, 'device'), { recursive: true });
      replaceFile(join(dir, 'size'), `${p.size / SECTOR}\n`);
    }
    replaceFile(join(dm, 'size'), `${view.mapSize / SECTOR}\n`);
  }

  /** A write into a path's device/rescan makes it read the array's size (the kernel re-reads the capacity). */
  private watchRescans(lun: Lun, host: XObject, view: HostView): void {
    for (const p of view.paths) {
      const file = join(this.blockDir(host), view.dm, 'slaves', p.name, 'device', 'rescan');
      writeFileSync(file, '');
      const w = watch(file, () => {
        if (p.size === lun.arraySize) return;
        p.size = lun.arraySize;
        this.writeSysfs(host, view);
      });
      w.on('error', () => undefined);
      this.watchers.push(w);
    }
  }
}

/** Writes a sysfs-like file in one step: a reader sees the old value or the new one, never an empty file. */
function replaceFile(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

export function gib(n: number): string {
  return `${(n / 1024 ** 3).toFixed(2)}g`;
}
