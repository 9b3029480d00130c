// Commands on a dead host (H5 forget it, H6 declare its VMs halted) and the procedure journal.

import * as vscode from 'vscode';
import { planDeadHostVms, planForgetHost } from '../procedures/deadHost';
import { journalDocument } from '../procedures/journalDocument';
import type { TreeNode } from '../tree/nodes';
import { runWithConfirmation, type ProcedureCommandDeps } from './runProcedure';
import { connectedTarget } from './target';

export function registerProcedureCommands(deps: ProcedureCommandDeps): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('xcpAdmin.host.declareVmsHalted', async (node?: TreeNode) => {
      const t = connectedTarget(deps.registry, node, 'host');
      if (t) await runWithConfirmation(deps, t.pool, planDeadHostVms(t.model, t.node.ref));
    }),
    vscode.commands.registerCommand('xcpAdmin.host.forget', async (node?: TreeNode) => {
      const t = connectedTarget(deps.registry, node, 'host');
      if (t) await runWithConfirmation(deps, t.pool, planForgetHost(t.model, t.node.ref));
    }),
    vscode.commands.registerCommand('xcpAdmin.journal.open', async () => {
      const text = journalDocument(await deps.journal.entries());
      const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: text });
      await vscode.window.showTextDocument(doc);
    }),
  ];
}
