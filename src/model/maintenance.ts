// Whether a host is in maintenance mode, as XenCenter marks it: disabled (host.enabled = false) and
// MAINTENANCE_MODE=true in its other_config. Read by the tree (the host row) and the maintenance
// procedures alike. No vscode import.

import type { PoolModel } from './poolModel';
import type { Ref } from '../xapi/records';

/** The other_config key XenCenter marks a host in maintenance with. */
export const MAINTENANCE_MODE = 'MAINTENANCE_MODE';

/** Disabled and marked. */
export function inMaintenance(model: PoolModel, host: Ref<'host'>): boolean {
  const rec = model.get('host', host);
  return !!rec && !rec.enabled && rec.other_config[MAINTENANCE_MODE] === 'true';
}
