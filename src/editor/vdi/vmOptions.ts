// The questions of "Make a VM with This Disk" (S2's optional last step): name, memory, vCPUs and whether
// to start it, each checked by the plan builder's own rules as it is typed.

import * as vscode from 'vscode';
import { checkVmOptions, type VmFromDiskOptions } from '../../procedures/vmFromDisk';

async function askNumber(title: string, value: number, check: (n: number) => string | undefined): Promise<number | undefined> {
  const text = await vscode.window.showInputBox({ title, value: String(value), ignoreFocusOut: true, validateInput: (v) => (/^\d+$/.test(v.trim()) ? check(Number(v)) : vscode.l10n.t('A whole number.')) });
  return text === undefined ? undefined : Number(text.trim());
}

export async function askVmOptions(defaultName: string): Promise<VmFromDiskOptions | undefined> {
  const base: VmFromDiskOptions = { name: defaultName, memoryMiB: 1024, vcpus: 1, start: false };
  const name = await vscode.window.showInputBox({ title: vscode.l10n.t('Make a VM with this disk: its name'), value: defaultName, ignoreFocusOut: true, validateInput: (v) => checkVmOptions({ ...base, name: v }) });
  if (name === undefined) return undefined;
  const memoryMiB = await askNumber(vscode.l10n.t('Memory (MiB)'), base.memoryMiB, (n) => checkVmOptions({ ...base, name, memoryMiB: n }));
  if (memoryMiB === undefined) return undefined;
  const vcpus = await askNumber(vscode.l10n.t('vCPUs'), base.vcpus, (n) => checkVmOptions({ ...base, name, memoryMiB, vcpus: n }));
  if (vcpus === undefined) return undefined;
  const start = await vscode.window.showQuickPick(
    [{ label: vscode.l10n.t('Make it and start it'), start: true }, { label: vscode.l10n.t('Make it, do not start it'), start: false }],
    { title: vscode.l10n.t('{0}: start it once made?', name), ignoreFocusOut: true },
  );
  return start ? { name, memoryMiB, vcpus, start: start.start } : undefined;
}
