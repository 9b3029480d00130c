// H5 (forget a host that will never come back) and H6 (declare the VMs of a dead host halted, so they
// can start elsewhere), as plans built from the pool model. Both refuse a host that is live: xapi
// trusts a live host to manage its own VMs. No vscode import.

import type { Entry, PoolModel } from '../model/poolModel';
import { isUuid, type Ref } from '../xapi/records';
import { refusedPlan, type ObjectRef, type Plan, type Step } from './plan';
import { l10n } from '../text/l10n';

/** "web (Running), db (Halted)", or "none". */
const vmList = (vms: ReturnType<PoolModel['residentVms']>): string => vms.map((v) => `${v.record.name_label} (${v.record.power_state})`).join(', ') || l10n.t('none');

function hostFacts(model: PoolModel, host: Ref<'host'>): { target: ObjectRef; facts: string[]; live: boolean; refusal?: string } | { refusal: string } {
  const rec = model.get('host', host);
  if (!rec) return { refusal: l10n.t('This host is no longer in the pool.') };
  if (!isUuid(rec.uuid)) return { refusal: l10n.t('XAPI gave the host a malformed uuid ({0}); refusing to act on it.', rec.uuid) };
  const metrics = model.get('host_metrics', rec.metrics);
  const live = model.isHostLive(host);
  const facts = [
    metrics?.last_updated
      ? l10n.t('{0} ({1}): host_metrics.live = {2}, last updated {3}, as the pool master reports it.', rec.name_label, rec.address, String(metrics.live), metrics.last_updated.toISOString())
      : l10n.t('{0} ({1}): host_metrics.live = {2}, as the pool master reports it.', rec.name_label, rec.address, metrics ? String(metrics.live) : l10n.t('unknown (no metrics record)')),
  ];
  if (model.isMaster(host)) return { refusal: l10n.t('{0} is the pool master. Recover the pool onto another host first (H4, dead master).', rec.name_label) };
  return { target: { kind: 'host', name: rec.name_label, uuid: rec.uuid }, facts, live };
}

function resetSteps(model: PoolModel, vms: ReturnType<PoolModel['residentVms']>, hostName: string): Step[] {
  return vms.map((vm) => ({
    id: `reset-${vm.record.uuid}`,
    title: l10n.t('Declare {0} halted', vm.record.name_label),
    why: l10n.t('{0} is recorded as {1} on {2}, which is dead: resetting its power state lets it start on another host.', vm.record.name_label, vm.record.power_state, hostName),
    destructive: true,
    confirmObject: { kind: 'VM', name: vm.record.name_label, uuid: vm.record.uuid },
    action: { kind: 'xapi', method: 'VM.power_state_reset', args: [vm.ref], xe: `xe vm-reset-powerstate uuid=${vm.record.uuid} --force` },
    check: l10n.t('VM.power_state reads Halted and resident_on is empty.'),
  }));
}

/** H6: the VMs of a dead host (all, or the ones given) declared halted. */
export function planDeadHostVms(model: PoolModel, host: Ref<'host'>, onlyVms?: readonly Ref<'VM'>[]): Plan {
  const f = hostFacts(model, host);
  const hostName = model.get('host', host)?.name_label ?? '?';
  const base = { procedure: 'H6', title: l10n.t('Declare the VMs of a dead host halted') };
  if (!('target' in f)) return refusedPlan(base, { kind: 'host', name: hostName, uuid: model.get('host', host)?.uuid ?? '' }, f.refusal);
  const vms = model.residentVms(host).filter((v) => !onlyVms || onlyVms.includes(v.ref));
  const plan: Plan = {
    ...base,
    target: f.target,
    summary: l10n.t('Marks {0} VM(s) recorded on {1} as halted in XAPI\'s database, so that they can be started on other hosts. Nothing runs on {2}.', vms.length, hostName, hostName),
    facts: [...f.facts, (onlyVms ? l10n.t('{0} VM(s) recorded as resident among those selected: {1}.', vms.length, vmList(vms)) : l10n.t('{0} VM(s) recorded as resident: {1}.', vms.length, vmList(vms)))],
    steps: resetSteps(model, vms, hostName),
  };
  if (f.live) plan.refusal = l10n.t('{0} is live: its VMs are its own to manage, and a VM declared halted while it still runs there could be started twice on shared storage. Refused.', hostName);
  else if (vms.length === 0) plan.refusal = (onlyVms ? l10n.t('No selected VM is recorded on {0}: nothing to do.', hostName) : l10n.t('No VM is recorded on {0}: nothing to do.', hostName));
  return plan;
}

/**
 * H6 for VMs picked in the tree (one, or a multi-selection): each declared halted, as its dead host's
 * plan says. VMs of several dead hosts make one plan with every host's facts; a VM that is on no
 * host, or on a live one, refuses the whole plan, naming it.
 */
