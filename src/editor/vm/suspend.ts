// Suspend on VM rows (one or several): the guest's memory saved to the suspend SR, confirmed by name.
// (Resume, which is benign, is with Start in start.ts.)

import * as vscode from 'vscode';
import type { TreeNode } from '../../tree/nodes';
import type { ProcedureCommandDeps } from '../runProcedure';
import { runPowerAction } from './power';

export function registerVmSuspend(deps: ProcedureCommandDeps): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('xcpAdmin.vm.suspend', (node?: TreeNode, nodes?: TreeNode[]) => runPowerAction(deps, node, nodes, 'suspend')),
  ];
}
