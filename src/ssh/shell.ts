// An interactive shell with a pty over SSH: what a terminal needs (data both ways, resize, exit).
// No vscode import: src/terminals adapts it to a VS Code Pseudoterminal.

import type { ClientChannel } from 'ssh2';
import type { SshConnection } from './connection';

export interface ShellOptions {
  cols: number;
  rows: number;
  term?: string;
}

export interface RemoteShell {
  write(data: string | Buffer): void;
  resize(cols: number, rows: number): void;
  onData(listener: (data: Buffer) => void): void;
  /** Once, when the shell ends: the remote exit status or the signal that ended it. */
  onExit(listener: (result: { code: number | null; signal?: string }) => void): void;
  close(): void;
}

export function openShell(conn: SshConnection, opts: ShellOptions): Promise<RemoteShell> {
  return new Promise((resolve, reject) => {
    conn.client.shell({ term: opts.term ?? 'xterm-256color', cols: opts.cols, rows: opts.rows }, (err, channel: ClientChannel) => {
      if (err) return reject(err);
      let code: number | null = null;
      let signal: string | undefined;
      const exitListeners: ((r: { code: number | null; signal?: string }) => void)[] = [];
      let ended = false;
      channel.on('exit', (c: number | null, s?: string) => { code = c ?? null; signal = s ?? undefined; });
      channel.on('close', () => {
        ended = true;
        for (const l of exitListeners) l({ code, signal });
      });
      resolve({
        write: (data) => channel.write(data),
        resize: (cols, rows) => channel.setWindow(rows, cols, 0, 0),
        onData: (listener) => {
          channel.on('data', listener);
          channel.stderr.on('data', listener);
        },
        onExit: (listener) => {
          if (ended) listener({ code, signal });
          else exitListeners.push(listener);
        },
        close: () => channel.close(),
      });
    });
  });
}
