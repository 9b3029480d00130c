// What the XCP Admin tree shows, derived from the pool models: node identities, children, and each
// node's label / description / tooltip / context value. No vscode import: the provider in
// poolTreeProvider.ts turns a NodeView into a TreeItem, and unit tests read NodeViews directly.

import { displayName, markdownProse, markdownText } from '../text/display';
import type { ConnectionState } from '../model/poolConnection';
import type { Entry, ModelChange, PoolModel } from '../model/poolModel';
import { describeProbe, type MasterProbe } from '../model/masterProbe';
import { apiVersionOf, needsXenCenterPresentation, productOf } from '../model/release';
import { guestKind } from '../procedures/guestTools';
import { PRESENTED_VERSION, isOverridden } from '../procedures/versionOverride';
import type { Ref } from '../xapi/records';
import { formatBytes } from './format';
import { storagePath } from './storageNetwork';
import { lvDevicePath } from './storagePaths';

export type FolderKind = 'hosts' | 'storage';

export type TreeNode =
  | { kind: 'pool'; id: string; pool: string }
  | { kind: 'folder'; id: string; pool: string; folder: FolderKind }
  | { kind: 'host'; id: string; pool: string; ref: Ref<'host'> }
  | { kind: 'sr'; id: string; pool: string; ref: Ref<'SR'> }
  | { kind: 'vdi'; id: string; pool: string; ref: Ref<'VDI'> }
  | { kind: 'vm'; id: string; pool: string; ref: Ref<'VM'> }
  | { kind: 'notice'; id: string; pool: string; notice: 'connecting' | 'failed' | 'disconnected' | 'empty'; text: string };

export interface NodeView {
  label: string;
  description?: string;
  /** Markdown. */
  tooltip?: string;
  contextValue: string;
  /** A codicon id, with an optional theme color id. */
  icon: string;
  iconColor?: string;
  collapsible: boolean;
  /** Command run when the row is clicked (e.g. Retry on a failed pool's notice). */
  command?: { id: string; title: string };
}

/** What the tree needs to know about the configured pools. */
export interface TreeSource {
  poolNames(): string[];
  state(pool: string): ConnectionState | undefined;
  url(pool: string): string | undefined;
}

// ---- context values: one per kind and state, so menus can target e.g. a live slave or an lvmohba SR ----

/** SR types with their own context value; any other type is `sr.other`. */
export const KNOWN_SR_TYPES = ['lvmohba', 'lvmoiscsi', 'lvm', 'nfs', 'ext', 'iso', 'udev'] as const;

export const CONTEXT_VALUES: readonly string[] = [
  'pool.connected', 'pool.masterLost', 'pool.connecting', 'pool.failed', 'pool.disconnected',
  'folder.hosts', 'folder.storage',
  'host.live.master', 'host.live.slave', 'host.dead.master', 'host.dead.slave',
  ...KNOWN_SR_TYPES.map((t) => `sr.${t}`), 'sr.other',
  'vdi.raw', 'vdi.vhd', 'vdi.unknown',
  'vm.linux', 'vm.windows', 'vm.unknown',
  'notice.connecting', 'notice.failed', 'notice.disconnected', 'notice.empty',
];

export function srContextValue(type: string): string {
  return (KNOWN_SR_TYPES as readonly string[]).includes(type) ? `sr.${type}` : 'sr.other';
}

// ---- identities ----

export const nodeId = {
  pool: (pool: string) => `pool:${pool}`,
  folder: (pool: string, folder: FolderKind) => `pool:${pool}/${folder}`,
  host: (pool: string, ref: string) => `pool:${pool}/host/${ref}`,
  sr: (pool: string, ref: string) => `pool:${pool}/sr/${ref}`,
  vdi: (pool: string, ref: string) => `pool:${pool}/vdi/${ref}`,
  vm: (pool: string, ref: string) => `pool:${pool}/vm/${ref}`,
  notice: (pool: string) => `pool:${pool}/notice`,
};

export function poolNode(pool: string): TreeNode {
  return { kind: 'pool', id: nodeId.pool(pool), pool };
}

function modelOf(source: TreeSource, pool: string): PoolModel | undefined {
  const s = source.state(pool);
  return s?.kind === 'connected' ? s.model : undefined;
}

