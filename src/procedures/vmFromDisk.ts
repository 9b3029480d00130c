// S2's optional last step: a VM with an imported disk as its boot disk, set to PV boot (pygrub), and
// started if asked. Made the way `xe vm-install` makes one from the "Other install media" template
// (the runbook: "Other" seems to be needed), minus the template's own empty system disk. No vscode import.

import type { PoolModel } from '../model/poolModel';
import { isUuid, type Ref } from '../xapi/records';
import { quote } from '../shell/quote';
import { refusedPlan, resultOf, type Plan, type Step } from './plan';

export const OTHER_TEMPLATE = 'Other install media';
const MiB = 1024 * 1024;

export interface VmFromDiskOptions {
  name: string;
  memoryMiB: number;
  vcpus: number;
  start: boolean;
}

/** Why the options cannot make a VM (undefined when they can): for the input boxes and the plan alike. */
export function checkVmOptions(o: VmFromDiskOptions): string | undefined {
  if (o.name.trim() === '') return 'The VM needs a name.';
  if (!Number.isInteger(o.memoryMiB) || o.memoryMiB < 64 || o.memoryMiB > 1024 * 1024) return 'Memory is a whole number of MiB, from 64.';
  if (!Number.isInteger(o.vcpus) || o.vcpus < 1 || o.vcpus > 64) return 'vCPUs is a whole number from 1 to 64.';
  return undefined;
}

