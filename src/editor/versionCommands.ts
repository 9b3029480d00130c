// H2 and H3 from the tree: a host presented to XenCenter as XenServer 6.0.99 (and undone), a VM's
// guest tools made to report the same version (over SSH for Linux, a .cmd script for Windows).

import * as vscode from 'vscode';
import { displayName } from '../text/display';
import { guestKind } from '../model/guestOs';
import { PRESENTED_VERSION } from '../model/xenCenterVersion';
import { planGuestTools, windowsToolsScript } from '../procedures/guestTools';
import { planUndoVersionOverride, planVersionOverride, type OverrideMethod } from '../procedures/versionOverride';
import type { TreeNode } from '../tree/nodes';
import { runWithConfirmation, type ProcedureCommandDeps } from './runProcedure';
import { connectedTarget } from './target';

export function registerVersionCommands(deps: ProcedureCommandDeps): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('xcpAdmin.host.presentVersion', async (node?: TreeNode) => {
      const t = connectedTarget(deps.registry, node, 'host');
      if (!t) return;
      const pick = await vscode.window.showQuickPick(
        [
          { label: vscode.l10n.t('Version override file'), description: '/etc/xensource/xapi_version_override', detail: vscode.l10n.t('Kept across xapi upgrades; for releases that read the file.'), method: 'file' as OverrideMethod },
          { label: vscode.l10n.t('Patch the xapi binary'), description: vscode.l10n.t('as the runbook does on XCP 1.5'), detail: vscode.l10n.t('The original is kept once as xapi.original; an xapi upgrade undoes it.'), method: 'binary' as OverrideMethod },
        ],
        {
          title: t.model.get('host', t.node.ref)
            ? vscode.l10n.t('Present {0} as XenServer {1}: how?', displayName(t.model.get('host', t.node.ref)!.name_label), PRESENTED_VERSION)
            : vscode.l10n.t('Present the host as XenServer {0}: how?', PRESENTED_VERSION),
        },
      );
      if (pick) await runWithConfirmation(deps, t.pool, planVersionOverride(t.model, t.node.ref, pick.method));
    }),
    vscode.commands.registerCommand('xcpAdmin.host.undoVersion', async (node?: TreeNode) => {
      const t = connectedTarget(deps.registry, node, 'host');
      if (t) await runWithConfirmation(deps, t.pool, planUndoVersionOverride(t.model, t.node.ref));
    }),
    vscode.commands.registerCommand('xcpAdmin.vm.guestTools', async (node?: TreeNode) => {
      if (node?.kind !== 'vm') return void vscode.window.showErrorMessage(vscode.l10n.t('Run this command from a VM in the XCP Admin view.'));
      const state = deps.registry.state(node.pool);
      if (state?.kind !== 'connected') return void vscode.window.showErrorMessage(vscode.l10n.t('Pool {0} is not connected.', node.pool));
      const vm = state.model.get('VM', node.ref);
      const plan = planGuestTools(state.model, node.ref);
      if (vm && !plan.refusal && guestKind(state.model.get('VM_guest_metrics', vm.guest_metrics)?.os_version) === 'windows') {
        // The script to run in the guest opens first; the plan then waits for the guest to report.
        const doc = await vscode.workspace.openTextDocument({ language: 'bat', content: windowsToolsScript(vm.name_label) });
        await vscode.window.showTextDocument(doc, { preview: false });
      }
      await runWithConfirmation(deps, node.pool, plan);
    }),
  ];
}
