// S2, a raw disk image from outside the pool into an LVM-based SR, in two plans:
// 1. the target: `VDI.create` (sm_config type=raw, a size that holds the source, rounded up to LVM's
//    4 MiB extents), then `SR.scan`;
// 2. the write into that VDI's LV: activate it on the writing host, stream the bytes through the
//    extension (the dd relay), compare SHA-256 at both ends, deactivate.
// The write is guarded as the runbook's "How NOT to do it" asks: never into a VHD LV or a VDI whose
// sm_config.type is not raw (that destroys the SR), never into an LV in use on another host, never into
// a target smaller than the source. No vscode import.

import type { PoolModel } from '../model/poolModel';
import { isUuid, type Ref } from '../xapi/records';
import { lvDevicePath, LVM_SR_TYPES } from '../model/storageLayout';
import { sh } from '../shell/quote';
import { describeSource, refusedPlan, type ByteSource, type HostTarget, type ObjectRef, type Plan } from './plan';
import { apiVersionOf, hasImportRawVdi, xeImportsFromPipe } from '../model/release';
import type { RunResult, RunStatus } from './runner';
import { l10n } from '../text/l10n';

const EXTENT = 4 * 1024 * 1024;

/** The VDI size for `bytes` of image: at least that, in whole LVM extents. */
export function importSize(bytes: number): number {
  return Math.max(EXTENT, Math.ceil(bytes / EXTENT) * EXTENT);
}

/** S2, step 1: the raw VDI the image goes into. */
export function planImportTarget(model: PoolModel, srRef: Ref<'SR'>, name: string, sourceBytes: number, source: ByteSource, via: 'relay' | 'http' = 'relay'): Plan {
  const sr = model.get('SR', srRef);
  const target: ObjectRef = { kind: 'SR', name: sr?.name_label ?? '?', uuid: sr?.uuid ?? '' };
  const base = { procedure: 'S2', title: l10n.t('Import a raw disk image: create the target VDI') };
  const refuse = (refusal: string, facts: string[] = []): Plan => refusedPlan(base, target, refusal, facts);
  if (!sr) return refuse(l10n.t('This SR is no longer in the pool.'));
  if (!isUuid(sr.uuid)) return refuse(l10n.t('XAPI gave the SR a malformed uuid ({0}).', sr.uuid));
  const lvm = LVM_SR_TYPES.includes(sr.type);
  if (via === 'relay' && !lvm) return refuse(l10n.t('{0} is a {1} SR: the dd relay writes into an LV, so it needs an LVM-based SR (lvm, lvmoiscsi, lvmohba). XAPI\'s import_raw_vdi works on any SR.', sr.name_label, sr.type));
  if (['iso', 'udev'].includes(sr.type)) return refuse(l10n.t('{0} is a {1} SR: it holds no disks to import into.', sr.name_label, sr.type));
  if (!Number.isSafeInteger(sourceBytes) || sourceBytes <= 0) return refuse(l10n.t('The source is {0} bytes long: nothing to import.', sourceBytes));
  const size = importSize(sourceBytes);
  const free = sr.physical_size - sr.physical_utilisation;
  const facts = [
    l10n.t('Source {0}: {1} bytes (read just now).', describeSource(source), sourceBytes),
    l10n.t('{0} ({1}): {2} bytes free of {3}.', sr.name_label, sr.type, free, sr.physical_size),
  ];
  if (size > free) return refuse(l10n.t('{0} has {1} bytes free; the image needs {2}.', sr.name_label, free, size), facts);
  return {
    ...base,
    target,
    summary: (lvm ? l10n.t('Creates a raw VDI "{0}" of {1} bytes ({2} rounded up to whole 4 MiB extents) in {3}, then scans the SR so every host sees it. Nothing is written yet.', name, size, sourceBytes, sr.name_label) : l10n.t('Creates a VDI "{0}" of {1} bytes ({2} rounded up to whole 4 MiB extents) in {3}, then scans the SR so every host sees it. Nothing is written yet.', name, size, sourceBytes, sr.name_label)),
    facts,
    steps: [
      {
        id: 'create',
        title: (lvm ? l10n.t('Create the raw VDI "{0}"', name) : l10n.t('Create the VDI "{0}"', name)),
        why: lvm ? l10n.t('A raw VDI (sm_config type=raw) is a plain LV: the image\'s bytes go in as they are.') : l10n.t('On a {0} SR the VDI is a VHD file; import_raw_vdi converts the raw bytes into it.', sr.type),
        destructive: false,
        action: {
          kind: 'xapi',
          method: 'VDI.create',
          args: [{
            name_label: name, name_description: `Imported from ${describeSource(source)} by XCP Admin`, SR: srRef, virtual_size: size,
            type: 'user', sharable: false, read_only: false, other_config: {}, xenstore_data: {}, sm_config: lvm ? { type: 'raw' } : {}, tags: [],
          }],
          xe: lvm ? sh`xe vdi-create sr-uuid=${sr.uuid} name-label=${name} virtual-size=${size} type=user sm-config:type=raw` : sh`xe vdi-create sr-uuid=${sr.uuid} name-label=${name} virtual-size=${size} type=user`,
        },
        check: l10n.t('a VDI reference comes back'),
      },
      {
        id: 'scan',
        title: l10n.t('Scan {0}', sr.name_label),
        why: l10n.t('So the new VDI and its LV show on every host.'),
        destructive: false,
        action: { kind: 'xapi', method: 'SR.scan', args: [srRef], xe: `xe sr-scan uuid=${sr.uuid}` },
      },
    ],
  };
}

