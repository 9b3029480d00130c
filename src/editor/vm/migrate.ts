// Migrate to Host… on a running VM row: every other host is listed with what XAPI says about running
// the VM there (VM.assert_can_boot_here) and what the model says (local disks, memory, maintenance);
// the pick runs VM.pool_migrate live at once, its task's progress in a notification with Cancel.

import * as vscode from 'vscode';
import { planMigrate } from '../../procedures/vmMigrate';
import { displayName } from '../../text/display';
import type { TreeNode } from '../../tree/nodes';
import type { ProcedureCommandDeps } from '../runProcedure';
import { runAtOnce } from '../runWithProgress';
import { hostChecksFor } from './hostChecks';

export function registerVmMigrate(deps: ProcedureCommandDeps): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('xcpAdmin.vm.migrate', async (node?: TreeNode) => {
      const asked = await hostChecksFor(deps, node, (name) => vscode.l10n.t('Checking where {0} can go…', displayName(name, 80)));
      if (!asked) return;
      const { t, vm, checks } = asked;
      const items = checks
        .filter((c) => c.host.ref !== vm.resident_on)
        .map((c) => {
          const plan = planMigrate(t.model, t.node.ref, c.host.ref, c.error);
          return {
            label: `${plan.refusal ? '$(circle-slash) ' : '$(server) '}${displayName(c.host.record.name_label)}`,
            description: displayName(c.host.record.address),
            detail: plan.refusal ? displayName(plan.refusal, 300) : vscode.l10n.t('XAPI accepts it: {0}', displayName(plan.facts[1] ?? '', 200)),
            plan,
            host: c.host.record.name_label,
          };
        })
        .sort((a, b) => Number(!!a.plan.refusal) - Number(!!b.plan.refusal));
      const pick = await vscode.window.showQuickPick(items, {
        title: vscode.l10n.t('Migrate {0} to which host?', displayName(vm.name_label, 80)),
        placeHolder: vscode.l10n.t('Live migration within the pool; hosts that cannot take it say why'),
        matchOnDetail: false,
      });
      if (!pick) return;
      await runAtOnce(deps, t.pool, pick.plan, vscode.l10n.t('Migrating {0} to {1}', displayName(vm.name_label, 80), displayName(pick.host, 80)));
    }),
  ];
}
