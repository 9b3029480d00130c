// A root shell on a dom0 as a VS Code terminal: connects over SSH when the terminal opens, passes keys
// and resizes through, shows the remote exit status when the shell ends, and says clearly when the
// connection fails or drops. Each terminal has its own connection, so several can be open at once.

import * as vscode from 'vscode';
import { connectSsh, openShell, type RemoteShell, type SshConnectOptions, type SshConnection } from '../ssh';

const dim = (s: string) => `\x1b[2m${s}\x1b[0m`;
const red = (s: string) => `\x1b[31m${s}\x1b[0m`;
const yellow = (s: string) => `\x1b[33m${s}\x1b[0m`;
const crlf = (s: string) => s.replace(/\r?\n/g, '\r\n');

export class RootShellTerminal implements vscode.Pseudoterminal {
  private readonly writeEmitter = new vscode.EventEmitter<string>();
  private readonly closeEmitter = new vscode.EventEmitter<number | void>();
  readonly onDidWrite = this.writeEmitter.event;
  readonly onDidClose = this.closeEmitter.event;
  private connection: SshConnection | undefined;
  private shell: RemoteShell | undefined;
  private ended = false;
  private exitCode: number | undefined;
  private size = { cols: 80, rows: 24 };

  constructor(private readonly hostLabel: string, private readonly connect: () => Promise<SshConnectOptions>) {}

  open(dimensions: vscode.TerminalDimensions | undefined): void {
    if (dimensions) this.size = { cols: dimensions.columns, rows: dimensions.rows };
    void this.start();
  }

  private async start(): Promise<void> {
    try {
      const opts = await this.connect();
      this.print(dim(`Connecting to ${opts.auth.username}@${this.hostLabel} (${opts.host}:${opts.port ?? 22})${opts.jump ? ` via ${opts.jump.host}` : ''}…\n`));
      this.connection = await connectSsh(opts);
      this.connection.onClose((err) => {
        if (!this.ended && err) this.finish(red(`\nThe connection to ${this.hostLabel} dropped: ${err.message}\n`), 1);
      });
      this.shell = await openShell(this.connection, { ...this.size, term: 'xterm-256color' });
      this.shell.onData((d) => this.writeEmitter.fire(d.toString('utf8')));
      this.shell.onExit(({ code, signal }) => {
        const how = signal ? `killed by signal ${signal}` : `exit status ${code ?? '?'}`;
        this.finish((code === 0 ? dim : yellow)(`\n[root shell on ${this.hostLabel} ended: ${how}]\n`), code ?? 1);
      });
    } catch (err) {
      this.finish(red(`\nCould not open a root shell on ${this.hostLabel}: ${(err as Error).message}\n`), 1);
    }
  }

  private print(s: string): void {
    this.writeEmitter.fire(crlf(s));
  }

  private finish(message: string, code: number): void {
    if (this.ended) return;
    this.ended = true;
    this.exitCode = code;
    this.print(message + dim('Press any key to close this terminal.\n'));
    this.connection?.close();
  }

  handleInput(data: string): void {
    if (this.ended) {
      this.closeEmitter.fire(this.exitCode);
      return;
    }
    this.shell?.write(data);
  }

  setDimensions(d: vscode.TerminalDimensions): void {
    this.size = { cols: d.columns, rows: d.rows };
    this.shell?.resize(d.columns, d.rows);
  }

  close(): void {
    this.ended = true;
    this.connection?.close();
    this.writeEmitter.dispose();
  }
}
