// Multipath: a PBD that sees fewer paths to its LUN than it has seen (PBD.other_config
// "mpath-<SCSIid>" = "[current, max]", written by the storage manager's mpathcount.py), and hosts that
// disagree on how many paths an SR's LUN has (one host cabled or zoned differently). XenCenter flags the
// first per host; nothing compared hosts. No vscode import.

import { parsePathCounts } from '../../model/messages';
import type { PoolModel } from '../../model/poolModel';
import type { HealthCheck } from '../check';
import type { Finding } from '../finding';
import { srObject } from './objects';
import { l10n } from '../../text/l10n';

function pathKeys(otherConfig: Record<string, string>): [string, { current: number; max: number }][] {
  const out: [string, { current: number; max: number }][] = [];
  for (const [k, v] of Object.entries(otherConfig)) {
    if (!k.startsWith('mpath-') || k === 'mpath-boot') continue;
    const counts = parsePathCounts(v);
    if (counts) out.push([k, counts]);
  }
  return out;
}

export const multipathPathsCheck: HealthCheck = {
  id: 'multipath-paths',
  feeds: ['PBD', 'SR', 'host'],
  evaluate(model: PoolModel): Finding[] {
    const out: Finding[] = [];
    for (const { ref: pbdRef, record: pbd } of model.all('PBD')) {
      for (const [key, { current, max }] of pathKeys(pbd.other_config)) {
        if (current >= max) continue;
        const host = model.get('host', pbd.host);
        const sr = model.get('SR', pbd.SR);
        out.push({
          id: `multipath-paths:${pbd.uuid}:${key}`, check: 'multipath-paths', severity: current === 0 ? 'error' : 'warning', object: srObject(model, pbd.SR),
          summary: current === 0
            ? l10n.t('Host {0} sees {1} of {2} paths to SR {3}: the LUN is unreachable from it.', host?.name_label ?? '?', current, max, sr?.name_label ?? '?')
            : l10n.t('Host {0} sees {1} of {2} paths to SR {3}: one more failure away from losing the LUN.', host?.name_label ?? '?', current, max, sr?.name_label ?? '?'),
          evidence: { host: host?.name_label ?? '', 'host uuid': host?.uuid ?? '', 'PBD uuid': pbd.uuid, [`other_config:${key}`]: pbd.other_config[key], 'PBD ref': pbdRef },
          fix: { command: 'xcpAdmin.host.openRootShell', target: { kind: 'host', ref: pbd.host }, procedure: l10n.t('Check the paths on the host (multipath -ll), its cabling and zoning'), xe: 'multipath -ll' },
        });
      }
    }
    return out;
  },
};

export const multipathDisagreeCheck: HealthCheck = {
  id: 'multipath-disagree',
  feeds: ['PBD', 'SR', 'host'],
  evaluate(model: PoolModel): Finding[] {
    const out: Finding[] = [];
    for (const { ref: srRef, record: sr } of model.sharedSrs()) {
      const byKey = new Map<string, Map<string, number>>(); // key → host name → max
      for (const pbd of model.pbdsOf(srRef)) {
        for (const [key, { max }] of pathKeys(pbd.record.other_config)) {
          let hosts = byKey.get(key);
          if (!hosts) byKey.set(key, (hosts = new Map()));
          hosts.set(pbd.host?.record.name_label ?? pbd.record.host, max);
        }
      }
      for (const [key, hosts] of byKey) {
        const counts = new Set(hosts.values());
        if (counts.size < 2) continue;
        const most = Math.max(...counts);
        const fewer = [...hosts].filter(([, m]) => m < most).map(([h, m]) => `${h} (${m})`);
        out.push({
          id: `multipath-disagree:${sr.uuid}:${key}`, check: 'multipath-disagree', severity: 'warning', object: srObject(model, srRef),
          summary: l10n.t('Hosts disagree on the number of paths to SR {0}: {1} against {2} on the others.', sr.name_label, fewer.join(', '), most),
          evidence: Object.fromEntries([...hosts].map(([h, m]) => [`${h} max paths`, String(m)])),
          fix: { procedure: l10n.t('Compare the cabling and zoning of the hosts with fewer paths (multipath -ll on each)'), xe: 'multipath -ll' },
        });
      }
    }
    return out;
  },
};
