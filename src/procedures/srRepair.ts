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
import { l10n } from '../text/l10n';

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
  const base = { procedure: 'S3', title: l10n.t('Repair an SR broken by a raw overwrite') };
  const refuse = (refusal: string, facts: string[] = []): Plan => refusedPlan(base, target, refusal, facts);
  if (!sr) return refuse(l10n.t('This SR is no longer in the pool.'));
  if (!isUuid(sr.uuid)) return refuse(l10n.t('XAPI gave the SR a malformed uuid ({0}).', sr.uuid));
  if (!LVM_SR_TYPES.includes(sr.type)) return refuse(l10n.t('{0} is a {1} SR; this repair is for LVM-based SRs.', sr.name_label, sr.type));
  if (!scanError) return refuse(l10n.t('SR.scan of {0} succeeds: there is nothing to repair.', sr.name_label), [l10n.t('SR.scan of {0} passed just now.', sr.name_label)]);
  const facts = [l10n.t('SR.scan of {0} fails now: {1}', sr.name_label, scanError)];
  const named = vdisNamedBy(model, srRef, scanError);
  if (named.length !== 1) {
    return refuse(l10n.t('The scan error names {0}: XCP Admin removes an LV only when exactly one is to blame. Look at /var/log/SMlog on the master.', named.length === 0 ? l10n.t('no VDI of this SR') : `${named.length} VDIs`), facts);
  }
  const vdiRef = named[0];
  const vdi = model.get('VDI', vdiRef)!;
  const format = model.vdiFormat(vdiRef);
  const device = lvDevicePath(sr, vdi, format === 'unknown' ? 'vhd' : format);
  if (!device) return refuse(l10n.t('No LV path for the VDI the scan names.'), facts);
  const writes = writesInto(journal, sr.uuid, device);
  facts.push(writes.length
    ? l10n.t('The journal has {0} raw write(s) into {1}: {2}.', writes.length, writes[0].extra?.wrote === device ? device : `${sr.name_label}`, writes.map((w) => `${w.started} from ${String(w.extra?.source ?? '?')} (${w.status})`).join('; '))
    : l10n.t('This journal holds no write into {0}: it was written from elsewhere (by hand, or from another machine).', device));
  const users = model.vmsUsing(vdiRef).filter((v) => !v.record.is_control_domain).map((v) => v.record.name_label);
  facts.push(l10n.t('{0} ({1}) is the VDI on that LV{2}: its contents are already lost.', vdi.name_label, vdi.uuid, users.length ? l10n.t(', used by {0}', users.join(', ')) : ''));
  const master = model.master();
  if (!master) return refuse(l10n.t('The pool has no known master.'), facts);
  const host: HostTarget = { name: master.record.name_label, uuid: master.record.uuid, address: master.record.address };
  const vg = volumeGroupOf(sr.uuid);
  return {
    ...base,
    target,
    summary: l10n.t('Removes exactly {0} (the VHD that a raw write destroyed; {1} is lost either way), after backing up the LVM metadata of {2}, then scans {3} again. Every other VDI of the SR stays as it is. If the scan still fails, the SR must be forgotten and re-attached (never formatted): stop there and do that by hand.', device, vdi.name_label, vg, sr.name_label),
    facts,
    steps: [
      {
        id: 'backup',
        title: l10n.t('Back up the LVM metadata of {0}', vg),
        why: l10n.t('vgcfgbackup keeps the volume group\'s layout in /etc/lvm/backup, so a wrong removal could be undone with vgcfgrestore.'),
        destructive: false,
        action: { kind: 'shell', host, command: sh`vgcfgbackup ${vg}` },
      },
      {
        id: 'lvscan',
        title: l10n.t('List the LVs'),
        why: l10n.t('The LV to remove must be there, and the list is kept in the journal.'),
        destructive: false,
        action: { kind: 'shell', host, command: sh`lvscan | grep -F ${vg}` },
      },
      {
        id: 'lvremove',
        title: l10n.t('Remove {0}', device),
        why: l10n.t('It holds no valid VHD any more and makes every scan of {0} fail.', sr.name_label),
        destructive: true,
        confirmObject: { kind: 'VDI', name: `${vdi.name_label} — ${device}`, uuid: vdi.uuid },
        action: { kind: 'shell', host, command: sh`lvremove -f ${device}` },
      },
      {
        id: 'scan',
        title: l10n.t('Scan {0}', sr.name_label),
        why: l10n.t('The storage manager reads the VG again and forgets the VDI whose LV is gone.'),
        destructive: false,
        action: { kind: 'xapi', method: 'SR.scan', args: [srRef], xe: `xe sr-scan uuid=${sr.uuid}` },
        check: l10n.t('the scan passes'),
      },
    ],
  };
}