// ---- children ----

export function rootNodes(source: TreeSource): TreeNode[] {
  return source.poolNames().map(poolNode);
}

export function childNodes(node: TreeNode, source: TreeSource): TreeNode[] {
  const pool = node.pool;
  switch (node.kind) {
    case 'pool': {
      const s = source.state(pool);
      if (!s || s.kind === 'disconnected') return [{ kind: 'notice', id: nodeId.notice(pool), pool, notice: 'disconnected', text: 'Not connected. Click to connect.' }];
      if (s.kind === 'connecting') return [{ kind: 'notice', id: nodeId.notice(pool), pool, notice: 'connecting', text: 'Connecting…' }];
      if (s.kind === 'failed') return [{ kind: 'notice', id: nodeId.notice(pool), pool, notice: 'failed', text: s.message }];
      return [
        { kind: 'folder', id: nodeId.folder(pool, 'hosts'), pool, folder: 'hosts' },
        { kind: 'folder', id: nodeId.folder(pool, 'storage'), pool, folder: 'storage' },
      ];
    }
    case 'folder': {
      const model = modelOf(source, pool);
      if (!model) return [];
      if (node.folder === 'hosts') return model.hosts().map((h) => ({ kind: 'host', id: nodeId.host(pool, h.ref), pool, ref: h.ref }));
      return storageOf(model).map((sr) => ({ kind: 'sr', id: nodeId.sr(pool, sr.ref), pool, ref: sr.ref }));
    }
    case 'sr': {
      const model = modelOf(source, pool);
      if (!model) return [];
      return visibleVdis(model, node.ref).map((v) => ({ kind: 'vdi', id: nodeId.vdi(pool, v.ref), pool, ref: v.ref }));
    }
    case 'host': {
      const model = modelOf(source, pool);
      if (!model) return [];
      return model.residentVms(node.ref).map((v) => ({ kind: 'vm', id: nodeId.vm(pool, v.ref), pool, ref: v.ref }));
    }
    default:
      return [];
  }
}

/** Shared SRs first (once per pool), then each host's local SRs in host order. */
function storageOf(model: PoolModel): Entry<'SR'>[] {
  const out = model.sharedSrs();
  for (const h of model.hosts()) out.push(...model.localSrs(h.ref));
  return out;
}

/** The VDIs an admin works with: snapshots are left out (they belong to their VM, not to the SR's list). */
function visibleVdis(model: PoolModel, sr: Ref<'SR'>): Entry<'VDI'>[] {
  return model.vdisOf(sr).filter((v) => !v.record.is_a_snapshot);
}

// ---- views ----

export function viewOf(node: TreeNode, source: TreeSource): NodeView | undefined {
  switch (node.kind) {
    case 'pool':
      return poolView(node.pool, source);
    case 'notice':
      return noticeView(node);
    case 'folder': {
      const model = modelOf(source, node.pool);
      return model ? folderView(node.folder, model) : undefined;
    }
    case 'host': {
      const s = source.state(node.pool);
      return s?.kind === 'connected' ? hostView(s.model, node.ref, s.masterLost) : undefined;
    }
    case 'sr': {
      const model = modelOf(source, node.pool);
      return model ? srView(model, node.ref) : undefined;
    }
    case 'vdi': {
      const model = modelOf(source, node.pool);
      return model ? vdiView(model, node.ref) : undefined;
    }
    case 'vm': {
      const model = modelOf(source, node.pool);
      return model ? vmView(model, node.ref) : undefined;
    }
  }
}

const FAILURE_SUMMARY: Record<string, string> = {
  dns: 'host name not found',
  refused: 'connection refused',
  timeout: 'no answer (timeout)',
  unreachable: 'unreachable',
  'tls-untrusted': 'certificate not trusted',
  'tls-changed': 'certificate CHANGED: refused',
  auth: 'authentication failed: wrong user name or password',
  'not-xapi': 'not a XAPI server',
  xapi: 'XAPI error',
  other: 'cannot connect',
};

