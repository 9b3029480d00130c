// What an SR row says: type, used / size, shared or local to which host, unplugged PBDs; the tooltip
// carries each PBD's device_config and how its host reaches the storage (S5). No vscode import.

import type { PoolModel } from '../../model/poolModel';
import { displayName } from '../../text/display';
import type { Ref } from '../../xapi/records';
import { srContextValue } from '../contextValues';
import { formatBytes, usedOfSize } from '../format';
import { visibleVdis } from '../nodes';
import { storagePath } from '../storageNetwork';
import { esc, md, oneLine, type NodeView } from './nodeView';
import { recordOf, refsOf, row, type ChangeContext, type RowReads } from './reads';

export function srView(model: PoolModel, ref: Ref<'SR'>): NodeView | undefined {
  const sr = model.get('SR', ref);
  if (!sr) return undefined;
  const pbds = model.pbdsOf(ref);
  const detached = pbds.filter((p) => !p.record.currently_attached);
  const localHost = sr.shared ? undefined : model.hostOfLocalSr(ref);
  const used = usedOfSize(sr.physical_utilisation, sr.physical_size);
  // A local SR sits in the Local storage group: its row leads with its host, the SR's own name follows.
  const description = [localHost ? displayName(sr.name_label) : undefined, sr.type, used, localHost ? 'local' : 'shared', detached.length ? `${detached.length} PBD unplugged` : undefined]
    .filter(Boolean).join(' · ');
  const pbdLines = pbds.map((p) => {
    const dc = Object.entries(p.record.device_config).map(([k, v]) => `${k}=${v}`).join(', ');
    const path = storagePath(model, sr.type, p.host?.ref, p.record.device_config);
    return `- ${esc(p.host?.record.name_label ?? '?')}: ${p.record.currently_attached ? 'attached' : '**not attached**'}${dc ? ` — ${esc(dc)}` : ''}${path ? `\n  ${esc(path)}` : ''}`;
  });
  return {
    label: localHost ? displayName(localHost.record.name_label) : displayName(sr.name_label),
    description: oneLine(description),
    tooltip: md(
      `**${esc(sr.name_label)}** — ${esc(sr.type)}${sr.name_description ? ` — ${esc(sr.name_description)}` : ''}`,
      `uuid: \`${sr.uuid}\``,
      localHost ? `local to ${esc(localHost.record.name_label)}: only that host reaches it` : undefined,
      sr.physical_size < 0 ? `size: unknown (XAPI reports -1); ${formatBytes(sr.virtual_allocation)} allocated` : `size: ${formatBytes(sr.physical_utilisation)} used of ${formatBytes(sr.physical_size)}; ${formatBytes(sr.virtual_allocation)} allocated`,
      `VDIs: ${visibleVdis(model, ref).length}`,
      `PBDs (${pbds.length}):\n${pbdLines.slice(0, 20).join('\n')}${pbdLines.length > 20 ? `\n- … ${pbdLines.length - 20} more` : ''}`,
    ),
    contextValue: srContextValue(sr.type),
    icon: detached.length ? 'warning' : 'database',
    iconColor: detached.length ? 'problemsWarningIcon.foreground' : undefined,
    collapsible: true,
  };
}

/** The SR rows that list a PBD of `host` (its hosts' names and networks show in their tooltips). */
function srRowsOfHost(c: ChangeContext, host: string) {
  return c.model.pbdsOfHost(host).map((p) => c.model.get('PBD', p)?.SR).filter((s): s is NonNullable<typeof s> => !!s).map((s) => row.sr(c.pool, s));
}

/**
 * An SR row reads its SR record, its PBDs (plugged, device_config, which host), those hosts' names and
 * storage interfaces (S5), and how many visible VDIs it holds; its children are those VDIs.
 */
export const srReads: RowReads = {
  view: [
    { cls: 'SR', fields: ['name_label', 'name_description', 'type', 'physical_utilisation', 'physical_size', 'virtual_allocation', 'shared', 'uuid'], rows: (c) => [row.sr(c.pool, c.change.ref)] },
    { cls: 'PBD', fields: ['currently_attached', 'device_config', 'host', 'SR'], rows: (c) => refsOf(c, 'SR').map((s) => row.sr(c.pool, s)) },
    { cls: 'host', fields: ['name_label'], rows: (c) => srRowsOfHost(c, c.change.ref) },
    { cls: 'PIF', fields: ['IP', 'netmask', 'device', 'network', 'host'], rows: (c) => refsOf(c, 'host').flatMap((h) => srRowsOfHost(c, h)) },
    { cls: 'network', fields: ['name_label'], rows: (c) => c.model.all('SR').map((s) => row.sr(c.pool, s.ref)) },
    { cls: 'VDI', fields: ['SR', 'is_a_snapshot'], rows: (c) => refsOf(c, 'SR').map((s) => row.sr(c.pool, s)) },
  ],
  children: [
    { cls: 'VDI', fields: ['SR', 'is_a_snapshot'], rows: (c) => (recordOf(c) ? refsOf(c, 'SR').map((s) => row.sr(c.pool, s)) : []) },
  ],
};