export function planVmFromDisk(model: PoolModel, vdiRef: Ref<'VDI'>, o: VmFromDiskOptions): Plan {
  const vdi = model.get('VDI', vdiRef);
  const base = { procedure: 'S2', title: 'Make a VM with this disk' };
  const target = { kind: 'VDI' as const, name: vdi?.name_label ?? '?', uuid: vdi?.uuid ?? '' };
  const refuse = (refusal: string, facts: string[] = []): Plan => refusedPlan(base, target, refusal, facts);
  if (!vdi) return refuse('This VDI is no longer in the pool.');
  if (!isUuid(vdi.uuid)) return refuse(`XAPI gave the VDI a malformed uuid (${vdi.uuid}).`);
  const bad = checkVmOptions(o);
  if (bad) return refuse(bad);
  const users = model.vmsUsing(vdiRef).filter((v) => !v.record.is_control_domain && !v.record.is_a_template);
  if (users.length) return refuse(`${vdi.name_label} is already a disk of ${users.map((v) => v.record.name_label).join(', ')}: two VMs writing one disk would corrupt it.`);
  const templates = model.all('VM').filter((v) => v.record.is_a_template && v.record.name_label === OTHER_TEMPLATE);
  if (templates.length !== 1) return refuse(templates.length ? `The pool has ${templates.length} templates called "${OTHER_TEMPLATE}": rename the extra ones first.` : `The pool has no "${OTHER_TEMPLATE}" template to start from.`);
  const template = templates[0];
  const sr = model.get('SR', vdi.SR);
  const plugged = model.pbdsOf(vdi.SR).filter((p) => p.record.currently_attached && p.host && model.isHostLive(p.host.ref)).map((p) => p.host!.record.name_label);
  const facts = [
    `${vdi.name_label} (${vdi.uuid}): ${vdi.virtual_size} bytes on ${sr?.name_label ?? '?'}, used by no VM.`,
    `Template "${OTHER_TEMPLATE}" (${template.record.uuid}).`,
    `Live hosts with ${sr?.name_label ?? 'the SR'} plugged: ${plugged.join(', ') || 'none'}.`,
  ];
  if (o.start && plugged.length === 0) return refuse(`No live host has ${sr?.name_label ?? 'the SR'} plugged: the VM could not start. Make it without starting, or plug the SR first.`, facts);
  const vm = resultOf('clone');
  const newVm = '<the new VM>';
  const bytes = o.memoryMiB * MiB;
  const xapi = (id: string, title: string, why: string, method: string, args: unknown[], xe: string): Step => ({ id, title, why, destructive: false, action: { kind: 'xapi', method, args, xe } });
  const steps: Step[] = [
    xapi('clone', `Copy the template "${OTHER_TEMPLATE}" as ${o.name}`, 'A VM starts as a copy of a template; this one carries no disk of its own.', 'VM.clone', [template.ref, o.name], `xe vm-clone uuid=${template.record.uuid} new-name-label=${quote(o.name)}`),
    xapi('no-template-disk', 'Drop the template\'s disk recipe', 'The template would make an empty system disk at provision time; the imported disk is the system disk.', 'VM.remove_from_other_config', [vm, 'disks'], `xe vm-param-remove uuid=${newVm} param-name=other-config param-key=disks`),
    xapi('not-a-template', `Make ${o.name} a VM (not a template)`, 'A copy of a template is a template until this is cleared.', 'VM.set_is_a_template', [vm, false], `xe vm-param-set uuid=${newVm} is-a-template=false`),
    xapi('memory', `Give it ${o.memoryMiB} MiB of memory`, 'Static and dynamic limits alike: the memory the VM boots with.', 'VM.set_memory_limits', [vm, bytes, bytes, bytes, bytes], `xe vm-memory-limits-set uuid=${newVm} static-min=${bytes} dynamic-min=${bytes} dynamic-max=${bytes} static-max=${bytes}`),
    xapi('vcpus-max', `Allow ${o.vcpus} vCPU(s)`, 'The ceiling first, so the number at boot may rise to it.', 'VM.set_VCPUs_max', [vm, o.vcpus], `xe vm-param-set uuid=${newVm} VCPUs-max=${o.vcpus}`),
    xapi('vcpus', `Boot with ${o.vcpus} vCPU(s)`, 'The vCPUs the VM starts with.', 'VM.set_VCPUs_at_startup', [vm, o.vcpus], `xe vm-param-set uuid=${newVm} VCPUs-at-startup=${o.vcpus}`),
    xapi('pv', 'Boot it PV (no HVM boot policy)', 'The runbook: set the VM image type to PV; an empty HVM boot policy means PV.', 'VM.set_HVM_boot_policy', [vm, ''], `xe vm-param-set uuid=${newVm} HVM-boot-policy=""`),
    xapi('pygrub', 'Boot through pygrub', 'pygrub reads the kernel from the imported disk\'s own /boot.', 'VM.set_PV_bootloader', [vm, 'pygrub'], `xe vm-param-set uuid=${newVm} PV-bootloader=pygrub`),
    xapi('disk', `Attach ${vdi.name_label} as its boot disk (device 0)`, 'The imported disk, read-write and bootable.', 'VBD.create',
      [{ VM: vm, VDI: vdiRef, userdevice: '0', bootable: true, mode: 'RW', type: 'Disk', unpluggable: false, empty: false, other_config: {}, qos_algorithm_type: '', qos_algorithm_params: {} }],
      `xe vbd-create vm-uuid=${newVm} vdi-uuid=${vdi.uuid} device=0 bootable=true mode=RW type=Disk`),
  ];
  if (o.start) {
    steps.push(xapi('start', `Start ${o.name}`, 'XAPI picks a live host that sees the SR.', 'VM.start', [vm, false, false], `xe vm-start uuid=${newVm}`));
    steps.push({
      ...xapi('running', `Check that ${o.name} runs`, 'Started is what the pool says, read back.', 'VM.get_power_state', [vm], `xe vm-param-get uuid=${newVm} param-name=power-state`),
      expect: (v) => (v === 'Running' ? undefined : `power_state is ${String(v)}`),
      waitMs: 30_000,
      check: 'power_state reads Running',
    });
  }
  return {
    ...base,
    target,
    summary: `Makes a VM named ${o.name} (${o.memoryMiB} MiB, ${o.vcpus} vCPU(s), PV boot through pygrub) from the "${OTHER_TEMPLATE}" template with ${vdi.name_label} as its only disk${o.start ? ', then starts it' : ''}. Nothing is written to the disk.`,
    facts,
    steps,
    journalExtra: { vdi: vdi.uuid, vm: o.name },
  };
}