function poolView(pool: string, source: TreeSource): NodeView {
  const s = source.state(pool);
  const url = source.url(pool) ?? '';
  if (!s || s.kind === 'disconnected') {
    return { label: pool, description: 'disconnected', tooltip: md(`**${pool}**`, `${url}`, 'Not connected.'), contextValue: 'pool.disconnected', icon: 'debug-disconnect', collapsible: true };
  }
  if (s.kind === 'connecting') {
    return { label: pool, description: 'connecting…', tooltip: md(`**${pool}**`, url), contextValue: 'pool.connecting', icon: 'loading~spin', collapsible: true };
  }
  if (s.kind === 'failed') {
    return {
      label: pool,
      description: FAILURE_SUMMARY[s.failure] ?? 'cannot connect',
      tooltip: md(`**${esc(pool)}**: ${FAILURE_SUMMARY[s.failure] ?? 'cannot connect'}`, esc(url), markdownProse(s.message), '_Retry from the context menu or the row below._'),
      contextValue: 'pool.failed',
      icon: 'warning',
      iconColor: 'problemsWarningIcon.foreground',
      collapsible: true,
    };
  }
  const model = s.model;
  const master = model.master();
  const hosts = model.hosts();
  if (s.masterLost) {
    const name = master?.record.name_label ?? s.masterAddress;
    return {
      label: pool,
      description: oneLine(`master ${name} not answering · slaves answer · ${hosts.length} hosts`),
      tooltip: md(
        `**${esc(pool)}**: the master ${esc(name)} (${esc(s.masterAddress)}) does not answer XAPI; what the members said:`,
        describeProbe(s.masterLost).map((l) => `- ${esc(l)}`).join('\n'),
        '_The hosts shown are the last state read. Recover the pool onto a slave from the context menu (H4)._',
      ),
      contextValue: 'pool.masterLost',
      icon: 'error',
      iconColor: 'errorForeground',
      collapsible: true,
    };
  }
  const dead = hosts.filter((h) => !model.isHostLive(h.ref)).length;
  const masterName = master?.record.name_label ?? '?';
  const description = [`master ${masterName}`, `${hosts.length} hosts`, dead ? `${dead} dead` : undefined].filter(Boolean).join(' · ');
  const poolRec = model.all('pool')[0]?.record;
  const api = apiVersionOf(model);
  return {
    label: pool,
    description: oneLine(description),
    tooltip: md(
      `**${esc(pool)}** (XAPI name: ${esc(poolRec?.name_label ?? '')})`,
      `uuid: \`${poolRec?.uuid ?? ''}\``,
      `master: ${esc(masterName)} (${esc(s.masterAddress)})`,
      `product: ${esc(productOf(model) ?? 'unknown')} · API ${api ? `${api.major}.${api.minor}` : 'unknown'} · ${s.transport === 'jsonrpc' ? 'JSON-RPC' : 'XML-RPC'}`,
      `url: ${esc(url)}`,
      `HA: ${poolRec?.ha_enabled ? 'enabled' : 'disabled'}`,
    ),
    contextValue: 'pool.connected',
    icon: 'server-environment',
    iconColor: dead ? 'problemsWarningIcon.foreground' : undefined,
    collapsible: true,
  };
}

function noticeView(node: Extract<TreeNode, { kind: 'notice' }>): NodeView {
  switch (node.notice) {
    case 'failed':
      return { label: node.text, tooltip: md(markdownProse(node.text), '_Click to retry._'), contextValue: 'notice.failed', icon: 'error', iconColor: 'errorForeground', collapsible: false, command: { id: 'xcpAdmin.pool.connect', title: 'Retry' } };
    case 'disconnected':
      return { label: node.text, contextValue: 'notice.disconnected', icon: 'plug', collapsible: false, command: { id: 'xcpAdmin.pool.connect', title: 'Connect' } };
    case 'connecting':
      return { label: node.text, contextValue: 'notice.connecting', icon: 'loading~spin', collapsible: false };
    case 'empty':
      return { label: node.text, contextValue: 'notice.empty', icon: 'info', collapsible: false };
  }
}

function folderView(folder: FolderKind, model: PoolModel): NodeView {
  if (folder === 'hosts') {
    const hosts = model.hosts();
    const dead = hosts.filter((h) => !model.isHostLive(h.ref)).length;
    return { label: 'Hosts', description: `${hosts.length}${dead ? ` · ${dead} dead` : ''}`, contextValue: 'folder.hosts', icon: 'server', collapsible: true };
  }
  const srs = storageOf(model);
  return { label: 'Storage', description: `${srs.length} SRs`, contextValue: 'folder.storage', icon: 'database', collapsible: true };
}

