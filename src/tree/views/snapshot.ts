// What a snapshot row (under its VM) says: its name, when it was taken, whether the VM ran then and
// whether the guest quiesced it. No vscode import.

import type { PoolModel } from '../../model/poolModel';
import { displayName } from '../../text/display';
import type { Ref } from '../../xapi/records';
import { esc, md, oneLine, type NodeView } from './nodeView';
import { powerStateLabel } from './vm';
import { row, type RowReads } from './reads';
import { l10n } from '../../text/l10n';

/** A snapshot's time as admins read it in XenCenter's list: UTC, to the minute. */
export function snapshotTime(d: Date): string {
  return d.getTime() > 0 ? l10n.t('{0} UTC', d.toISOString().slice(0, 16).replace('T', ' ')) : l10n.t('time unknown');
}

export function snapshotView(model: PoolModel, ref: Ref<'VM'>): NodeView | undefined {
  const snap = model.get('VM', ref);
  if (!snap || !snap.is_a_snapshot) return undefined;
  const of = model.get('VM', snap.snapshot_of);
  const state = snap.snapshot_info['power-state-at-snapshot'];
  const kind = snap.snapshot_info['disk-snapshot-type'];
  return {
    label: displayName(snap.name_label),
    description: oneLine([snapshotTime(snap.snapshot_time), kind === 'quiesced' ? l10n.t('quiesced') : undefined, snap.power_state === 'Suspended' ? l10n.t('with memory') : undefined].filter(Boolean).join(' · ')),
    tooltip: md(
      of ? l10n.t('**{0}** — snapshot of {1}', esc(snap.name_label), esc(of.name_label)) : l10n.t('**{0}** — snapshot of a VM that is gone', esc(snap.name_label)),
      `${state ? l10n.t('taken {0} while the VM was {1}', snapshotTime(snap.snapshot_time), esc(powerStateLabel(state))) : l10n.t('taken {0}', snapshotTime(snap.snapshot_time))}${kind ? ` (${esc(kind)})` : ''}`,
      snap.name_description ? esc(snap.name_description) : undefined,
      l10n.t('uuid: {0}', `\`${snap.uuid}\``),
    ),
    contextValue: 'snapshot',
    icon: 'device-camera',
    collapsible: false,
  };
}

/** A snapshot row reads its own record, and the name of the VM it was taken of (in its tooltip). */
export const snapshotReads: RowReads = {
  view: [
    {
      cls: 'VM',
      fields: ['name_label', 'name_description', 'snapshot_time', 'snapshot_info', 'power_state', 'snapshot_of', 'uuid', 'is_a_snapshot'],
      rows: (c) => [row.snapshot(c.pool, c.change.ref)],
    },
    { cls: 'VM', fields: ['name_label'], rows: (c) => (c.model.get('VM', c.change.ref as never)?.snapshots ?? []).map((s) => row.snapshot(c.pool, s)) },
  ],
};
