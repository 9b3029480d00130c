// Shut Down and Force Shut Down on VM rows (one or several): confirmed by name, then run as XAPI tasks
// with a progress notification. A guest without tools gets a refusal that points at Force Shut Down.

import * as vscode from 'vscode';
import type { TreeNode } from '../../tree/nodes';
import type { ProcedureCommandDeps } from '../runProcedure';
import { runPowerAction } from './power';

export function registerVmShutdown(deps: ProcedureCommandDeps): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('xcpAdmin.vm.shutdown', (node?: TreeNode, nodes?: TreeNode[]) => runPowerAction(deps, node, nodes, 'clean_shutdown')),
    vscode.commands.registerCommand('xcpAdmin.vm.forceShutdown', (node?: TreeNode, nodes?: TreeNode[]) => runPowerAction(deps, node, nodes, 'hard_shutdown')),
  ];
}
