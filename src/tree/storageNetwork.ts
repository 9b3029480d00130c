// S5: what connects an SR's PBD to its storage, in words an admin checks against the wiring: the
// iSCSI target (IQN, portals) or NFS server and the host's interface in that range (the network that
// carries the storage traffic), or the FC LUN's WWID. No vscode import.

import type { PoolModel } from '../model/poolModel';
import type { Ref } from '../xapi/records';
import { l10n } from '../text/l10n';

function ipv4(text: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text.trim());
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  return parts.every((p) => p <= 255) ? ((parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3]) >>> 0 : undefined;
}

/** The host's PIF whose IPv4 subnet holds `address`, with its network's name. */
export function interfaceFor(model: PoolModel, host: Ref<'host'>, address: string): { device: string; network: string; ip: string } | undefined {
  const target = ipv4(address);
  if (target === undefined) return undefined;
  for (const pif of model.all('PIF')) {
    if (pif.record.host !== host) continue;
    const ip = ipv4(pif.record.IP);
    const mask = ipv4(pif.record.netmask);
    if (ip === undefined || mask === undefined) continue;
    if (((ip & mask) >>> 0) === ((target & mask) >>> 0)) {
      return { device: pif.record.device, network: model.get('network', pif.record.network)?.name_label ?? '?', ip: `${pif.record.IP}/${pif.record.netmask}` };
    }
  }
  return undefined;
}

/** One line on how a PBD reaches its storage (undefined for local or unknown kinds). */
export function storagePath(model: PoolModel, srType: string, host: Ref<'host'> | undefined, dc: Record<string, string>): string | undefined {
  const via = (address: string | undefined) => {
    if (!address || !host) return '';
    const pif = interfaceFor(model, host, address);
    return pif ? l10n.t(' via {0} (network "{1}", {2})', pif.device, pif.network, pif.ip) : l10n.t(' via the default route (no interface of this host is in that range)');
  };
  switch (srType) {
    case 'lvmoiscsi': {
      const portals = (dc.multihomelist ?? `${dc.target ?? '?'}:${dc.port ?? '3260'}`).split(',');
      return `${l10n.t('iSCSI {0} at {1}', dc.targetIQN ?? '?', portals.join(', '))}${via(dc.target)}${dc.SCSIid ? l10n.t('; LUN {0}', dc.SCSIid) : ''}`;
    }
    case 'nfs':
      return `NFS ${dc.server ?? '?'}:${dc.serverpath ?? '?'}${via(dc.server)}`;
    case 'lvmohba':
      return dc.SCSIid ? l10n.t('Fibre Channel LUN {0} (multipath map {1})', dc.SCSIid, `/dev/mapper/${dc.SCSIid}`) : undefined;
    default:
      return undefined;
  }
}
