// XAPI's own alerts (the `message` class) as findings: each with its name, severity (from the pool's
// release and the name, src/model/messages.ts), object, time and body; bodies of known shape parsed
// (multipath paths, alarm variable and value), each known name pointing at its fix. Unknown names are
// shown as they come. Dismissing one destroys the message (the editor does it). No vscode import.

import { messageSeverity, parseAlarm, parseMultipathAlert } from '../../model/messages';
import type { PoolModel } from '../../model/poolModel';
import type { MessageRecord } from '../../xapi/records';
import type { HealthCheck } from '../check';
import type { Finding, FindingFix, FindingObject } from '../finding';
import { l10n } from '../../text/l10n';
import { objectKindLabel } from './objects';

type Kind = FindingObject['kind'];
const KIND_OF_CLS: Record<string, { kind: Kind; cls: 'host' | 'VM' | 'SR' | 'pool' | 'VDI' }> = {
  host: { kind: 'host', cls: 'host' },
  vm: { kind: 'VM', cls: 'VM' },
  sr: { kind: 'SR', cls: 'SR' },
  pool: { kind: 'pool', cls: 'pool' },
  vdi: { kind: 'VDI', cls: 'VDI' },
};

/** uuid → ref of the classes messages name, built once per evaluation. */
function uuidIndex(model: PoolModel, classes: Iterable<'host' | 'VM' | 'SR' | 'pool' | 'VDI'>): Map<string, string> {
  const out = new Map<string, string>();
  for (const cls of classes) for (const e of model.all(cls)) out.set((e.record as { uuid: string }).uuid, e.ref);
  return out;
}

function objectOf(model: PoolModel, msg: MessageRecord, refs: Map<string, string>): FindingObject {
  const k = KIND_OF_CLS[msg.cls.toLowerCase()];
  const ref = refs.get(msg.obj_uuid);
  if (!k) return { kind: 'pool', name: `${msg.cls} ${msg.obj_uuid}`, uuid: msg.obj_uuid };
  const rec = ref ? (model.get(k.cls, ref) as { name_label?: string } | undefined) : undefined;
  return { kind: k.kind, name: rec?.name_label ?? '', uuid: msg.obj_uuid, ref: rec ? ref : undefined };
}

function describe(model: PoolModel, msg: MessageRecord, object: FindingObject): { summary: string; evidence: Record<string, string>; fix?: FindingFix } {
  const what = l10n.t('{0} {1}', objectKindLabel(object.kind), object.name || object.uuid);
  switch (msg.name) {
    case 'HA_HOST_FAILED': {
      const live = object.ref ? model.isHostLive(object.ref as never) : false;
      const vms = object.ref ? model.residentVms(object.ref as never).length : 0;
      return {
        summary: live
          ? l10n.t('HA reported {0} failed (it is live again).', what)
          : vms === 1 ? l10n.t('HA reported {0} failed; XAPI still counts 1 VM on it.', what)
            : vms ? l10n.t('HA reported {0} failed; XAPI still counts {1} VMs on it.', what, vms)
              : l10n.t('HA reported {0} failed.', what),
        evidence: {},
        fix: live || !object.ref ? undefined : vms ? { command: 'xcpAdmin.host.declareVmsHalted', procedure: l10n.t('H6 VMs on a dead host: declare them halted') } : { command: 'xcpAdmin.host.forget', procedure: l10n.t('H5 Forget an incinerated host') },
      };
    }
    case 'PBD_PLUG_FAILED_ON_SERVER_START':
      return {
        summary: l10n.t('{0} could not plug one of its SRs when it started: VMs with disks there cannot run on it.', what),
        evidence: {},
        fix: { procedure: l10n.t('Plug the SR on the host (see the "not plugged" finding of that SR), then repair the SR if plugging fails'), xe: `xe pbd-list host-uuid=${msg.obj_uuid} currently-attached=false` },
      };
    case 'HOST_CLOCK_SKEW_DETECTED':
      return {
        summary: l10n.t('The clock of {0} differs from the pool\'s: VM operations can fail and performance data gets wrong times.', what),
        evidence: {},
        fix: object.ref ? { command: 'xcpAdmin.host.openRootShell', procedure: l10n.t('Set up NTP on the host (ntpdate, then ntpd)'), xe: 'ntpdate -u pool.ntp.org' } : undefined,
      };
    case 'MULTIPATH_PERIODIC_ALERT': {
      const { unhealthy, events } = parseMultipathAlert(msg.body);
      const lines = unhealthy.length ? unhealthy : events;
      const evidence: Record<string, string> = {};
      lines.forEach((l, n) => (evidence[`path ${n + 1}`] = `${l.hostName}${l.pbd ? ` PBD ${l.pbd}` : ' boot LUN'}: ${l.current} of ${l.max}`));
      return {
        summary: unhealthy.length
          ? l10n.t('Multipath: {0}.', unhealthy.map((l) => (l.pbd
            ? l10n.t('{0} sees {1} of {2} paths', l.hostName, l.current, l.max)
            : l10n.t('{0} sees {1} of {2} paths to its boot LUN', l.hostName, l.current, l.max))).join('; '))
          : l10n.t('Multipath: paths changed on {0} (all healthy now).', [...new Set(events.map((l) => l.hostName))].join(', ') || l10n.t('the pool')),
        evidence,
        fix: { procedure: l10n.t('Check the paths on the host (multipath -ll), its cabling and zoning'), xe: 'multipath -ll' },
      };
    }
    case 'ALARM': {
      const a = parseAlarm(msg.body);
      return {
        summary: !a.variable
          ? l10n.t('Alarm on {0}.', what)
          : a.triggerLevel
            ? l10n.t('Alarm on {0}: {1} = {2} (trigger {3}).', what, a.variable, a.value ?? '?', a.triggerLevel)
            : l10n.t('Alarm on {0}: {1} = {2}.', what, a.variable, a.value ?? '?'),
        evidence: { ...(a.variable ? { variable: a.variable } : {}), ...(a.value ? { value: a.value } : {}), ...(a.triggerLevel ? { alarm_trigger_level: a.triggerLevel } : {}) },
      };
    }
    default:
      return { summary: l10n.t('XAPI alert {0} on {1}.', msg.name, what), evidence: {} };
  }
}

export const messagesCheck: HealthCheck = {
  id: 'xapi-message',
  // The message, and the records that name its object or decide its fix.
  feeds: ['message', 'host', 'host_metrics', 'VM', 'SR', 'pool'],
  evaluate(model: PoolModel): Finding[] {
    const messages = model.all('message');
    if (messages.length === 0) return [];
    const refs = uuidIndex(model, ['host', 'VM', 'SR', 'pool']);
    const out: Finding[] = [];
    for (const { ref, record: msg } of messages) {
      const object = objectOf(model, msg, refs);
      const { summary, evidence, fix } = describe(model, msg, object);
      out.push({
        id: `xapi-message:${ref}`, check: 'xapi-message', severity: messageSeverity(model, msg), object, summary,
        evidence: { name: msg.name, priority: String(msg.priority), time: msg.timestamp.toISOString(), ...evidence, body: msg.body },
        fix,
        message: { ref, name: msg.name, timestamp: msg.timestamp },
      });
    }
    return out;
  },
};
