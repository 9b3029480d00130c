// VM power as plans: Start, Start on a host, Shut Down (clean, or forced), Reboot (clean or forced),
// Suspend, Resume, for one VM or several. Built from the pool model: a VM not in a state the action
// needs, or whose guest cannot do a clean operation (XAPI's allowed_operations says so), is refused
// with a sentence that says what to do instead. Which hosts may start a VM is XAPI's answer
// (VM.assert_can_boot_here), asked by the caller. No vscode import.

import type { Entry, PoolModel } from '../model/poolModel';
import { isUuid, type Ref, type VmRecord } from '../xapi/records';
import { refusedPlan, type ObjectRef, type Plan, type Step } from './plan';
import { l10n } from '../text/l10n';

export type PowerAction = 'start' | 'start_on' | 'clean_shutdown' | 'hard_shutdown' | 'clean_reboot' | 'hard_reboot' | 'suspend' | 'resume';

interface ActionInfo {
  title(): string;
  verb(): string;
  /** The step's title for one VM (start_on: on its host). */
  one(vm: string, host?: string): string;
  /** The summary's opening for several VMs. */
  many(n: number): string;
  /** The power states the action applies to (XAPI's table, xapi_vm_lifecycle.ml). */
  states: readonly string[];
  destructive: boolean;
  xe(uuid: string, hostUuid?: string): string;
  why(): string;
}

const ACTIONS: Record<PowerAction, ActionInfo> = {
  start: { title: () => l10n.t('Start VMs'), verb: () => l10n.t('Start'), one: (vm) => l10n.t('Start {0}', vm), many: (n) => l10n.t('Start {0} VMs', n), states: ['Halted'], destructive: false, xe: (u) => `xe vm-start uuid=${u}`, why: () => l10n.t('XAPI picks a live, enabled host that sees its disks and has the memory.') },
  start_on: { title: () => l10n.t('Start a VM on a host'), verb: () => l10n.t('Start'), one: (vm, host) => l10n.t('Start {0} on {1}', vm, host ?? '?'), many: (n) => l10n.t('Start {0} VMs', n), states: ['Halted'], destructive: false, xe: (u, h) => `xe vm-start uuid=${u} on=${h}`, why: () => l10n.t('XAPI checked that this host can run it (VM.assert_can_boot_here).') },
  clean_shutdown: { title: () => l10n.t('Shut down VMs'), verb: () => l10n.t('Shut down'), one: (vm) => l10n.t('Shut down {0}', vm), many: (n) => l10n.t('Shut down {0} VMs', n), states: ['Running'], destructive: true, xe: (u) => `xe vm-shutdown uuid=${u}`, why: () => l10n.t('The guest is asked to shut down through its tools and halts when it is done.') },
  hard_shutdown: { title: () => l10n.t('Force VMs off'), verb: () => l10n.t('Force off'), one: (vm) => l10n.t('Force off {0}', vm), many: (n) => l10n.t('Force off {0} VMs', n), states: ['Running', 'Paused', 'Suspended'], destructive: true, xe: (u) => `xe vm-shutdown uuid=${u} --force`, why: () => l10n.t('The domain is destroyed at once, like pulling the plug: unsaved data in the guest is lost.') },
  clean_reboot: { title: () => l10n.t('Reboot VMs'), verb: () => l10n.t('Reboot'), one: (vm) => l10n.t('Reboot {0}', vm), many: (n) => l10n.t('Reboot {0} VMs', n), states: ['Running'], destructive: true, xe: (u) => `xe vm-reboot uuid=${u}`, why: () => l10n.t('The guest is asked to reboot through its tools.') },
  hard_reboot: { title: () => l10n.t('Force VMs to reboot'), verb: () => l10n.t('Force reboot'), one: (vm) => l10n.t('Force reboot {0}', vm), many: (n) => l10n.t('Force reboot {0} VMs', n), states: ['Running', 'Paused'], destructive: true, xe: (u) => `xe vm-reboot uuid=${u} --force`, why: () => l10n.t('The domain is destroyed and started again, like pressing reset: unsaved data in the guest is lost.') },
  suspend: { title: () => l10n.t('Suspend VMs'), verb: () => l10n.t('Suspend'), one: (vm) => l10n.t('Suspend {0}', vm), many: (n) => l10n.t('Suspend {0} VMs', n), states: ['Running'], destructive: true, xe: (u) => `xe vm-suspend uuid=${u}`, why: () => l10n.t('The guest\'s memory is saved to a disk on the suspend SR and the VM stops; Resume brings it back.') },
  resume: { title: () => l10n.t('Resume VMs'), verb: () => l10n.t('Resume'), one: (vm) => l10n.t('Resume {0}', vm), many: (n) => l10n.t('Resume {0} VMs', n), states: ['Suspended'], destructive: false, xe: (u) => `xe vm-resume uuid=${u}`, why: () => l10n.t('XAPI picks a host that can run it and loads its saved memory.') },
};

