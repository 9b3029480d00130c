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

const EXTENT = 4 * 1024 * 1024;

/** The VDI size for `bytes` of image: at least that, in whole LVM extents. */
export function importSize(bytes: number): number {
  return Math.max(EXTENT, Math.ceil(bytes / EXTENT) * EXTENT);
}

/** S2, step 1: the raw VDI the image goes into. */
export function planImportTarget(model: PoolModel, srRef: Ref<'SR'>, name: string, sourceBytes: number, source: ByteSource, via: 'relay' | 'http' = 'relay'): Plan {
  const sr = model.get('SR', srRef);
  const target: ObjectRef = { kind: 'SR', name: sr?.name_label ?? '?', uuid: sr?.uuid ?? '' };
  const base = { procedure: 'S2', title: 'Import a raw disk image: create the target VDI' };
  const refuse = (refusal: string, facts: string[] = []): Plan => refusedPlan(base, target, refusal, facts);
  if (!sr) return refuse('This SR is no longer in the pool.');
  if (!isUuid(sr.uuid)) return refuse(`XAPI gave the SR a malformed uuid (${sr.uuid}).`);
  const lvm = LVM_SR_TYPES.includes(sr.type);
  if (via === 'relay' && !lvm) return refuse(`${sr.name_label} is a ${sr.type} SR: the dd relay writes into an LV, so it needs an LVM-based SR (lvm, lvmoiscsi, lvmohba). XAPI's import_raw_vdi works on any SR.`);
  if (['iso', 'udev'].includes(sr.type)) return refuse(`${sr.name_label} is a ${sr.type} SR: it holds no disks to import into.`);
  if (!Number.isSafeInteger(sourceBytes) || sourceBytes <= 0) return refuse(`The source is ${sourceBytes} bytes long: nothing to import.`);
  const size = importSize(sourceBytes);
  const free = sr.physical_size - sr.physical_utilisation;
  const facts = [
    `Source ${describeSource(source)}: ${sourceBytes} bytes (read just now).`,
    `${sr.name_label} (${sr.type}): ${free} bytes free of ${sr.physical_size}.`,
  ];
  if (size > free) return refuse(`${sr.name_label} has ${free} bytes free; the image needs ${size}.`, facts);
  return {
    ...base,
    target,
    summary: `Creates a${lvm ? ' raw' : ''} VDI "${name}" of ${size} bytes (${sourceBytes} rounded up to whole 4 MiB extents) in ${sr.name_label}, then scans the SR so every host sees it. Nothing is written yet.`,
    facts,
    steps: [
      {
        id: 'create',
        title: `Create the${lvm ? ' raw' : ''} VDI "${name}"`,
        why: lvm ? 'A raw VDI (sm_config type=raw) is a plain LV: the image\'s bytes go in as they are.' : `On a ${sr.type} SR the VDI is a VHD file; import_raw_vdi converts the raw bytes into it.`,
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
        check: 'a VDI reference comes back',
      },
      {
        id: 'scan',
        title: `Scan ${sr.name_label}`,
        why: 'So the new VDI and its LV show on every host.',
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
  const base = { procedure: 'S2', title: 'Import a raw disk image: write the bytes' };
  const refuse = (refusal: string, facts: string[] = []): Plan => refusedPlan(base, target, refusal, facts);
  if (!vdi || !sr) return refuse('This VDI (or its SR) is no longer in the pool.');
  if (!writer) return refuse('The writing host is no longer in the pool.');
  if (!isUuid(vdi.uuid) || !isUuid(sr.uuid) || !isUuid(writer.uuid)) return refuse('XAPI gave a malformed uuid; refusing to write.');
  const format = model.vdiFormat(vdiRef);
  const facts = [
    `${vdi.name_label}: sm_config.type = ${vdi.sm_config.type ?? '(none)'}, vdi_type = ${vdi.sm_config.vdi_type ?? '(none)'}, ${vdi.virtual_size} bytes, in ${sr.name_label} (${sr.type}).`,
    `Source ${describeSource(source)}: ${sourceBytes} bytes.`,
  ];
  if (!LVM_SR_TYPES.includes(sr.type)) return refuse(`${sr.name_label} is a ${sr.type} SR, not LVM-based: there is no LV to write into.`, facts);
  if (format !== 'raw') {
    const lv = lvDevicePath(sr, vdi, 'vhd');
    return refuse(`${vdi.name_label} is not a raw VDI (sm_config.type is ${vdi.sm_config.type ?? 'not set'}${format === 'vhd' ? `: its LV ${lv} holds a VHD` : ''}). Writing raw bytes into it destroys the VHD and breaks the scan of the whole SR — the runbook's "How NOT to do it". Import into a new raw VDI instead.`, facts);
  }
  const device = lvDevicePath(sr, vdi, 'raw');
  if (!device) return refuse('No LV path for this VDI.', facts);
  if (vdi.virtual_size < sourceBytes) return refuse(`${vdi.name_label} holds ${vdi.virtual_size} bytes, the source has ${sourceBytes}: the image would be cut short.`, facts);
  // In use: attached to a VM (its LV active on that VM's host); anywhere but here would race with it.
  for (const vm of model.vmsUsing(vdiRef)) {
    const vbdAttached = vdi.VBDs.some((b) => { const vbd = model.get('VBD', b); return vbd?.VM === vm.ref && vbd.currently_attached; });
    if (!vbdAttached) continue;
    const on = model.get('host', vm.record.resident_on)?.name_label ?? 'a host';
    return refuse(`${vdi.name_label} is attached to ${vm.record.name_label} on ${on}: its LV is active there. Shut the VM down (or detach the disk) first.`, facts);
  }
  const pbd = model.pbdsOf(vdi.SR).find((p) => p.record.host === writerRef);
  if (!pbd?.record.currently_attached) return refuse(`${writer.name_label} has no plugged PBD for ${sr.name_label}: it cannot see the LV.`, facts);
  if (!model.isHostLive(writerRef)) return refuse(`${writer.name_label} is not live.`, facts);
  const host: HostTarget = { name: writer.name_label, uuid: writer.uuid, address: writer.address };
  const t = { host, device };
  return {
    ...base,
    target,
    summary: `Streams ${sourceBytes} bytes from ${describeSource(source)} through XCP Admin into ${device} on ${writer.name_label}, then compares SHA-256 at both ends. The two hosts need not see each other.`,
    facts: [...facts, `${device} is not attached to any VM; ${writer.name_label} has the SR plugged.`],
    steps: [
      {
        id: 'activate',
        title: `Activate the LV on ${writer.name_label} only`,
        why: 'dd writes into the LV through its device node, which exists where the LV is active.',
        destructive: false,
        action: { kind: 'shell', host, command: sh`lvchange -ay ${device}` },
      },
      {
        id: 'copy',
        title: `Write the image into ${device}`,
        why: 'The runbook\'s dd, relayed by the extension: source → XCP Admin → target, with backpressure and no temporary file.',
        destructive: true,
        confirmObject: { kind: 'VDI', name: `${vdi.name_label} — ${device}`, uuid: vdi.uuid },
        action: { kind: 'relay', source, target: t, bytes: sourceBytes },
        check: 'every byte went through',
      },
      {
        id: 'verify',
        title: 'Compare checksums of both ends',
        why: 'The LV must hold exactly the source\'s bytes.',
        destructive: false,
        action: { kind: 'checksum', source, target: t, bytes: sourceBytes },
        check: 'the two SHA-256 are equal',
      },
      {
        id: 'deactivate',
        title: `Deactivate the LV on ${writer.name_label}`,
        why: 'The storage manager activates it where a VM needs it.',
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
  const base = { procedure: 'S2', title: 'Import a raw disk image with import_raw_vdi' };
  const refuse = (refusal: string, facts: string[] = []): Plan => refusedPlan(base, target, refusal, facts);
  if (!vdi || !sr) return refuse('This VDI (or its SR) is no longer in the pool.');
  if (!isUuid(vdi.uuid) || !isUuid(sr.uuid)) return refuse('XAPI gave a malformed uuid; refusing to write.');
  const facts = [`${vdi.name_label}: ${vdi.virtual_size} bytes, in ${sr.name_label} (${sr.type}).`, `Source ${describeSource(source)}: ${sourceBytes} bytes.`];
  if (vdi.virtual_size < sourceBytes) return refuse(`${vdi.name_label} holds ${vdi.virtual_size} bytes, the source has ${sourceBytes}: the image would be cut short.`, facts);
  if (!hasImportRawVdi(model)) {
    const api = apiVersionOf(model);
    return refuse(`This pool's XAPI (API ${api ? `${api.major}.${api.minor}` : 'version unknown'}) has no import_raw_vdi handler (it came with XenServer 5.5, API 1.6): use the dd relay into the LV.`, facts);
  }
  const attached = model.vmsUsing(vdiRef).find((vm) => vdi.VBDs.some((b) => { const vbd = model.get('VBD', b); return vbd?.VM === vm.ref && vbd.currently_attached; }));
  if (attached) return refuse(`${vdi.name_label} is attached to ${attached.record.name_label}: shut the VM down (or detach the disk) first.`, facts);
  const device = model.vdiFormat(vdiRef) === 'raw' ? lvDevicePath(sr, vdi, 'raw') : undefined;
  const host = checker ? model.get('host', checker) : undefined;
  const steps: Plan['steps'] = [{
    id: 'copy',
    title: `Send the image into ${vdi.name_label}`,
    why: "XAPI's import_raw_vdi: the storage manager writes the bytes; no SSH to the pool, no LV handling.",
    destructive: true,
    confirmObject: { kind: 'VDI', name: `${vdi.name_label}${device ? ` — ${device}` : ''}`, uuid: vdi.uuid },
    action: { kind: 'upload', source, vdi: { ref: vdiRef, uuid: vdi.uuid, name: vdi.name_label }, bytes: sourceBytes, xe: xeImportsFromPipe(model) ? 'vdi-import' : 'curl' },
    check: 'the server answers 200 after every byte',
  }];
  if (device && host) {
    steps.push({
      id: 'verify',
      title: 'Compare checksums of both ends',
      why: `The LV of a raw VDI holds the bytes as they are: they must equal the source's. The storage manager leaves the LV inactive after its write, so it is activated on ${host.name_label} to be read and deactivated after.`,
      destructive: false,
      action: { kind: 'checksum', source, target: { host: { name: host.name_label, uuid: host.uuid, address: host.address }, device, activate: true }, bytes: sourceBytes },
    });
  } else facts.push('The VDI is not a raw LV: the check is the byte count and the server\'s answer (the SR stores a VHD).');
  return {
    ...base,
    target,
    summary: `Streams ${sourceBytes} bytes from ${describeSource(source)} through XCP Admin into ${vdi.name_label} with XAPI's HTTP import_raw_vdi.`,
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
  const base = { procedure: 'S2', title: contents === 'empty' ? 'Destroy the empty VDI' : 'Destroy the half-written VDI' };
  if (!vdi) return refusedPlan(base, target, 'The VDI is gone already.');
  return {
    ...base,
    target,
    summary: `${why} Destroys ${vdi.name_label} (${vdi.uuid}) and its LV.`,
    facts: [],
    steps: [{
      id: 'destroy',
      title: `Destroy ${vdi.name_label}`,
      why: contents === 'empty' ? 'It was created for an import that did not go ahead: nothing was written into it.' : 'Its contents are incomplete.',
      destructive: true,
      confirmObject: target,
      action: { kind: 'xapi', method: 'VDI.destroy', args: [vdiRef], xe: `xe vdi-destroy uuid=${vdi.uuid}` },
    }],
  };
}