export function planSelectedVmsHalted(model: PoolModel, vms: readonly Ref<'VM'>[]): Plan {
  const base = { procedure: 'H6', title: l10n.t('Declare the VMs of a dead host halted') };
  const byHost = new Map<Ref<'host'>, Ref<'VM'>[]>();
  for (const ref of vms) {
    const vm = model.get('VM', ref);
    if (!vm) return refusedPlan(base, { kind: 'VM', name: '?', uuid: '' }, l10n.t('A selected VM is no longer in the pool.'));
    const host = model.get('host', vm.resident_on);
    if (!host) return refusedPlan(base, { kind: 'VM', name: vm.name_label, uuid: vm.uuid }, l10n.t('{0} ({1}) is {2} and recorded on no host: there is nothing to declare.', vm.name_label, vm.uuid, vm.power_state));
    byHost.set(vm.resident_on, [...(byHost.get(vm.resident_on) ?? []), ref]);
  }
  const plans = [...byHost].map(([host, refs]) => planDeadHostVms(model, host, refs));
  if (plans.length === 1) return plans[0];
  const pool = model.all('pool')[0]?.record;
  const refused = plans.filter((p) => p.refusal);
  return {
    ...base,
    target: { kind: 'pool', name: pool?.name_label ?? '?', uuid: pool?.uuid ?? '' },
    summary: l10n.t('Marks {0} VM(s) recorded on {1} dead hosts ({2}) as halted in XAPI\'s database, so that they can be started on other hosts.', plans.reduce((n, p) => n + p.steps.length, 0), plans.length, plans.map((p) => p.target.name).join(', ')),
    facts: plans.flatMap((p) => p.facts),
    steps: plans.flatMap((p) => p.steps),
    ...(refused.length ? { refusal: refused.map((p) => p.refusal).join(' ') } : {}),
  };
}

/** A local SR of the host (every PBD of it on this host), its VDIs and the VMs that have a disk slot on each. */
interface LocalSr {
  sr: Entry<'SR'>;
  vdis: { vdi: Entry<'VDI'>; vms: Entry<'VM'>[] }[];
}

function localSrsOf(model: PoolModel, host: Ref<'host'>): LocalSr[] {
  return model.localSrs(host)
    .filter((sr) => model.pbdsOf(sr.ref).every((p) => p.record.host === host))
    .map((sr) => ({ sr, vdis: model.vdisOf(sr.ref).map((vdi) => ({ vdi, vms: model.vmsUsing(vdi.ref) })) }));
}

/**
 * H5: a dead host forgotten by the pool, as XenCenter's Destroy does it: its VMs declared halted, HA
 * disabled when it is on (xapi's host.destroy answers HA_IS_ENABLED otherwise), host.destroy, then the
 * SRs that were local to it forgotten (their disks went with the host). The VMs that had a disk there
 * lose it, and the plan names them. Refused when a VM running on another host (one that survives the
 * dead host) uses a disk on one of those SRs: the SR is then reachable from elsewhere, not local.
 */
