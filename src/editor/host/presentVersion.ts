// "Present as XenServer 6.0.99 to XenCenter" (H2): the admin picks the way (override file or binary
// patch), then the plan runs and reads the version back.

import * as vscode from 'vscode';
import { displayName } from '../../text/display';
import { PRESENTED_VERSION } from '../../model/xenCenterVersion';
import { planVersionOverride, type OverrideMethod } from '../../procedures/versionOverride';
import type { TreeNode } from '../../tree/nodes';
import { runWithConfirmation, type ProcedureCommandDeps } from '../runProcedure';
import { connectedTarget } from '../target';

export function registerPresentVersion(deps: ProcedureCommandDeps): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('xcpAdmin.host.presentVersion', async (node?: TreeNode) => {
      const t = connectedTarget(deps.registry, node, 'host');
      if (!t) return;
      const host = t.model.get('host', t.node.ref);
      const pick = await vscode.window.showQuickPick(
        [
          { label: vscode.l10n.t('Version override file'), description: '/etc/xensource/xapi_version_override', detail: vscode.l10n.t('Kept across xapi upgrades; for releases that read the file.'), method: 'file' as OverrideMethod },
          { label: vscode.l10n.t('Patch the xapi binary'), description: vscode.l10n.t('as the runbook does on XCP 1.5'), detail: vscode.l10n.t('The original is kept once as xapi.original; an xapi upgrade undoes it.'), method: 'binary' as OverrideMethod },
        ],
        {
          title: host
            ? vscode.l10n.t('Present {0} as XenServer {1}: how?', displayName(host.name_label), PRESENTED_VERSION)
            : vscode.l10n.t('Present the host as XenServer {0}: how?', PRESENTED_VERSION),
        },
      );
      if (pick) await runWithConfirmation(deps, t.pool, planVersionOverride(t.model, t.node.ref, pick.method));
    }),
  ];
}
