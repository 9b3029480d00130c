// The run of a procedure from the editor, the same for every command: build → pre-flight → the full
// dry run in the editor → "Run" → each destructive step confirmed by name and uuid → a terminal that
// shows every step → the journal. Command files build the plan; this file runs it.

import * as vscode from 'vscode';
import { runbookUrl } from './runbookUrl';
import type { PoolRegistry } from '../model/poolRegistry';
import { Journal } from '../procedures/journal';
import { actionText, type Plan } from '../procedures/plan';
import type { PlanDocuments } from './plan/planDocuments';
import { preflight } from '../procedures/preflight';
import { exportRunbook } from '../procedures/runbookExport';
import { confirmPrompt, confirms, typeToConfirm } from '../procedures/confirmation';
import { displayName } from '../text/display';
import { runPlan, type Executors, type RunOptions, type RunResult, type RunStatus } from '../procedures/runner';
import { sshExecutors, type SshExecutors } from '../procedures/sshExecutor';
import { uploadFromSource } from '../procedures/uploadFromSource';
import { sshOptions, type SshDeps } from './ssh/sshOptions';
import { ProcedureTerminal } from '../terminals/procedureTerminal';

export interface ProcedureCommandDeps {
  registry: PoolRegistry;
  journal: Journal;
  /** How shell steps reach a host over SSH (the same keys, passwords and host-key pins as Open Root Shell). */
  ssh: SshDeps;
  /** The read-only plan previews (and the plans behind them, for Export Plan as Runbook). */
  plans: PlanDocuments;
}

/** What commands that open a progress webview need besides: where the extension's files are. */
export interface PanelCommandDeps extends ProcedureCommandDeps {
  extensionUri: vscode.Uri;
}

/** What a caller can add to a run: follow its steps and progress (a webview), cancel from elsewhere. */
export interface RunHooks {
  signal?: AbortSignal;
  /** Called once the admin said Run (before the first step). */
  started?(): void;
  /** SSH connections the caller keeps across several plans (closed by the caller, not here). */
  ssh?: SshExecutors;
  /** Each step as it starts and ends. */
  onStep?: RunOptions['onStep'];
  /** A running step's progress (bytes of a stream, a long task's fraction). */
  onProgress?: RunOptions['onProgress'];
}

/** A plan refused before its first step, journaled with its exported runbook (the why of the refusal). */
export async function journalRefusal(deps: Pick<ProcedureCommandDeps, 'journal'>, plan: Plan, why: string): Promise<void> {
  const now = new Date();
  let runbook: { markdown: string; script: string } | undefined;
  try {
    const r = exportRunbook(plan, now, { status: 'refused', message: why, steps: [] }, runbookUrl());
    runbook = { markdown: r.markdown, script: r.script };
  } catch {
    runbook = undefined; // a value no runbook can hold: the refusal is journaled without one
  }
  await deps.journal.append({ procedure: plan.procedure, title: plan.title, target: plan.target, started: now.toISOString(), ended: now.toISOString(), status: 'refused', message: why, steps: [], ...(runbook ? { runbook } : {}) });
}

