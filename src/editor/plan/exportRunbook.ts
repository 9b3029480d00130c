// "Export Plan as Runbook": from the plan preview (the plan in the active editor) or from any journal
// entry (picked from a list; each keeps the runbook of its run, with each step's outcome), save the
// plan as a Markdown runbook and a POSIX sh script next to it. The export itself is
// src/procedures/runbookExport.ts; this file asks where and writes.

import * as vscode from 'vscode';
import type { Journal, JournalEntry } from '../../procedures/journal';
import { exportRunbook } from '../../procedures/runbookExport';
import { displayName } from '../../text/display';
import { runbookUrl } from '../runbookUrl';
import { PLAN_SCHEME, planFileName, type PlanDocuments } from './planDocuments';

export interface PlanExportDeps {
  plans: PlanDocuments;
  journal: Journal;
}

async function save(runbook: { markdown: string; script: string }, name: string): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const base = name.replace(/[^A-Za-z0-9._ -]+/g, '_').replace(/\s+/g, '-').slice(0, 80) || 'runbook';
  const picked = await vscode.window.showSaveDialog({
    title: vscode.l10n.t('Export Plan as Runbook: the Markdown file (the sh script is saved next to it)'),
    defaultUri: folder ? vscode.Uri.joinPath(folder, `${base}.md`) : undefined,
    filters: { Markdown: ['md'] },
  });
  if (!picked) return;
  const md = picked.path.endsWith('.md') ? picked : picked.with({ path: `${picked.path}.md` });
  const script = md.with({ path: md.path.replace(/\.md$/, '.sh') });
  await vscode.workspace.fs.writeFile(md, Buffer.from(runbook.markdown, 'utf8'));
  await vscode.workspace.fs.writeFile(script, Buffer.from(runbook.script, 'utf8'));
  await vscode.window.showTextDocument(md);
  void vscode.window.showInformationMessage(vscode.l10n.t('Runbook saved: {0} and {1}. Review the script before running it (sh {1}).', md.path.split('/').pop()!, script.path.split('/').pop()!));
}

function entryLabel(e: JournalEntry): string {
  return `${displayName(e.title, 80)} — ${displayName(e.target?.name ?? '?', 40)}`;
}

export function registerPlanExport(deps: PlanExportDeps): vscode.Disposable[] {
  return [
    deps.plans,
    vscode.workspace.registerTextDocumentContentProvider(PLAN_SCHEME, deps.plans),
    vscode.commands.registerCommand('xcpAdmin.plan.exportRunbook', async (uri?: vscode.Uri) => {
      const target = uri instanceof vscode.Uri ? uri : vscode.window.activeTextEditor?.document.uri;
      const plan = target ? deps.plans.planOf(target) : undefined;
      if (!plan) {
        void vscode.window.showErrorMessage(vscode.l10n.t('Open a plan preview first (run a procedure from the tree), or export from the journal: "Export Runbook of a Journal Entry".'));
        return;
      }
      await save(exportRunbook(plan, undefined, undefined, runbookUrl()), planFileName(plan));
    }),
    vscode.commands.registerCommand('xcpAdmin.journal.exportRunbook', async () => {
      const entries = (await deps.journal.entries()).filter((e) => e.runbook).reverse();
      if (entries.length === 0) {
        void vscode.window.showInformationMessage(vscode.l10n.t('No journal entry has a runbook yet: runs keep one from this version on.'));
        return;
      }
      const picked = await vscode.window.showQuickPick(entries.map((e) => ({ label: entryLabel(e), description: `${displayName(e.status, 20)} · ${displayName(e.started, 40)}`, entry: e })), {
        title: vscode.l10n.t('Export the runbook of a journal entry'),
        placeHolder: vscode.l10n.t('Which run?'),
      });
      if (picked?.entry.runbook) await save(picked.entry.runbook, `${picked.entry.title} ${picked.entry.target?.name ?? ''} ${picked.entry.started.slice(0, 10)}`);
    }),
  ];
}
