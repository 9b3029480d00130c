// "Make Pool Master" on a live slave (H4): the hand-over, or the emergency path when the probe finds the
// master dead (host/newMaster.ts).

import * as vscode from 'vscode';
import type { TreeNode } from '../../tree/nodes';
import type { ProcedureCommandDeps } from '../runProcedure';
import { connectedTarget } from '../target';
import { runNewMaster } from './newMaster';

export function registerMakeMaster(deps: ProcedureCommandDeps): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('xcpAdmin.host.makeMaster', async (node?: TreeNode) => {
      const t = connectedTarget(deps.registry, node, 'host');
      if (t) await runNewMaster(deps, t.pool, t.model, t.node.ref);
    }),
  ];
}
