// What a finding's menu does: Run Fix (the same command the tree's menu runs, on the same row: it opens
// that procedure's plan behind the usual preview and confirmation), Dismiss (an XAPI alert:
// message.destroy after a confirmation naming it; a derived finding: muted for that object, remembered
// across restarts), Copy Details; plus Show Problems (the status bar's) and Show Muted Findings Again.

import * as vscode from 'vscode';
import { findingDetails } from '../../health/describe';
import type { PoolRegistry } from '../../model/poolRegistry';
import { describeError } from '../../xapi/errors';
import { displayName } from '../../text/display';
import { fixNode } from './findingNode';
import type { HealthService } from './healthService';
import type { ProblemNode } from './problemsView';

function findingOf(node: ProblemNode | undefined): Extract<ProblemNode, { kind: 'finding' }> | undefined {
  if (node?.kind === 'finding') return node;
  void vscode.window.showErrorMessage(vscode.l10n.t('Run this command from a finding in the Problems view of XCP Admin.'));
  return undefined;
}

export function registerHealthActions(deps: { registry: PoolRegistry; health: HealthService }): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('xcpAdmin.health.runFix', async (node?: ProblemNode) => {
      const n = findingOf(node);
      if (!n) return;
      const command = n.finding.fix?.command;
      const target = fixNode(n.pool, n.finding);
      if (!command || !target) {
        void vscode.window.showInformationMessage(vscode.l10n.t('No command fixes this; what to do: {0}', displayName(n.finding.fix?.procedure ?? n.finding.summary, 400)));
        return;
      }
      await vscode.commands.executeCommand(command, target);
    }),
    vscode.commands.registerCommand('xcpAdmin.health.dismiss', async (node?: ProblemNode) => {
      const n = findingOf(node);
      if (!n) return;
      const f = n.finding;
      if (!f.message) {
        await deps.health.mute(n.pool, f);
        return;
      }
      const conn = deps.registry.connection(n.pool);
      const yes = vscode.l10n.t('Dismiss');
      const answer = await vscode.window.showWarningMessage(
        vscode.l10n.t('Dismiss the alert {0} on {1} {2} in pool {3}? It is deleted from XAPI (message.destroy): XenCenter and other clients no longer see it either.', displayName(f.message.name), f.object.kind, displayName(f.object.name || f.object.uuid), displayName(n.pool)),
        { modal: true },
        yes,
      );
      if (answer !== yes || !conn) return;
      try {
        await conn.dismissMessage(f.message.ref);
      } catch (err) {
        void vscode.window.showErrorMessage(vscode.l10n.t('The alert could not be dismissed: {0}', describeError(err)));
      }
    }),
    vscode.commands.registerCommand('xcpAdmin.health.copyDetails', async (node?: ProblemNode) => {
      const n = findingOf(node);
      if (!n) return;
      await vscode.env.clipboard.writeText(findingDetails(n.finding, n.pool));
    }),
    vscode.commands.registerCommand('xcpAdmin.health.show', async () => {
      await vscode.commands.executeCommand('xcpAdmin.problems.focus');
    }),
    vscode.commands.registerCommand('xcpAdmin.health.unmuteAll', async () => {
      await deps.health.unmuteAll();
    }),
  ];
}
