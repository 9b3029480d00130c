// A host's maintenance as plans, the way XenCenter does it on XCP: Enter Maintenance Mode lists the VMs
// that cannot move and why (XAPI's host.get_vms_which_prevent_evacuation, asked by the caller) and is
// refused while there are any; a master first hands its role over (the planned hand-over of
// masterRecovery.ts); then host.disable, the MAINTENANCE_MODE mark XenCenter sets in other_config, and
// host.evacuate (every VM live-migrated to hosts with room). Exit Maintenance Mode enables the host and
// clears the mark. Reboot / Shut Down Host: only a host with no VM on it, or after confirmations that
// name each VM still running there (shut down first). No vscode import.

import { MAINTENANCE_MODE, inMaintenance } from '../model/maintenance';
import type { PoolModel } from '../model/poolModel';
import { isUuid, type Ref } from '../xapi/records';
import { planNewMaster } from './masterRecovery';
import { refusedPlan, type ObjectRef, type Plan, type Step } from './plan';
import { allowedOps } from './vmPower';
import { l10n } from '../text/l10n';

export { MAINTENANCE_MODE, inMaintenance };

/** One sentence for a VM that cannot leave the host: XAPI's reason and what to do about it. */
const liveText = (live: boolean): string => (live ? l10n.t('live') : l10n.t('not live'));
const enabledText = (enabled: boolean): string => (enabled ? l10n.t('enabled') : l10n.t('disabled'));
/** "2 VM(s) run there: a, b" (names from XAPI). */
const vmsThere = (vms: readonly { record: { name_label: string } }[]): string =>
  vms.length ? l10n.t('{0} VM(s) run there: {1}', vms.length, vms.map((v) => v.record.name_label).join(', ')) : l10n.t('{0} VM(s) run there', 0);

export function evacuationProblem(model: PoolModel, vmName: string, error: readonly string[]): string {
  const [code, ...params] = error;
  switch (code) {
    case 'VM_REQUIRES_SR': {
      const sr = model.get('SR', params[1] ?? '');
      return l10n.t('{0} has a disk on {1} that no other host sees (VM_REQUIRES_SR): shut it down, or move the disk to shared storage.', vmName, sr ? sr.name_label : l10n.t('an SR'));
    }
    case 'HOST_NOT_ENOUGH_FREE_MEMORY':
      return l10n.t('{0} does not fit in the memory the other hosts have free (HOST_NOT_ENOUGH_FREE_MEMORY): suspend or shut it (or another VM) down.', vmName);
    case 'VM_MISSING_PV_DRIVERS':
      return l10n.t('{0} has no guest tools and cannot migrate live (VM_MISSING_PV_DRIVERS): install the tools, or shut it down.', vmName);
    case 'NO_HOSTS_AVAILABLE':
      return l10n.t('{0} has nowhere to go: no other host is live and enabled (NO_HOSTS_AVAILABLE).', vmName);
    default:
      return l10n.t('{0}: XAPI says {1}.', vmName, [code ?? 'UNKNOWN', ...params].join(' '));
  }
}

function hostTarget(model: PoolModel, host: Ref<'host'>): ObjectRef {
  const rec = model.get('host', host);
  return { kind: 'host', name: rec?.name_label ?? '?', uuid: rec?.uuid ?? '' };
}

/** The slave a master hands over to: live, enabled, the most free memory. */
export function handOverCandidate(model: PoolModel, master: Ref<'host'>): Ref<'host'> | undefined {
  return model.hosts()
    .filter((h) => h.ref !== master && h.record.enabled && model.isHostLive(h.ref))
    .sort((a, b) => (model.get('host_metrics', b.record.metrics)?.memory_free ?? 0) - (model.get('host_metrics', a.record.metrics)?.memory_free ?? 0))[0]?.ref;
}

