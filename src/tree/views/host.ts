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
import { refsOf, row, type RowReads } from './reads';

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

/**
 * A host row reads its host record, its host_metrics (liveness, memory), whether it is the master (and the
 * master's API version, for the 6.0.99 flag) and its resident VMs (count and first names in the tooltip).
 */
/** What puts a VM under a host's row (vmPlacement.ts: running or paused there, a guest). */
const VM_PLACEMENT = ['resident_on', 'power_state', 'is_a_template', 'is_a_snapshot', 'is_control_domain'];

export const hostReads: RowReads = {
  view: [
    {
      cls: 'host',
      fields: ['name_label', 'address', 'hostname', 'enabled', 'other_config', 'uuid', 'software_version', 'metrics', 'API_version_major', 'API_version_minor'],
      // the master's API version decides every host's 6.0.99 flag
      rows: (c) => (c.model.isMaster(c.change.ref as never) && c.change.fields?.some((f) => f.startsWith('API_version'))
        ? c.model.all('host').map((h) => row.host(c.pool, h.ref))
        : [row.host(c.pool, c.change.ref)]),
    },
    {
      cls: 'host_metrics',
      fields: ['live', 'memory_free', 'memory_total'],
      rows: (c) => c.model.all('host').filter((h) => h.record.metrics === c.change.ref).map((h) => row.host(c.pool, h.ref)),
    },
    // the master moved: the release (and so every host's 6.0.99 flag) is read from the new one
    { cls: 'pool', fields: ['master'], rows: (c) => c.model.all('host').map((h) => row.host(c.pool, h.ref)) },
    { cls: 'VM', fields: ['name_label', ...VM_PLACEMENT], rows: (c) => refsOf(c, 'resident_on').map((h) => row.host(c.pool, h)) },
  ],
  children: [
    { cls: 'VM', fields: VM_PLACEMENT, rows: (c) => refsOf(c, 'resident_on').map((h) => row.host(c.pool, h)) },
  ],
};
