// "Recover Slaves" (H4's last step) on a pool: an old master that came back, and slaves that still
// point at it, are told who the master is.

import * as vscode from 'vscode';
import { planRecoverSlaves } from '../../procedures/masterRecovery';
import type { TreeNode } from '../../tree/nodes';
import { runWithConfirmation, type ProcedureCommandDeps } from '../runProcedure';
import { connectedTarget } from '../target';

export function registerRecoverSlaves(deps: ProcedureCommandDeps): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('xcpAdmin.pool.recoverSlaves', async (node?: TreeNode) => {
      const t = connectedTarget(deps.registry, node, 'pool');
      if (t) await runWithConfirmation(deps, t.pool, planRecoverSlaves(t.model));
    }),
  ];
}
