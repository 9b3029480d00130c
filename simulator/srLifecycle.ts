// An SR's life in the database apart from its disks (xapi_sr.ml forget/introduce, xapi_pbd.ml
// create/plug/unplug/destroy): forgetting an SR drops its records, never its volumes; introducing it
// again under the same uuid and scanning finds the volumes where they were, as LVHDSR does by reading
// its volume group (names come back from the SR's metadata volume). VBDs are the database's only.

import { NULL_REF } from './schema';
import type { PoolState, XObject } from './state';
import { addVdi, dropVbd, removeVdi } from './vdis';

interface Volume {
  uuid: string;
  name_label: string;
  name_description: string;
  virtual_size: number;
  format: 'raw' | 'vhd';
}
interface Disk {
  physical_size: number;
  volumes: Volume[];
}

/** What is on each forgotten SR's disk, per pool, by SR uuid (the LUN outlives the records). */
const disks = new WeakMap<PoolState, Map<string, Disk>>();
function disksOf(pool: PoolState): Map<string, Disk> {
  let m = disks.get(pool);
  if (!m) disks.set(pool, (m = new Map()));
  return m;
}

/** A failure as xapi raises it: the code, then its parameters. */
export type Refusal = string[];

/** SR.forget: refused while a PBD is plugged; else the PBDs, VDIs (and their VBDs) and the SR record go. */
export function forgetSr(pool: PoolState, sr: XObject): Refusal | undefined {
  const pbds = (sr.record.PBDs as string[]).map((r) => pool.getOf('PBD', r)).filter((p): p is XObject => !!p);
  if (pbds.some((p) => p.record.currently_attached === true)) return ['SR_HAS_PBD', sr.ref];
  const vdis = (sr.record.VDIs as string[]).map((r) => pool.getOf('VDI', r)).filter((v): v is XObject => !!v);
  disksOf(pool).set(sr.uuid, {
    physical_size: sr.record.physical_size as number,
    volumes: vdis.map((v) => ({
      uuid: v.uuid,
      name_label: v.record.name_label as string,
      name_description: v.record.name_description as string,
      virtual_size: v.record.virtual_size as number,
      format: (v.record.sm_config as Record<string, string>).type === 'raw' ? 'raw' : 'vhd',
    })),
  });
  for (const pbd of pbds) destroyPbdRecord(pool, pbd);
  for (const vdi of vdis) removeVdi(pool, vdi);
  pool.destroy(sr);
  return undefined;
}

/** SR.introduce: a record only (physical_size unknown until a PBD is plugged and the SR scanned). */
export function introduceSr(pool: PoolState, f: { uuid: string; name_label: string; name_description: string; type: string; content_type: string; shared: boolean; sm_config: Record<string, string> }): XObject | Refusal {
  if (f.uuid && pool.byUuidOf('SR', f.uuid)) return ['INTERNAL_ERROR', `Db_exn.Uniqueness_constraint_violation("SR", "uuid", "${f.uuid}")`];
  return pool.create(
    'SR',
    { name_label: f.name_label, name_description: f.name_description, type: f.type.toLowerCase(), content_type: f.content_type, shared: f.shared, sm_config: f.sm_config, physical_size: -1, physical_utilisation: -1, virtual_allocation: 0, introduced_by: NULL_REF },
    f.uuid ? { uuid: f.uuid } : undefined,
  );
}

/** The scan's half that reads the volume group: volumes on disk without a VDI record get one. */
export function rediscoverVolumes(pool: PoolState, sr: XObject): void {
  const disk = disksOf(pool).get(sr.uuid);
  if (!disk) return;
  const attached = (sr.record.PBDs as string[]).some((r) => pool.getOf('PBD', r)?.record.currently_attached === true);
  if (!attached) return;
  disksOf(pool).delete(sr.uuid);
  pool.update(sr, { physical_size: disk.physical_size, physical_utilisation: 0, virtual_allocation: 0 });
  for (const v of disk.volumes) {
    if (pool.byUuidOf('VDI', v.uuid)) continue;
    addVdi(pool, sr, v);
  }
}

