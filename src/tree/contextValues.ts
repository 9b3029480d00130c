// The tree's contract with package.json's menus: one context value per row kind and state, so a menu
// can target exactly the rows its command accepts (a live slave, an lvmohba SR). The e2e menu test
// checks every menu against this list. No vscode import.

/** The power states the VM menus tell apart (context value `vm.<os>.<power>`); anything else XAPI says is `other`. */
export const VM_POWER_CONTEXTS = ['running', 'halted', 'suspended', 'paused', 'other'] as const;

/** SR types with their own context value; any other type is `sr.other`. */
export const KNOWN_SR_TYPES = ['lvmohba', 'lvmoiscsi', 'lvm', 'nfs', 'ext', 'iso', 'udev'] as const;

export const CONTEXT_VALUES: readonly string[] = [
  'pool.connected', 'pool.masterLost', 'pool.connecting', 'pool.failed', 'pool.disconnected',
  'folder.hosts', 'folder.storage', 'folder.localStorage', 'folder.stoppedVms',
  ...['host.live.master', 'host.live.slave', 'host.dead.master', 'host.dead.slave', 'host.live.master.maintenance', 'host.live.slave.maintenance']
    .flatMap((h) => [h, `${h}.toPresent`, `${h}.presented`]),
  ...KNOWN_SR_TYPES.map((t) => `sr.${t}`), 'sr.other',
  'vdi.raw', 'vdi.vhd', 'vdi.unknown',
  ...['linux', 'windows', 'unknown'].flatMap((k) => VM_POWER_CONTEXTS.flatMap((p) => [`vm.${k}.${p}`, `vm.${k}.${p}.onDeadHost`])),
  'snapshot',
  'notice.connecting', 'notice.failed', 'notice.disconnected', 'notice.empty', 'notice.restricted',
];

export function srContextValue(type: string): string {
  return (KNOWN_SR_TYPES as readonly string[]).includes(type) ? `sr.${type}` : 'sr.other';
}

/**
 * A VM row: its guest kind, its power state (`running`, `halted`, … as the power menus tell them apart),
 * and `.onDeadHost` while it is recorded on a host that is not live (only H6 applies then).
 */
export function vmContextValue(kind: string, powerState: string, onDeadHost: boolean): string {
  const s = powerState.toLowerCase();
  const power = (VM_POWER_CONTEXTS as readonly string[]).includes(s) ? s : 'other';
  return `vm.${kind}.${power}${onDeadHost ? '.onDeadHost' : ''}`;
}

/**
 * A host row: live or dead, master or slave, `.maintenance` while a live host is in maintenance mode, and on an XCP 1.x pool whether it still has to present
 * 6.0.99 to XenCenter (`.toPresent`: Present is offered) or does (`.presented`: Undo is offered). A
 * later release needs neither, and its rows offer neither.
 */
export function hostContextValue(live: boolean, master: boolean, maintenance: boolean, presentation: 'toPresent' | 'presented' | undefined): string {
  return `host.${live ? 'live' : 'dead'}.${master ? 'master' : 'slave'}${live && maintenance ? '.maintenance' : ''}${presentation ? `.${presentation}` : ''}`;
}
