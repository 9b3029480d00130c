// The team's runbook page, read from the setting xcpAdmin.runbook.url (machine-overridable, restricted in
// untrusted workspaces): the editor-free code (preview, journal, exported runbooks) links each procedure
// code to its section there when it is given one, and never reads settings itself.

import * as vscode from 'vscode';
import { runbookUrlFrom } from '../procedures/runbookSections';

/** The runbook page from the setting; undefined (no link) when it is empty or not an http(s) address. */
export function runbookUrl(): string | undefined {
  return runbookUrlFrom(vscode.workspace.getConfiguration('xcpAdmin.runbook').get<unknown>('url'));
}
