// "Make a VM with This Disk" (S2's optional last step, vmFromDisk.ts): offered on any VDI and after an
// import; PV boot through pygrub, started if asked.

import * as vscode from 'vscode';
import type { PoolModel } from '../../model/poolModel';
import { planVmFromDisk } from '../../procedures/vmFromDisk';
import type { TreeNode } from '../../tree/nodes';
import type { Ref } from '../../xapi/records';
import { runWithConfirmation, type ProcedureCommandDeps } from '../runProcedure';
import { connectedTarget } from '../target';
import { askVmOptions } from './vmOptions';

export async function makeVmWithDisk(deps: ProcedureCommandDeps, pool: string, model: PoolModel, vdiRef: Ref<'VDI'>): Promise<void> {
  const options = await askVmOptions(model.get('VDI', vdiRef)?.name_label ?? vscode.l10n.t('imported disk'));
  if (options) await runWithConfirmation(deps, pool, planVmFromDisk(model, vdiRef, options));
}

export function registerMakeVm(deps: ProcedureCommandDeps): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('xcpAdmin.vdi.makeVm', async (node?: TreeNode) => {
      const t = connectedTarget(deps.registry, node, 'vdi');
      if (t) await makeVmWithDisk(deps, t.pool, t.model, t.node.ref);
    }),
  ];
}
