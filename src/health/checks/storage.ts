// Storage: a shared SR not plugged on a live host, SR usage (80 % warning, 90 % error), and the pool's
// default SR (none, or a local one in a pool of several hosts). No vscode import.

import type { PoolModel } from '../../model/poolModel';
import type { HealthCheck } from '../check';
import type { Finding } from '../finding';
import { bytes, hostObject, poolObject, srObject } from './objects';
import { l10n } from '../../text/l10n';

export const srUnpluggedCheck: HealthCheck = {
  id: 'sr-unplugged',
  feeds: ['SR', 'PBD', 'host', 'host_metrics'],
  evaluate(model: PoolModel): Finding[] {
    const out: Finding[] = [];
    for (const { ref: srRef, record: sr } of model.sharedSrs()) {
      for (const pbd of model.pbdsOf(srRef)) {
        if (pbd.record.currently_attached || !pbd.host || !model.isHostLive(pbd.host.ref)) continue;
        const host = pbd.host.record;
        out.push({
          id: `sr-unplugged:${pbd.record.uuid}`, check: 'sr-unplugged', severity: 'error', object: srObject(model, srRef),
          summary: l10n.t('Shared SR {0} is not plugged on host {1}: VMs with disks on it cannot run there.', sr.name_label, host.name_label),
          evidence: { host: host.name_label, 'host uuid': host.uuid, 'PBD uuid': pbd.record.uuid, 'PBD.currently_attached': 'false' },
          fix: { procedure: l10n.t('Plug the SR on that host (PBD.plug); if it fails, its error says what the storage lacks'), xe: `xe pbd-plug uuid=${pbd.record.uuid}` },
        });
      }
    }
    return out;
  },
};

export const SR_USAGE_WARNING = 0.8;
export const SR_USAGE_ERROR = 0.9;

export const srUsageCheck: HealthCheck = {
  id: 'sr-usage',
  feeds: ['SR'],
  evaluate(model: PoolModel): Finding[] {
    const out: Finding[] = [];
    for (const { ref, record: sr } of model.all('SR')) {
      if (sr.physical_size <= 0 || sr.content_type === 'iso') continue;
      const share = sr.physical_utilisation / sr.physical_size;
      if (share < SR_USAGE_WARNING) continue;
      out.push({
        id: `sr-usage:${sr.uuid}`, check: 'sr-usage', severity: share >= SR_USAGE_ERROR ? 'error' : 'warning', object: srObject(model, ref),
        summary: l10n.t('SR {0} is {1} % full: new disks and snapshots fail when it runs out.', sr.name_label, Math.round(share * 100)),
        evidence: { physical_utilisation: bytes(sr.physical_utilisation), physical_size: bytes(sr.physical_size), free: bytes(sr.physical_size - sr.physical_utilisation) },
        fix: sr.type === 'lvmohba' ? { command: 'xcpAdmin.sr.growOnline', procedure: l10n.t('S4 Grow a Fibre Channel SR online') } : { procedure: l10n.t('Free space (delete unused disks and snapshots) or grow the LUN') },
      });
    }
    return out;
  },
};

export const defaultSrCheck: HealthCheck = {
  id: 'default-sr',
  feeds: ['pool', 'SR', 'host', 'PBD'],
  evaluate(model: PoolModel): Finding[] {
    const pool = model.all('pool')[0]?.record;
    if (!pool) return [];
    const sr = model.get('SR', pool.default_SR);
    if (!sr) {
      return [{
        id: `default-sr:${pool.uuid}`, check: 'default-sr', severity: 'warning', object: poolObject(model),
        summary: l10n.t('Pool {0} has no default SR: new disks (and suspend images) have nowhere to go unless an SR is named.', pool.name_label),
        evidence: { default_SR: pool.default_SR },
        fix: { procedure: l10n.t('Make a shared SR the default'), xe: `xe pool-param-set uuid=${pool.uuid} default-SR=<SR uuid>` },
      }];
    }
    if (!sr.shared && model.count('host') > 1) {
      const owner = model.hostOfLocalSr(pool.default_SR);
      return [{
        id: `default-sr:${pool.uuid}`, check: 'default-sr', severity: 'warning', object: poolObject(model),
        summary: owner
          ? l10n.t('Pool {0}\'s default SR {1} is local to {2}: VMs made on it cannot move to the other hosts.', pool.name_label, sr.name_label, owner.record.name_label)
          : l10n.t('Pool {0}\'s default SR {1} is local: VMs made on it cannot move to the other hosts.', pool.name_label, sr.name_label),
        evidence: { 'default SR': sr.name_label, 'default SR uuid': sr.uuid, shared: 'false', hosts: String(model.count('host')), ...(owner ? { 'local to': hostObject(model, owner.ref).name } : {}) },
        fix: { procedure: l10n.t('Make a shared SR the default'), xe: `xe pool-param-set uuid=${pool.uuid} default-SR=<SR uuid>` },
      }];
    }
    return [];
  },
};
