// "Forget Dead Host" (H5): a host that will not come back removed from the pool.

import * as vscode from 'vscode';
import { planForgetHost } from '../../procedures/deadHost';
import type { TreeNode } from '../../tree/nodes';
import { runWithConfirmation, type ProcedureCommandDeps } from '../runProcedure';
import { connectedTarget } from '../target';

export function registerForgetHost(deps: ProcedureCommandDeps): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('xcpAdmin.host.forget', async (node?: TreeNode) => {
      const t = connectedTarget(deps.registry, node, 'host');
      if (t) await runWithConfirmation(deps, t.pool, planForgetHost(t.model, t.node.ref));
    }),
  ];
}
