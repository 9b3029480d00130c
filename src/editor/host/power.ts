// Reboot Host and Shut Down Host on host rows: a host with no VM goes straight to its confirmation; VMs
// still running there are each shut down first under a confirmation that names them.

import * as vscode from 'vscode';
import { planHostPower } from '../../procedures/maintenanceMode';
import { displayName } from '../../text/display';
import type { TreeNode } from '../../tree/nodes';
import type { ProcedureCommandDeps } from '../runProcedure';
import { runConfirmedWithProgress } from '../runWithProgress';
import { connectedTarget } from '../target';

export function registerHostPower(deps: ProcedureCommandDeps): vscode.Disposable[] {
  const run = async (node: TreeNode | undefined, action: 'reboot' | 'shutdown') => {
    const t = connectedTarget(deps.registry, node, 'host');
    if (!t) return;
    const name = displayName(t.model.get('host', t.node.ref)?.name_label ?? '?', 80);
    await runConfirmedWithProgress(deps, t.pool, planHostPower(t.model, t.node.ref, action), action === 'reboot' ? vscode.l10n.t('Rebooting {0}', name) : vscode.l10n.t('Shutting down {0}', name));
  };
  return [
    vscode.commands.registerCommand('xcpAdmin.host.reboot', (node?: TreeNode) => run(node, 'reboot')),
    vscode.commands.registerCommand('xcpAdmin.host.shutdown', (node?: TreeNode) => run(node, 'shutdown')),
  ];
}