/**
 * Enter Maintenance Mode. `problems` is XAPI's host.get_vms_which_prevent_evacuation answer (VM ref →
 * [code, params…]); `newMaster` the slave a master hands over to (default: handOverCandidate).
 */
export function planEnterMaintenance(model: PoolModel, host: Ref<'host'>, problems: Readonly<Record<string, readonly string[]>>, newMaster?: Ref<'host'>): Plan {
  const base = { procedure: 'Maintenance', title: l10n.t('Enter maintenance mode') };
  const rec = model.get('host', host);
  const target = hostTarget(model, host);
  if (!rec) return refusedPlan(base, target, l10n.t('This host is no longer in the pool.'));
  if (!isUuid(rec.uuid)) return refusedPlan(base, target, l10n.t('XAPI gave the host a malformed uuid ({0}); refusing to act on it.', rec.uuid));
  const vms = model.residentVms(host);
  const facts = [
    l10n.t('{0} is {1} and {2}; {3}.', rec.name_label, liveText(model.isHostLive(host)), enabledText(rec.enabled), vmsThere(vms)),
    l10n.t('XAPI (host.get_vms_which_prevent_evacuation) names {0} VM(s) that cannot move.', Object.keys(problems).length),
  ];
  if (!model.isHostLive(host)) return refusedPlan(base, target, l10n.t('{0} is not live: a dead host has nothing to evacuate. Use the dead-host procedures (H5, H6).', rec.name_label), facts);
  if (inMaintenance(model, host)) return refusedPlan(base, target, l10n.t('{0} is in maintenance mode already.', rec.name_label), facts);
  const blockers = Object.entries(problems).map(([vm, error]) => evacuationProblem(model, model.get('VM', vm)?.name_label ?? vm, error));
  if (blockers.length > 0) return refusedPlan(base, target, l10n.t('{0} VM(s) cannot leave {1}: {2} Then run Enter Maintenance Mode again.', blockers.length, rec.name_label, blockers.join(' ')), facts);

  const steps: Step[] = [];
  const master = model.isMaster(host);
  if (master) {
    const to = newMaster ?? handOverCandidate(model, host);
    if (!to) return refusedPlan(base, target, l10n.t('{0} is the pool master and no other host is live and enabled to take the role over.', rec.name_label), facts);
    const handOver = planNewMaster(model, to, undefined);
    if (handOver.refusal) return refusedPlan(base, target, l10n.t('{0} is the pool master and the hand-over to {1} is refused: {2}', rec.name_label, model.get('host', to)?.name_label ?? '?', handOver.refusal), [...facts, ...handOver.facts]);
    facts.push(l10n.t('{0} is the pool master: the role goes to {1} first.', rec.name_label, model.get('host', to)?.name_label ?? '?'));
    steps.push(...handOver.steps.map((s) => ({ ...s, id: `master-${s.id}` })));
  }
  const first = steps.length === 0;
  steps.push(
    {
      id: 'disable',
      title: l10n.t('Disable {0}', rec.name_label),
      why: l10n.t('host.disable: a disabled host takes no new VMs (HOST_DISABLED), so nothing lands on it while it empties.'),
      destructive: true,
      confirmObject: first ? target : undefined,
      confirmedBy: first ? undefined : steps[0].id,
      action: { kind: 'xapi', method: 'host.disable', args: [host], xe: `xe host-disable uuid=${rec.uuid}` },
      check: l10n.t('host.enabled reads false.'),
    },
    {
      id: 'mark-clear',
      title: l10n.t('Clear an old maintenance mark'),
      why: l10n.t('XenCenter\'s mark is the {0} key of the host\'s other_config; it is removed before it is set, as XenCenter does.', MAINTENANCE_MODE),
      destructive: false,
      action: { kind: 'xapi', method: 'host.remove_from_other_config', args: [host, MAINTENANCE_MODE], xe: `xe host-param-remove uuid=${rec.uuid} param-name=other-config param-key=${MAINTENANCE_MODE}` },
    },
    {
      id: 'mark',
      title: l10n.t('Mark {0} as in maintenance', rec.name_label),
      why: l10n.t('So that XenCenter and XCP Admin show it in maintenance mode.'),
      destructive: false,
      action: { kind: 'xapi', method: 'host.add_to_other_config', args: [host, MAINTENANCE_MODE, 'true'], xe: `xe host-param-set uuid=${rec.uuid} other-config:${MAINTENANCE_MODE}=true` },
    },
    {
      id: 'evacuate',
      title: l10n.t('Migrate every VM off {0}', rec.name_label),
      why: l10n.t('host.evacuate live-migrates the {0} VM(s) to hosts with room, one after the other; the task reports the progress.', vms.length),
      destructive: true,
      confirmedBy: first ? 'disable' : steps[0].id,
      action: { kind: 'xapi', method: 'host.evacuate', args: [host], xe: `xe host-evacuate uuid=${rec.uuid}` },
      check: l10n.t('Only the control domain stays resident.'),
    },
  );
  return {
    ...base,
    target,
    summary: master
      ? l10n.t('Hands the master role over, then disables {0} and moves its {1} VM(s) to the other hosts live. If the evacuation fails the host stays disabled: Exit Maintenance Mode enables it again.', rec.name_label, vms.length)
      : l10n.t('Disables {0} and moves its {1} VM(s) to the other hosts live. If the evacuation fails the host stays disabled: Exit Maintenance Mode enables it again.', rec.name_label, vms.length),
    facts,
    steps,
  };
}