export function planForgetHost(model: PoolModel, host: Ref<'host'>): Plan {
  const f = hostFacts(model, host);
  const rec = model.get('host', host);
  const hostName = rec?.name_label ?? '?';
  const base = { procedure: 'H5', title: l10n.t('Forget a dead host') };
  if (!('target' in f)) return refusedPlan(base, { kind: 'host', name: hostName, uuid: rec?.uuid ?? '' }, f.refusal);
  const vms = model.residentVms(host);
  const locals = localSrsOf(model, host);
  const pool = model.all('pool')[0];
  const haOn = pool?.record.ha_enabled === true;
  const localFacts = locals.map(({ sr, vdis }) => {
    const disks = vdis.map(({ vdi, vms: users }) => `${vdi.record.name_label} (${vdi.record.uuid})${users.length ? l10n.t(', used by {0}', users.map((u) => u.record.name_label).join(', ')) : ''}`);
    return l10n.t('Local SR {0} ({1}, {2}) on {3}: {4} VDI(s){5}. It is forgotten after the host: its disks went with the host.', sr.record.name_label, sr.record.uuid, sr.record.type, hostName, disks.length, disks.length ? `: ${disks.join('; ')}` : '');
  });
  const survivors: string[] = [];
  const losing: string[] = [];
  for (const { sr, vdis } of locals) {
    for (const { vdi, vms: users } of vdis) {
      for (const vm of users) {
        // A VM running on another host survives the dead one: a disk of it on this SR means the SR is not
        // what it looks like (reachable from elsewhere), and forgetting it would pull a disk from a running VM.
        const elsewhere = vm.record.resident_on !== host && model.get('host', vm.record.resident_on) !== undefined;
        if (!elsewhere) losing.push(vm.record.name_label);
        else survivors.push(l10n.t('{0} ({1}, {2}) uses {3} on {4}', vm.record.name_label, vm.record.uuid, vm.record.power_state, vdi.record.name_label, sr.record.name_label));
      }
    }
  }
  const destroyStep = 'destroy';
  const plan: Plan = {
    ...base,
    target: f.target,
    summary: l10n.t('Removes {0} from the pool for good (it will never come back: reinstalled or scrapped). Its {1} VM(s) are first declared halted so they can start elsewhere{2}; after the host, its {3} local SR(s) are forgotten, as XenCenter\'s Destroy does. A host that comes back later must be joined again.', hostName, vms.length, haOn ? l10n.t(', HA is disabled (xapi refuses to forget a host while it is on)') : '', locals.length),
    facts: [
      ...f.facts,
      vms.length ? l10n.t('{0} VM(s) recorded as resident: {1}.', vms.length, vmList(vms)) : l10n.t('{0} VM(s) recorded as resident.', vms.length),
      (haOn ? l10n.t('HA is enabled on the pool (pool.ha_enabled = {0}).', haOn) : l10n.t('HA is disabled on the pool (pool.ha_enabled = {0}).', haOn)),
      ...(localFacts.length ? localFacts : [l10n.t('{0} has no local SR.', hostName)]),
      ...(losing.length ? [l10n.t('VM(s) that lose a disk with the host (halted; their disk slot on the forgotten SR goes with it): {0}.', [...new Set(losing)].join(', '))] : []),
    ],
    steps: [
      ...resetSteps(model, vms, hostName),
      ...(haOn && pool ? [{
        id: 'disable-ha',
        title: l10n.t('Disable HA on pool {0}', pool.record.name_label),
        why: l10n.t('host.destroy is refused while HA is enabled (HA_IS_ENABLED). With HA off, no VM is restarted automatically after a host failure until you enable HA again (xe pool-ha-enable).'),
        destructive: true,
        confirmObject: { kind: 'pool' as const, name: pool.record.name_label, uuid: pool.record.uuid },
        action: { kind: 'xapi' as const, method: 'pool.disable_ha', args: [], xe: 'xe pool-ha-disable' },
        check: l10n.t('pool.ha_enabled reads false.'),
      }] : []),
      {
        id: destroyStep,
        title: l10n.t('Forget {0}', hostName),
        why: l10n.t('host.destroy removes the host, its PBDs and its control domain from the pool database{0}.', locals.length ? l10n.t('; the confirmation also covers forgetting its local SR(s) ({0}) after it', locals.map((l) => l.sr.record.name_label).join(', ')) : ''),
        destructive: true,
        confirmObject: f.target,
        typeToConfirm: true,
        action: { kind: 'xapi', method: 'host.destroy', args: [host], xe: `xe host-forget uuid=${f.target.uuid} --force` },
        check: l10n.t('The host is gone from host.get_all.'),
      },
      ...locals.map(({ sr, vdis }): Step => ({
        id: `forget-sr-${sr.record.uuid}`,
        title: l10n.t('Forget local SR {0} of {1}', sr.record.name_label, hostName),
        why: l10n.t('Its disk was inside {0}: SR.forget removes the SR and its {1} VDI record(s) from the pool database (nothing is written to any disk).', hostName, vdis.length),
        destructive: true,
        confirmObject: { kind: 'SR', name: sr.record.name_label, uuid: sr.record.uuid },
        confirmedBy: destroyStep,
        action: { kind: 'xapi', method: 'SR.forget', args: [sr.ref], xe: `xe sr-forget uuid=${sr.record.uuid}` },
        check: l10n.t('The SR is gone from SR.get_all.'),
      })),
    ],
  };
  const badSr = locals.find(({ sr }) => !isUuid(sr.record.uuid));
  if (f.live) plan.refusal = l10n.t('{0} is live (host_metrics.live = true): a live host is not forgotten. If it is to leave the pool, eject it (xe pool-eject) from a healthy pool instead.', hostName);
  else if (badSr) plan.refusal = l10n.t('XAPI gave local SR {0} a malformed uuid ({1}); refusing to act on it.', badSr.sr.record.name_label, badSr.sr.record.uuid);
  else if (survivors.length) plan.refusal = l10n.t('A VM that stays in the pool has a disk on a local SR of {0}: {1}. Its disk is reachable from elsewhere, so the SR is not simply a local disk that died with the host: forgetting it would pull the disk from under that VM. Shut the VM down and detach that disk (xe vbd-destroy), or move the disk to another SR, then forget the host.', hostName, survivors.join('; '));
  return plan;
}