/** S2, step 2: the image's bytes into the raw VDI's LV, written from `writer` (a host with the SR plugged). */
export function planRawWrite(model: PoolModel, vdiRef: Ref<'VDI'>, source: ByteSource, sourceBytes: number, writerRef: Ref<'host'>): Plan {
  const vdi = model.get('VDI', vdiRef);
  const sr = vdi ? model.get('SR', vdi.SR) : undefined;
  const writer = model.get('host', writerRef);
  const target: ObjectRef = { kind: 'VDI', name: vdi?.name_label ?? '?', uuid: vdi?.uuid ?? '' };
  const base = { procedure: 'S2', title: l10n.t('Import a raw disk image: write the bytes') };
  const refuse = (refusal: string, facts: string[] = []): Plan => refusedPlan(base, target, refusal, facts);
  if (!vdi || !sr) return refuse(l10n.t('This VDI (or its SR) is no longer in the pool.'));
  if (!writer) return refuse(l10n.t('The writing host is no longer in the pool.'));
  if (!isUuid(vdi.uuid) || !isUuid(sr.uuid) || !isUuid(writer.uuid)) return refuse(l10n.t('XAPI gave a malformed uuid; refusing to write.'));
  const format = model.vdiFormat(vdiRef);
  const facts = [
    l10n.t('{0}: sm_config.type = {1}, vdi_type = {2}, {3} bytes, in {4} ({5}).', vdi.name_label, vdi.sm_config.type ?? l10n.t('(none)'), vdi.sm_config.vdi_type ?? l10n.t('(none)'), vdi.virtual_size, sr.name_label, sr.type),
    l10n.t('Source {0}: {1} bytes.', describeSource(source), sourceBytes),
  ];
  if (!LVM_SR_TYPES.includes(sr.type)) return refuse(l10n.t('{0} is a {1} SR, not LVM-based: there is no LV to write into.', sr.name_label, sr.type), facts);
  if (format !== 'raw') {
    const lv = lvDevicePath(sr, vdi, 'vhd');
    return refuse(l10n.t('{0} is not a raw VDI (sm_config.type is {1}{2}). Writing raw bytes into it destroys the VHD and breaks the scan of the whole SR — the runbook\'s "How NOT to do it". Import into a new raw VDI instead.', vdi.name_label, vdi.sm_config.type ?? l10n.t('not set'), format === 'vhd' ? l10n.t(': its LV {0} holds a VHD', lv ?? '') : ''), facts);
  }
  const device = lvDevicePath(sr, vdi, 'raw');
  if (!device) return refuse(l10n.t('No LV path for this VDI.'), facts);
  if (vdi.virtual_size < sourceBytes) return refuse(l10n.t('{0} holds {1} bytes, the source has {2}: the image would be cut short.', vdi.name_label, vdi.virtual_size, sourceBytes), facts);
  // In use: attached to a VM (its LV active on that VM's host); anywhere but here would race with it.
  for (const vm of model.vmsUsing(vdiRef)) {
    const vbdAttached = vdi.VBDs.some((b) => { const vbd = model.get('VBD', b); return vbd?.VM === vm.ref && vbd.currently_attached; });
    if (!vbdAttached) continue;
    const on = model.get('host', vm.record.resident_on)?.name_label ?? 'a host';
    return refuse(l10n.t('{0} is attached to {1} on {2}: its LV is active there. Shut the VM down (or detach the disk) first.', vdi.name_label, vm.record.name_label, on), facts);
  }
  const pbd = model.pbdsOf(vdi.SR).find((p) => p.record.host === writerRef);
  if (!pbd?.record.currently_attached) return refuse(l10n.t('{0} has no plugged PBD for {1}: it cannot see the LV.', writer.name_label, sr.name_label), facts);
  if (!model.isHostLive(writerRef)) return refuse(l10n.t('{0} is not live.', writer.name_label), facts);
  const host: HostTarget = { name: writer.name_label, uuid: writer.uuid, address: writer.address };
  const t = { host, device };
  return {
    ...base,
    target,
    summary: l10n.t('Streams {0} bytes from {1} through XCP Admin into {2} on {3}, then compares SHA-256 at both ends. The two hosts need not see each other.', sourceBytes, describeSource(source), device, writer.name_label),
    facts: [...facts, l10n.t('{0} is not attached to any VM; {1} has the SR plugged.', device, writer.name_label)],
    steps: [
      {
        id: 'activate',
        title: l10n.t('Activate the LV on {0} only', writer.name_label),
        why: l10n.t('dd writes into the LV through its device node, which exists where the LV is active.'),
        destructive: false,
        action: { kind: 'shell', host, command: sh`lvchange -ay ${device}` },
      },
      {
        id: 'copy',
        title: l10n.t('Write the image into {0}', device),
        why: l10n.t('The runbook\'s dd, relayed by the extension: source → XCP Admin → target, with backpressure and no temporary file.'),
        destructive: true,
        confirmObject: { kind: 'VDI', name: `${vdi.name_label} — ${device}`, uuid: vdi.uuid },
        action: { kind: 'relay', source, target: t, bytes: sourceBytes },
        check: l10n.t('every byte went through'),
      },
      {
        id: 'verify',
        title: l10n.t('Compare checksums of both ends'),
        why: l10n.t('The LV must hold exactly the source\'s bytes.'),
        destructive: false,
        action: { kind: 'checksum', source, target: t, bytes: sourceBytes },
        check: l10n.t('the two SHA-256 are equal'),
      },
      {
        id: 'deactivate',
        title: l10n.t('Deactivate the LV on {0}', writer.name_label),
        why: l10n.t('The storage manager activates it where a VM needs it.'),
        destructive: false,
        action: { kind: 'shell', host, command: sh`lvchange -an ${device}` },
      },
    ],
    journalExtra: { wrote: device, sr: sr.uuid, vdi: vdi.uuid, source: describeSource(source), bytes: sourceBytes },
  };
}