/** "XCP 1.4.90", "XenServer 6.0.99 (override)". */
export function versionOf(sv: Record<string, string>): string {
  const brand = sv.product_brand ?? sv.platform_name ?? '';
  const version = sv.product_version ?? sv.platform_version ?? sv.xapi ?? '';
  return [brand, version].filter(Boolean).join(' ');
}

function hostView(model: PoolModel, ref: Ref<'host'>, masterLost: MasterProbe | undefined): NodeView | undefined {
  const host = model.get('host', ref);
  if (!host) return undefined;
  const master = model.isMaster(ref);
  // A silent master cannot report its own death: the probe of the members is the evidence.
  const unreachable = master && masterLost !== undefined;
  const live = model.isHostLive(ref) && !unreachable;
  const metrics = model.get('host_metrics', host.metrics);
  const vms = model.residentVms(ref);
  const version = versionOf(host.software_version);
  // Only an XCP 1.x host needs to present 6.0.99 to XenCenter (H2); a later one is shown as it is.
  const notPresented = needsXenCenterPresentation(model) && !isOverridden(host.software_version);
  const description = [host.address, master ? 'master' : undefined, notPresented ? `${version} (not overridden)` : version, unreachable ? 'NOT ANSWERING' : live ? undefined : 'DEAD'].filter(Boolean).join(' · ');
  const sv = Object.entries(host.software_version).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}=${v}`);
  return {
    label: displayName(host.name_label),
    description: oneLine(description),
    tooltip: md(
      `**${esc(host.name_label)}**${master ? ' — pool master' : ''} — ${unreachable ? '**not answering** XAPI; the slaves were asked:' : live ? 'live' : '**dead** (host_metrics.live = false)'}`,
      unreachable ? describeProbe(masterLost).map((l) => `- ${esc(l)}`).join('\n') : undefined,
      `uuid: \`${host.uuid}\``,
      `address: ${esc(host.address)}${host.hostname ? ` — hostname ${esc(host.hostname)}` : ''}`,
      `enabled: ${host.enabled}`,
      metrics ? `memory: ${formatBytes(metrics.memory_free)} free of ${formatBytes(metrics.memory_total)}` : undefined,
      `resident VMs: ${vms.length}${vms.length ? ` (${vms.slice(0, 8).map((v) => esc(v.record.name_label)).join(', ')}${vms.length > 8 ? ', …' : ''})` : ''}`,
      `software_version: ${esc(sv.join(', '))}`,
      notPresented ? `_XenCenter sees ${esc(version)}, not XenServer ${PRESENTED_VERSION}, and turns off dynamic memory, snapshots and live migration: "Present as XenServer ${PRESENTED_VERSION}" (H2) fixes it._` : undefined,
    ),
    contextValue: `host.${live ? 'live' : 'dead'}.${master ? 'master' : 'slave'}`,
    icon: master ? 'star-full' : live ? 'server' : 'error',
    iconColor: live ? undefined : 'errorForeground',
    collapsible: vms.length > 0,
  };
}

