// The two ways the daily operations (VM power, migration, snapshots, memory, maintenance) run from the
// tree, both with the XAPI task's progress in a notification and Cancel through task.cancel where XAPI
// allows it, both journaled:
// - `runAtOnce`: a plan with no destructive step (start, resume, migrate, take a snapshot, set memory)
//   runs at once, its outcome in a notification; a refusal is shown and journaled, never run.
// - `runConfirmedWithProgress`: a destructive plan (shut down, revert, delete, maintenance) goes through
//   runWithConfirmation (preview, confirmations naming the object, terminal) with the notification on top.

import * as vscode from 'vscode';
import { runbookUrl } from './runbookUrl';
import type { Plan, Step } from '../procedures/plan';
import { preflight } from '../procedures/preflight';
import { runPlan, type Executors, type RunResult } from '../procedures/runner';
import { displayName } from '../text/display';
import { journalRefusal, runWithConfirmation, type ProcedureCommandDeps, type RunHooks } from './runProcedure';

/** A notification that follows a plan's steps and their tasks' progress; its Cancel aborts `abort`. */
class ProgressNotification {
  private report: ((message: string, overall: number) => void) | undefined;
  private finish!: () => void;
  private readonly done = new Promise<void>((resolve) => (this.finish = resolve));
  private step: Step | undefined;
  private shown = 0;

  constructor(private readonly plan: Plan, private readonly title: string, private readonly abort: AbortController) {}

  open(): void {
    void vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: this.title, cancellable: true }, (progress, token) => {
      token.onCancellationRequested(() => this.abort.abort());
      this.report = (message, overall) => {
        const pct = Math.max(this.shown, Math.min(100, Math.round(overall * 100)));
        progress.report({ message, increment: pct - this.shown });
        this.shown = pct;
      };
      return this.done;
    });
  }

  stepStarted(step: Step): void {
    this.step = step;
    this.progress(0);
  }

  /** The running step's task progress, 0..1. */
  progress(fraction: number): void {
    if (!this.step) return;
    const n = Math.max(1, this.plan.steps.length);
    const i = Math.max(0, this.plan.steps.indexOf(this.step));
    const label = displayName(this.step.title, 120);
    // One step: the title says it all, the message is the task's progress.
    this.report?.(n > 1 ? vscode.l10n.t('{0} ({1} of {2}): {3}%', label, i + 1, n, Math.round(fraction * 100)) : vscode.l10n.t('{0}%', Math.round(fraction * 100)), (i + fraction) / n);
  }

  close(): void {
    this.finish();
  }
}

/** The outcome of a run as one notification. */
function showOutcome(plan: Plan, result: RunResult): void {
  const target = displayName(plan.target.name);
  const message = displayName(result.message, 1000);
  const steps = displayName(plan.steps.map((st) => st.title).join('; '), 400);
  if (result.status === 'done') void vscode.window.showInformationMessage(vscode.l10n.t('Done: {0}.', steps));
  else if (result.status === 'cancelled') void vscode.window.showWarningMessage(vscode.l10n.t('{0} cancelled on {1}: {2}', displayName(plan.title), target, message));
  else void vscode.window.showErrorMessage(vscode.l10n.t('{0} failed on {1}: {2}', displayName(plan.title), target, message));
}

/** A plan without destructive steps, run at once with a progress notification; journaled. */
export async function runAtOnce(deps: ProcedureCommandDeps, pool: string, planned: Plan, title: string): Promise<RunResult | undefined> {
  const state = deps.registry.state(pool);
  const connection = deps.registry.connection(pool);
  const wire = state?.kind === 'connected' ? state.transport : undefined;
  const plan = preflight(planned, wire ? [wire] : undefined);
  if (plan.refusal || !connection) {
    const why = plan.refusal ?? vscode.l10n.t('Pool {0} is not connected.', pool);
    void vscode.window.showErrorMessage(vscode.l10n.t('{0} refused for {1}: {2}', displayName(plan.title), displayName(plan.target.name), displayName(why, 1000)));
    await journalRefusal(deps, plan, why);
    return undefined;
  }
  if (plan.steps.some((s) => s.destructive)) throw new Error(`${plan.title} has destructive steps: it goes through runWithConfirmation`);
  const abort = new AbortController();
  const note = new ProgressNotification(plan, title, abort);
  note.open();
  const executors: Executors = {
    xapi: (method, args, signal, _on, hooks) => connection.call(method, args, { signal, ...hooks }),
    shell: async () => { throw new Error('no shell step in this plan'); },
  };
  try {
    const result = await runPlan(plan, {
      executors,
      onProgress: (_step, p) => { if (p.kind === 'fraction') note.progress(p.fraction); },
      console: { line: () => undefined },
      confirmer: { confirm: async () => false },
      journal: deps.journal,
      runbookUrl: runbookUrl(),
      signal: abort.signal,
      wire,
      onStep: (step, status) => { if (status === 'running') note.stepStarted(step); },
    });
    showOutcome(plan, result);
    return result;
  } finally {
    note.close();
  }
}

/** A destructive plan: preview, confirmations and terminal (runWithConfirmation), with the progress notification. */
export async function runConfirmedWithProgress(deps: ProcedureCommandDeps, pool: string, plan: Plan, title: string): Promise<RunResult | undefined> {
  const abort = new AbortController();
  const note = new ProgressNotification(plan, title, abort);
  const hooks: RunHooks = {
    signal: abort.signal,
    started: () => note.open(),
    onProgress: (_step, p) => { if (p.kind === 'fraction') note.progress(p.fraction); },
    onStep: (step, status) => { if (status === 'running') note.stepStarted(step); },
  };
  try {
    return await runWithConfirmation(deps, pool, plan, hooks);
  } finally {
    note.close();
  }
}
