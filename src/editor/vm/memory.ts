// Set Memory… on a VM row: the dynamic minimum and maximum in MiB, checked against the static limits
// as they are typed (and again in the plan); applied at once with VM.set_memory_dynamic_range.

import * as vscode from 'vscode';
import { planSetMemory } from '../../procedures/vmMemory';
import { displayName } from '../../text/display';
import type { TreeNode } from '../../tree/nodes';
import type { ProcedureCommandDeps } from '../runProcedure';
import { runAtOnce } from '../runWithProgress';
import { connectedTarget } from '../target';

const MiB = 1024 * 1024;

export function registerVmMemory(deps: ProcedureCommandDeps): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('xcpAdmin.vm.setMemory', async (node?: TreeNode) => {
      const t = connectedTarget(deps.registry, node, 'vm');
      if (!t) return;
      const vm = t.model.get('VM', t.node.ref);
      if (!vm) return;
      const [lo, hi] = [Math.ceil(vm.memory_static_min / MiB), Math.floor(vm.memory_static_max / MiB)];
      const ask = (what: string, value: number, min: number) => vscode.window.showInputBox({
        title: vscode.l10n.t('Memory of {0}', displayName(vm.name_label, 80)),
        prompt: vscode.l10n.t('Dynamic {0} in MiB, between {1} and {2} (the static limits)', what, min, hi),
        value: String(value),
        ignoreFocusOut: true,
        validateInput: (v) => {
          const n = Number(v);
          return Number.isInteger(n) && n >= min && n <= hi ? undefined : vscode.l10n.t('A whole number of MiB from {0} to {1}.', min, hi);
        },
      });
      const min = await ask(vscode.l10n.t('minimum'), Math.round(vm.memory_dynamic_min / MiB), lo);
      if (min === undefined) return;
      const max = await ask(vscode.l10n.t('maximum'), Math.round(vm.memory_dynamic_max / MiB), Number(min));
      if (max === undefined) return;
      await runAtOnce(deps, t.pool, planSetMemory(t.model, t.node.ref, Number(min) * MiB, Number(max) * MiB), vscode.l10n.t('Setting the memory of {0}', displayName(vm.name_label, 80)));
    }),
  ];
}