/** The XAPI method of each action (start_on takes the host as well). */
const METHOD: Record<PowerAction, string> = {
  start: 'VM.start', start_on: 'VM.start_on', clean_shutdown: 'VM.clean_shutdown', hard_shutdown: 'VM.hard_shutdown',
  clean_reboot: 'VM.clean_reboot', hard_reboot: 'VM.hard_reboot', suspend: 'VM.suspend', resume: 'VM.resume',
};

/** A VM the procedures may act on: a real VM (no template, snapshot or control domain) with a well-formed uuid. */
export function vmTarget(model: PoolModel, ref: Ref<'VM'>): { vm: VmRecord; target: ObjectRef } | { refusal: string; target: ObjectRef } {
  const vm = model.get('VM', ref);
  const target: ObjectRef = { kind: 'VM', name: vm?.name_label ?? '?', uuid: vm?.uuid ?? '' };
  if (!vm) return { refusal: l10n.t('This VM is no longer in the pool.'), target };
  if (!isUuid(vm.uuid)) return { refusal: l10n.t('XAPI gave the VM a malformed uuid ({0}); refusing to act on it.', vm.uuid), target };
  if (vm.is_control_domain) return { refusal: l10n.t('{0} is a host\'s control domain: XAPI allows no power operation on it.', vm.name_label), target };
  if (vm.is_a_snapshot) return { refusal: l10n.t('{0} is a snapshot: revert its VM to it, or delete it.', vm.name_label), target };
  if (vm.is_a_template) return { refusal: l10n.t('{0} is a template: make a VM from it first.', vm.name_label), target };
  return { vm, target };
}

/** A memory size as xe and the plans say it: whole MiB. */
export function mib(bytes: number): string {
  return Number.isFinite(bytes) ? `${Math.round(bytes / 1048576)} MiB` : '?';
}

/** allowed_operations as XAPI wrote it, strings only (the list is untrusted input). */
export function allowedOps(vm: VmRecord): string[] {
  return vm.allowed_operations.filter((o): o is string => typeof o === 'string');
}

/** The operations XAPI is running on the VM now, for a refusal that names them. */
function busyWith(vm: VmRecord): string[] {
  return Object.values(vm.current_operations).filter((o): o is string => typeof o === 'string');
}

/** Why the action cannot run on this VM now, or undefined. */
function actionRefusal(vm: VmRecord, action: PowerAction): string | undefined {
  const info = ACTIONS[action];
  if (!info.states.includes(vm.power_state)) {
    return l10n.t('{0} is {1}; {2} needs it {3}.', vm.name_label, vm.power_state, info.verb().toLowerCase(), info.states.join(l10n.t(' or ')));
  }
  const busy = busyWith(vm);
  if (busy.length > 0) return l10n.t('{0} is busy ({1}): wait for that to finish.', vm.name_label, busy.join(', '));
  const op = action === 'start_on' ? 'start_on' : action;
  if (!allowedOps(vm).includes(op)) {
    if (action === 'clean_shutdown' || action === 'clean_reboot' || action === 'suspend') {
      return l10n.t('XAPI does not allow a clean {0} of {1} now (its guest has no tools that answer, VM_MISSING_PV_DRIVERS): install the guest tools, or use Force {2}.', action === 'suspend' ? l10n.t('suspend') : action === 'clean_reboot' ? l10n.t('reboot') : l10n.t('shutdown'), vm.name_label, action === 'clean_reboot' ? l10n.t('Reboot') : l10n.t('Shut Down'));
    }
    return l10n.t('XAPI does not allow {0} on {1} now (it is not in the VM\'s allowed_operations).', op, vm.name_label);
  }
  return undefined;
}

