// A root shell on a dom0 as a VS Code terminal: connects over SSH when the terminal opens, passes keys
// and resizes through, shows the remote exit status when the shell ends, and says clearly when the
// connection fails or drops. Each terminal has its own connection, so several can be open at once.
// The dom0's bytes pass through as they are (it is a real terminal, the admin's own session); what the
// extension writes around them (the banner, the host's name from XAPI, error messages) is cleaned.

import * as vscode from 'vscode';
import { StringDecoder } from 'node:string_decoder';
import { connectSsh, openShell, type RemoteShell, type SshConnectOptions, type SshConnection } from '../ssh';
import { terminalText } from '../text/terminal';

const dim = (s: string) => terminalText(s, 'dim');
const red = (s: string) => terminalText(s, 'failure');
const yellow = (s: string) => terminalText(s, 'warning');

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
      const who = `${opts.auth.username}@${this.hostLabel}`;
      const where = `${opts.host}:${opts.port ?? 22}`;
      this.print(dim(`${opts.jump ? vscode.l10n.t('Connecting to {0} ({1}) via {2}…', who, where, opts.jump.host) : vscode.l10n.t('Connecting to {0} ({1})…', who, where)}\n`));
      this.connection = await connectSsh(opts);
      this.connection.onClose((err) => {
        if (!this.ended && err) this.finish(red(`\n${vscode.l10n.t('The connection to {0} dropped: {1}', this.hostLabel, err.message)}\n`), 1);
      });
      this.shell = await openShell(this.connection, { ...this.size, term: 'xterm-256color' });
      // One decoder for the whole session: a character split across packets stays whole.
      const decoder = new StringDecoder('utf8');
      this.shell.onData((d) => this.writeEmitter.fire(decoder.write(d)));
      this.shell.onExit(({ code, signal }) => {
        const ended = signal
          ? vscode.l10n.t('[root shell on {0} ended: killed by signal {1}]', this.hostLabel, signal)
          : vscode.l10n.t('[root shell on {0} ended: exit status {1}]', this.hostLabel, code ?? '?');
        this.finish((code === 0 ? dim : yellow)(`\n${ended}\n`), code ?? 1);
      });
    } catch (err) {
      this.finish(red(`\n${vscode.l10n.t('Could not open a root shell on {0}: {1}', this.hostLabel, (err as Error).message)}\n`), 1);
    }
  }

  /** Our own text, already cleaned and styled by dim/red/yellow (each line ends in \r\n). */
  private print(s: string): void {
    this.writeEmitter.fire(s);
  }

  private finish(message: string, code: number): void {
    if (this.ended) return;
    this.ended = true;
    this.exitCode = code;
    this.print(message + dim(`${vscode.l10n.t('Press any key to close this terminal.')}\n`));
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
