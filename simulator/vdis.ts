// VDIs appearing and going the way the storage manager leaves them: in the SR's list, counted in its
// usage, their VBDs gone with them. Shared by XAPI (VDI.create/destroy), xe in a dom0 and the control API.

import type { PoolState, XObject } from './state';

const MiB = 1024 ** 2;

/** Adds a VDI the way `xe vdi-create` would leave it: in the SR's VDIs, counted in its usage. */
export function addVdi(pool: PoolState, sr: XObject, opts: { name_label: string; virtual_size: number; format: 'raw' | 'vhd'; name_description?: string; uuid?: string }): XObject {
  const raw = opts.format === 'raw';
  const size = opts.virtual_size;
  const physical = raw || sr.record.type !== 'nfs' ? Math.ceil(size / (4 * MiB)) * 4 * MiB : 2 * MiB;
  const uuid = opts.uuid ?? pool.newUuid();
  const vdi = pool.create(
    'VDI',
    {
      name_label: opts.name_label,
      name_description: opts.name_description ?? '',
      SR: sr.ref,
      virtual_size: size,
      physical_utilisation: physical,
      location: uuid,
      sm_config: raw ? { type: 'raw', vdi_type: 'aio' } : { vdi_type: 'vhd' },
    },
    { uuid },
  );
  pool.update(sr, {
    VDIs: [...(sr.record.VDIs as string[]), vdi.ref],
    physical_utilisation: (sr.record.physical_utilisation as number) + physical,
    virtual_allocation: (sr.record.virtual_allocation as number) + size,
  });
  return vdi;
}

/** Removes a VDI as lvremove + sr-scan would: its VBDs go too, and the SR forgets it. */
export function removeVdi(pool: PoolState, vdi: XObject): void {
  for (const vbdRef of vdi.record.VBDs as string[]) {
    const vbd = pool.getOf('VBD', vbdRef);
    if (vbd) dropVbd(pool, vbd);
  }
  const sr = pool.getOf('SR', vdi.record.SR as string);
  if (sr) {
    pool.update(sr, {
      VDIs: (sr.record.VDIs as string[]).filter((r) => r !== vdi.ref),
      physical_utilisation: Math.max(0, (sr.record.physical_utilisation as number) - (vdi.record.physical_utilisation as number)),
      virtual_allocation: Math.max(0, (sr.record.virtual_allocation as number) - (vdi.record.virtual_size as number)),
    });
  }
  // A snapshot VDI leaves its source's list of snapshots.
  const source = pool.getOf('VDI', vdi.record.snapshot_of as string);
  if (source) pool.removeFromSet(source, 'snapshots', vdi.ref);
  pool.destroy(vdi);
}

/** A VBD's record gone, and its ref out of its VM's and VDI's lists. */
export function dropVbd(pool: PoolState, vbd: XObject): void {
  const vm = pool.getOf('VM', vbd.record.VM as string);
  if (vm) pool.removeFromSet(vm, 'VBDs', vbd.ref);
  const vdi = pool.getOf('VDI', vbd.record.VDI as string);
  if (vdi) pool.removeFromSet(vdi, 'VBDs', vbd.ref);
  pool.destroy(vbd);
}
