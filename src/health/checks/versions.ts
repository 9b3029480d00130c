// Versions: hosts of one pool disagreeing on what they present to XenCenter (some 6.0.99, some not: an
// override lost on upgrade; H2), a host whose software version differs from the master's, and guests
// whose tools report an older version than their hosts present (H3). No vscode import.

import type { PoolModel } from '../../model/poolModel';
import { needsXenCenterPresentation } from '../../model/release';
import { PRESENTED_VERSION, guestToolsVersion, hostReportsPresentedVersion, hostVersionLabel } from '../../model/xenCenterVersion';
import type { HealthCheck } from '../check';
import type { Finding } from '../finding';
import { hostObject, vmObject } from './objects';
import { l10n } from '../../text/l10n';

/** -1, 0, 1 for dotted versions compared numerically ("1.4.90" < "6.0.99"). */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map((x) => Number.parseInt(x, 10) || 0);
  const pb = b.split('.').map((x) => Number.parseInt(x, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

export const presentedVersionCheck: HealthCheck = {
  id: 'presented-version',
  feeds: ['host', 'pool'],
  evaluate(model: PoolModel): Finding[] {
    if (!needsXenCenterPresentation(model)) return [];
    const hosts = model.hosts();
    const presenting = hosts.filter((h) => hostReportsPresentedVersion(h.record.software_version));
    if (presenting.length === 0 || presenting.length === hosts.length) return [];
    return hosts.filter((h) => !hostReportsPresentedVersion(h.record.software_version)).map(({ ref, record: host }) => ({
      id: `presented-version:${host.uuid}`, check: 'presented-version', severity: 'warning' as const, object: hostObject(model, ref),
      summary: presenting.length === 1
        ? l10n.t('Host {0} reports {1} while 1 other host of the pool presents {2}: its override was lost (an upgrade?), XenCenter turns features off for it.', host.name_label, hostVersionLabel(host.software_version), PRESENTED_VERSION)
        : l10n.t('Host {0} reports {1} while {2} other hosts of the pool present {3}: its override was lost (an upgrade?), XenCenter turns features off for it.', host.name_label, hostVersionLabel(host.software_version), presenting.length, PRESENTED_VERSION),
      evidence: { product_version: host.software_version.product_version ?? '', [`hosts presenting ${PRESENTED_VERSION}`]: presenting.map((h) => h.record.name_label).join(', ') },
      fix: { command: 'xcpAdmin.host.presentVersion', procedure: l10n.t('H2 Present the host as XenServer {0} to XenCenter', PRESENTED_VERSION) },
    }));
  },
};

export const softwareVersionCheck: HealthCheck = {
  id: 'software-version',
  feeds: ['host', 'pool'],
  evaluate(model: PoolModel): Finding[] {
    const master = model.master();
    if (!master) return [];
    // The build, not the presented product_version (which H2 changes on purpose).
    const build = (sv: Record<string, string>) => `${sv.product_brand ?? sv.platform_name ?? ''} build ${sv.build_number ?? '?'} xapi ${sv.xapi ?? '?'}`;
    const want = build(master.record.software_version);
    return model.hosts().filter((h) => h.ref !== master.ref && build(h.record.software_version) !== want).map(({ ref, record: host }) => ({
      id: `software-version:${host.uuid}`, check: 'software-version', severity: 'warning' as const, object: hostObject(model, ref),
      summary: l10n.t('Host {0} runs other software than the master {1}: {2} against {3}.', host.name_label, master.record.name_label, build(host.software_version), want),
      evidence: { host: build(host.software_version), master: want },
      fix: { procedure: l10n.t('Bring the host to the master\'s version (a pool runs one version, except during a rolling upgrade)') },
    }));
  },
};

export const guestToolsCheck: HealthCheck = {
  id: 'guest-tools',
  feeds: ['VM', 'VM_guest_metrics', 'host', 'pool'],
  evaluate(model: PoolModel): Finding[] {
    if (!needsXenCenterPresentation(model)) return [];
    // What the hosts present: the highest product_version among them (6.0.99 once H2 ran on any).
    let presented: string | undefined;
    for (const h of model.hosts()) {
      const v = h.record.software_version.product_version;
      if (v && (!presented || compareVersions(v, presented) > 0)) presented = v;
    }
    if (!presented) return [];
    const out: Finding[] = [];
    for (const { ref, record: vm } of model.all('VM')) {
      if (vm.is_control_domain || vm.is_a_template || vm.is_a_snapshot) continue;
      const tools = guestToolsVersion(model.get('VM_guest_metrics', vm.guest_metrics)?.PV_drivers_version);
      if (!tools || compareVersions(tools, presented) >= 0) continue;
      out.push({
        id: `guest-tools:${vm.uuid}`, check: 'guest-tools', severity: 'warning', object: vmObject(model, ref),
        summary: l10n.t('VM {0}\'s guest tools report {1}, older than the {2} its hosts present: XenCenter calls them out of date.', vm.name_label, tools, presented),
        evidence: { 'PV_drivers_version': tools, 'hosts present': presented },
        fix: { command: 'xcpAdmin.vm.guestTools', procedure: l10n.t('H3 Guest tools report {0}', PRESENTED_VERSION) },
      });
    }
    return out;
  },
};