/** PBD.create: one per host and SR (PBD_EXISTS names the one there is), created unplugged. */
export function createPbd(pool: PoolState, host: XObject, sr: XObject, deviceConfig: Record<string, string>, otherConfig: Record<string, string>): XObject | Refusal {
  const existing = (sr.record.PBDs as string[]).find((r) => pool.getOf('PBD', r)?.record.host === host.ref);
  if (existing) return ['PBD_EXISTS', sr.ref, host.ref, existing];
  if ('SRmaster' in deviceConfig) return ['VALUE_NOT_SUPPORTED', 'SRmaster', deviceConfig.SRmaster, 'This key is for internal use only'];
  const pbd = pool.create('PBD', { host: host.ref, SR: sr.ref, device_config: deviceConfig, other_config: otherConfig, currently_attached: false });
  pool.addToSet(sr, 'PBDs', pbd.ref);
  pool.addToSet(host, 'PBDs', pbd.ref);
  return pbd;
}

/** PBD.unplug: refused while a VM resident on that host has a disk of the SR attached (VDI_IN_USE). */
export function unplugPbd(pool: PoolState, pbd: XObject): Refusal | undefined {
  if (pbd.record.currently_attached !== true) return undefined;
  const inUse: string[] = [];
  for (const vm of pool.all('VM')) {
    if (vm.record.resident_on !== pbd.record.host) continue;
    for (const vbdRef of vm.record.VBDs as string[]) {
      const vbd = pool.getOf('VBD', vbdRef);
      if (!vbd || vbd.record.currently_attached !== true || vbd.record.empty === true) continue;
      if (pool.getOf('VDI', vbd.record.VDI as string)?.record.SR === pbd.record.SR) inUse.push(vbd.record.VDI as string);
    }
  }
  if (inUse.length) return ['VDI_IN_USE', ...inUse];
  pool.update(pbd, { currently_attached: false });
  return undefined;
}

/** PBD.destroy: refused while plugged. */
export function destroyPbd(pool: PoolState, pbd: XObject): Refusal | undefined {
  if (pbd.record.currently_attached === true) return ['OPERATION_NOT_ALLOWED', 'PBD is currently attached'];
  destroyPbdRecord(pool, pbd);
  return undefined;
}

/** A PBD's record gone, and its ref out of its SR's and host's lists (no unplug: the caller checked). */
export function destroyPbdRecord(pool: PoolState, pbd: XObject): void {
  const sr = pool.getOf('SR', pbd.record.SR as string);
  if (sr) pool.removeFromSet(sr, 'PBDs', pbd.ref);
  const host = pool.getOf('host', pbd.record.host as string);
  if (host) pool.removeFromSet(host, 'PBDs', pbd.ref);
  pool.destroy(pbd);
}

/** VBD.create: a disk slot of a VM, unplugged; a userdevice the VM already uses is refused. */
export function createVbd(pool: PoolState, vm: XObject, vdi: XObject | undefined, f: { userdevice: string; bootable: boolean; mode: string; type: string; unpluggable: boolean; empty: boolean; other_config: Record<string, string> }): XObject | Refusal {
  const taken = (vm.record.VBDs as string[]).some((r) => pool.getOf('VBD', r)?.record.userdevice === f.userdevice);
  if (taken) return ['DEVICE_ALREADY_EXISTS', f.userdevice];
  const vbd = pool.create('VBD', { VM: vm.ref, VDI: vdi?.ref ?? NULL_REF, userdevice: f.userdevice, bootable: f.bootable, mode: f.mode, type: f.type, unpluggable: f.unpluggable, empty: f.empty, other_config: f.other_config, currently_attached: false });
  pool.addToSet(vm, 'VBDs', vbd.ref);
  if (vdi) pool.addToSet(vdi, 'VBDs', vbd.ref);
  return vbd;
}

/** VBD.destroy: refused while attached to a running VM. */
export function destroyVbd(pool: PoolState, vbd: XObject): Refusal | undefined {
  if (vbd.record.currently_attached === true) return ['OPERATION_NOT_ALLOWED', 'VBD is currently attached'];
  dropVbd(pool, vbd);
  return undefined;
}
