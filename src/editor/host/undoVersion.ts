// "Undo the XenServer 6.0.99 Override" (H2 undone): the override file removed or the original xapi
// binary put back, xapi restarted, the real version read back.

import * as vscode from 'vscode';
import { planUndoVersionOverride } from '../../procedures/versionOverride';
import type { TreeNode } from '../../tree/nodes';
import { runWithConfirmation, type ProcedureCommandDeps } from '../runProcedure';
import { connectedTarget } from '../target';

export function registerUndoVersion(deps: ProcedureCommandDeps): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('xcpAdmin.host.undoVersion', async (node?: TreeNode) => {
      const t = connectedTarget(deps.registry, node, 'host');
      if (t) await runWithConfirmation(deps, t.pool, planUndoVersionOverride(t.model, t.node.ref));
    }),
  ];
}
