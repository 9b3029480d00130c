// The plan preview as a read-only virtual document (scheme xcp-admin-plan), titled after the procedure
// and its target: no "Untitled-1" that asks to be saved. Previewing the same plan again (same
// procedure, title and target) shows the same document, refreshed. The plans shown are kept so that
// "Export Plan as Runbook" can export the one in the active editor.

import * as vscode from 'vscode';
import { preview, type Plan } from '../../procedures/plan';
import { displayName } from '../../text/display';
import { runbookUrl } from '../runbookUrl';

export const PLAN_SCHEME = 'xcp-admin-plan';

/** A file name for the tab: the plan's title and target, one line, no path or URI separators. */
export function planFileName(plan: Plan): string {
  return `${displayName(plan.title, 60)} — ${displayName(plan.target.name, 40)}`.replace(/[/\\?#%:*"<>|\x00-\x1f]/g, '_');
}

export class PlanDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly shown = new Map<string, { plan: Plan; text: string }>();

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.shown.get(uri.toString())?.text ?? vscode.l10n.t('This plan is no longer open: preview it again from the tree.');
  }

  /** The plan shown in this document, if it is one of ours. */
  planOf(uri: vscode.Uri): Plan | undefined {
    return this.shown.get(uri.toString())?.plan;
  }

  async show(plan: Plan): Promise<void> {
    const key = `${plan.procedure}|${plan.title}|${plan.target.kind}|${plan.target.uuid}`;
    const uri = vscode.Uri.from({ scheme: PLAN_SCHEME, path: `/${planFileName(plan)}.md`, query: encodeURIComponent(key) });
    this.shown.set(uri.toString(), { plan, text: preview(plan, runbookUrl()) });
    this.changed.fire(uri);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc, { preview: true, preserveFocus: false });
  }

  dispose(): void {
    this.changed.dispose();
    this.shown.clear();
  }
}
