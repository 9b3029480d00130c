// What a VM row says: power state (as its icon too; an operation XAPI runs on it), Linux or Windows, the guest tools' version (flagged old where
// XenCenter would call it out of date, H3). No vscode import.

import { guestKind } from '../../model/guestOs';
import type { PoolModel } from '../../model/poolModel';
import { needsXenCenterPresentation } from '../../model/release';
import { guestToolsVersion, PRESENTED_VERSION } from '../../model/xenCenterVersion';
import { displayName } from '../../text/display';
import type { Ref } from '../../xapi/records';
import { vmContextValue } from '../contextValues';
import { formatBytes } from '../format';
import { snapshotsUnder } from '../vmPlacement';
import { esc, md, oneLine, type NodeView } from './nodeView';
import { refsOf, row, type RowReads } from './reads';
import { l10n } from '../../text/l10n';
// The command's title as the VM's menu shows it (the manifest's English text), so the tooltip never
// names a command that does not exist.
import nls from '../../../package.nls.json';

// (A translated manifest's title lives in package.nls.<locale>.json, which editor-free code does not
// read: the tooltip quotes the English title inside its translated sentence.)
const guestToolsCommand = () => nls['xcpAdmin.vm.guestTools.title'];

/** The power state as the row's icon (XenCenter shows it as a coloured VM icon). */
function powerIcon(state: string): { icon: string; iconColor?: string } {
  switch (state) {
    case 'Running': return { icon: 'vm-running', iconColor: 'testing.iconPassed' };
    case 'Paused': return { icon: 'debug-pause', iconColor: 'editorWarning.foreground' };
    case 'Suspended': return { icon: 'debug-pause', iconColor: 'disabledForeground' };
    default: return { icon: 'vm-outline', iconColor: 'disabledForeground' };
  }
}

/** XAPI's power state in the admin's language (an unknown one as XAPI says it). */
export function powerStateLabel(state: string): string {
  switch (state) {
    case 'Running': return l10n.t('Running');
    case 'Halted': return l10n.t('Halted');
    case 'Suspended': return l10n.t('Suspended');
    case 'Paused': return l10n.t('Paused');
    default: return state;
  }
}

/** Linux or Windows, as guestKind names them. */
function guestKindLabel(kind: string): string {
  return kind === 'linux' ? l10n.t('linux') : kind === 'windows' ? l10n.t('windows') : kind;
}

export function vmView(model: PoolModel, ref: Ref<'VM'>): NodeView | undefined {
  const vm = model.get('VM', ref);
  if (!vm) return undefined;
  const gm = model.get('VM_guest_metrics', vm.guest_metrics);
  const kind = guestKind(gm?.os_version);
  const tools = guestToolsVersion(gm?.PV_drivers_version);
  const oldTools = tools !== undefined && tools !== PRESENTED_VERSION && needsXenCenterPresentation(model);
  const busy = Object.values(vm.current_operations).filter((o): o is string => typeof o === 'string');
  // Recorded as running on a host that is gone: H6 (Declare Halted) is offered on the row.
  const onDeadHost = model.get('host', vm.resident_on) !== undefined && !model.isHostLive(vm.resident_on);
  const power = powerStateLabel(vm.power_state);
  const osName = gm?.os_version.name ?? gm?.os_version.distro;
  const description = [
    busy.length ? l10n.t('{0} ({1}…)', power, busy.join(', ')) : power,
    onDeadHost ? l10n.t('host dead') : undefined,
    kind === 'unknown' ? undefined : guestKindLabel(kind),
    tools ? (oldTools ? l10n.t('tools {0} (old)', tools) : l10n.t('tools {0}', tools)) : l10n.t('no tools'),
  ].filter(Boolean).join(' · ');
  return {
    label: displayName(vm.name_label),
    description: oneLine(description),
    tooltip: md(
      `**${esc(vm.name_label)}** — ${esc(power)}`,
      l10n.t('uuid: {0}', `\`${vm.uuid}\``),
      gm ? l10n.t('OS: {0}', osName !== undefined ? esc(osName) : l10n.t('unknown')) : l10n.t('no guest metrics (tools not running)'),
      tools ? (oldTools
        ? l10n.t('guest tools report {0} — XenCenter calls them out of date next to {1}: "{2}" in this VM\'s menu fixes it', esc(tools), PRESENTED_VERSION, esc(guestToolsCommand()))
        : l10n.t('guest tools report {0}', esc(tools))) : undefined,
      gm?.networks['0/ip'] ? l10n.t('IP: {0}', esc(gm.networks['0/ip'])) : undefined,
      l10n.t('memory: {0} – {1} (static {2} – {3})', formatBytes(vm.memory_dynamic_min), formatBytes(vm.memory_dynamic_max), formatBytes(vm.memory_static_min), formatBytes(vm.memory_static_max)),
      busy.length ? l10n.t('busy: {0}', esc(busy.join(', '))) : undefined,
    ),
    contextValue: vmContextValue(kind, vm.power_state, onDeadHost),
    ...powerIcon(vm.power_state),
    collapsible: snapshotsUnder(model, ref).length > 0,
  };
}

/** A VM row reads its VM record, its guest metrics (OS, tools, IP) and the master's API version (old tools flag). */
export const vmReads: RowReads = {
  view: [
    {
      cls: 'VM',
      fields: ['name_label', 'power_state', 'uuid', 'guest_metrics', 'current_operations', 'resident_on', 'snapshots',
        'memory_dynamic_min', 'memory_dynamic_max', 'memory_static_min', 'memory_static_max'],
      rows: (c) => [row.vm(c.pool, c.change.ref)],
    },
    // "host dead" (and H6 in the menu) on the VMs recorded on a host whose liveness changed
    { cls: 'host_metrics', fields: ['live'], rows: (c) => c.model.all('host').filter((h) => h.record.metrics === c.change.ref).flatMap((h) => c.model.residentVms(h.ref).map((v) => row.vm(c.pool, v.ref))) },
    { cls: 'host', fields: ['metrics'], rows: (c) => c.model.residentVms(c.change.ref as never).map((v) => row.vm(c.pool, v.ref)) },
    { cls: 'VM_guest_metrics', fields: ['os_version', 'PV_drivers_version', 'networks'], rows: (c) => c.model.vmsWithGuestMetrics(c.change.ref).map((v) => row.vm(c.pool, v)) },
    {
      cls: 'host',
      fields: ['API_version_major', 'API_version_minor'],
      rows: (c) => (c.model.isMaster(c.change.ref as never) ? c.model.all('VM').map((v) => row.vm(c.pool, v.ref)) : []),
    },
    { cls: 'pool', fields: ['master'], rows: (c) => c.model.all('VM').map((v) => row.vm(c.pool, v.ref)) },
  ],
  // its snapshots, newest first
  children: [
    { cls: 'VM', fields: ['snapshots'], rows: (c) => [row.vm(c.pool, c.change.ref)] },
    { cls: 'VM', fields: ['snapshot_time', 'is_a_snapshot', 'snapshot_of'], rows: (c) => refsOf(c, 'snapshot_of').map((v) => row.vm(c.pool, v)) },
  ],
};
