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

/** What the chosen slave says about its own master (a slave-local `host.is_in_emergency_mode`). */
export interface SlaveView {
  inEmergencyMode: boolean | undefined;
  /** How it was asked, or why it could not be. */
  detail: string;
}

const NAME = { procedure: 'H4', title: 'Move the pool master' };

function refuse(target: ObjectRef, facts: string[], refusal: string, summary = ''): Plan {
  return { ...NAME, target, summary, facts, steps: [], refusal };
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
  if (!host || !pool) return refuse(target, [], 'This host (or the pool record) is no longer known.');
  if (!isUuid(host.uuid)) return refuse(target, [], `XAPI gave the host a malformed uuid (${host.uuid}); refusing to act on it.`);
  const facts = probe ? describeProbe(probe) : [`The pool master ${master?.record.name_label ?? '?'} answers: the pool is connected through it.`];
  if (master?.ref === chosen) return refuse(target, facts, `${host.name_label} is the master already.`);
  const newMaster: HostTarget = { name: host.name_label, uuid: host.uuid, address: host.address };
  const masterName = master?.record.name_label ?? probe?.master.name ?? '?';
  const verdict = probe?.verdict.kind ?? 'master-answers';

  if (verdict === 'master-answers') {
    if (!model.isHostLive(chosen)) return refuse(target, facts, `${host.name_label} is not live (host_metrics.live = false): a master must be a host that answers.`);
    if (pool.record.ha_enabled) return refuse(target, facts, 'HA is enabled on this pool: xapi refuses a hand-over (HA_IS_ENABLED). Disable HA first, then run this again.');
    return {
      ...NAME,
      target,
      summary: `${masterName} answers, so this is the planned hand-over: ${host.name_label} becomes the master and ${masterName} a slave. xapi restarts on every host; running VMs are not touched. The tree reconnects to ${host.name_label}.`,
      facts,
      steps: [{
        id: 'designate',
        title: `Make ${host.name_label} the pool master`,
        why: `pool.designate_new_master runs a two-phase commit from ${masterName} to ${host.name_label}; all hosts restart their toolstack to follow.`,
        destructive: true,
        confirmObject: target,
        action: { kind: 'xapi', method: 'pool.designate_new_master', args: [chosen], xe: `xe pool-designate-new-master host-uuid=${host.uuid}` },
        check: `pool.master is ${host.name_label} when read from ${host.name_label}.`,
      }],
    };
  }
  if (verdict === 'master-moved') {
    return refuse(target, facts, `The members say the master is now ${probe?.verdict.kind === 'master-moved' ? probe.verdict.address : '?'}: the pool has a master already. The tree follows it; nothing to recover.`);
  }
  if (verdict === 'pool-unreachable') {
    return refuse(target, facts, 'No member of the pool answers: this looks like our own network (VPN, jump host, firewall), not a dead master. Nothing is changed from here.');
  }

  // master-dead: the emergency path, on a slave that answered the probe.
  const answered = probe?.members.find((m) => m.address === host.address);
  if (!answered || answered.answer.kind !== 'slave') {
    return refuse(target, facts, `${host.name_label} did not answer the probe as a slave: pick a slave that answers.`);
  }
  const viewFacts = slaveView ? [`${host.name_label} itself, asked over a slave-local session: ${slaveView.detail}`] : [];
  if (slaveView?.inEmergencyMode === false) {
    return refuse(target, [...facts, ...viewFacts], `${host.name_label} still reaches its master ${masterName} (it is not in emergency mode): the master is alive but unseen from here — a network partition. An emergency transition now would give the pool two masters. Fix the network path, or use the planned hand-over from a place that sees the master.`);
  }
  const slaveLocal = { host: newMaster, session: 'slave-local' as const };
  const steps: Step[] = [
    {
      id: 'ha-off',
      title: `Switch HA off on ${host.name_label} (harmless without HA)`,
      why: 'A host with HA armed refuses the emergency transition (HA_IS_ENABLED); without the master, HA is switched off on the host itself.',
      destructive: false,
      action: { kind: 'xapi', method: 'host.emergency_ha_disable', args: [], xe: 'xe host-emergency-ha-disable --force', on: slaveLocal },
    },
    {
      id: 'transition',
      title: `Make ${host.name_label} the master (emergency transition)`,
      why: `${masterName} does not answer and the slaves still follow it; pool.emergency_transition_to_master is never forwarded, so it is called on ${host.name_label} itself.`,
      destructive: true,
      confirmObject: target,
      action: { kind: 'xapi', method: 'pool.emergency_transition_to_master', args: [], xe: 'xe pool-emergency-transition-to-master', on: slaveLocal },
      check: `${host.name_label} accepts a pool login.`,
    },
    {
      id: 'recover',
      title: 'Tell the other slaves who the master is now',
      why: `pool.recover_slaves on the new master reaches every host that still follows ${masterName}; its answer lists the hosts that listened.`,
      destructive: false,
      action: { kind: 'xapi', method: 'pool.recover_slaves', args: [], xe: 'xe pool-recover-slaves', on: { host: newMaster, session: 'pool' } },
      check: 'Every live slave is in the list.',
    },
    {
      id: 'default-sr',
      title: "Read the pool's default SR",
      why: 'After a recovery the default SR is worth a look: VMs and imports land there.',
      destructive: false,
      action: { kind: 'xapi', method: 'pool.get_default_SR', args: [pool.ref], xe: `xe pool-param-get uuid=${pool.record.uuid} param-name=default-SR`, on: { host: newMaster, session: 'pool' } },
      check: 'A SR reference, not OpaqueRef:NULL.',
    },
  ];
  return {
    ...NAME,
    target,
    summary:
      `The master ${masterName} does not answer and the slaves do: emergency recovery onto ${host.name_label}. ` +
      `If ${masterName} is in fact alive behind a network partition, the pool ends with two masters: be sure it is down (console, power). ` +
      `When ${masterName} comes back it still believes it is the master: run "Recover Slaves" on the pool then (xe pool-recover-slaves), or keep it off.`,
    facts: [...facts, ...viewFacts, pool.record.ha_enabled ? 'HA was enabled in the last pool record read.' : 'HA was disabled in the last pool record read.'],
    steps,
  };
}

/** After an old master came back: `pool.recover_slaves` on the current master, through the pool session. */
export function planRecoverSlaves(model: PoolModel): Plan {
  const pool = model.all('pool')[0];
  const master = model.master();
  const target: ObjectRef = { kind: 'pool', name: pool?.record.name_label ?? '?', uuid: pool?.record.uuid ?? '' };
  if (!pool || !master) return refuse(target, [], 'The pool record or its master is not known.');
  return {
    procedure: 'H4',
    title: 'Recover slaves',
    target,
    summary: `Tells every host that follows another master (an old master that came back, a slave left behind) that ${master.record.name_label} is the master.`,
    facts: [`pool.master is ${master.record.name_label} (${master.record.address}).`],
    steps: [{
      id: 'recover',
      title: 'Recover slaves',
      why: 'pool.recover_slaves resets the master of every host it reaches to this one.',
      destructive: false,
      action: { kind: 'xapi', method: 'pool.recover_slaves', args: [], xe: 'xe pool-recover-slaves' },
      check: 'The hosts that listened are listed.',
    }],
  };
}
