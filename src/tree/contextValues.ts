// The tree's contract with package.json's menus: one context value per row kind and state, so a menu
// can target exactly the rows its command accepts (a live slave, an lvmohba SR). The e2e menu test
// checks every menu against this list. No vscode import.

/** The power states the VM menus tell apart (context value `vm.<os>.<power>`); anything else XAPI says is `other`. */
export const VM_POWER_CONTEXTS = ['running', 'halted', 'suspended', 'paused', 'other'] as const;

/** SR types with their own context value; any other type is `sr.other`. */
export const KNOWN_SR_TYPES = ['lvmohba', 'lvmoiscsi', 'lvm', 'nfs', 'ext', 'iso', 'udev'] as const;

export const CONTEXT_VALUES: readonly string[] = [
  'pool.connected', 'pool.masterLost', 'pool.connecting', 'pool.failed', 'pool.disconnected',
  'folder.hosts', 'folder.storage',
  'host.live.master', 'host.live.slave', 'host.dead.master', 'host.dead.slave',
  'host.live.master.maintenance', 'host.live.slave.maintenance',
  ...KNOWN_SR_TYPES.map((t) => `sr.${t}`), 'sr.other',
  'vdi.raw', 'vdi.vhd', 'vdi.unknown',
  ...['linux', 'windows', 'unknown'].flatMap((k) => VM_POWER_CONTEXTS.map((p) => `vm.${k}.${p}`)),
  'snapshot', 'folder.stoppedVms',
  'notice.connecting', 'notice.failed', 'notice.disconnected', 'notice.empty',
];

export function srContextValue(type: string): string {
  return (KNOWN_SR_TYPES as readonly string[]).includes(type) ? `sr.${type}` : 'sr.other';
}
