// Take Snapshot… on a VM row: a name (prefilled with the time), quiesced when the guest offers it
// (XAPI lists snapshot_with_quiesce in the VM's allowed_operations); runs at once as an XAPI task.

import * as vscode from 'vscode';
import { planTakeSnapshot } from '../../procedures/snapshots';
import { allowedOps } from '../../procedures/vmPower';
import { displayName } from '../../text/display';
import type { TreeNode } from '../../tree/nodes';
import type { ProcedureCommandDeps } from '../runProcedure';
import { runAtOnce } from '../runWithProgress';
import { connectedTarget } from '../target';

export function registerVmSnapshot(deps: ProcedureCommandDeps): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('xcpAdmin.vm.takeSnapshot', async (node?: TreeNode) => {
      const t = connectedTarget(deps.registry, node, 'vm');
      if (!t) return;
      const vm = t.model.get('VM', t.node.ref);
      if (!vm) return;
      const name = await vscode.window.showInputBox({
        title: vscode.l10n.t('Snapshot of {0}', displayName(vm.name_label, 80)),
        prompt: vscode.l10n.t('Name of the snapshot'),
        value: `${displayName(vm.name_label, 60)} ${new Date().toISOString().slice(0, 16).replace('T', ' ')}`,
        ignoreFocusOut: true,
        validateInput: (v) => (v.trim() === '' ? vscode.l10n.t('A snapshot needs a name.') : undefined),
      });
      if (name === undefined) return;
      let quiesce = false;
      if (allowedOps(vm).includes('snapshot_with_quiesce')) {
        const how = await vscode.window.showQuickPick(
          [
            { label: vscode.l10n.t('Quiesced'), detail: vscode.l10n.t('The guest flushes its disks first (VSS); consistent for databases.'), quiesce: true },
            { label: vscode.l10n.t('Crash-consistent'), detail: vscode.l10n.t('As if the power went off; no help from the guest.'), quiesce: false },
          ],
          { title: vscode.l10n.t('Snapshot of {0}: how?', displayName(vm.name_label, 80)) },
        );
        if (!how) return;
        quiesce = how.quiesce;
      }
      await runAtOnce(deps, t.pool, planTakeSnapshot(t.model, t.node.ref, name, quiesce), vscode.l10n.t('Snapshotting {0}', displayName(vm.name_label, 80)));
    }),
  ];
}
