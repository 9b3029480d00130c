// Start and Start on Host… on VM rows. Start runs at once (XAPI picks the host); Start on Host… offers
// only the hosts XAPI says can run the VM (VM.assert_can_boot_here on each), the others listed with
// XAPI's reason, so the admin sees why a host is not offered.

import * as vscode from 'vscode';
import { displayName } from '../../text/display';
import type { TreeNode } from '../../tree/nodes';
import type { ProcedureCommandDeps } from '../runProcedure';
import { hostChecksFor } from './hostChecks';
import { runPowerAction } from './power';

export function registerVmStart(deps: ProcedureCommandDeps): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('xcpAdmin.vm.start', (node?: TreeNode, nodes?: TreeNode[]) => runPowerAction(deps, node, nodes, 'start')),
    vscode.commands.registerCommand('xcpAdmin.vm.resume', (node?: TreeNode, nodes?: TreeNode[]) => runPowerAction(deps, node, nodes, 'resume')),
    vscode.commands.registerCommand('xcpAdmin.vm.startOn', async (node?: TreeNode) => {
      const asked = await hostChecksFor(deps, node, (name) => vscode.l10n.t('Asking XAPI which hosts can run {0}…', displayName(name, 80)));
      if (!asked) return;
      const { vm, checks } = asked;
      const items = checks.map((c) => ({
        label: displayName(c.host.record.name_label),
        description: displayName(c.host.record.address),
        detail: c.error ? vscode.l10n.t('XAPI: {0}', displayName(c.error.join(' '), 200)) : vscode.l10n.t('can run it'),
        ref: c.host.ref,
        ok: !c.error,
      }));
      const usable = items.filter((i) => i.ok);
      if (usable.length === 0) {
        void vscode.window.showErrorMessage(vscode.l10n.t('No host can run {0} now: {1}', displayName(vm.name_label), displayName(items.map((i) => `${i.label}: ${i.detail}`).join('; '), 1000)));
        return;
      }
      const pick = await vscode.window.showQuickPick([...usable, ...items.filter((i) => !i.ok).map((i) => ({ ...i, label: `$(circle-slash) ${i.label}` }))], {
        title: vscode.l10n.t('Start {0} on which host?', displayName(vm.name_label, 80)),
        placeHolder: vscode.l10n.t('Hosts XAPI accepts come first; the others say why not'),
      });
      if (!pick) return;
      if (!pick.ok) return void vscode.window.showErrorMessage(vscode.l10n.t('{0} cannot run {1}: {2}', pick.label.replace('$(circle-slash) ', ''), displayName(vm.name_label), pick.detail));
      await runPowerAction(deps, node, [node!], 'start_on', pick.ref);
    }),
  ];
}
