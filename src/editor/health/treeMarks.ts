// Marks on the pool tree's rows that a finding concerns: a badge and the severity's colour, through a
// FileDecorationProvider on the rows' resourceUri (src/tree sets it; nothing else in the tree knows
// about health). Muted findings mark nothing.

import * as vscode from 'vscode';
import { SEVERITY_RANK, type Severity } from '../../health/finding';
import { NODE_URI_SCHEME, nodeUri } from '../../tree/poolTreeProvider';
import { markedNode } from './findingNode';
import type { HealthService } from './healthService';

const COLOR: Record<Severity, string> = {
  error: 'problemsErrorIcon.foreground',
  warning: 'problemsWarningIcon.foreground',
  info: 'problemsInfoIcon.foreground',
};
const BADGE: Record<Severity, string> = { error: '!', warning: '⚠', info: 'i' };

export class TreeMarks implements vscode.FileDecorationProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri[] | undefined>();
  readonly onDidChangeFileDecorations = this.changed.event;
  private worst = new Map<string, { severity: Severity; count: number }>();
  private readonly sub: vscode.Disposable;

  constructor(private readonly health: HealthService) {
    this.sub = health.onDidChange(() => this.recompute());
    this.recompute();
  }

  provideFileDecoration(uri: vscode.Uri): vscode.FileDecoration | undefined {
    if (uri.scheme !== NODE_URI_SCHEME) return undefined;
    const w = this.worst.get(uri.toString());
    if (!w) return undefined;
    return new vscode.FileDecoration(
      BADGE[w.severity],
      vscode.l10n.t('{0} health findings, the worst: {1}', w.count, w.severity),
      new vscode.ThemeColor(COLOR[w.severity]),
    );
  }

  dispose(): void {
    this.sub.dispose();
    this.changed.dispose();
  }

  private recompute(): void {
    const next = new Map<string, { severity: Severity; count: number }>();
    for (const { pool, findings } of this.health.pools()) {
      for (const f of findings) {
        const node = markedNode(pool, f);
        if (!node) continue;
        const key = nodeUri(node).toString();
        const cur = next.get(key);
        if (!cur) next.set(key, { severity: f.severity, count: 1 });
        else {
          cur.count++;
          if (SEVERITY_RANK[f.severity] > SEVERITY_RANK[cur.severity]) cur.severity = f.severity;
        }
      }
    }
    const touched = new Set([...this.worst.keys(), ...next.keys()]);
    this.worst = next;
    if (touched.size) this.changed.fire([...touched].map((k) => vscode.Uri.parse(k)));
  }
}
