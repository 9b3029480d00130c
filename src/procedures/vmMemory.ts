// Set Memory as a plan: the dynamic minimum and maximum (what the balloon driver may give and take)
// within the VM's static limits, checked here before the call (static_min ≤ dynamic_min ≤ dynamic_max
// ≤ static_max, XAPI's MEMORY_CONSTRAINT_VIOLATION otherwise), with VM.set_memory_dynamic_range, which
// XCP 1.5 has (API 1.7+). Applied live on a running VM whose guest has tools; a halted VM takes it at
// its next start. No vscode import.

import type { PoolModel } from '../model/poolModel';
import type { Ref } from '../xapi/records';
import { refusedPlan, type Plan } from './plan';
import { allowedOps, mib, vmTarget } from './vmPower';

export function planSetMemory(model: PoolModel, vm: Ref<'VM'>, dynamicMin: number, dynamicMax: number): Plan {
  const base = { procedure: 'VM memory', title: 'Set the dynamic memory range' };
  const t = vmTarget(model, vm);
  if ('refusal' in t) return refusedPlan(base, t.target, t.refusal);
  const { vm: rec, target } = t;
  const facts = [
    `${rec.name_label} is ${rec.power_state}. Static limits ${mib(rec.memory_static_min)} – ${mib(rec.memory_static_max)}; dynamic range now ${mib(rec.memory_dynamic_min)} – ${mib(rec.memory_dynamic_max)}${rec.power_state === 'Running' ? `, balloon target ${mib(rec.memory_target)}` : ''}.`,
  ];
  const refuse = (why: string) => refusedPlan(base, target, why, facts);
  if (![dynamicMin, dynamicMax].every((n) => Number.isSafeInteger(n) && n > 0)) return refuse('The minimum and maximum must be whole, positive byte counts.');
  if (!(rec.memory_static_min <= dynamicMin && dynamicMin <= dynamicMax && dynamicMax <= rec.memory_static_max)) {
    return refuse(`The range ${mib(dynamicMin)} – ${mib(dynamicMax)} must lie within the static limits ${mib(rec.memory_static_min)} – ${mib(rec.memory_static_max)} with the minimum not above the maximum (XAPI would answer MEMORY_CONSTRAINT_VIOLATION). Changing the static limits needs the VM shut down.`);
  }
  if (rec.power_state !== 'Running' && rec.power_state !== 'Halted') return refuse(`${rec.name_label} is ${rec.power_state}: the memory range can be changed while it is running or halted only.`);
  if (!allowedOps(rec).includes('changing_dynamic_range')) return refuse(`XAPI does not allow changing ${rec.name_label}'s memory now (busy with ${Object.values(rec.current_operations).join(', ') || 'another operation'}).`);
  const gm = model.get('VM_guest_metrics', rec.guest_metrics);
  const tools = gm !== undefined && Object.keys(gm.PV_drivers_version).length > 0;
  if (rec.power_state === 'Running' && !tools) return refuse(`${rec.name_label}'s guest reports no tools: nothing in it would give memory back (no balloon driver). Install the guest tools, or change the range while it is halted.`);
  if (rec.memory_dynamic_min === dynamicMin && rec.memory_dynamic_max === dynamicMax) return refuse(`${rec.name_label} already has the range ${mib(dynamicMin)} – ${mib(dynamicMax)}.`);
  return {
    ...base,
    target,
    summary: `Sets ${rec.name_label}'s dynamic memory to ${mib(dynamicMin)} – ${mib(dynamicMax)}${rec.power_state === 'Running' ? ', live: the balloon driver in the guest follows' : ', used from its next start'}.`,
    facts,
    steps: [{
      id: 'memory',
      title: `Set ${rec.name_label}'s memory to ${mib(dynamicMin)} – ${mib(dynamicMax)}`,
      why: 'VM.set_memory_dynamic_range; XAPI checks the range against the static limits and, for a larger minimum, the host\'s free memory (HOST_NOT_ENOUGH_FREE_MEMORY).',
      destructive: false,
      action: { kind: 'xapi', method: 'VM.set_memory_dynamic_range', args: [vm, dynamicMin, dynamicMax], xe: `xe vm-memory-dynamic-range-set uuid=${rec.uuid} min=${dynamicMin} max=${dynamicMax}` },
      check: 'VM.memory_dynamic_min and memory_dynamic_max read the new values.',
    }],
  };
}
