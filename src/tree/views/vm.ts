// What a VM row says: power state, Linux or Windows, the guest tools' version (flagged old where
// XenCenter would call it out of date, H3). No vscode import.

import { guestKind } from '../../model/guestOs';
import type { PoolModel } from '../../model/poolModel';
import { needsXenCenterPresentation } from '../../model/release';
import { guestToolsVersion, PRESENTED_VERSION } from '../../model/xenCenterVersion';
import { displayName } from '../../text/display';
import type { Ref } from '../../xapi/records';
import { esc, md, oneLine, type NodeView } from './nodeView';
import { row, type RowReads } from './reads';

export function vmView(model: PoolModel, ref: Ref<'VM'>): NodeView | undefined {
  const vm = model.get('VM', ref);
  if (!vm) return undefined;
  const gm = model.get('VM_guest_metrics', vm.guest_metrics);
  const kind = guestKind(gm?.os_version);
  const tools = guestToolsVersion(gm?.PV_drivers_version);
  const oldTools = tools !== undefined && tools !== PRESENTED_VERSION && needsXenCenterPresentation(model);
  const description = [vm.power_state, kind === 'unknown' ? undefined : kind, tools ? `tools ${tools}${oldTools ? ' (old)' : ''}` : 'no tools'].filter(Boolean).join(' · ');
  return {
    label: displayName(vm.name_label),
    description: oneLine(description),
    tooltip: md(
      `**${esc(vm.name_label)}** — ${esc(vm.power_state)}`,
      `uuid: \`${vm.uuid}\``,
      gm ? `OS: ${esc(gm.os_version.name ?? gm.os_version.distro ?? 'unknown')}` : 'no guest metrics (tools not running)',
      tools ? `guest tools report ${esc(tools)}${oldTools ? ` — XenCenter calls them out of date next to ${PRESENTED_VERSION}: "Guest Tools Version" (H3) fixes it` : ''}` : undefined,
      gm?.networks['0/ip'] ? `IP: ${esc(gm.networks['0/ip'])}` : undefined,
    ),
    contextValue: `vm.${kind}`,
    icon: 'vm',
    iconColor: vm.power_state === 'Running' ? undefined : 'disabledForeground',
    collapsible: false,
  };
}

/** A VM row reads its VM record, its guest metrics (OS, tools, IP) and the master's API version (old tools flag). */
export const vmReads: RowReads = {
  view: [
    { cls: 'VM', fields: ['name_label', 'power_state', 'uuid', 'guest_metrics'], rows: (c) => [row.vm(c.pool, c.change.ref)] },
    { cls: 'VM_guest_metrics', fields: ['os_version', 'PV_drivers_version', 'networks'], rows: (c) => c.model.vmsWithGuestMetrics(c.change.ref).map((v) => row.vm(c.pool, v)) },
    {
      cls: 'host',
      fields: ['API_version_major', 'API_version_minor'],
      rows: (c) => (c.model.isMaster(c.change.ref as never) ? c.model.all('VM').map((v) => row.vm(c.pool, v.ref)) : []),
    },
    { cls: 'pool', fields: ['master'], rows: (c) => c.model.all('VM').map((v) => row.vm(c.pool, v.ref)) },
  ],
};
