// What a VM row says: power state, Linux or Windows, the guest tools' version (flagged old where
// XenCenter would call it out of date, H3). No vscode import.

import { guestKind } from '../../model/guestOs';
import type { PoolModel } from '../../model/poolModel';
import { needsXenCenterPresentation } from '../../model/release';
import { guestToolsVersion, PRESENTED_VERSION } from '../../model/xenCenterVersion';
import { displayName } from '../../text/display';
import type { Ref } from '../../xapi/records';
import { esc, md, oneLine, type NodeView } from './nodeView';
import { vmContextValue } from '../contextValues';

export function vmView(model: PoolModel, ref: Ref<'VM'>): NodeView | undefined {
  const vm = model.get('VM', ref);
  if (!vm) return undefined;
  const gm = model.get('VM_guest_metrics', vm.guest_metrics);
  const kind = guestKind(gm?.os_version);
  const tools = guestToolsVersion(gm?.PV_drivers_version);
  const oldTools = tools !== undefined && tools !== PRESENTED_VERSION && needsXenCenterPresentation(model);
  // Recorded as running on a host that is gone: H6 (Declare Halted) is offered on the row.
  const onDeadHost = model.get('host', vm.resident_on) !== undefined && !model.isHostLive(vm.resident_on);
  const description = [vm.power_state, onDeadHost ? 'host dead' : undefined, kind === 'unknown' ? undefined : kind, tools ? `tools ${tools}${oldTools ? ' (old)' : ''}` : 'no tools'].filter(Boolean).join(' · ');
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
    contextValue: vmContextValue(kind, onDeadHost),
    icon: 'vm',
    iconColor: vm.power_state === 'Running' ? undefined : 'disabledForeground',
    collapsible: false,
  };
}
