// The storage manager's naming rules on disk: where a VDI's bytes live in dom0. The tree shows the
// path (S1), the procedures write into it (S2) and name the LV a scan chokes on (S3), so the rules live
// here, below both. Facts from xapi-project/sm: LVM-based SRs (lvm, lvmohba, lvmoiscsi) keep each VDI in
// an LV of the volume group `VG_XenStorage-<sr uuid>`, named `LV-<vdi uuid>` when raw and
// `VHD-<vdi uuid>` when VHD; file-based SRs (nfs, ext) keep `/var/run/sr-mount/<sr uuid>/<vdi uuid>.vhd`.
// Uuids come from XAPI, so they are checked before they become part of a path. No vscode import.

import { isUuid } from '../xapi/records';
import { l10n } from '../text/l10n';

export const LVM_SR_TYPES = ['lvm', 'lvmohba', 'lvmoiscsi'];
export const FILE_SR_TYPES = ['nfs', 'ext'];

export function volumeGroupOf(srUuid: string): string {
  if (!isUuid(srUuid)) throw new Error(l10n.t('"{0}" is not a uuid: refusing to build a device path from it', srUuid));
  return `VG_XenStorage-${srUuid}`;
}

/** The device path of a VDI in dom0, or undefined when the SR type keeps no per-VDI device we know. */
export function lvDevicePath(sr: { uuid: string; type: string }, vdi: { uuid: string }, format: 'raw' | 'vhd' | 'unknown'): string | undefined {
  if (!isUuid(sr.uuid) || !isUuid(vdi.uuid)) return undefined;
  if (LVM_SR_TYPES.includes(sr.type)) {
    if (format === 'unknown') return undefined;
    return `/dev/${volumeGroupOf(sr.uuid)}/${format === 'raw' ? 'LV' : 'VHD'}-${vdi.uuid}`;
  }
  if (FILE_SR_TYPES.includes(sr.type) && format === 'vhd') return `/var/run/sr-mount/${sr.uuid}/${vdi.uuid}.vhd`;
  return undefined;
}
