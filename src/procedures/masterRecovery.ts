// H4, a new pool master. The path follows from what is true, never from a guess:
// - the master answers → a planned hand-over, `pool.designate_new_master` (xapi restarts on every host);
// - the master is silent and slaves answer → the emergency path on the chosen slave (slave-local
//   session: `host.emergency_ha_disable`, `pool.emergency_transition_to_master`), then
//   `pool.recover_slaves` on the new master, then a look at the pool's default SR.
// No vscode import.

import type { MasterProbe } from '../model/masterProbe';
import { describeProbe } from '../model/masterProbe';
import type { PoolModel } from '../model/poolModel';
import { isUuid, type Ref } from '../xapi/records';
import type { HostTarget, ObjectRef, Plan, Step } from './plan';
import { l10n } from '../text/l10n';

/** What the chosen slave says about its own master (a slave-local `host.is_in_emergency_mode`). */
export interface SlaveView {
  inEmergencyMode: boolean | undefined;
  /** How it was asked, or why it could not be. */
  detail: string;
}

/** The plan's code and title (a function: the title is said in the admin's language when the plan is built). */
const name = () => ({ procedure: 'H4', title: l10n.t('Move the pool master') });

function refuse(target: ObjectRef, facts: string[], refusal: string, summary = ''): Plan {
  return { ...name(), target, summary, facts, steps: [], refusal };
}

/**
 * The plan for making `chosen` the master. `probe` is what the members answered just before (the
 * editor asks them); without one the master is taken to answer (a connected pool).
 */
