// Delete Snapshot on a snapshot row: its record and its snapshot disks (listed in the plan), under one
// confirmation that names it.

import * as vscode from 'vscode';
import { planDeleteSnapshot } from '../../procedures/snapshots';
import { displayName } from '../../text/display';
import type { TreeNode } from '../../tree/nodes';
import type { ProcedureCommandDeps } from '../runProcedure';
import { runConfirmedWithProgress } from '../runWithProgress';
import { connectedTarget } from '../target';

export function registerSnapshotDelete(deps: ProcedureCommandDeps): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('xcpAdmin.snapshot.delete', async (node?: TreeNode) => {
      const t = connectedTarget(deps.registry, node, 'snapshot');
      if (!t) return;
      const snap = t.model.get('VM', t.node.ref);
      await runConfirmedWithProgress(deps, t.pool, planDeleteSnapshot(t.model, t.node.ref), vscode.l10n.t('Deleting snapshot {0}', displayName(snap?.name_label ?? '?', 80)));
    }),
  ];
}
