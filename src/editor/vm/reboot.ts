// Reboot and Force Reboot on VM rows (one or several): confirmed by name, run as XAPI tasks.

import * as vscode from 'vscode';
import type { TreeNode } from '../../tree/nodes';
import type { ProcedureCommandDeps } from '../runProcedure';
import { runPowerAction } from './power';

export function registerVmReboot(deps: ProcedureCommandDeps): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('xcpAdmin.vm.reboot', (node?: TreeNode, nodes?: TreeNode[]) => runPowerAction(deps, node, nodes, 'clean_reboot')),
    vscode.commands.registerCommand('xcpAdmin.vm.forceReboot', (node?: TreeNode, nodes?: TreeNode[]) => runPowerAction(deps, node, nodes, 'hard_reboot')),
  ];
}
