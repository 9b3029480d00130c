// The file system of the simulated dom0s: one folder per simulator run holding
//   bin/                  our commands (xe, lvscan, hostname …) and the wrappers of real ones (dd)
//   pools/<pool>/VG_XenStorage-<sr>/LV-<vdi>   the shared LVs: sparse files, the same for every host
//   hosts/<name>/root     the home folder of root on that host
//   hosts/<name>/dev/VG_XenStorage-<sr>  → symlink into pools/<pool>/… (shared storage is shared)
// Paths a command names as /dev/…, /etc/…, /opt/… are mapped into hosts/<name>/ by the wrappers.

import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, openSync, closeSync, ftruncateSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PoolState, XObject } from '../state';

export class Dom0Sandbox {
  readonly root: string;
  readonly bin: string;

  constructor() {
    this.root = mkdtempSync(join(tmpdir(), 'xcp-sim-dom0-'));
    this.bin = join(this.root, 'bin');
    mkdirSync(this.bin);
  }

  hostDir(host: XObject): string {
    return join(this.root, 'hosts', host.record.name_label as string);
  }

  poolDir(pool: PoolState): string {
    return join(this.root, 'pools', pool.name);
  }

  /** Creates a host's folders once; LV folders are linked when an SR is first touched. */
  prepareHost(host: XObject): string {
    const dir = this.hostDir(host);
    if (existsSync(dir)) return dir;
    for (const d of ['root', 'dev', 'etc/xensource', 'opt/xensource/bin', 'sys/block', 'tmp']) mkdirSync(join(dir, d), { recursive: true });
    return dir;
  }

  /** The file backing an LV of an SR of this pool, created sparse at `size` bytes on first use. */
  lvFile(pool: PoolState, host: XObject, srUuid: string, lvName: string, size: number): string {
    const vgDir = join(this.poolDir(pool), `VG_XenStorage-${srUuid}`);
    mkdirSync(vgDir, { recursive: true });
    const link = join(this.hostDir(host), 'dev', `VG_XenStorage-${srUuid}`);
    if (!existsSync(link)) symlinkSync(vgDir, link);
    const file = join(vgDir, lvName);
    if (!existsSync(file) || statSync(file).size < size) {
      const fd = openSync(file, existsSync(file) ? 'r+' : 'w');
      ftruncateSync(fd, size);
      closeSync(fd);
    }
    return file;
  }

  removeLv(pool: PoolState, srUuid: string, lvName: string): void {
    rmSync(join(this.poolDir(pool), `VG_XenStorage-${srUuid}`, lvName), { force: true });
  }

  dispose(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}