/**
 * The plan for one power action on the given VMs (one step each). `host` is start_on's host, which
 * the caller checked with VM.assert_can_boot_here.
 */
export function planVmPower(model: PoolModel, vms: readonly Ref<'VM'>[], action: PowerAction, host?: Ref<'host'>): Plan {
  const info = ACTIONS[action];
  const base = { procedure: 'VM power', title: info.title() };
  const targets = vms.map((ref) => ({ ref, t: vmTarget(model, ref) }));
  const first = targets[0]?.t.target ?? { kind: 'VM' as const, name: '?', uuid: '' };
  const target: ObjectRef = targets.length === 1 ? first : { kind: 'pool', name: model.pool().record.name_label, uuid: model.pool().record.uuid };
  if (targets.length === 0) return refusedPlan(base, target, l10n.t('No VM was selected.'));
  const hostRec = host ? model.get('host', host) : undefined;
  if (action === 'start_on' && (!hostRec || !isUuid(hostRec.uuid))) return refusedPlan(base, target, l10n.t('The host to start on is no longer in the pool.'));
  const facts: string[] = [];
  const refusals: string[] = [];
  const steps: Step[] = [];
  for (const { ref, t } of targets) {
    if ('refusal' in t) {
      refusals.push(t.refusal);
      continue;
    }
    const { vm } = t;
    const allows = allowedOps(vm).join(', ') || l10n.t('nothing');
    facts.push(vm.resident_on !== 'OpaqueRef:NULL'
      ? l10n.t('{0}: {1} on {2}; XAPI allows {3}.', vm.name_label, vm.power_state, model.get('host', vm.resident_on)?.name_label ?? '?', allows)
      : l10n.t('{0}: {1}; XAPI allows {2}.', vm.name_label, vm.power_state, allows));
    const no = actionRefusal(vm, action);
    if (no) {
      refusals.push(no);
      continue;
    }
    steps.push({
      id: `${action}-${vm.uuid}`,
      title: info.one(vm.name_label, hostRec?.name_label),
      why: info.why(),
      destructive: info.destructive,
      confirmObject: info.destructive ? t.target : undefined,
      action: {
        kind: 'xapi',
        method: METHOD[action],
        args: action === 'start_on' ? [ref, host, false, false] : action === 'start' || action === 'resume' ? [ref, false, false] : [ref],
        xe: info.xe(vm.uuid, hostRec?.uuid),
      },
      check: action.includes('shutdown') ? l10n.t('VM.power_state reads Halted.') : action === 'suspend' ? l10n.t('VM.power_state reads Suspended.') : l10n.t('VM.power_state reads Running.'),
    });
  }
  const plan: Plan = {
    ...base,
    target,
    summary: `${steps.length === 1 ? steps[0].title : info.many(steps.length)}. ${info.why()}`,
    facts,
    steps,
  };
  if (refusals.length > 0) plan.refusal = refusals.join(' ');
  return plan;
}

/** What XAPI said about each host for starting (or resuming) this VM there: undefined = it can. */
export interface HostCheck {
  host: Entry<'host'>;
  /** XAPI's error code and params from VM.assert_can_boot_here, or undefined. */
  error?: string[];
}

/**
 * Asks XAPI which hosts can run the VM (VM.assert_can_boot_here on each live host), in host order.
 * `call` is a read on the pool's session.
 */
export async function checkHostsFor(model: PoolModel, vm: Ref<'VM'>, call: (method: string, args: unknown[]) => Promise<unknown>): Promise<HostCheck[]> {
  return Promise.all(model.hosts().map(async (host) => {
    try {
      await call('VM.assert_can_boot_here', [vm, host.ref]);
      return { host };
    } catch (err) {
      const e = err as { code?: unknown; params?: unknown };
      return { host, error: typeof e.code === 'string' ? [e.code, ...(Array.isArray(e.params) ? e.params.map(String) : [])] : ['ERROR', String((err as Error)?.message ?? err)] };
    }
  }));
}
