// "Guest Tools Report 6.0.99" on a VM (H3): over SSH for a Linux guest; for a Windows guest the .cmd
// script to run inside it opens first, then the plan waits for the guest to report the version.

import * as vscode from 'vscode';
import { guestKind } from '../../model/guestOs';
import { planGuestTools, windowsToolsScript } from '../../procedures/guestTools';
import type { TreeNode } from '../../tree/nodes';
import { runWithConfirmation, type ProcedureCommandDeps } from '../runProcedure';
import { connectedTarget } from '../target';

export function registerGuestTools(deps: ProcedureCommandDeps): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('xcpAdmin.vm.guestTools', async (node?: TreeNode) => {
      const t = connectedTarget(deps.registry, node, 'vm');
      if (!t) return;
      const vm = t.model.get('VM', t.node.ref);
      const plan = planGuestTools(t.model, t.node.ref);
      if (vm && !plan.refusal && guestKind(t.model.get('VM_guest_metrics', vm.guest_metrics)?.os_version) === 'windows') {
        const doc = await vscode.workspace.openTextDocument({ language: 'bat', content: windowsToolsScript(vm.name_label) });
        await vscode.window.showTextDocument(doc, { preview: false });
      }
      await runWithConfirmation(deps, t.pool, plan);
    }),
  ];
}