/**
 * S2 the XAPI way: the bytes into the VDI through HTTP import_raw_vdi (any SR type; the master may send
 * them on to the host that sees the SR). For a raw VDI on an LVM SR the LV is checksummed afterwards,
 * from `checker` (a host with the SR plugged); on a VHD-based SR the VDI's file is a VHD, so the check
 * is the byte count and the server's answer.
 */
export function planHttpImport(model: PoolModel, vdiRef: Ref<'VDI'>, source: ByteSource, sourceBytes: number, checker?: Ref<'host'>): Plan {
  const vdi = model.get('VDI', vdiRef);
  const sr = vdi ? model.get('SR', vdi.SR) : undefined;
  const target: ObjectRef = { kind: 'VDI', name: vdi?.name_label ?? '?', uuid: vdi?.uuid ?? '' };
  const base = { procedure: 'S2', title: l10n.t('Import a raw disk image with import_raw_vdi') };
  const refuse = (refusal: string, facts: string[] = []): Plan => refusedPlan(base, target, refusal, facts);
  if (!vdi || !sr) return refuse(l10n.t('This VDI (or its SR) is no longer in the pool.'));
  if (!isUuid(vdi.uuid) || !isUuid(sr.uuid)) return refuse(l10n.t('XAPI gave a malformed uuid; refusing to write.'));
  const facts = [l10n.t('{0}: {1} bytes, in {2} ({3}).', vdi.name_label, vdi.virtual_size, sr.name_label, sr.type), l10n.t('Source {0}: {1} bytes.', describeSource(source), sourceBytes)];
  if (vdi.virtual_size < sourceBytes) return refuse(l10n.t('{0} holds {1} bytes, the source has {2}: the image would be cut short.', vdi.name_label, vdi.virtual_size, sourceBytes), facts);
  if (!hasImportRawVdi(model)) {
    const api = apiVersionOf(model);
    return refuse(l10n.t('This pool\'s XAPI (API {0}) has no import_raw_vdi handler (it came with XenServer 5.5, API 1.6): use the dd relay into the LV.', api ? `${api.major}.${api.minor}` : l10n.t('version unknown')), facts);
  }
  const attached = model.vmsUsing(vdiRef).find((vm) => vdi.VBDs.some((b) => { const vbd = model.get('VBD', b); return vbd?.VM === vm.ref && vbd.currently_attached; }));
  if (attached) return refuse(l10n.t('{0} is attached to {1}: shut the VM down (or detach the disk) first.', vdi.name_label, attached.record.name_label), facts);
  const device = model.vdiFormat(vdiRef) === 'raw' ? lvDevicePath(sr, vdi, 'raw') : undefined;
  const host = checker ? model.get('host', checker) : undefined;
  const steps: Plan['steps'] = [{
    id: 'copy',
    title: l10n.t('Send the image into {0}', vdi.name_label),
    why: l10n.t('XAPI\'s import_raw_vdi: the storage manager writes the bytes; no SSH to the pool, no LV handling.'),
    destructive: true,
    confirmObject: { kind: 'VDI', name: `${vdi.name_label}${device ? ` — ${device}` : ''}`, uuid: vdi.uuid },
    action: { kind: 'upload', source, vdi: { ref: vdiRef, uuid: vdi.uuid, name: vdi.name_label }, bytes: sourceBytes, xe: xeImportsFromPipe(model) ? 'vdi-import' : 'curl' },
    check: l10n.t('the server answers 200 after every byte'),
  }];
  if (device && host) {
    steps.push({
      id: 'verify',
      title: l10n.t('Compare checksums of both ends'),
      why: l10n.t('The LV of a raw VDI holds the bytes as they are: they must equal the source\'s. The storage manager leaves the LV inactive after its write, so it is activated on {0} to be read and deactivated after.', host.name_label),
      destructive: false,
      action: { kind: 'checksum', source, target: { host: { name: host.name_label, uuid: host.uuid, address: host.address }, device, activate: true }, bytes: sourceBytes },
    });
  } else facts.push(l10n.t('The VDI is not a raw LV: the check is the byte count and the server\'s answer (the SR stores a VHD).'));
  return {
    ...base,
    target,
    summary: l10n.t('Streams {0} bytes from {1} through XCP Admin into {2} with XAPI\'s HTTP import_raw_vdi.', sourceBytes, describeSource(source), vdi.name_label),
    facts,
    steps,
    journalExtra: { wrote: device ?? `vdi:${vdi.uuid}`, sr: sr.uuid, vdi: vdi.uuid, source: describeSource(source), bytes: sourceBytes, via: 'import_raw_vdi' },
  };
}