/** Exit Maintenance Mode: host.enable and the mark removed. */
export function planExitMaintenance(model: PoolModel, host: Ref<'host'>): Plan {
  const base = { procedure: 'Maintenance', title: l10n.t('Exit maintenance mode') };
  const rec = model.get('host', host);
  const target = hostTarget(model, host);
  if (!rec || !isUuid(rec.uuid)) return refusedPlan(base, target, l10n.t('This host is no longer in the pool.'));
  const facts = [l10n.t('{0} is {1}; {2}.', rec.name_label, enabledText(rec.enabled), `${MAINTENANCE_MODE}=${rec.other_config[MAINTENANCE_MODE] ?? l10n.t('(not set)')}`)];
  if (rec.enabled && rec.other_config[MAINTENANCE_MODE] === undefined) return refusedPlan(base, target, l10n.t('{0} is not in maintenance mode.', rec.name_label), facts);
  if (!model.isHostLive(host)) return refusedPlan(base, target, l10n.t('{0} is not live: it cannot be enabled until it answers again.', rec.name_label), facts);
  return {
    ...base,
    target,
    summary: l10n.t('Enables {0} again, so that VMs can start and migrate there. The VMs that left it stay where they are.', rec.name_label),
    facts,
    steps: [
      { id: 'enable', title: l10n.t('Enable {0}', rec.name_label), why: l10n.t('host.enable: the host takes VMs again.'), destructive: false, action: { kind: 'xapi', method: 'host.enable', args: [host], xe: `xe host-enable uuid=${rec.uuid}` }, check: l10n.t('host.enabled reads true.') },
      { id: 'unmark', title: l10n.t('Clear the maintenance mark'), why: l10n.t('The {0} key of other_config goes.', MAINTENANCE_MODE), destructive: false, action: { kind: 'xapi', method: 'host.remove_from_other_config', args: [host, MAINTENANCE_MODE], xe: `xe host-param-remove uuid=${rec.uuid} param-name=other-config param-key=${MAINTENANCE_MODE}` } },
    ],
  };
}

