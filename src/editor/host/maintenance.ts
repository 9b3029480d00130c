// Enter / Exit Maintenance Mode… on host rows. Entering asks XAPI which VMs cannot leave
// (host.get_vms_which_prevent_evacuation) and builds the plan from that answer (refused, listing each VM
// and why, while there are any); a master hands its role over first, and the pool then follows the new
// master as after H4. The evacuation's task progress shows in a notification.

import * as vscode from 'vscode';
import { handOverCandidate, planEnterMaintenance, planExitMaintenance } from '../../procedures/maintenanceMode';
import { displayName } from '../../text/display';
import type { TreeNode } from '../../tree/nodes';
import { describeError } from '../../xapi/errors';
import type { ProcedureCommandDeps } from '../runProcedure';
import { runAtOnce, runConfirmedWithProgress } from '../runWithProgress';
import { connectedTarget } from '../target';

export function registerHostMaintenance(deps: ProcedureCommandDeps): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('xcpAdmin.host.enterMaintenance', async (node?: TreeNode) => {
      const t = connectedTarget(deps.registry, node, 'host');
      const connection = t && deps.registry.connection(t.pool);
      if (!t || !connection) return;
      const host = t.model.get('host', t.node.ref);
      let problems: Record<string, string[]>;
      try {
        problems = await connection.call<Record<string, string[]>>('host.get_vms_which_prevent_evacuation', [t.node.ref]);
      } catch (err) {
        return void vscode.window.showErrorMessage(vscode.l10n.t('Could not ask XAPI which VMs can leave {0}: {1}', displayName(host?.name_label ?? '?'), describeError(err)));
      }
      const safe: Record<string, string[]> = {};
      for (const [vm, error] of Object.entries(problems && typeof problems === 'object' ? problems : {})) safe[vm] = Array.isArray(error) ? error.map(String) : [String(error)];
      const newMaster = t.model.isMaster(t.node.ref) ? handOverCandidate(t.model, t.node.ref) : undefined;
      const result = await runConfirmedWithProgress(deps, t.pool, planEnterMaintenance(t.model, t.node.ref, safe, newMaster), vscode.l10n.t('{0} entering maintenance mode', displayName(host?.name_label ?? '?', 80)));
      const to = newMaster && t.model.get('host', newMaster);
      if (result?.status === 'done' && to) await connection.follow(to.address);
    }),
    vscode.commands.registerCommand('xcpAdmin.host.exitMaintenance', async (node?: TreeNode) => {
      const t = connectedTarget(deps.registry, node, 'host');
      if (!t) return;
      const host = t.model.get('host', t.node.ref);
      await runAtOnce(deps, t.pool, planExitMaintenance(t.model, t.node.ref), vscode.l10n.t('{0} leaving maintenance mode', displayName(host?.name_label ?? '?', 80)));
    }),
  ];
}