function srView(model: PoolModel, ref: Ref<'SR'>): NodeView | undefined {
  const sr = model.get('SR', ref);
  if (!sr) return undefined;
  const pbds = model.pbdsOf(ref);
  const detached = pbds.filter((p) => !p.record.currently_attached);
  const localHost = sr.shared ? undefined : model.hostOfLocalSr(ref);
  const used = `${formatBytes(sr.physical_utilisation)} / ${formatBytes(sr.physical_size)}`;
  const description = [sr.type, used, localHost ? `local to ${localHost.record.name_label}` : 'shared', detached.length ? `${detached.length} PBD unplugged` : undefined]
    .filter(Boolean).join(' · ');
  const pbdLines = pbds.map((p) => {
    const dc = Object.entries(p.record.device_config).map(([k, v]) => `${k}=${v}`).join(', ');
    const path = storagePath(model, sr.type, p.host?.ref, p.record.device_config);
    return `- ${esc(p.host?.record.name_label ?? '?')}: ${p.record.currently_attached ? 'attached' : '**not attached**'}${dc ? ` — ${esc(dc)}` : ''}${path ? `\n  ${esc(path)}` : ''}`;
  });
  return {
    label: displayName(sr.name_label),
    description: oneLine(description),
    tooltip: md(
      `**${esc(sr.name_label)}** — ${esc(sr.type)}${sr.name_description ? ` — ${esc(sr.name_description)}` : ''}`,
      `uuid: \`${sr.uuid}\``,
      `size: ${formatBytes(sr.physical_utilisation)} used of ${formatBytes(sr.physical_size)}; ${formatBytes(sr.virtual_allocation)} allocated`,
      `VDIs: ${visibleVdis(model, ref).length}`,
      `PBDs (${pbds.length}):\n${pbdLines.slice(0, 20).join('\n')}${pbdLines.length > 20 ? `\n- … ${pbdLines.length - 20} more` : ''}`,
    ),
    contextValue: srContextValue(sr.type),
    icon: detached.length ? 'warning' : 'database',
    iconColor: detached.length ? 'problemsWarningIcon.foreground' : undefined,
    collapsible: true,
  };
}

function vdiView(model: PoolModel, ref: Ref<'VDI'>): NodeView | undefined {
  const vdi = model.get('VDI', ref);
  if (!vdi) return undefined;
  const sr = model.get('SR', vdi.SR);
  const format = model.vdiFormat(ref);
  const vms = model.vmsUsing(ref);
  const formatLabel = format === 'raw' ? 'raw' : format === 'vhd' ? 'VHD' : 'format?';
  const vmNames = vms.map((v) => (v.record.is_control_domain ? 'dom0' : v.record.name_label));
  const description = [formatBytes(vdi.virtual_size), formatLabel, vmNames.length ? `→ ${vmNames.join(', ')}` : undefined].filter(Boolean).join(' · ');
  const device = sr ? lvDevicePath(sr, vdi, format) : undefined;
  return {
    label: displayName(vdi.name_label),
    description: oneLine(description),
    tooltip: md(
      `**${esc(vdi.name_label)}** — ${formatLabel}${vdi.name_description ? ` — ${esc(vdi.name_description)}` : ''}`,
      `uuid: \`${vdi.uuid}\``,
      `virtual size: ${formatBytes(vdi.virtual_size)} (${vdi.virtual_size} bytes); physical: ${formatBytes(vdi.physical_utilisation)}`,
      device ? `device: \`${device}\`` : undefined,
      `SR: ${esc(sr?.name_label ?? '?')} (${esc(sr?.type ?? '?')})`,
      `used by: ${vmNames.length ? esc(vmNames.join(', ')) : 'no VM'}`,
      `sm_config: ${esc(Object.entries(vdi.sm_config).map(([k, v]) => `${k}=${v}`).join(', ') || '(empty)')}`,
    ),
    contextValue: `vdi.${format}`,
    icon: format === 'raw' ? 'file-binary' : 'file',
    collapsible: false,
  };
}

// ---- which nodes a batch of model changes touches ----

/**
 * The nodes to refresh for one batch of changes of one pool: the smallest set that shows every change.
 * A row's own fields → that row; membership (VDI added/removed, host added) → the parent.
 */
