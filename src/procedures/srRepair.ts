// S3, repair an LVM SR whose scan fails because a raw write destroyed a VHD (the runbook's accident):
// back up the LVM metadata, list the LVs, remove exactly the LV the scan chokes on (after a
// confirmation with its full path), scan again. The offending LV comes from the scan's own error and,
// where this journal saw the write that did it, from that entry. No vscode import.

import type { PoolModel } from '../model/poolModel';
import { isUuid, type Ref } from '../xapi/records';
import { lvDevicePath, LVM_SR_TYPES, volumeGroupOf } from '../model/storageLayout';
import { sh } from '../shell/quote';
import type { JournalEntry } from './journal';
import { refusedPlan, type HostTarget, type ObjectRef, type Plan } from './plan';

const UUID_IN_TEXT = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

/** The VDIs of this SR that a scan error names. */
export function vdisNamedBy(model: PoolModel, srRef: Ref<'SR'>, scanError: string): Ref<'VDI'>[] {
  const named = new Set(scanError.match(UUID_IN_TEXT) ?? []);
  return model.vdisOf(srRef).filter((v) => named.has(v.record.uuid)).map((v) => v.ref);
}

/** Journal runs that wrote into this LV (or, failing that, into this SR). */
export function writesInto(entries: readonly JournalEntry[], srUuid: string, device: string | undefined): JournalEntry[] {
  const exact = entries.filter((e) => device !== undefined && e.extra?.wrote === device);
  return exact.length ? exact : entries.filter((e) => e.extra?.sr === srUuid && typeof e.extra?.wrote === 'string');
}

export function planSrRepair(model: PoolModel, srRef: Ref<'SR'>, scanError: string | undefined, journal: readonly JournalEntry[]): Plan {
  const sr = model.get('SR', srRef);
  const target: ObjectRef = { kind: 'SR', name: sr?.name_label ?? '?', uuid: sr?.uuid ?? '' };
  const base = { procedure: 'S3', title: 'Repair an SR broken by a raw overwrite' };
  const refuse = (refusal: string, facts: string[] = []): Plan => refusedPlan(base, target, refusal, facts);
  if (!sr) return refuse('This SR is no longer in the pool.');
  if (!isUuid(sr.uuid)) return refuse(`XAPI gave the SR a malformed uuid (${sr.uuid}).`);
  if (!LVM_SR_TYPES.includes(sr.type)) return refuse(`${sr.name_label} is a ${sr.type} SR; this repair is for LVM-based SRs.`);
  if (!scanError) return refuse(`SR.scan of ${sr.name_label} succeeds: there is nothing to repair.`, [`SR.scan of ${sr.name_label} passed just now.`]);
  const facts = [`SR.scan of ${sr.name_label} fails now: ${scanError}`];
  const named = vdisNamedBy(model, srRef, scanError);
  if (named.length !== 1) {
    return refuse(`The scan error names ${named.length === 0 ? 'no VDI of this SR' : `${named.length} VDIs`}: XCP Admin removes an LV only when exactly one is to blame. Look at /var/log/SMlog on the master.`, facts);
  }
  const vdiRef = named[0];
  const vdi = model.get('VDI', vdiRef)!;
  const format = model.vdiFormat(vdiRef);
  const device = lvDevicePath(sr, vdi, format === 'unknown' ? 'vhd' : format);
  if (!device) return refuse('No LV path for the VDI the scan names.', facts);
  const writes = writesInto(journal, sr.uuid, device);
  facts.push(writes.length
    ? `The journal has ${writes.length} raw write(s) into ${writes[0].extra?.wrote === device ? device : `${sr.name_label}`}: ${writes.map((w) => `${w.started} from ${String(w.extra?.source ?? '?')} (${w.status})`).join('; ')}.`
    : `This journal holds no write into ${device}: it was written from elsewhere (by hand, or from another machine).`);
  const users = model.vmsUsing(vdiRef).filter((v) => !v.record.is_control_domain).map((v) => v.record.name_label);
  facts.push(`${vdi.name_label} (${vdi.uuid}) is the VDI on that LV${users.length ? `, used by ${users.join(', ')}` : ''}: its contents are already lost.`);
  const master = model.master();
  if (!master) return refuse('The pool has no known master.', facts);
  const host: HostTarget = { name: master.record.name_label, uuid: master.record.uuid, address: master.record.address };
  const vg = volumeGroupOf(sr.uuid);
  return {
    ...base,
    target,
    summary: `Removes exactly ${device} (the VHD that a raw write destroyed; ${vdi.name_label} is lost either way), after backing up the LVM metadata of ${vg}, then scans ${sr.name_label} again. Every other VDI of the SR stays as it is. If the scan still fails, the SR must be forgotten and re-attached (never formatted): stop there and do that by hand.`,
    facts,
    steps: [
      {
        id: 'backup',
        title: `Back up the LVM metadata of ${vg}`,
        why: 'vgcfgbackup keeps the volume group\'s layout in /etc/lvm/backup, so a wrong removal could be undone with vgcfgrestore.',
        destructive: false,
        action: { kind: 'shell', host, command: sh`vgcfgbackup ${vg}` },
      },
      {
        id: 'lvscan',
        title: 'List the LVs',
        why: 'The LV to remove must be there, and the list is kept in the journal.',
        destructive: false,
        action: { kind: 'shell', host, command: sh`lvscan | grep -F ${vg}` },
      },
      {
        id: 'lvremove',
        title: `Remove ${device}`,
        why: `It holds no valid VHD any more and makes every scan of ${sr.name_label} fail.`,
        destructive: true,
        confirmObject: { kind: 'VDI', name: `${vdi.name_label} — ${device}`, uuid: vdi.uuid },
        action: { kind: 'shell', host, command: sh`lvremove -f ${device}` },
      },
      {
        id: 'scan',
        title: `Scan ${sr.name_label}`,
        why: 'The storage manager reads the VG again and forgets the VDI whose LV is gone.',
        destructive: false,
        action: { kind: 'xapi', method: 'SR.scan', args: [srRef], xe: `xe sr-scan uuid=${sr.uuid}` },
        check: 'the scan passes',
      },
    ],
  };
}
