// "Repair SR after a Raw Overwrite" (S3, srRepair.ts): the SR is scanned first, because the scan's own
// error names the LV it chokes on; the plan removes exactly that LV. When the scan still fails (or names
// no single culprit) the runbook's last resort, Forget and Re-attach, is offered.

import * as vscode from 'vscode';
import { planSrRepair } from '../../procedures/srRepair';
import { displayName } from '../../text/display';
import type { TreeNode } from '../../tree/nodes';
import { describeError } from '../../xapi/errors';
import { runWithConfirmation, type ProcedureCommandDeps } from '../runProcedure';
import { connectedTarget } from '../target';

export function registerRepair(deps: ProcedureCommandDeps): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('xcpAdmin.sr.repair', async (node?: TreeNode) => {
      const t = connectedTarget(deps.registry, node, 'sr');
      const connection = t && deps.registry.connection(t.pool);
      if (!t || !connection) return;
      const scanError = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Scanning the SR to see what fails…') }, () =>
        connection.call('SR.scan', [t.node.ref]).then(() => undefined, (err: unknown) => describeError(err)));
      const repair = planSrRepair(t.model, t.node.ref, scanError, await deps.journal.entries());
      const run = await runWithConfirmation(deps, t.pool, repair);
      const stillFails = run?.status === 'failed' && run.steps.find((s) => s.status === 'failed')?.id === 'scan';
      if (!stillFails && !(repair.refusal && scanError)) return;
      const srName = t.model.get('SR', t.node.ref)?.name_label;
      const sr = srName === undefined ? undefined : displayName(srName);
      const reattach = vscode.l10n.t('Forget and Re-attach…');
      const answer = await vscode.window.showWarningMessage(
        sr === undefined ? vscode.l10n.t('The scan of the SR still fails.') : vscode.l10n.t('The scan of {0} still fails.', sr),
        {
          modal: true,
          detail: sr === undefined
            ? vscode.l10n.t('The runbook\'s last resort: forget the SR and attach it again under the same uuid, without formatting it. The plan shows every step first.')
            : vscode.l10n.t('The runbook\'s last resort: forget {0} and attach it again under the same uuid, without formatting it. The plan shows every step first.', sr),
        },
        reattach,
      );
      if (answer === reattach) await vscode.commands.executeCommand('xcpAdmin.sr.reattach', node);
    }),
  ];
}
