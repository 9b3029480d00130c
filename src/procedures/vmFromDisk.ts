// S2's optional last step: a VM with an imported disk as its boot disk, set to PV boot (pygrub), and
// started if asked. Made the way `xe vm-install` makes one from the "Other install media" template
// (the runbook: "Other" seems to be needed), minus the template's own empty system disk. No vscode import.

import type { PoolModel } from '../model/poolModel';
import { isUuid, type Ref } from '../xapi/records';
import { quote } from '../shell/quote';
import { refusedPlan, resultOf, type Plan, type Step } from './plan';
import { l10n } from '../text/l10n';

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
  if (o.name.trim() === '') return l10n.t('The VM needs a name.');
  if (!Number.isInteger(o.memoryMiB) || o.memoryMiB < 64 || o.memoryMiB > 1024 * 1024) return l10n.t('Memory is a whole number of MiB, from 64.');
  if (!Number.isInteger(o.vcpus) || o.vcpus < 1 || o.vcpus > 64) return l10n.t('vCPUs is a whole number from 1 to 64.');
  return undefined;
}

export function planVmFromDisk(model: PoolModel, vdiRef: Ref<'VDI'>, o: VmFromDiskOptions): Plan {
  const vdi = model.get('VDI', vdiRef);
  const base = { procedure: 'S2', title: l10n.t('Make a VM with this disk') };
  const target = { kind: 'VDI' as const, name: vdi?.name_label ?? '?', uuid: vdi?.uuid ?? '' };
  const refuse = (refusal: string, facts: string[] = []): Plan => refusedPlan(base, target, refusal, facts);
  if (!vdi) return refuse(l10n.t('This VDI is no longer in the pool.'));
  if (!isUuid(vdi.uuid)) return refuse(l10n.t('XAPI gave the VDI a malformed uuid ({0}).', vdi.uuid));
  const bad = checkVmOptions(o);
  if (bad) return refuse(bad);
  const users = model.vmsUsing(vdiRef).filter((v) => !v.record.is_control_domain && !v.record.is_a_template);
  if (users.length) return refuse(l10n.t('{0} is already a disk of {1}: two VMs writing one disk would corrupt it.', vdi.name_label, users.map((v) => v.record.name_label).join(', ')));
  const templates = model.all('VM').filter((v) => v.record.is_a_template && v.record.name_label === OTHER_TEMPLATE);
  if (templates.length !== 1) return refuse(templates.length ? l10n.t('The pool has {0} templates called "{1}": rename the extra ones first.', templates.length, OTHER_TEMPLATE) : l10n.t('The pool has no "{0}" template to start from.', OTHER_TEMPLATE));
  const template = templates[0];
  const sr = model.get('SR', vdi.SR);
  const plugged = model.pbdsOf(vdi.SR).filter((p) => p.record.currently_attached && p.host && model.isHostLive(p.host.ref)).map((p) => p.host!.record.name_label);
  const facts = [
    l10n.t('{0} ({1}): {2} bytes on {3}, used by no VM.', vdi.name_label, vdi.uuid, vdi.virtual_size, sr?.name_label ?? '?'),
    `Template "${OTHER_TEMPLATE}" (${template.record.uuid}).`,
    l10n.t('Live hosts with {0} plugged: {1}.', sr?.name_label ?? l10n.t('the SR'), plugged.join(', ') || l10n.t('none')),
  ];
  if (o.start && plugged.length === 0) return refuse(l10n.t('No live host has {0} plugged: the VM could not start. Make it without starting, or plug the SR first.', sr?.name_label ?? l10n.t('the SR')), facts);
  const vm = resultOf('clone');
  const newVm = l10n.t('<the new VM>');
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
      expect: (v) => (v === 'Running' ? undefined : l10n.t('power_state is {0}', String(v))),
      waitMs: 30_000,
      check: l10n.t('power_state reads Running'),
    });
  }
  return {
    ...base,
    target,
    summary: (o.start ? l10n.t('Makes a VM named {0} ({1} MiB, {2} vCPU(s), PV boot through pygrub) from the "{3}" template with {4} as its only disk, then starts it. Nothing is written to the disk.', o.name, o.memoryMiB, o.vcpus, OTHER_TEMPLATE, vdi.name_label) : l10n.t('Makes a VM named {0} ({1} MiB, {2} vCPU(s), PV boot through pygrub) from the "{3}" template with {4} as its only disk. Nothing is written to the disk.', o.name, o.memoryMiB, o.vcpus, OTHER_TEMPLATE, vdi.name_label)),
    facts,
    steps,
    journalExtra: { vdi: vdi.uuid, vm: o.name },
  };
}
