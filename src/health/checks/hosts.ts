// Hosts: a dead host (host_metrics.live false) with resident VMs (H6: declare them halted) or without
// (H5: forget it), and disabled hosts (maintenance) as information. No vscode import.

import type { PoolModel } from '../../model/poolModel';
import type { HealthCheck } from '../check';
import type { Finding } from '../finding';
import { hostObject } from './objects';

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
          summary: `Host ${host.name_label} is dead and XAPI still counts ${vms.length} VM${vms.length === 1 ? '' : 's'} as running on it: they cannot be started elsewhere until declared halted.`,
          evidence,
          fix: { command: 'xcpAdmin.host.declareVmsHalted', procedure: 'H6 VMs on a dead host: declare them halted', xe: `xe vm-reset-powerstate resident-on=${host.uuid} --force --multiple` },
        });
      } else {
        out.push({
          id: `dead-host:${host.uuid}`, check: 'dead-host', severity: 'warning', object,
          summary: `Host ${host.name_label} is dead and runs no VMs; if it is not coming back, forget it.`,
          evidence,
          fix: { command: 'xcpAdmin.host.forget', procedure: 'H5 Forget an incinerated host', xe: `xe host-forget uuid=${host.uuid}` },
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
      summary: `Host ${host.name_label} is disabled (maintenance): no VM starts on it.`,
      evidence: { enabled: 'false' },
      fix: { procedure: 'Enable the host when the maintenance is over', xe: `xe host-enable uuid=${host.uuid}` },
    }));
  },
};
