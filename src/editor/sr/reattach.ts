// "Forget and Re-attach SR, Keeping Its Data" (S3's last resort, srReattach.ts): introduced again under
// the same uuid, never formatted, the VMs' disk slots made again. Also offered by Repair SR when its
// scan still fails.

import * as vscode from 'vscode';
import { planSrReattach } from '../../procedures/srReattach';
import type { TreeNode } from '../../tree/nodes';
import { runWithConfirmation, type ProcedureCommandDeps } from '../runProcedure';
import { connectedTarget } from '../target';

export function registerReattach(deps: ProcedureCommandDeps): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('xcpAdmin.sr.reattach', async (node?: TreeNode) => {
      const t = connectedTarget(deps.registry, node, 'sr');
      if (t) await runWithConfirmation(deps, t.pool, planSrReattach(t.model, t.node.ref));
    }),
  ];
}
