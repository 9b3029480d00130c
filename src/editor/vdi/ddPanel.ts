// The dd webview of S2, following a run through the runner's events: a stream step (relay or
// import_raw_vdi) starting gives the two ends, its byte progress the bar and the graph, its end or
// failure the phase; the checksum step gives the verdict. Nothing here wraps an executor.

import * as vscode from 'vscode';
import type { RunResult, StepProgress, StepStatus } from '../../procedures/runner';
import type { Plan, Step } from '../../procedures/plan';
import { displayName } from '../../text/display';
import { initialDd, reduceDd, validDdFromView, type DdState, type DdToView } from '../../webviews/protocol';
import { ProgressPanel } from '../../webviews/progressPanel';
import { ddLabels } from '../../webviews/labels';

export class DdPanel implements vscode.Disposable {
  private readonly panel: Pick<ProgressPanel<DdState, DdToView>, 'post' | 'dispose'>;
  private clock: ReturnType<typeof setInterval> | undefined;
  private verdicts = 0;

  constructor(extensionUri: vscode.Uri, vdiName: string, onCancel: () => void) {
    const panel = new ProgressPanel<DdState, DdToView>({
      viewType: 'xcpAdmin.ddProgress', title: vscode.l10n.t('dd → {0}', displayName(vdiName, 40)), extensionUri, script: 'ddProgress.js', labels: ddLabels(),
      initial: initialDd(), reduce: reduceDd, snapshot: (state) => ({ kind: 'snapshot', state }), fromView: validDdFromView, onCancel,
    });
    // Every message goes through here, so a verdict is counted once, whichever step gave it.
    this.panel = { post: (m: DdToView) => (m.kind === 'verdict' && this.verdicts++, panel.post(m)), dispose: () => panel.dispose() };
  }

  /** The runner's onStep. */
  readonly onStep = (step: Step, status: StepStatus | 'running', output?: string, error?: string): void => {
    const a = step.action;
    if (a.kind === 'relay' || a.kind === 'upload') {
      if (status === 'running') {
        const source = a.source.kind === 'ssh' ? `${a.source.host.name}:${a.source.path}` : vscode.l10n.t('this machine: {0}', a.source.path);
        const target = a.kind === 'relay' ? `${a.target.host.name}:${a.target.device}` : vscode.l10n.t('VDI {0} (import_raw_vdi)', a.vdi.name);
        this.panel.post({ kind: 'start', ends: { source: displayName(source, 400), target: displayName(target, 400), total: a.bytes } });
        // The clock goes on while no byte comes, so the view can show a stall.
        const t0 = Date.now();
        this.clock = setInterval(() => this.panel.post({ kind: 'tick', elapsedMs: Date.now() - t0 }), 1000);
        return;
      }
      this.stopClock();
      if (status === 'cancelled') this.panel.post({ kind: 'phase', phase: 'cancelled' });
      else if (status !== 'done') this.panel.post({ kind: 'verdict', ok: false, message: vscode.l10n.t('The copy failed: {0}', error ?? status) });
    } else if (a.kind === 'checksum') {
      if (status === 'running') return this.panel.post({ kind: 'phase', phase: 'verifying' });
      const sums = parseSums(output);
      if (status === 'done' && sums) this.panel.post({ kind: 'verdict', ok: true, message: vscode.l10n.t('The LV holds exactly the source\'s bytes.'), ...sums });
      else if (sums && sums.source !== sums.target) this.panel.post({ kind: 'verdict', ok: false, message: vscode.l10n.t('The checksums DIFFER: the LV does not hold the source\'s bytes.'), ...sums });
      else if (status !== 'done') this.panel.post({ kind: 'verdict', ok: false, message: vscode.l10n.t('The checksums could not be compared: {0}', error ?? status) });
    }
  };

  /** The runner's onProgress. */
  readonly onProgress = (_step: Step, p: StepProgress): void => {
    if (p.kind === 'bytes') this.panel.post({ kind: 'progress', bytes: p.bytes, elapsedMs: p.elapsedMs });
  };

  /**
   * The run's end: a run that stopped before the stream or its check says why; an import without a
   * checksum step (a VHD-based SR stores a VHD, not the bytes) ends on the server's answer.
   */
  ended(result: RunResult | undefined, plan: Plan): void {
    this.stopClock();
    if (!result || this.verdictShown) return;
    if (result.status !== 'done') this.panel.post({ kind: 'verdict', ok: false, message: result.message });
    else if (!plan.steps.some((s) => s.action.kind === 'checksum')) this.panel.post({ kind: 'verdict', ok: true, message: vscode.l10n.t('Every byte went in and XAPI accepted the import; the SR stores the disk as a VHD, so there is no LV to compare.') });
  }

  private get verdictShown(): boolean {
    return this.verdicts > 0;
  }

  private stopClock(): void {
    if (this.clock) clearInterval(this.clock);
    this.clock = undefined;
  }

  dispose(): void {
    this.stopClock();
    this.panel.dispose();
  }
}

/** The two SHA-256 of a checksum step's output (its first line, as the runner records it). */
function parseSums(output: string | undefined): { source: string; target: string } | undefined {
  try {
    const v = JSON.parse((output ?? '').split('\n')[0]) as { source?: unknown; target?: unknown };
    return typeof v.source === 'string' && typeof v.target === 'string' ? { source: v.source, target: v.target } : undefined;
  } catch {
    return undefined;
  }
}
