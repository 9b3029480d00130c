// "Recover Pool onto a Slave" (H4, emergency path) on a pool whose master is silent, or on that master:
// the admin picks the slave to recover onto, with what each member answered to the probe.

import * as vscode from 'vscode';
import { displayName } from '../../text/display';
import type { TreeNode } from '../../tree/nodes';
import { runNewMaster } from '../host/newMaster';
import type { ProcedureCommandDeps } from '../runProcedure';
import { connectedRow } from '../target';

export function registerRecoverMaster(deps: ProcedureCommandDeps): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('xcpAdmin.pool.recoverMaster', async (node?: TreeNode) => {
      const t = connectedRow(deps.registry, node);
      if (!t) return;
      const state = deps.registry.state(t.pool);
      const lost = state?.kind === 'connected' ? state.masterLost : undefined;
      const answering = new Set(lost?.members.filter((m) => m.answer.kind === 'slave').map((m) => m.address) ?? []);
      const items = t.model.hosts()
        .filter((h) => !t.model.isMaster(h.ref))
        .map((h) => ({
          label: displayName(h.record.name_label),
          description: displayName(h.record.address),
          detail: lost ? (answering.has(h.record.address) ? vscode.l10n.t('answers as a slave') : vscode.l10n.t('does not answer')) : t.model.isHostLive(h.ref) ? vscode.l10n.t('live') : vscode.l10n.t('dead'),
          ref: h.ref,
        }));
      const pick = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('{0}: which host becomes the master?', t.pool), placeHolder: vscode.l10n.t('A slave that answers') });
      if (pick) await runNewMaster(deps, t.pool, t.model, pick.ref);
    }),
  ];
}