/** Reboot or Shut Down Host: the VMs still there shut down first (each confirmed by name), then host.disable and the call. */
export function planHostPower(model: PoolModel, host: Ref<'host'>, hostAction: 'reboot' | 'shutdown'): Plan {
  const action = hostAction;
  const reboot = action === 'reboot';
  const base = { procedure: 'Host power', title: reboot ? l10n.t('Reboot a host') : l10n.t('Shut down a host') };
  const rec = model.get('host', host);
  const target = hostTarget(model, host);
  if (!rec || !isUuid(rec.uuid)) return refusedPlan(base, target, l10n.t('This host is no longer in the pool.'));
  const vms = model.residentVms(host).filter((v) => v.record.power_state === 'Running' || v.record.power_state === 'Paused');
  const facts = [l10n.t('{0} is {1}, {2}; {3}.', rec.name_label, liveText(model.isHostLive(host)), enabledText(rec.enabled), vmsThere(vms))];
  if (model.isMaster(host)) return refusedPlan(base, target, (reboot ? l10n.t('{0} is the pool master: hand the role over first (Enter Maintenance Mode does), then reboot it as a slave.', rec.name_label) : l10n.t('{0} is the pool master: hand the role over first (Enter Maintenance Mode does), then shut it down as a slave.', rec.name_label)), facts);
  if (!model.isHostLive(host)) return refusedPlan(base, target, l10n.t('{0} is not live: XAPI cannot reach it.', rec.name_label), facts);
  const steps: Step[] = vms.map((v) => {
    const clean = allowedOps(v.record).includes('clean_shutdown');
    return {
      id: `vm-${v.record.uuid}`,
      title: clean ? l10n.t('Shut down {0}, still running on {1}', v.record.name_label, rec.name_label) : l10n.t('Force off {0}, still running on {1}', v.record.name_label, rec.name_label),
      why: `${reboot ? l10n.t('{0} was not moved away (Enter Maintenance Mode moves VMs); rebooting the host stops it.', v.record.name_label) : l10n.t('{0} was not moved away (Enter Maintenance Mode moves VMs); shutting down the host stops it.', v.record.name_label)} ${clean ? l10n.t('Its guest is asked to shut down.') : l10n.t('Its guest has no tools that answer: it is forced off.')}`,
      destructive: true,
      confirmObject: { kind: 'VM' as const, name: v.record.name_label, uuid: v.record.uuid },
      action: { kind: 'xapi' as const, method: clean ? 'VM.clean_shutdown' : 'VM.hard_shutdown', args: [v.ref], xe: `xe vm-shutdown uuid=${v.record.uuid}${clean ? '' : ' --force'}` },
    };
  });
  if (rec.enabled) {
    steps.push({ id: 'disable', title: l10n.t('Disable {0}', rec.name_label), why: reboot ? l10n.t('XAPI reboots only a disabled host (HOST_NOT_DISABLED).') : l10n.t('XAPI shuts down only a disabled host (HOST_NOT_DISABLED).'), destructive: false, action: { kind: 'xapi', method: 'host.disable', args: [host], xe: `xe host-disable uuid=${rec.uuid}` } });
  }
  steps.push({
    id: action,
    title: reboot ? l10n.t('Reboot {0}', rec.name_label) : l10n.t('Shut down {0}', rec.name_label),
    why: action === 'reboot' ? l10n.t('host.reboot: the host restarts and comes back enabled.') : l10n.t('host.shutdown: the host powers off; it comes back only when powered on (console, IPMI).'),
    destructive: true,
    confirmObject: target,
    action: { kind: 'xapi', method: `host.${action}`, args: [host], xe: `xe host-${action} uuid=${rec.uuid}` },
  });
  return {
    ...base,
    target,
    summary: `${reboot ? l10n.t('Reboots {0}', rec.name_label) : l10n.t('Shuts down {0}', rec.name_label)}${vms.length ? l10n.t('. {0} VM(s) still run there and are shut down first, each confirmed by name: to keep them running, use Enter Maintenance Mode first.', vms.length) : l10n.t(', which runs no VM.')}`,
    facts,
    steps,
  };
}
