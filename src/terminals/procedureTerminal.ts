// The terminal a procedure runs in: it shows what the runner writes (XAPI steps as `xe` lines, shell
// output) and cancels the run when the admin closes it or presses Ctrl-C. Every line is cleaned and
// styled by the kind its writer gave (src/text/terminal.ts): names and guests' output cannot steer it.

import * as vscode from 'vscode';
import type { RunConsole } from '../procedures/runner';
import { terminalLine, type LineKind } from '../text/terminal';

export class ProcedureTerminal implements vscode.Pseudoterminal, RunConsole {
  private readonly writeEmitter = new vscode.EventEmitter<string>();
  private readonly closeEmitter = new vscode.EventEmitter<void>();
  readonly onDidWrite = this.writeEmitter.event;
  readonly onDidClose = this.closeEmitter.event;
  private readonly pending: string[] = [];
  private opened = false;
  private finished = false;
  readonly cancel = new AbortController();

  open(): void {
    this.opened = true;
    for (const p of this.pending.splice(0)) this.writeEmitter.fire(p);
  }

  line(text: string, kind?: LineKind): void {
    const out = terminalLine(text, kind);
    if (this.opened) this.writeEmitter.fire(out);
    else this.pending.push(out);
  }

  done(): void {
    this.finished = true;
    this.line(vscode.l10n.t('Press any key to close this terminal.'), 'dim');
  }

  handleInput(data: string): void {
    if (this.finished) return this.closeEmitter.fire();
    if (data === '\x03') {
      this.line(vscode.l10n.t('^C — cancelling: a running XAPI task is cancelled where XAPI allows it, the run stops after the current step…'), 'note');
      this.cancel.abort();
    }
  }

  close(): void {
    if (!this.finished) this.cancel.abort();
  }
}
