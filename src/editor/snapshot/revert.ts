// Revert to Snapshot… on a snapshot row: destructive (the VM's current disks are replaced), so it goes
// through the preview and a confirmation that names the VM and the snapshot; then the VM is started
// again if it ran when the snapshot was taken. The task's progress shows in a notification.

import * as vscode from 'vscode';
import { planRevert } from '../../procedures/snapshots';
import { displayName } from '../../text/display';
import type { TreeNode } from '../../tree/nodes';
import type { ProcedureCommandDeps } from '../runProcedure';
import { runConfirmedWithProgress } from '../runWithProgress';
import { connectedTarget } from '../target';

export function registerSnapshotRevert(deps: ProcedureCommandDeps): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('xcpAdmin.snapshot.revert', async (node?: TreeNode) => {
      const t = connectedTarget(deps.registry, node, 'snapshot');
      if (!t) return;
      const snap = t.model.get('VM', t.node.ref);
      await runConfirmedWithProgress(deps, t.pool, planRevert(t.model, t.node.ref), vscode.l10n.t('Reverting to {0}', displayName(snap?.name_label ?? '?', 80)));
    }),
  ];
}
