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
import { l10n } from '../../text/l10n';

export function srView(model: PoolModel, ref: Ref<'SR'>): NodeView | undefined {
  const sr = model.get('SR', ref);
  if (!sr) return undefined;
  const pbds = model.pbdsOf(ref);
  const detached = pbds.filter((p) => !p.record.currently_attached);
  const localHost = sr.shared ? undefined : model.hostOfLocalSr(ref);
  const used = usedOfSize(sr.physical_utilisation, sr.physical_size);
  // A local SR sits in the Local storage group: its row leads with its host, the SR's own name follows.
  const description = [localHost ? displayName(sr.name_label) : undefined, sr.type, used, localHost ? l10n.t('local') : l10n.t('shared'), detached.length ? l10n.t('{0} PBD unplugged', detached.length) : undefined]
    .filter(Boolean).join(' · ');
  const pbdLines = pbds.map((p) => {
    const dc = Object.entries(p.record.device_config).map(([k, v]) => `${k}=${v}`).join(', ');
    const path = storagePath(model, sr.type, p.host?.ref, p.record.device_config);
    return `- ${esc(p.host?.record.name_label ?? '?')}: ${p.record.currently_attached ? l10n.t('attached') : l10n.t('**not attached**')}${dc ? ` — ${esc(dc)}` : ''}${path ? `\n  ${esc(path)}` : ''}`;
  });
  return {
    label: localHost ? displayName(localHost.record.name_label) : displayName(sr.name_label),
    description: oneLine(description),
    tooltip: md(
      `**${esc(sr.name_label)}** — ${esc(sr.type)}${sr.name_description ? ` — ${esc(sr.name_description)}` : ''}`,
      l10n.t('uuid: {0}', `\`${sr.uuid}\``),
      localHost ? l10n.t('local to {0}: only that host reaches it', esc(localHost.record.name_label)) : undefined,
      sr.physical_size < 0
        ? l10n.t('size: unknown (XAPI reports -1); {0} allocated', formatBytes(sr.virtual_allocation))
        : l10n.t('size: {0} used of {1}; {2} allocated', formatBytes(sr.physical_utilisation), formatBytes(sr.physical_size), formatBytes(sr.virtual_allocation)),
      l10n.t('VDIs: {0}', visibleVdis(model, ref).length),
      `${l10n.t('PBDs ({0}):', pbds.length)}\n${pbdLines.slice(0, 20).join('\n')}${pbdLines.length > 20 ? `\n- ${l10n.t('… {0} more', pbdLines.length - 20)}` : ''}`,
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
