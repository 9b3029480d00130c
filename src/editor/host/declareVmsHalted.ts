// "Declare Its VMs Halted" on a dead host (H6): its VMs marked halted so they can start elsewhere.

import * as vscode from 'vscode';
import { planDeadHostVms } from '../../procedures/deadHost';
import type { TreeNode } from '../../tree/nodes';
import { runWithConfirmation, type ProcedureCommandDeps } from '../runProcedure';
import { connectedTarget } from '../target';

export function registerDeclareVmsHalted(deps: ProcedureCommandDeps): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('xcpAdmin.host.declareVmsHalted', async (node?: TreeNode) => {
      const t = connectedTarget(deps.registry, node, 'host');
      if (t) await runWithConfirmation(deps, t.pool, planDeadHostVms(t.model, t.node.ref));
    }),
  ];
}
