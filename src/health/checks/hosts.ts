// Hosts: a dead host (host_metrics.live false) with resident VMs (H6: declare them halted) or without
// (H5: forget it), and disabled hosts (maintenance) as information. No vscode import.

import type { PoolModel } from '../../model/poolModel';
import type { HealthCheck } from '../check';
import type { Finding } from '../finding';
import { hostObject } from './objects';
import { l10n } from '../../text/l10n';

export const deadHostCheck: HealthCheck = {
  id: 'dead-host',
  feeds: ['host', 'host_metrics', 'VM', 'pool'],
  evaluate(model: PoolModel): Finding[] {
    const out: Finding[] = [];
    for (const { ref, record: host } of model.hosts()) {
      if (model.isHostLive(ref)) continue;
      // The master's own liveness is the connection's business (master-silent): XAPI answers, so it lives.
      if (model.isMaster(ref)) continue;
      const vms = model.residentVms(ref);
      const object = hostObject(model, ref);
      const evidence: Record<string, string> = { 'host_metrics.live': 'false', address: host.address };
      if (vms.length > 0) {
        evidence.resident_VMs = vms.map((v) => v.record.name_label).join(', ');
        out.push({
          id: `dead-host:${host.uuid}`, check: 'dead-host', severity: 'error', object,
          summary: vms.length === 1
            ? l10n.t('Host {0} is dead and XAPI still counts 1 VM as running on it: it cannot be started elsewhere until declared halted.', host.name_label)
            : l10n.t('Host {0} is dead and XAPI still counts {1} VMs as running on it: they cannot be started elsewhere until declared halted.', host.name_label, vms.length),
          evidence,
          fix: { command: 'xcpAdmin.host.declareVmsHalted', procedure: l10n.t('H6 VMs on a dead host: declare them halted'), xe: `xe vm-reset-powerstate resident-on=${host.uuid} --force --multiple` },
        });
      } else {
        out.push({
          id: `dead-host:${host.uuid}`, check: 'dead-host', severity: 'warning', object,
          summary: l10n.t('Host {0} is dead and runs no VMs; if it is not coming back, forget it.', host.name_label),
          evidence,
          fix: { command: 'xcpAdmin.host.forget', procedure: l10n.t('H5 Forget an incinerated host'), xe: `xe host-forget uuid=${host.uuid}` },
        });
      }
    }
    return out;
  },
};

export const disabledHostCheck: HealthCheck = {
  id: 'host-disabled',
  feeds: ['host'],
  evaluate(model: PoolModel): Finding[] {
    return model.hosts().filter((h) => !h.record.enabled).map(({ ref, record: host }) => ({
      id: `host-disabled:${host.uuid}`, check: 'host-disabled', severity: 'info' as const, object: hostObject(model, ref),
      summary: l10n.t('Host {0} is disabled (maintenance): no VM starts on it.', host.name_label),
      evidence: { enabled: 'false' },
      fix: { procedure: l10n.t('Enable the host when the maintenance is over'), xe: `xe host-enable uuid=${host.uuid}` },
    }));
  },
};