/** Preview → "Run" → per-step confirmations → terminal → journal. Undefined when refused or not started. */
export async function runWithConfirmation(deps: ProcedureCommandDeps, pool: string, planned: Plan, hooks: RunHooks = {}): Promise<RunResult | undefined> {
  // The pre-flight before the preview too, so a plan that could not finish is shown refused, never offered.
  const state = deps.registry.state(pool);
  const wire = state?.kind === 'connected' ? state.transport : undefined;
  const plan = preflight(planned, wire ? [wire] : undefined);
  await deps.plans.show(plan);
  // The walkthrough's "preview a procedure" step completes on this.
  void vscode.commands.executeCommand('setContext', 'xcpAdmin.planPreviewed', true);
  if (plan.refusal) {
    void vscode.window.showErrorMessage(vscode.l10n.t('{0} refused for {1}: {2}', displayName(plan.title, 200), displayName(plan.target.name), displayName(plan.refusal, 1000)));
    await journalRefusal(deps, plan, plan.refusal);
    return undefined;
  }
  const destructive = plan.steps.filter((s) => s.destructive).length;
  const asks = plan.steps.filter((s) => s.destructive && !s.confirmedBy).length;
  const run = vscode.l10n.t('Run');
  const go = await vscode.window.showWarningMessage(
    // Plain words: the runbook code is in the preview's heading and the journal, next to the runbook link.
    vscode.l10n.t('{0} — {1}?', displayName(plan.title, 200), displayName(plan.target.name)),
    {
      modal: true,
      detail: asks === destructive
        ? vscode.l10n.t('{0}\n\n{1} step(s), {2} destructive (each asks again, naming its object). The full plan is open in the editor.', displayName(plan.summary, 1000), plan.steps.length, destructive)
        : vscode.l10n.t('{0}\n\n{1} step(s), {2} destructive ({3} confirmation(s) naming the object cover them). The full plan is open in the editor.', displayName(plan.summary, 1000), plan.steps.length, destructive, asks),
    },
    run,
  );
  if (go !== run) return undefined;
  const connection = deps.registry.connection(pool);
  if (!connection) return undefined;
  const ssh = hooks.ssh ?? sshExecutors((host) => sshOptions(deps.ssh, pool, host.address, host.outsidePool));
  const terminal = new ProcedureTerminal();
  vscode.window.createTerminal({ name: vscode.l10n.t('{0} — {1}', displayName(plan.title, 60), displayName(plan.target.name, 40)), pty: terminal, iconPath: new vscode.ThemeIcon('tools') }).show();
  hooks.started?.();
  const executors: Executors = {
    // Long calls run as XAPI tasks (progress, cancel through the terminal's Ctrl-C); see src/xapi/task.ts.
    xapi: (method, args, signal, on, task) =>
      on
        ? connection.callOn(on.host.address, method, args, { slaveLocal: on.session === 'slave-local', signal, ...task })
        : connection.call(method, args, { signal, ...task }),
    shell: ssh.shell,
    relay: ssh.relay,
    checksum: ssh.checksum,
    upload: async (action, signal, onProgress) => uploadFromSource(ssh.openSource, await connection.httpAccess(), action, signal, onProgress),
  };
  let result: RunResult;
  try {
    result = await runPlan(plan, {
      console: terminal,
      wire,
      signal: hooks.signal ? AbortSignal.any([terminal.cancel.signal, hooks.signal]) : terminal.cancel.signal,
      journal: deps.journal,
      runbookUrl: runbookUrl(),
      nameOf: (ref) => {
        const state = connection.state;
        if (state.kind !== 'connected') return undefined;
        for (const cls of ['host', 'SR', 'VM', 'VDI', 'pool'] as const) {
          const rec = state.model.get(cls, ref);
          if (rec) return `${cls} ${rec.name_label || rec.uuid}`;
        }
        return undefined;
      },
      executors,
      onStep: hooks.onStep,
      onProgress: hooks.onProgress,
      confirmer: {
        confirm: async (step) => {
          const o = step.confirmObject ?? plan.target;
          if (step.typeToConfirm) {
            const now = deps.registry.state(pool);
            const sameKind = now?.kind === 'connected' ? now.model.all(o.kind).map((e) => ({ name: e.record.name_label, uuid: e.record.uuid })) : [];
            const ask = typeToConfirm(o, sameKind);
            if (ask.answer === undefined) {
              void vscode.window.showErrorMessage(vscode.l10n.t('{0}: {1}', displayName(step.title, 400), confirmPrompt(ask)));
              return false;
            }
            const typed = await vscode.window.showInputBox({
              title: vscode.l10n.t('{0}: this cannot be undone', displayName(step.title, 400)),
              prompt: vscode.l10n.t('{0} {1}', displayName(step.why, 1000), confirmPrompt(ask)),
              ignoreFocusOut: true,
              validateInput: (v) => (v === '' || confirms(ask, v) ? undefined : vscode.l10n.t('That is not {0}.', ask.what)),
            });
            return confirms(ask, typed);
          }
          const yes = vscode.l10n.t('Yes, do it');
          const answer = await vscode.window.showWarningMessage(
            vscode.l10n.t('{0}?', displayName(step.title, 400)),
            { modal: true, detail: vscode.l10n.t('{0} {1} ({2})\n\n{3}\n\n{4}', o.kind, displayName(o.name), displayName(o.uuid), displayName(step.why, 1000), displayName(actionText(step.action), 1000)) },
            yes,
          );
          return answer === yes;
        },
      },
    });
  } finally {
    if (!hooks.ssh) ssh.close();
  }
  terminal.done();
  const show = result.status === 'done' ? vscode.window.showInformationMessage : vscode.window.showWarningMessage;
  void show(endedMessage(result.status, displayName(plan.title, 200), displayName(plan.target.name), displayName(result.message, 1000)));
  return result;
}

/** The notification at the end of a run: one whole sentence per outcome. */
function endedMessage(status: RunStatus, title: string, target: string, message: string): string {
  switch (status) {
    case 'done': return vscode.l10n.t('{0} done on {1}: {2}', title, target, message);
    case 'failed': return vscode.l10n.t('{0} failed on {1}: {2}', title, target, message);
    case 'declined': return vscode.l10n.t('{0} declined on {1}: {2}', title, target, message);
    case 'cancelled': return vscode.l10n.t('{0} cancelled on {1}: {2}', title, target, message);
    case 'unknown': return vscode.l10n.t('{0} outcome unknown on {1}: {2}', title, target, message);
    case 'refused': return vscode.l10n.t('{0} refused on {1}: {2}', title, target, message);
  }
}
