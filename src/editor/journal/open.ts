// "Open Procedure Journal": every run, refusal and outcome so far, as a Markdown document.

import * as vscode from 'vscode';
import type { Journal } from '../../procedures/journal';
import { journalDocument } from '../../procedures/journalDocument';
import { runbookUrl } from '../runbookUrl';

export function registerOpenJournal(deps: { journal: Journal }): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('xcpAdmin.journal.open', async () => {
      const text = journalDocument(await deps.journal.entries(), runbookUrl());
      const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: text });
      await vscode.window.showTextDocument(doc);
    }),
  ];
}
