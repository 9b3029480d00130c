// The Problems view in the XCP Admin container: findings grouped by pool, worst first, a severity icon
// each, the tooltip with the evidence, a badge with the count of errors and warnings. (Not VS Code's
// Problems panel, which is about documents.) Names and bodies are XAPI's: one clean line in labels,
// escaped Markdown in tooltips (src/health/describe.ts).

import * as vscode from 'vscode';
import { findingMarkdown } from '../../health/describe';
import { SEVERITY_RANK, type Finding } from '../../health/finding';
import { displayName } from '../../text/display';
import type { HealthService } from './healthService';

export type ProblemNode = { kind: 'pool'; pool: string } | { kind: 'finding'; pool: string; finding: Finding };

const ICON = {
  error: new vscode.ThemeIcon('error', new vscode.ThemeColor('problemsErrorIcon.foreground')),
  warning: new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground')),
  info: new vscode.ThemeIcon('info', new vscode.ThemeColor('problemsInfoIcon.foreground')),
};

export class ProblemsProvider implements vscode.TreeDataProvider<ProblemNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ProblemNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly sub: vscode.Disposable;

  constructor(private readonly health: HealthService) {
    this.sub = health.onDidChange(() => this.changed.fire(undefined));
  }

  getTreeItem(node: ProblemNode): vscode.TreeItem {
    if (node.kind === 'pool') {
      const findings = this.health.visible(node.pool);
      const e = findings.filter((f) => f.severity === 'error').length;
      const w = findings.filter((f) => f.severity === 'warning').length;
      // Open where something needs doing; a pool with only information starts folded.
      const item = new vscode.TreeItem(displayName(node.pool), e + w > 0 ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
      item.id = `health-pool:${node.pool}`;
      item.description = findings.length === 0 ? vscode.l10n.t('no problems') : vscode.l10n.t('{0} errors, {1} warnings, {2} in all', e, w, findings.length);
      item.iconPath = new vscode.ThemeIcon('server-environment');
      item.contextValue = 'healthPool';
      return item;
    }
    const f = node.finding;
    const item = new vscode.TreeItem(displayName(f.summary, 200), vscode.TreeItemCollapsibleState.None);
    item.id = `health:${node.pool}\n${f.id}`;
    item.description = `${f.object.kind} ${displayName(f.object.name)}`;
    item.iconPath = ICON[f.severity];
    const tip = new vscode.MarkdownString(findingMarkdown(f, node.pool));
    tip.supportHtml = false;
    tip.isTrusted = false;
    item.tooltip = tip;
    // finding[.fix][.message]: the menus offer Run Fix and the right Dismiss.
    item.contextValue = ['finding', f.fix?.command ? 'fix' : undefined, f.message ? 'message' : 'derived'].filter(Boolean).join('.');
    return item;
  }

  getChildren(node?: ProblemNode): ProblemNode[] {
    if (!node) return this.health.pools().map((p) => ({ kind: 'pool', pool: p.pool }));
    if (node.kind !== 'pool') return [];
    return [...this.health.visible(node.pool)]
      .sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity])
      .map((finding) => ({ kind: 'finding', pool: node.pool, finding }));
  }

  /** Errors and warnings over all pools (the badge and the status bar). */
  counts(): { errors: number; warnings: number } {
    let errors = 0;
    let warnings = 0;
    for (const p of this.health.pools()) {
      for (const f of p.findings) {
        if (f.severity === 'error') errors++;
        else if (f.severity === 'warning') warnings++;
      }
    }
    return { errors, warnings };
  }

  dispose(): void {
    this.sub.dispose();
    this.changed.dispose();
  }
}