export function nodesTouchedBy(
  pool: string,
  changes: readonly ModelChange[],
  model: PoolModel,
  /** The parent a node was shown under, if it was shown: a deleted VDI's record is gone, its row is not. */
  shownParent: (id: string) => TreeNode | undefined = () => undefined,
): TreeNode[] {
  const out = new Map<string, TreeNode>();
  const add = (n: TreeNode) => out.set(n.id, n);
  const hostNode = (ref: string): TreeNode => ({ kind: 'host', id: nodeId.host(pool, ref), pool, ref: ref as Ref<'host'> });
  const srNode = (ref: string): TreeNode => ({ kind: 'sr', id: nodeId.sr(pool, ref), pool, ref: ref as Ref<'SR'> });
  const vdiNode = (ref: string): TreeNode => ({ kind: 'vdi', id: nodeId.vdi(pool, ref), pool, ref: ref as Ref<'VDI'> });
  const vmNode = (ref: string): TreeNode => ({ kind: 'vm', id: nodeId.vm(pool, ref), pool, ref: ref as Ref<'VM'> });
  const folder = (f: FolderKind): TreeNode => ({ kind: 'folder', id: nodeId.folder(pool, f), pool, folder: f });
  const hostsChanged = () => { add(poolNode(pool)); add(folder('hosts')); };
  for (const c of changes) {
    switch (c.cls) {
      case 'pool':
        add(poolNode(pool));
        // the master moved: the old and new master rows change
        for (const h of model.hosts()) add(hostNode(h.ref));
        break;
      case 'host':
        if (c.op === 'mod') add(hostNode(c.ref));
        else hostsChanged();
        break;
      case 'host_metrics':
        // Liveness shows on the host row, its folder and the pool row: refreshing the folder redraws the row.
        hostsChanged();
        break;
      case 'SR':
        if (c.op === 'mod') add(srNode(c.ref));
        else add(folder('storage'));
        break;
      case 'PBD': {
        const pbd = model.get('PBD', c.ref);
        if (pbd) add(srNode(pbd.SR));
        add(folder('storage'));
        break;
      }
      case 'VDI': {
        const vdi = model.get('VDI', c.ref);
        if (c.op === 'mod') add(vdiNode(c.ref));
        else if (vdi) add(srNode(vdi.SR));
        else {
          const parent = shownParent(nodeId.vdi(pool, c.ref)); // deleted: only a row that was shown needs to go
          if (parent) add(parent);
        }
        break;
      }
      case 'VBD': {
        // A removed VBD also changes its VDI's VBDs field, which arrives as that VDI's own event.
        const vbd = model.get('VBD', c.ref);
        if (vbd) add(vdiNode(vbd.VDI));
        break;
      }
      case 'VM_guest_metrics': {
        const vm = model.all('VM').find((v) => v.record.guest_metrics === c.ref);
        if (vm) add(vmNode(vm.ref));
        break;
      }
      case 'VM': {
        const vm = model.get('VM', c.ref);
        const parent = shownParent(nodeId.vm(pool, c.ref));
        if (parent) add(parent); // it left the host it was shown under (halted, migrated, gone)
        if (!vm) break;
        add(vmNode(c.ref));
        if (vm.resident_on) add(hostNode(vm.resident_on));
        for (const vbd of vm.VBDs) {
          const v = model.get('VBD', vbd);
          if (v) add(vdiNode(v.VDI));
        }
        break;
      }
      default:
        break;
    }
  }
  // A parent refresh redraws its children: drop the children of refreshed parents.
  const storageRefreshed = out.has(nodeId.folder(pool, 'storage'));
  const hostsRefreshed = out.has(nodeId.folder(pool, 'hosts'));
  return [...out.values()].filter((n) => {
    if (n.kind === 'sr' && storageRefreshed) return false;
    if (n.kind === 'host' && hostsRefreshed) return false;
    if (n.kind === 'vm') {
      const vm = model.get('VM', n.ref);
      if (hostsRefreshed || (vm?.resident_on && out.has(nodeId.host(pool, vm.resident_on)))) return false;
    }
    if (n.kind === 'vdi') {
      const vdi = model.get('VDI', n.ref);
      if (storageRefreshed || (vdi && out.has(nodeId.sr(pool, vdi.SR)))) return false;
    }
    return true;
  });
}

function vmView(model: PoolModel, ref: Ref<'VM'>): NodeView | undefined {
  const vm = model.get('VM', ref);
  if (!vm) return undefined;
  const gm = model.get('VM_guest_metrics', vm.guest_metrics);
  const kind = guestKind(gm?.os_version);
  const pv = gm?.PV_drivers_version;
  const tools = pv?.major !== undefined ? `${pv.major}.${pv.minor}.${pv.micro}` : undefined;
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

// ---- text helpers ----

/** A row's description, which names from XAPI reach: one line, controls shown, long names cut. */
function oneLine(s: string): string {
  return s === '' ? '' : displayName(s, 200);
}

function md(...lines: (string | undefined)[]): string {
  return lines.filter((l): l is string => l !== undefined && l !== '').join('\n\n');
}

/** Escapes XAPI text for markdown: names are untrusted and may hold markup. */
export function esc(s: string): string {
  return markdownText(s);
}