/**
 * What an unfinished write (plan 2) leaves behind: a VDI holding a partial image once the copy started,
 * or, when the VDI was created by this import and the copy never started (the plan refused, its
 * preview dismissed, the write declined), an empty VDI. Undefined when the write finished or the VDI
 * was there before and untouched.
 */
export function leftBehind(result: RunResult | undefined, created: boolean): { what: 'partial'; status: RunStatus } | { what: 'empty' } | undefined {
  if (result?.status === 'done') return undefined;
  const copy = result?.steps.find((s) => s.id === 'copy')?.status;
  if (result && copy !== undefined && copy !== 'not run' && copy !== 'declined') return { what: 'partial', status: result.status };
  return created ? { what: 'empty' } : undefined;
}

/** After a write that did not finish: the half-written (or never written) VDI destroyed (the admin is asked). */
export function planDestroyVdi(model: PoolModel, vdiRef: Ref<'VDI'>, why: string, contents: 'partial' | 'empty' = 'partial'): Plan {
  const vdi = model.get('VDI', vdiRef);
  const target: ObjectRef = { kind: 'VDI', name: vdi?.name_label ?? '?', uuid: vdi?.uuid ?? '' };
  const base = { procedure: 'S2', title: contents === 'empty' ? l10n.t('Destroy the empty VDI') : l10n.t('Destroy the half-written VDI') };
  if (!vdi) return refusedPlan(base, target, l10n.t('The VDI is gone already.'));
  return {
    ...base,
    target,
    summary: l10n.t('{0} Destroys {1} ({2}) and its LV.', why, vdi.name_label, vdi.uuid),
    facts: [],
    steps: [{
      id: 'destroy',
      title: l10n.t('Destroy {0}', vdi.name_label),
      why: contents === 'empty' ? l10n.t('It was created for an import that did not go ahead: nothing was written into it.') : l10n.t('Its contents are incomplete.'),
      destructive: true,
      confirmObject: target,
      action: { kind: 'xapi', method: 'VDI.destroy', args: [vdiRef], xe: `xe vdi-destroy uuid=${vdi.uuid}` },
    }],
  };
}
