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

export { MAINTENANCE_MODE, inMaintenance };

/** One sentence for a VM that cannot leave the host: XAPI's reason and what to do about it. */
export function evacuationProblem(model: PoolModel, vmName: string, error: readonly string[]): string {
  const [code, ...params] = error;
  switch (code) {
    case 'VM_REQUIRES_SR': {
      const sr = model.get('SR', params[1] ?? '');
      return `${vmName} has a disk on ${sr ? sr.name_label : 'an SR'} that no other host sees (VM_REQUIRES_SR): shut it down, or move the disk to shared storage.`;
    }
    case 'HOST_NOT_ENOUGH_FREE_MEMORY':
      return `${vmName} does not fit in the memory the other hosts have free (HOST_NOT_ENOUGH_FREE_MEMORY): suspend or shut it (or another VM) down.`;
    case 'VM_MISSING_PV_DRIVERS':
      return `${vmName} has no guest tools and cannot migrate live (VM_MISSING_PV_DRIVERS): install the tools, or shut it down.`;
    case 'NO_HOSTS_AVAILABLE':
      return `${vmName} has nowhere to go: no other host is live and enabled (NO_HOSTS_AVAILABLE).`;
    default:
      return `${vmName}: XAPI says ${[code ?? 'UNKNOWN', ...params].join(' ')}.`;
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
  const base = { procedure: 'Maintenance', title: 'Enter maintenance mode' };
  const rec = model.get('host', host);
  const target = hostTarget(model, host);
  if (!rec) return refusedPlan(base, target, 'This host is no longer in the pool.');
  if (!isUuid(rec.uuid)) return refusedPlan(base, target, `XAPI gave the host a malformed uuid (${rec.uuid}); refusing to act on it.`);
  const vms = model.residentVms(host);
  const facts = [
    `${rec.name_label} is ${model.isHostLive(host) ? 'live' : 'not live'} and ${rec.enabled ? 'enabled' : 'disabled'}; ${vms.length} VM(s) run there${vms.length ? `: ${vms.map((v) => v.record.name_label).join(', ')}` : ''}.`,
    `XAPI (host.get_vms_which_prevent_evacuation) names ${Object.keys(problems).length} VM(s) that cannot move.`,
  ];
  if (!model.isHostLive(host)) return refusedPlan(base, target, `${rec.name_label} is not live: a dead host has nothing to evacuate. Use the dead-host procedures (H5, H6).`, facts);
  if (inMaintenance(model, host)) return refusedPlan(base, target, `${rec.name_label} is in maintenance mode already.`, facts);
  const blockers = Object.entries(problems).map(([vm, error]) => evacuationProblem(model, model.get('VM', vm)?.name_label ?? vm, error));
  if (blockers.length > 0) return refusedPlan(base, target, `${blockers.length} VM(s) cannot leave ${rec.name_label}: ${blockers.join(' ')} Then run Enter Maintenance Mode again.`, facts);

  const steps: Step[] = [];
  const master = model.isMaster(host);
  if (master) {
    const to = newMaster ?? handOverCandidate(model, host);
    if (!to) return refusedPlan(base, target, `${rec.name_label} is the pool master and no other host is live and enabled to take the role over.`, facts);
    const handOver = planNewMaster(model, to, undefined);
    if (handOver.refusal) return refusedPlan(base, target, `${rec.name_label} is the pool master and the hand-over to ${model.get('host', to)?.name_label ?? '?'} is refused: ${handOver.refusal}`, [...facts, ...handOver.facts]);
    facts.push(`${rec.name_label} is the pool master: the role goes to ${model.get('host', to)?.name_label ?? '?'} first.`);
    steps.push(...handOver.steps.map((s) => ({ ...s, id: `master-${s.id}` })));
  }
  const first = steps.length === 0;
  steps.push(
    {
      id: 'disable',
      title: `Disable ${rec.name_label}`,
      why: 'host.disable: a disabled host takes no new VMs (HOST_DISABLED), so nothing lands on it while it empties.',
      destructive: true,
      confirmObject: first ? target : undefined,
      confirmedBy: first ? undefined : steps[0].id,
      action: { kind: 'xapi', method: 'host.disable', args: [host], xe: `xe host-disable uuid=${rec.uuid}` },
      check: 'host.enabled reads false.',
    },
    {
      id: 'mark-clear',
      title: 'Clear an old maintenance mark',
      why: `XenCenter's mark is the ${MAINTENANCE_MODE} key of the host's other_config; it is removed before it is set, as XenCenter does.`,
      destructive: false,
      action: { kind: 'xapi', method: 'host.remove_from_other_config', args: [host, MAINTENANCE_MODE], xe: `xe host-param-remove uuid=${rec.uuid} param-name=other-config param-key=${MAINTENANCE_MODE}` },
    },
    {
      id: 'mark',
      title: `Mark ${rec.name_label} as in maintenance`,
      why: 'So that XenCenter and XCP Admin show it in maintenance mode.',
      destructive: false,
      action: { kind: 'xapi', method: 'host.add_to_other_config', args: [host, MAINTENANCE_MODE, 'true'], xe: `xe host-param-set uuid=${rec.uuid} other-config:${MAINTENANCE_MODE}=true` },
    },
    {
      id: 'evacuate',
      title: `Migrate every VM off ${rec.name_label}`,
      why: `host.evacuate live-migrates the ${vms.length} VM(s) to hosts with room, one after the other; the task reports the progress.`,
      destructive: true,
      confirmedBy: first ? 'disable' : steps[0].id,
      action: { kind: 'xapi', method: 'host.evacuate', args: [host], xe: `xe host-evacuate uuid=${rec.uuid}` },
      check: 'Only the control domain stays resident.',
    },
  );
  return {
    ...base,
    target,
    summary: `${master ? 'Hands the master role over, then d' : 'D'}isables ${rec.name_label} and moves its ${vms.length} VM(s) to the other hosts live. If the evacuation fails the host stays disabled: Exit Maintenance Mode enables it again.`,
    facts,
    steps,
  };
}

/** Exit Maintenance Mode: host.enable and the mark removed. */
export function planExitMaintenance(model: PoolModel, host: Ref<'host'>): Plan {
  const base = { procedure: 'Maintenance', title: 'Exit maintenance mode' };
  const rec = model.get('host', host);
  const target = hostTarget(model, host);
  if (!rec || !isUuid(rec.uuid)) return refusedPlan(base, target, 'This host is no longer in the pool.');
  const facts = [`${rec.name_label} is ${rec.enabled ? 'enabled' : 'disabled'}; ${MAINTENANCE_MODE}=${rec.other_config[MAINTENANCE_MODE] ?? '(not set)'}.`];
  if (rec.enabled && rec.other_config[MAINTENANCE_MODE] === undefined) return refusedPlan(base, target, `${rec.name_label} is not in maintenance mode.`, facts);
  if (!model.isHostLive(host)) return refusedPlan(base, target, `${rec.name_label} is not live: it cannot be enabled until it answers again.`, facts);
  return {
    ...base,
    target,
    summary: `Enables ${rec.name_label} again, so that VMs can start and migrate there. The VMs that left it stay where they are.`,
    facts,
    steps: [
      { id: 'enable', title: `Enable ${rec.name_label}`, why: 'host.enable: the host takes VMs again.', destructive: false, action: { kind: 'xapi', method: 'host.enable', args: [host], xe: `xe host-enable uuid=${rec.uuid}` }, check: 'host.enabled reads true.' },
      { id: 'unmark', title: 'Clear the maintenance mark', why: `The ${MAINTENANCE_MODE} key of other_config goes.`, destructive: false, action: { kind: 'xapi', method: 'host.remove_from_other_config', args: [host, MAINTENANCE_MODE], xe: `xe host-param-remove uuid=${rec.uuid} param-name=other-config param-key=${MAINTENANCE_MODE}` } },
    ],
  };
}

/** Reboot or Shut Down Host: the VMs still there shut down first (each confirmed by name), then host.disable and the call. */
export function planHostPower(model: PoolModel, host: Ref<'host'>, hostAction: 'reboot' | 'shutdown'): Plan {
  const action = hostAction;
  const verb = action === 'reboot' ? 'Reboot' : 'Shut down';
  const base = { procedure: 'Host power', title: `${verb} a host` };
  const rec = model.get('host', host);
  const target = hostTarget(model, host);
  if (!rec || !isUuid(rec.uuid)) return refusedPlan(base, target, 'This host is no longer in the pool.');
  const vms = model.residentVms(host).filter((v) => v.record.power_state === 'Running' || v.record.power_state === 'Paused');
  const facts = [`${rec.name_label} is ${model.isHostLive(host) ? 'live' : 'not live'}, ${rec.enabled ? 'enabled' : 'disabled'}; ${vms.length} VM(s) run there${vms.length ? `: ${vms.map((v) => v.record.name_label).join(', ')}` : ''}.`];
  if (model.isMaster(host)) return refusedPlan(base, target, `${rec.name_label} is the pool master: hand the role over first (Enter Maintenance Mode does), then ${verb.toLowerCase()} it as a slave.`, facts);
  if (!model.isHostLive(host)) return refusedPlan(base, target, `${rec.name_label} is not live: XAPI cannot reach it.`, facts);
  const steps: Step[] = vms.map((v) => {
    const clean = allowedOps(v.record).includes('clean_shutdown');
    return {
      id: `vm-${v.record.uuid}`,
      title: `${clean ? 'Shut down' : 'Force off'} ${v.record.name_label}, still running on ${rec.name_label}`,
      why: `${v.record.name_label} was not moved away (Enter Maintenance Mode moves VMs); ${verb.toLowerCase()}ing the host stops it. ${clean ? 'Its guest is asked to shut down.' : 'Its guest has no tools that answer: it is forced off.'}`,
      destructive: true,
      confirmObject: { kind: 'VM' as const, name: v.record.name_label, uuid: v.record.uuid },
      action: { kind: 'xapi' as const, method: clean ? 'VM.clean_shutdown' : 'VM.hard_shutdown', args: [v.ref], xe: `xe vm-shutdown uuid=${v.record.uuid}${clean ? '' : ' --force'}` },
    };
  });
  if (rec.enabled) {
    steps.push({ id: 'disable', title: `Disable ${rec.name_label}`, why: `XAPI ${action === 'reboot' ? 'reboots' : 'shuts down'} only a disabled host (HOST_NOT_DISABLED).`, destructive: false, action: { kind: 'xapi', method: 'host.disable', args: [host], xe: `xe host-disable uuid=${rec.uuid}` } });
  }
  steps.push({
    id: action,
    title: `${verb} ${rec.name_label}`,
    why: action === 'reboot' ? 'host.reboot: the host restarts and comes back enabled.' : `host.shutdown: the host powers off; it comes back only when powered on (console, IPMI).`,
    destructive: true,
    confirmObject: target,
    action: { kind: 'xapi', method: `host.${action}`, args: [host], xe: `xe host-${action} uuid=${rec.uuid}` },
  });
  return {
    ...base,
    target,
    summary: vms.length ? `${verb}s ${rec.name_label}. ${vms.length} VM(s) still run there and are shut down first, each confirmed by name: to keep them running, use Enter Maintenance Mode first.` : `${verb}s ${rec.name_label}, which runs no VM.`,
    facts,
    steps,
  };
}
