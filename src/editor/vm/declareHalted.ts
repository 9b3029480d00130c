// H6 from a VM row: "Declare Halted" on a VM recorded on a dead host, or on a multi-selection of such
// VMs (the runbook's "one or all"). The plan comes from src/procedures/deadHost.ts; the run is the
// shared preview → confirm → terminal → journal flow.

import * as vscode from 'vscode';
import { planSelectedVmsHalted } from '../../procedures/deadHost';
import type { TreeNode } from '../../tree/nodes';
import { runWithConfirmation, type ProcedureCommandDeps } from '../runProcedure';
import { connectedTargets } from '../target';

export function registerDeclareVmHalted(deps: ProcedureCommandDeps): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('xcpAdmin.vm.declareHalted', async (node?: TreeNode, nodes?: TreeNode[]) => {
      const targets = connectedTargets(deps.registry, node, nodes, 'vm');
      if (!targets) return;
      const { pool, model } = targets[0];
      await runWithConfirmation(deps, pool, planSelectedVmsHalted(model, targets.map((t) => t.node.ref)));
    }),
  ];
}
