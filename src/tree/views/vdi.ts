// What a VDI row says: size, raw or VHD, the VMs using it; the tooltip carries its device path in dom0
// (S1) and sm_config. No vscode import.

import type { PoolModel } from '../../model/poolModel';
import { lvDevicePath } from '../../model/storageLayout';
import { displayName } from '../../text/display';
import type { Ref } from '../../xapi/records';
import { formatBytes } from '../format';
import { esc, md, oneLine, type NodeView } from './nodeView';
import { recordOf, refsOf, row, type RowReads } from './reads';
import { l10n } from '../../text/l10n';

export function vdiView(model: PoolModel, ref: Ref<'VDI'>): NodeView | undefined {
  const vdi = model.get('VDI', ref);
  if (!vdi) return undefined;
  const sr = model.get('SR', vdi.SR);
  const format = model.vdiFormat(ref);
  const vms = model.vmsUsing(ref);
  // A VDI of an ISO library is an ISO image (sm_config says nothing about a format there).
  const formatLabel = sr?.type === 'iso' || sr?.content_type === 'iso' ? l10n.t('ISO') : format === 'raw' ? l10n.t('raw') : format === 'vhd' ? l10n.t('VHD') : l10n.t('format?');
  const vmNames = vms.map((v) => (v.record.is_control_domain ? 'dom0' : v.record.name_label));
  const description = [formatBytes(vdi.virtual_size), formatLabel, vmNames.length ? `→ ${vmNames.join(', ')}` : undefined].filter(Boolean).join(' · ');
  const device = sr ? lvDevicePath(sr, vdi, format) : undefined;
  return {
    label: displayName(vdi.name_label),
    description: oneLine(description),
    tooltip: md(
      `**${esc(vdi.name_label)}** — ${formatLabel}${vdi.name_description ? ` — ${esc(vdi.name_description)}` : ''}`,
      l10n.t('uuid: {0}', `\`${vdi.uuid}\``),
      l10n.t('virtual size: {0} ({1} bytes); physical: {2}', formatBytes(vdi.virtual_size), vdi.virtual_size, formatBytes(vdi.physical_utilisation)),
      device ? l10n.t('device: {0}', `\`${device}\``) : undefined,
      l10n.t('SR: {0} ({1})', esc(sr?.name_label ?? '?'), esc(sr?.type ?? '?')),
      vmNames.length ? l10n.t('used by: {0}', esc(vmNames.join(', '))) : l10n.t('used by: no VM'),
      l10n.t('sm_config: {0}', Object.keys(vdi.sm_config).length ? esc(Object.entries(vdi.sm_config).map(([k, v]) => `${k}=${v}`).join(', ')) : l10n.t('(empty)')),
    ),
    contextValue: `vdi.${format}`,
    icon: format === 'raw' ? 'file-binary' : 'file',
    collapsible: false,
  };
}

/** A VDI row reads its VDI record, its SR's name and type (device path), and the VMs that use it (by VBD). */
export const vdiReads: RowReads = {
  view: [
    { cls: 'VDI', fields: ['name_label', 'name_description', 'uuid', 'virtual_size', 'physical_utilisation', 'sm_config', 'SR'], rows: (c) => [row.vdi(c.pool, c.change.ref)] },
    { cls: 'SR', fields: ['name_label', 'type', 'uuid'], rows: (c) => c.model.vdiRefsOf(c.change.ref).map((v) => row.vdi(c.pool, v)) },
    { cls: 'VBD', fields: ['VM', 'VDI'], rows: (c) => refsOf(c, 'VDI').map((v) => row.vdi(c.pool, v)) },
    {
      cls: 'VM',
      fields: ['name_label', 'is_control_domain'],
      rows: (c) => ((recordOf(c)?.VBDs as string[] | undefined) ?? []).map((b) => c.model.get('VBD', b)?.VDI).filter((v): v is NonNullable<typeof v> => !!v).map((v) => row.vdi(c.pool, v)),
    },
  ],
};
