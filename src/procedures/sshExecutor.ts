// The runner's shell executor: shell steps run over SSH (ssh2) on the step's host, one connection per
// host for the whole run, output streamed as it comes, cancel stopping the remote process group.
// No vscode import: the editor gives the connection options (keys, passwords, host-key policy).

import { connectSsh, exec, type SshConnection, type SshConnectOptions } from '../ssh';
import type { HostTarget } from './plan';
import type { Executors } from './runner';

export interface SshShellExecutor {
  shell: Executors['shell'];
  /** Closes every connection the run opened. */
  close(): void;
}

export function sshShellExecutor(optionsFor: (host: HostTarget) => Promise<SshConnectOptions>): SshShellExecutor {
  const connections = new Map<string, Promise<SshConnection>>();
  const connectionTo = (host: HostTarget): Promise<SshConnection> => {
    let c = connections.get(host.address);
    if (!c) {
      c = optionsFor(host).then(connectSsh);
      c.catch(() => connections.delete(host.address)); // a failed attempt may be tried again
      connections.set(host.address, c);
    }
    return c;
  };
  return {
    async shell(host, command, signal, onOutput) {
      const conn = await connectionTo(host);
      const r = await exec(conn, command, {
        signal,
        onStdout: (b) => onOutput(b.toString('utf8')),
        onStderr: (b) => onOutput(b.toString('utf8')),
      });
      return { code: r.code, stdout: r.stdout, stderr: r.stderr };
    },
    close() {
      for (const c of connections.values()) void c.then((conn) => conn.close(), () => undefined);
      connections.clear();
    },
  };
}
