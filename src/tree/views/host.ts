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
import { l10n } from '../../text/l10n';

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
  const description = [
    host.address,
    master ? l10n.t('master') : undefined,
    notPresented ? l10n.t('{0} (not overridden)', version) : version,
    unreachable ? l10n.t('NOT ANSWERING') : live ? undefined : metrics ? l10n.t('DEAD') : l10n.t('liveness unknown'),
    maintenance ? l10n.t('maintenance mode') : !host.enabled ? l10n.t('disabled') : undefined,
  ].filter(Boolean).join(' · ');
  const liveness = unreachable ? l10n.t('**not answering** XAPI; the slaves were asked:') : live ? l10n.t('live') : metrics ? l10n.t('**dead** (host_metrics.live = false)') : l10n.t('liveness **unknown** (XAPI has no host_metrics record for it)');
  const sv = Object.entries(host.software_version).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}=${v}`);
  return {
    label: displayName(host.name_label),
    description: oneLine(description),
    tooltip: md(
      master ? l10n.t('**{0}** — pool master — {1}', esc(host.name_label), liveness) : l10n.t('**{0}** — {1}', esc(host.name_label), liveness),
      unreachable ? describeProbe(masterLost).map((l) => `- ${esc(l)}`).join('\n') : undefined,
      l10n.t('uuid: {0}', `\`${host.uuid}\``),
      host.hostname ? l10n.t('address: {0} — hostname {1}', esc(host.address), esc(host.hostname)) : l10n.t('address: {0}', esc(host.address)),
      host.enabled ? l10n.t('enabled: yes') : l10n.t('enabled: no'),
      metrics ? l10n.t('memory: {0} free of {1}', formatBytes(metrics.memory_free), formatBytes(metrics.memory_total)) : undefined,
      vms.length ? l10n.t('resident VMs: {0} ({1})', vms.length, `${vms.slice(0, 8).map((v) => esc(v.record.name_label)).join(', ')}${vms.length > 8 ? ', …' : ''}`) : l10n.t('resident VMs: {0}', vms.length),
      l10n.t('software_version: {0}', esc(sv.join(', '))),
      notPresented ? l10n.t('_XenCenter sees {0}, not XenServer {1}, and turns off dynamic memory, snapshots and live migration: "Present as XenServer {1}" (H2) fixes it._', esc(version), PRESENTED_VERSION) : undefined,
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
