// Live migration within the pool (VM.pool_migrate) as a plan. The targets are checked first: the VM
// must be running and allow pool_migrate (tools), the destination must be another live, enabled host
// that sees every SR of the VM's disks (a disk on a local SR pins the VM: VM_REQUIRES_SR) and has the
// memory; XAPI's own verdict (VM.assert_can_boot_here, asked by the caller) is a fact of the plan and
// its refusal is shown with XAPI's code. No vscode import.

import type { PoolModel } from '../model/poolModel';
import { NULL_REF, type Ref } from '../xapi/records';
import { refusedPlan, type Plan } from './plan';
import { allowedOps, mib, vmTarget } from './vmPower';
import { l10n } from '../text/l10n';

/** The SRs of the VM's disks that `host` has no attached PBD for (named), from the model. */
export function srsMissingOn(model: PoolModel, vm: Ref<'VM'>, host: Ref<'host'>): string[] {
  const rec = model.get('VM', vm);
  if (!rec) return [];
  const missing: string[] = [];
  for (const vbdRef of rec.VBDs) {
    const vbd = model.get('VBD', vbdRef);
    const vdi = vbd && vbd.VDI !== NULL_REF ? model.get('VDI', vbd.VDI) : undefined;
    if (!vdi) continue;
    const seen = model.pbdsOf(vdi.SR).some((p) => p.record.host === host && p.record.currently_attached);
    const name = model.get('SR', vdi.SR)?.name_label ?? vdi.SR;
    if (!seen && !missing.includes(name)) missing.push(name);
  }
  return missing;
}

/**
 * The plan for moving `vm` to `host` live. `xapiCheck` is what VM.assert_can_boot_here answered for
 * that host (undefined: it can), so that XAPI's reason is the one shown when it refuses.
 */
export function planMigrate(model: PoolModel, vm: Ref<'VM'>, host: Ref<'host'>, xapiCheck?: string[]): Plan {
  const base = { procedure: 'VM migrate', title: l10n.t('Migrate a VM to another host') };
  const t = vmTarget(model, vm);
  if ('refusal' in t) return refusedPlan(base, t.target, t.refusal);
  const { vm: rec, target } = t;
  const dest = model.get('host', host);
  if (!dest) return refusedPlan(base, target, l10n.t('The destination host is no longer in the pool.'));
  const from = model.get('host', rec.resident_on);
  const metrics = model.get('host_metrics', dest.metrics);
  const facts = [
    (from ? l10n.t('{0} is {1} on {2}, memory {3} (dynamic maximum).', rec.name_label, rec.power_state, from.name_label, mib(rec.memory_dynamic_max)) : l10n.t('{0} is {1}, memory {2} (dynamic maximum).', rec.name_label, rec.power_state, mib(rec.memory_dynamic_max))),
    l10n.t('{0}: {1}, {2}, {3}.', dest.name_label, model.isHostLive(host) ? l10n.t('live') : l10n.t('not live'), dest.enabled ? l10n.t('enabled') : l10n.t('disabled (maintenance)'), metrics ? l10n.t('{0} free', mib(metrics.memory_free)) : l10n.t('free memory unknown')),
    xapiCheck ? l10n.t('XAPI says it cannot run there: {0}.', xapiCheck.join(' ')) : l10n.t('XAPI says {0} can run it (VM.assert_can_boot_here).', dest.name_label),
  ];
  const refuse = (why: string) => refusedPlan(base, target, why, facts);
  if (rec.power_state !== 'Running') return refuse(l10n.t('{0} is {1}: only a running VM migrates live. Start it on the host you want instead (Start on Host…).', rec.name_label, rec.power_state));
  if (from && from.uuid === dest.uuid) return refuse(l10n.t('{0} already runs on {1}.', rec.name_label, dest.name_label));
  if (!allowedOps(rec).includes('pool_migrate')) return refuse(l10n.t('XAPI does not allow migrating {0} now (busy, or its guest has no tools: VM_MISSING_PV_DRIVERS). Install the guest tools, or shut it down and start it on {1}.', rec.name_label, dest.name_label));
  const missing = srsMissingOn(model, vm, host);
  if (missing.length > 0) return refuse(l10n.t('{0} has a disk on {1}, which {2} does not see (VM_REQUIRES_SR): a VM with a disk on a host\'s local storage cannot move live. Move the disk to shared storage first.', rec.name_label, missing.join(', '), dest.name_label));
  if (!model.isHostLive(host)) return refuse(l10n.t('{0} is not live (HOST_NOT_LIVE).', dest.name_label));
  if (!dest.enabled) return refuse(l10n.t('{0} is disabled (in maintenance, HOST_DISABLED): it takes no VMs. Exit maintenance mode first.', dest.name_label));
  if (metrics && metrics.memory_free < rec.memory_dynamic_max) return refuse(l10n.t('{0} has {1} free; {2} needs {3} (HOST_NOT_ENOUGH_FREE_MEMORY). Free memory there, or pick another host.', dest.name_label, mib(metrics.memory_free), rec.name_label, mib(rec.memory_dynamic_max)));
  if (xapiCheck) return refuse(l10n.t('XAPI refuses: {0}.', xapiCheck.join(' ')));
  return {
    ...base,
    target,
    summary: l10n.t('Moves {0} from {1} to {2} while it runs (its memory is copied, then it continues there). Its disks stay where they are.', rec.name_label, from?.name_label ?? '?', dest.name_label),
    facts,
    steps: [{
      id: 'migrate',
      title: l10n.t('Migrate {0} to {1}', rec.name_label, dest.name_label),
      why: l10n.t('VM.pool_migrate with live=true: the guest keeps running while its memory is copied; the task reports the copy\'s progress.'),
      destructive: false,
      action: { kind: 'xapi', method: 'VM.pool_migrate', args: [vm, host, { live: 'true' }], xe: `xe vm-migrate uuid=${rec.uuid} host-uuid=${dest.uuid} live=true` },
      check: l10n.t('VM.resident_on is {0}.', dest.name_label),
    }],
  };
}
