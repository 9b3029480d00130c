// The master not answering while slaves do: known to the pool's connection (its member probe), not to
// the records, so the monitor is told (HealthMonitor.setMasterLost). Fix: H4's emergency path, recover
// the pool onto a slave. No vscode import.

import type { MasterProbe } from '../../model/masterProbe';
import type { PoolModel } from '../../model/poolModel';
import type { Finding } from '../finding';
import { hostObject, poolObject } from './objects';
import { l10n } from '../../text/l10n';

export function masterSilentFinding(model: PoolModel, probe: MasterProbe): Finding {
  const master = model.master();
  const object = master ? hostObject(model, master.ref) : poolObject(model);
  return {
    id: `master-silent:${object.uuid}`, check: 'master-silent', severity: 'error', object,
    summary: l10n.t('The pool master {0} does not answer while slaves do: nothing in the pool can be changed until a slave takes over.', object.name),
    evidence: { master: probe.master.address, ...Object.fromEntries(probe.members.slice(0, 20).map((m) => [m.name, m.answer.kind])) },
    fix: { command: 'xcpAdmin.pool.recoverMaster', target: poolObject(model).ref ? { kind: 'pool', ref: poolObject(model).ref! } : undefined, procedure: l10n.t('H4 Dead pool master: recover the pool onto a slave') },
  };
}
