// Set Memory as a plan: the dynamic minimum and maximum (what the balloon driver may give and take)
// within the VM's static limits, checked here before the call (static_min ≤ dynamic_min ≤ dynamic_max
// ≤ static_max, XAPI's MEMORY_CONSTRAINT_VIOLATION otherwise), with VM.set_memory_dynamic_range, which
// XCP 1.5 has (API 1.7+). Applied live on a running VM whose guest has tools; a halted VM takes it at
// its next start. No vscode import.

import type { PoolModel } from '../model/poolModel';
import type { Ref } from '../xapi/records';
import { refusedPlan, type Plan } from './plan';
import { allowedOps, mib, vmTarget } from './vmPower';
import { l10n } from '../text/l10n';

export function planSetMemory(model: PoolModel, vm: Ref<'VM'>, dynamicMin: number, dynamicMax: number): Plan {
  const base = { procedure: 'VM memory', title: l10n.t('Set the dynamic memory range') };
  const t = vmTarget(model, vm);
  if ('refusal' in t) return refusedPlan(base, t.target, t.refusal);
  const { vm: rec, target } = t;
  const facts = [
    l10n.t('{0} is {1}. Static limits {2} – {3}; dynamic range now {4} – {5}{6}.', rec.name_label, rec.power_state, mib(rec.memory_static_min), mib(rec.memory_static_max), mib(rec.memory_dynamic_min), mib(rec.memory_dynamic_max), rec.power_state === 'Running' ? l10n.t(', balloon target {0}', mib(rec.memory_target)) : ''),
  ];
  const refuse = (why: string) => refusedPlan(base, target, why, facts);
  if (![dynamicMin, dynamicMax].every((n) => Number.isSafeInteger(n) && n > 0)) return refuse(l10n.t('The minimum and maximum must be whole, positive byte counts.'));
  if (!(rec.memory_static_min <= dynamicMin && dynamicMin <= dynamicMax && dynamicMax <= rec.memory_static_max)) {
    return refuse(l10n.t('The range {0} – {1} must lie within the static limits {2} – {3} with the minimum not above the maximum (XAPI would answer MEMORY_CONSTRAINT_VIOLATION). Changing the static limits needs the VM shut down.', mib(dynamicMin), mib(dynamicMax), mib(rec.memory_static_min), mib(rec.memory_static_max)));
  }
  if (rec.power_state !== 'Running' && rec.power_state !== 'Halted') return refuse(l10n.t('{0} is {1}: the memory range can be changed while it is running or halted only.', rec.name_label, rec.power_state));
  if (!allowedOps(rec).includes('changing_dynamic_range')) return refuse(l10n.t('XAPI does not allow changing {0}\'s memory now (busy with {1}).', rec.name_label, Object.values(rec.current_operations).join(', ') || l10n.t('another operation')));
  const gm = model.get('VM_guest_metrics', rec.guest_metrics);
  const tools = gm !== undefined && Object.keys(gm.PV_drivers_version).length > 0;
  if (rec.power_state === 'Running' && !tools) return refuse(l10n.t('{0}\'s guest reports no tools: nothing in it would give memory back (no balloon driver). Install the guest tools, or change the range while it is halted.', rec.name_label));
  if (rec.memory_dynamic_min === dynamicMin && rec.memory_dynamic_max === dynamicMax) return refuse(l10n.t('{0} already has the range {1} – {2}.', rec.name_label, mib(dynamicMin), mib(dynamicMax)));
  return {
    ...base,
    target,
    summary: (rec.power_state === 'Running' ? l10n.t('Sets {0}\'s dynamic memory to {1} – {2}, live: the balloon driver in the guest follows.', rec.name_label, mib(dynamicMin), mib(dynamicMax)) : l10n.t('Sets {0}\'s dynamic memory to {1} – {2}, used from its next start.', rec.name_label, mib(dynamicMin), mib(dynamicMax))),
    facts,
    steps: [{
      id: 'memory',
      title: l10n.t('Set {0}\'s memory to {1} – {2}', rec.name_label, mib(dynamicMin), mib(dynamicMax)),
      why: l10n.t('VM.set_memory_dynamic_range; XAPI checks the range against the static limits and, for a larger minimum, the host\'s free memory (HOST_NOT_ENOUGH_FREE_MEMORY).'),
      destructive: false,
      action: { kind: 'xapi', method: 'VM.set_memory_dynamic_range', args: [vm, dynamicMin, dynamicMax], xe: `xe vm-memory-dynamic-range-set uuid=${rec.uuid} min=${dynamicMin} max=${dynamicMax}` },
      check: l10n.t('VM.memory_dynamic_min and memory_dynamic_max read the new values.'),
    }],
  };
}
