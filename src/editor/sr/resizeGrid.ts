// The resize webview of S4, following a run through the runner's step events: a host × step grid
// (rows keyed by host uuid, the pool's once-only steps in their own row), the sizes each path and map
// reported before and after, and physical_size read back from XAPI as the verdict.

import * as vscode from 'vscode';
import type { PoolModel } from '../../model/poolModel';
import type { Plan, Step } from '../../procedures/plan';
import type { RunResult, StepStatus } from '../../procedures/runner';
import { gridCell, HOST_STEPS, parseSizes, POOL_STEPS } from '../../procedures/srResize';
import { displayName } from '../../text/display';
import type { Ref } from '../../xapi/records';
import { formatBytesShort, initialResize, reduceResize, validResizeFromView, type ResizeState, type ResizeToView } from '../../webviews/protocol';
import { ProgressPanel } from '../../webviews/progressPanel';
import { resizeLabels } from '../../webviews/labels';

type Sizes = Map<string, { before?: number; after?: number }>;

export class ResizeGrid implements vscode.Disposable {
  private readonly panel: ProgressPanel<ResizeState, ResizeToView>;
  private readonly sizes = new Map<string, Sizes>();
  private readonly srName: string;

  constructor(extensionUri: vscode.Uri, model: PoolModel, srRef: Ref<'SR'>, plan: Plan, onCancel: () => void) {
    const sr = model.get('SR', srRef);
    this.srName = sr?.name_label ?? '?';
    this.panel = new ProgressPanel<ResizeState, ResizeToView>({
      viewType: 'xcpAdmin.srResize', title: vscode.l10n.t('Grow {0}', displayName(this.srName, 40)), extensionUri, script: 'resizeGrid.js', labels: resizeLabels(),
      initial: initialResize(), reduce: reduceResize, snapshot: (state) => ({ kind: 'snapshot', state }), fromView: validResizeFromView, onCancel,
    });
    const nameOf = (uuid: string) => displayName(model.hosts().find((h) => h.record.uuid === uuid)?.record.name_label ?? uuid, 60);
    const hostRows = [...new Set(plan.steps.map(gridCell).filter((c) => c && !c.once).map((c) => c!.host))];
    const onceOn = plan.steps.map(gridCell).find((c) => c?.once)?.host;
    const poolRow = `once:${onceOn ?? ''}`;
    this.panel.post({
      kind: 'start', sr: { name: displayName(this.srName), uuid: sr?.uuid ?? '', before: sr?.physical_size ?? 0 },
      hosts: [...hostRows.map((h) => ({ key: h, name: nameOf(h) })), { key: poolRow, name: onceOn ? vscode.l10n.t('once, on {0}', nameOf(onceOn)) : vscode.l10n.t('once, on the master') }],
      steps: [...HOST_STEPS, ...POOL_STEPS],
    });
    for (const h of hostRows) for (const c of POOL_STEPS) this.panel.post({ kind: 'cell', host: h, step: c, cell: { status: 'skipped' } });
    for (const c of HOST_STEPS) this.panel.post({ kind: 'cell', host: poolRow, step: c, cell: { status: 'skipped' } });
  }

  /** The runner's onStep. */
  readonly onStep = (step: Step, status: StepStatus | 'running', output?: string, _error?: string): void => {
    const cell = gridCell(step);
    if (!cell) return;
    const row = cell.once ? `once:${cell.host}` : cell.host;
    const found = parseSizes(output ?? '');
    if (found.length && status === 'done') {
      const m = this.sizes.get(row) ?? new Map<string, { before?: number; after?: number }>();
      for (const f of found) m.set(f.name, { ...m.get(f.name), [cell.column === 'find map' ? 'before' : 'after']: f.bytes });
      this.sizes.set(row, m);
      this.panel.post({ kind: 'sizes', host: row, sizes: [...m].map(([name, v]) => ({ name, ...v })) });
    }
    const detail = status === 'failed' || status === 'unknown' ? (output ?? '').trim().split('\n').pop() : cell.column === 'physical_size' && status === 'done' ? formatBytesShort(Number(output)) : undefined;
    this.panel.post({ kind: 'cell', host: row, step: cell.column, cell: { status: status === 'running' ? 'running' : status === 'done' ? 'done' : status === 'not run' ? 'pending' : status === 'unknown' ? 'unknown' : 'failed', detail } });
    if (cell.column === 'physical_size' && status === 'done') this.panel.post({ kind: 'verdict', ok: true, message: vscode.l10n.t('{0} grew to {1} (physical_size, read back from XAPI).', displayName(this.srName), formatBytesShort(Number(output))), after: Number(output) });
  };

  /** The run's end: a run that did not finish says why in the verdict. */
  ended(result: RunResult | undefined): void {
    if (result && result.status !== 'done') this.panel.post({ kind: 'verdict', ok: false, message: result.message });
  }

  dispose(): void {
    this.panel.dispose();
  }
}
