// Shared by the VM power commands (start.ts, shutdown.ts, reboot.ts, suspend.ts): the selected VMs of
// one connected pool, the plan, and the run that fits it (at once for start and resume, confirmed for
// the rest), with the task's progress in a notification. A clean shutdown or reboot that fails offers
// the forced one.

import * as vscode from 'vscode';
import { planVmPower, type PowerAction } from '../../procedures/vmPower';
import { displayName } from '../../text/display';
import type { TreeNode } from '../../tree/nodes';
import type { Ref } from '../../xapi/records';
import type { ProcedureCommandDeps } from '../runProcedure';
import { runAtOnce, runConfirmedWithProgress } from '../runWithProgress';
import { connectedTargets } from '../target';

/** The progress notification's title for an action on these VMs. */
function titleOf(action: PowerAction, names: string[]): string {
  const what = names.length === 1 ? displayName(names[0], 80) : vscode.l10n.t('{0} VMs', names.length);
  switch (action) {
    case 'start': case 'start_on': return vscode.l10n.t('Starting {0}', what);
    case 'clean_shutdown': return vscode.l10n.t('Shutting down {0}', what);
    case 'hard_shutdown': return vscode.l10n.t('Forcing {0} off', what);
    case 'clean_reboot': return vscode.l10n.t('Rebooting {0}', what);
    case 'hard_reboot': return vscode.l10n.t('Forcing {0} to reboot', what);
    case 'suspend': return vscode.l10n.t('Suspending {0}', what);
    case 'resume': return vscode.l10n.t('Resuming {0}', what);
  }
}

/** Runs `action` on the VM rows selected (the clicked row when nothing else is). */
export async function runPowerAction(deps: ProcedureCommandDeps, node: TreeNode | undefined, nodes: readonly TreeNode[] | undefined, action: PowerAction, host?: Ref<'host'>): Promise<void> {
  const targets = connectedTargets(deps.registry, node, nodes, 'vm');
  if (!targets) return;
  const { pool, model } = targets[0];
  const refs = targets.map((t) => t.node.ref);
  const plan = planVmPower(model, refs, action, host);
  const title = titleOf(action, refs.map((r) => model.get('VM', r)?.name_label ?? '?'));
  if (!plan.steps.some((s) => s.destructive)) {
    await runAtOnce(deps, pool, plan, title);
    return;
  }
  const result = await runConfirmedWithProgress(deps, pool, plan, title);
  // A clean shutdown or reboot the guest did not carry out: the forced one is offered (and confirmed again).
  const forced = action === 'clean_shutdown' ? 'hard_shutdown' : action === 'clean_reboot' ? 'hard_reboot' : undefined;
  if (forced && result?.status === 'failed') {
    const force = forced === 'hard_shutdown' ? vscode.l10n.t('Force Shut Down') : vscode.l10n.t('Force Reboot');
    const answer = await vscode.window.showWarningMessage(vscode.l10n.t('The guest did not {0} cleanly. Force it? Unsaved data in the guest is lost.', forced === 'hard_shutdown' ? vscode.l10n.t('shut down') : vscode.l10n.t('reboot')), force);
    if (answer === force) await runPowerAction(deps, node, nodes, forced);
  }
}
