// H5 (forget a host that will never come back) and H6 (declare the VMs of a dead host halted, so they
// can start elsewhere), as plans built from the pool model. Both refuse a host that is live: xapi
// trusts a live host to manage its own VMs. No vscode import.

import type { PoolModel } from '../model/poolModel';
import { isUuid, type Ref } from '../xapi/records';
import { refusedPlan, type ObjectRef, type Plan, type Step } from './plan';

function hostFacts(model: PoolModel, host: Ref<'host'>): { target: ObjectRef; facts: string[]; live: boolean; refusal?: string } | { refusal: string } {
  const rec = model.get('host', host);
  if (!rec) return { refusal: 'This host is no longer in the pool.' };
  if (!isUuid(rec.uuid)) return { refusal: `XAPI gave the host a malformed uuid (${rec.uuid}); refusing to act on it.` };
  const metrics = model.get('host_metrics', rec.metrics);
  const live = model.isHostLive(host);
  const facts = [
    `${rec.name_label} (${rec.address}): host_metrics.live = ${metrics ? String(metrics.live) : 'unknown (no metrics record)'}` +
      (metrics?.last_updated ? `, last updated ${metrics.last_updated.toISOString()}` : '') + ', as the pool master reports it.',
  ];
  if (model.isMaster(host)) return { refusal: `${rec.name_label} is the pool master. Recover the pool onto another host first (H4, dead master).` };
  return { target: { kind: 'host', name: rec.name_label, uuid: rec.uuid }, facts, live };
}

function resetSteps(model: PoolModel, vms: ReturnType<PoolModel['residentVms']>, hostName: string): Step[] {
  return vms.map((vm) => ({
    id: `reset-${vm.record.uuid}`,
    title: `Declare ${vm.record.name_label} halted`,
    why: `${vm.record.name_label} is recorded as ${vm.record.power_state} on ${hostName}, which is dead: resetting its power state lets it start on another host.`,
    destructive: true,
    confirmObject: { kind: 'VM', name: vm.record.name_label, uuid: vm.record.uuid },
    action: { kind: 'xapi', method: 'VM.power_state_reset', args: [vm.ref], xe: `xe vm-reset-powerstate uuid=${vm.record.uuid} --force` },
    check: 'VM.power_state reads Halted and resident_on is empty.',
  }));
}

/** H6: the VMs of a dead host (all, or the one given) declared halted. */
export function planDeadHostVms(model: PoolModel, host: Ref<'host'>, onlyVm?: Ref<'VM'>): Plan {
  const f = hostFacts(model, host);
  const hostName = model.get('host', host)?.name_label ?? '?';
  const base = { procedure: 'H6', title: 'Declare the VMs of a dead host halted' };
  if (!('target' in f)) return refusedPlan(base, { kind: 'host', name: hostName, uuid: model.get('host', host)?.uuid ?? '' }, f.refusal);
  const vms = model.residentVms(host).filter((v) => !onlyVm || v.ref === onlyVm);
  const plan: Plan = {
    ...base,
    target: f.target,
    summary: `Marks ${vms.length} VM(s) recorded on ${hostName} as halted in XAPI's database, so that they can be started on other hosts. Nothing runs on ${hostName}.`,
    facts: [...f.facts, `${vms.length} VM(s) recorded as resident: ${vms.map((v) => `${v.record.name_label} (${v.record.power_state})`).join(', ') || 'none'}.`],
    steps: resetSteps(model, vms, hostName),
  };
  if (f.live) plan.refusal = `${hostName} is live: its VMs are its own to manage, and a VM declared halted while it still runs there could be started twice on shared storage. Refused.`;
  else if (vms.length === 0) plan.refusal = `No VM is recorded on ${hostName}: nothing to do.`;
  return plan;
}

/** H5: a dead host forgotten by the pool: its VMs declared halted, then host.destroy. */
export function planForgetHost(model: PoolModel, host: Ref<'host'>): Plan {
  const f = hostFacts(model, host);
  const rec = model.get('host', host);
  const hostName = rec?.name_label ?? '?';
  const base = { procedure: 'H5', title: 'Forget a dead host' };
  if (!('target' in f)) return refusedPlan(base, { kind: 'host', name: hostName, uuid: rec?.uuid ?? '' }, f.refusal);
  const vms = model.residentVms(host);
  const plan: Plan = {
    ...base,
    target: f.target,
    summary: `Removes ${hostName} from the pool for good (it will never come back: reinstalled or scrapped). Its ${vms.length} VM(s) are first declared halted so they can start elsewhere. A host that comes back later must be joined again.`,
    facts: [...f.facts, `${vms.length} VM(s) recorded as resident.`],
    steps: [
      ...resetSteps(model, vms, hostName),
      {
        id: 'destroy',
        title: `Forget ${hostName}`,
        why: 'host.destroy removes the host, its PBDs and its control domain from the pool database.',
        destructive: true,
        confirmObject: f.target,
        typeToConfirm: true,
        action: { kind: 'xapi', method: 'host.destroy', args: [host], xe: `xe host-forget uuid=${f.target.uuid} --force` },
        check: 'The host is gone from host.get_all.',
      },
    ],
  };
  if (f.live) plan.refusal = `${hostName} is live (host_metrics.live = true): a live host is not forgotten. If it is to leave the pool, eject it (xe pool-eject) from a healthy pool instead.`;
  return plan;
}
