// What a host row says: address, master, the version XenCenter sees (flagged on an XCP 1.x host that
// does not present 6.0.99, H2), live / DEAD / not answering; the tooltip carries uuid,
// memory, resident VMs and software_version. No vscode import.

import { describeProbe, type MasterProbe } from '../../model/masterProbe';
import type { PoolModel } from '../../model/poolModel';
import { needsXenCenterPresentation } from '../../model/release';
import { hostReportsPresentedVersion, hostVersionLabel, PRESENTED_VERSION } from '../../model/xenCenterVersion';
import { displayName } from '../../text/display';
import type { Ref } from '../../xapi/records';
import { formatBytes } from '../format';
import { vmsOnHost } from '../vmPlacement';
import { inMaintenance } from '../../model/maintenance';
import { esc, md, oneLine, type NodeView } from './nodeView';
import { hostContextValue } from '../contextValues';

export function hostView(model: PoolModel, ref: Ref<'host'>, masterLost: MasterProbe | undefined): NodeView | undefined {
  const host = model.get('host', ref);
  if (!host) return undefined;
  const master = model.isMaster(ref);
  // A silent master cannot report its own death: the probe of the members is the evidence.
  const unreachable = master && masterLost !== undefined;
  const live = model.isHostLive(ref) && !unreachable;
  const metrics = model.get('host_metrics', host.metrics);
  const vms = vmsOnHost(model, ref);
  const maintenance = inMaintenance(model, ref);
  const version = hostVersionLabel(host.software_version);
  // Only an XCP 1.x host needs to present 6.0.99 to XenCenter (H2); a later one is shown as it is.
  const notPresented = needsXenCenterPresentation(model) && !hostReportsPresentedVersion(host.software_version);
  const description = [host.address, master ? 'master' : undefined, notPresented ? `${version} (not overridden)` : version, unreachable ? 'NOT ANSWERING' : live ? undefined : metrics ? 'DEAD' : 'liveness unknown', maintenance ? 'maintenance mode' : !host.enabled ? 'disabled' : undefined].filter(Boolean).join(' · ');
  const sv = Object.entries(host.software_version).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}=${v}`);
  return {
    label: displayName(host.name_label),
    description: oneLine(description),
    tooltip: md(
      `**${esc(host.name_label)}**${master ? ' — pool master' : ''} — ${unreachable ? '**not answering** XAPI; the slaves were asked:' : live ? 'live' : metrics ? '**dead** (host_metrics.live = false)' : 'liveness **unknown** (XAPI has no host_metrics record for it)'}`,
      unreachable ? describeProbe(masterLost).map((l) => `- ${esc(l)}`).join('\n') : undefined,
      `uuid: \`${host.uuid}\``,
      `address: ${esc(host.address)}${host.hostname ? ` — hostname ${esc(host.hostname)}` : ''}`,
      `enabled: ${host.enabled}`,
      metrics ? `memory: ${formatBytes(metrics.memory_free)} free of ${formatBytes(metrics.memory_total)}` : undefined,
      `resident VMs: ${vms.length}${vms.length ? ` (${vms.slice(0, 8).map((v) => esc(v.record.name_label)).join(', ')}${vms.length > 8 ? ', …' : ''})` : ''}`,
      `software_version: ${esc(sv.join(', '))}`,
      notPresented ? `_XenCenter sees ${esc(version)}, not XenServer ${PRESENTED_VERSION}, and turns off dynamic memory, snapshots and live migration: "Present as XenServer ${PRESENTED_VERSION}" (H2) fixes it._` : undefined,
    ),
    contextValue: hostContextValue(live, master, maintenance, !needsXenCenterPresentation(model) ? undefined : notPresented ? 'toPresent' : 'presented'),
    icon: master ? 'star-full' : !live ? 'error' : maintenance ? 'tools' : 'server',
    iconColor: live ? undefined : 'errorForeground',
    collapsible: vms.length > 0,
  };
}