export function planNewMaster(model: PoolModel, chosen: Ref<'host'>, probe: MasterProbe | undefined, slaveView?: SlaveView): Plan {
  const host = model.get('host', chosen);
  const pool = model.all('pool')[0];
  const master = model.master();
  const target: ObjectRef = { kind: 'host', name: host?.name_label ?? '?', uuid: host?.uuid ?? '' };
  if (!host || !pool) return refuse(target, [], l10n.t('This host (or the pool record) is no longer known.'));
  if (!isUuid(host.uuid)) return refuse(target, [], l10n.t('XAPI gave the host a malformed uuid ({0}); refusing to act on it.', host.uuid));
  const facts = probe ? describeProbe(probe) : [l10n.t('The pool master {0} answers: the pool is connected through it.', master?.record.name_label ?? '?')];
  if (master?.ref === chosen) return refuse(target, facts, l10n.t('{0} is the master already.', host.name_label));
  const newMaster: HostTarget = { name: host.name_label, uuid: host.uuid, address: host.address };
  const masterName = master?.record.name_label ?? probe?.master.name ?? '?';
  const verdict = probe?.verdict.kind ?? 'master-answers';

  if (verdict === 'master-answers') {
    if (!model.isHostLive(chosen)) return refuse(target, facts, l10n.t('{0} is not live (host_metrics.live = false): a master must be a host that answers.', host.name_label));
    if (pool.record.ha_enabled) return refuse(target, facts, l10n.t('HA is enabled on this pool: xapi refuses a hand-over (HA_IS_ENABLED). Disable HA first, then run this again.'));
    return {
      ...name(),
      target,
      summary: l10n.t('{0} answers, so this is the planned hand-over: {1} becomes the master and {2} a slave. xapi restarts on every host; running VMs are not touched. The tree reconnects to {3}.', masterName, host.name_label, masterName, host.name_label),
      facts,
      steps: [{
        id: 'designate',
        title: l10n.t('Make {0} the pool master', host.name_label),
        why: l10n.t('pool.designate_new_master runs a two-phase commit from {0} to {1}; all hosts restart their toolstack to follow.', masterName, host.name_label),
        destructive: true,
        confirmObject: target,
        action: { kind: 'xapi', method: 'pool.designate_new_master', args: [chosen], xe: `xe pool-designate-new-master host-uuid=${host.uuid}` },
        check: l10n.t('pool.master is {0} when read from {1}.', host.name_label, host.name_label),
      }],
    };
  }
  if (verdict === 'master-moved') {
    return refuse(target, facts, l10n.t('The members say the master is now {0}: the pool has a master already. The tree follows it; nothing to recover.', probe?.verdict.kind === 'master-moved' ? probe.verdict.address : '?'));
  }
  if (verdict === 'pool-unreachable') {
    return refuse(target, facts, l10n.t('No member of the pool answers: this looks like our own network (VPN, jump host, firewall), not a dead master. Nothing is changed from here.'));
  }

  // master-dead: the emergency path, on a slave that answered the probe.
  const answered = probe?.members.find((m) => m.address === host.address);
  if (!answered || answered.answer.kind !== 'slave') {
    return refuse(target, facts, l10n.t('{0} did not answer the probe as a slave: pick a slave that answers.', host.name_label));
  }
  const viewFacts = slaveView ? [l10n.t('{0} itself, asked over a slave-local session: {1}', host.name_label, slaveView.detail)] : [];
  if (slaveView?.inEmergencyMode === false) {
    return refuse(target, [...facts, ...viewFacts], l10n.t('{0} still reaches its master {1} (it is not in emergency mode): the master is alive but unseen from here — a network partition. An emergency transition now would give the pool two masters. Fix the network path, or use the planned hand-over from a place that sees the master.', host.name_label, masterName));
  }
  const slaveLocal = { host: newMaster, session: 'slave-local' as const };
  const steps: Step[] = [
    {
      id: 'ha-off',
      title: l10n.t('Switch HA off on {0} (harmless without HA)', host.name_label),
      why: l10n.t('A host with HA armed refuses the emergency transition (HA_IS_ENABLED); without the master, HA is switched off on the host itself.'),
      destructive: false,
      action: { kind: 'xapi', method: 'host.emergency_ha_disable', args: [], xe: 'xe host-emergency-ha-disable --force', on: slaveLocal },
    },
    {
      id: 'transition',
      title: l10n.t('Make {0} the master (emergency transition)', host.name_label),
      why: l10n.t('{0} does not answer and the slaves still follow it; pool.emergency_transition_to_master is never forwarded, so it is called on {1} itself.', masterName, host.name_label),
      destructive: true,
      confirmObject: target,
      action: { kind: 'xapi', method: 'pool.emergency_transition_to_master', args: [], xe: 'xe pool-emergency-transition-to-master', on: slaveLocal },
      check: l10n.t('{0} accepts a pool login.', host.name_label),
    },
    {
      id: 'recover',
      title: l10n.t('Tell the other slaves who the master is now'),
      why: l10n.t('pool.recover_slaves on the new master reaches every host that still follows {0}; its answer lists the hosts that listened.', masterName),
      destructive: false,
      action: { kind: 'xapi', method: 'pool.recover_slaves', args: [], xe: 'xe pool-recover-slaves', on: { host: newMaster, session: 'pool' } },
      check: l10n.t('Every live slave is in the list.'),
    },
    {
      id: 'default-sr',
      title: l10n.t('Read the pool\'s default SR'),
      why: l10n.t('After a recovery the default SR is worth a look: VMs and imports land there.'),
      destructive: false,
      action: { kind: 'xapi', method: 'pool.get_default_SR', args: [pool.ref], xe: `xe pool-param-get uuid=${pool.record.uuid} param-name=default-SR`, on: { host: newMaster, session: 'pool' } },
      check: l10n.t('A SR reference, not OpaqueRef:NULL.'),
    },
  ];
  return {
    ...name(),
    target,
    summary:
      l10n.t('The master {0} does not answer and the slaves do: emergency recovery onto {1}. ', masterName, host.name_label) +
      l10n.t('If {0} is in fact alive behind a network partition, the pool ends with two masters: be sure it is down (console, power). ', masterName) +
      l10n.t('When {0} comes back it still believes it is the master: run "Recover Slaves" on the pool then (xe pool-recover-slaves), or keep it off.', masterName),
    facts: [...facts, ...viewFacts, pool.record.ha_enabled ? l10n.t('HA was enabled in the last pool record read.') : l10n.t('HA was disabled in the last pool record read.')],
    steps,
  };
}

/** After an old master came back: `pool.recover_slaves` on the current master, through the pool session. */
export function planRecoverSlaves(model: PoolModel): Plan {
  const pool = model.all('pool')[0];
  const master = model.master();
  const target: ObjectRef = { kind: 'pool', name: pool?.record.name_label ?? '?', uuid: pool?.record.uuid ?? '' };
  if (!pool || !master) return refuse(target, [], l10n.t('The pool record or its master is not known.'));
  return {
    procedure: 'H4',
    title: l10n.t('Recover slaves'),
    target,
    summary: l10n.t('Tells every host that follows another master (an old master that came back, a slave left behind) that {0} is the master.', master.record.name_label),
    facts: [l10n.t('pool.master is {0} ({1}).', master.record.name_label, master.record.address)],
    steps: [{
      id: 'recover',
      title: l10n.t('Recover slaves'),
      why: l10n.t('pool.recover_slaves resets the master of every host it reaches to this one.'),
      destructive: false,
      action: { kind: 'xapi', method: 'pool.recover_slaves', args: [], xe: 'xe pool-recover-slaves' },
      check: l10n.t('The hosts that listened are listed.'),
    }],
  };
}
