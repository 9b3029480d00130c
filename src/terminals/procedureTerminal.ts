// The terminal a procedure runs in: it shows what the runner writes (XAPI steps as `xe` lines, shell
// output) and cancels the run when the admin closes it or presses Ctrl-C.

import * as vscode from 'vscode';
import type { RunConsole } from '../procedures/runner';

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

  line(text: string): void {
    const colored = text.startsWith('$ ') || text.startsWith('[root@') ? `\x1b[36m${text}\x1b[0m`
      : text.startsWith('→ FAILED') || text.startsWith('✖') ? `\x1b[31m${text}\x1b[0m`
      : text.startsWith('→ OUTCOME UNKNOWN') || text.startsWith('⚠') || text.startsWith('read back ') ? `\x1b[33m${text}\x1b[0m`
      : text.startsWith('## ') || text.startsWith('# ') ? `\x1b[1m${text}\x1b[0m`
      : text;
    const out = colored.replace(/\r?\n/g, '\r\n') + '\r\n';
    if (this.opened) this.writeEmitter.fire(out);
    else this.pending.push(out);
  }

  done(): void {
    this.finished = true;
    this.line('\x1b[2mPress any key to close this terminal.\x1b[0m');
  }

  handleInput(data: string): void {
    if (this.finished) return this.closeEmitter.fire();
    if (data === '\x03') {
      this.line('^C — cancelling: a running XAPI task is cancelled where XAPI allows it, the run stops after the current step…');
      this.cancel.abort();
    }
  }

  close(): void {
    if (!this.finished) this.cancel.abort();
  }
}
