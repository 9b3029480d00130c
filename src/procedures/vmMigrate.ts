// Live migration within the pool (VM.pool_migrate) as a plan. The targets are checked first: the VM
// must be running and allow pool_migrate (tools), the destination must be another live, enabled host
// that sees every SR of the VM's disks (a disk on a local SR pins the VM: VM_REQUIRES_SR) and has the
// memory; XAPI's own verdict (VM.assert_can_boot_here, asked by the caller) is a fact of the plan and
// its refusal is shown with XAPI's code. No vscode import.

import type { PoolModel } from '../model/poolModel';
import { NULL_REF, type Ref } from '../xapi/records';
import { refusedPlan, type Plan } from './plan';
import { allowedOps, mib, vmTarget } from './vmPower';

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
  const base = { procedure: 'VM migrate', title: 'Migrate a VM to another host' };
  const t = vmTarget(model, vm);
  if ('refusal' in t) return refusedPlan(base, t.target, t.refusal);
  const { vm: rec, target } = t;
  const dest = model.get('host', host);
  if (!dest) return refusedPlan(base, target, 'The destination host is no longer in the pool.');
  const from = model.get('host', rec.resident_on);
  const metrics = model.get('host_metrics', dest.metrics);
  const facts = [
    `${rec.name_label} is ${rec.power_state}${from ? ` on ${from.name_label}` : ''}, memory ${mib(rec.memory_dynamic_max)} (dynamic maximum).`,
    `${dest.name_label}: ${model.isHostLive(host) ? 'live' : 'not live'}, ${dest.enabled ? 'enabled' : 'disabled (maintenance)'}, ${metrics ? `${mib(metrics.memory_free)} free` : 'free memory unknown'}.`,
    xapiCheck ? `XAPI says it cannot run there: ${xapiCheck.join(' ')}.` : `XAPI says ${dest.name_label} can run it (VM.assert_can_boot_here).`,
  ];
  const refuse = (why: string) => refusedPlan(base, target, why, facts);
  if (rec.power_state !== 'Running') return refuse(`${rec.name_label} is ${rec.power_state}: only a running VM migrates live. Start it on the host you want instead (Start on Host…).`);
  if (from && from.uuid === dest.uuid) return refuse(`${rec.name_label} already runs on ${dest.name_label}.`);
  if (!allowedOps(rec).includes('pool_migrate')) return refuse(`XAPI does not allow migrating ${rec.name_label} now (busy, or its guest has no tools: VM_MISSING_PV_DRIVERS). Install the guest tools, or shut it down and start it on ${dest.name_label}.`);
  const missing = srsMissingOn(model, vm, host);
  if (missing.length > 0) return refuse(`${rec.name_label} has a disk on ${missing.join(', ')}, which ${dest.name_label} does not see (VM_REQUIRES_SR): a VM with a disk on a host's local storage cannot move live. Move the disk to shared storage first.`);
  if (!model.isHostLive(host)) return refuse(`${dest.name_label} is not live (HOST_NOT_LIVE).`);
  if (!dest.enabled) return refuse(`${dest.name_label} is disabled (in maintenance, HOST_DISABLED): it takes no VMs. Exit maintenance mode first.`);
  if (metrics && metrics.memory_free < rec.memory_dynamic_max) return refuse(`${dest.name_label} has ${mib(metrics.memory_free)} free; ${rec.name_label} needs ${mib(rec.memory_dynamic_max)} (HOST_NOT_ENOUGH_FREE_MEMORY). Free memory there, or pick another host.`);
  if (xapiCheck) return refuse(`XAPI refuses: ${xapiCheck.join(' ')}.`);
  return {
    ...base,
    target,
    summary: `Moves ${rec.name_label} from ${from?.name_label ?? '?'} to ${dest.name_label} while it runs (its memory is copied, then it continues there). Its disks stay where they are.`,
    facts,
    steps: [{
      id: 'migrate',
      title: `Migrate ${rec.name_label} to ${dest.name_label}`,
      why: 'VM.pool_migrate with live=true: the guest keeps running while its memory is copied; the task reports the copy\'s progress.',
      destructive: false,
      action: { kind: 'xapi', method: 'VM.pool_migrate', args: [vm, host, { live: 'true' }], xe: `xe vm-migrate uuid=${rec.uuid} host-uuid=${dest.uuid} live=true` },
      check: `VM.resident_on is ${dest.name_label}.`,
    }],
  };
}
