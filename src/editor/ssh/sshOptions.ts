// How the editor reaches a dom0 (or an image source) over SSH: the agent, the key in
// `xcpAdmin.ssh.privateKeyPath`, then the pool's root password (XAPI's root login is dom0's root
// account) or one typed by the admin; host keys checked by the editor's store. Shared by Open Root
// Shell and every procedure's shell and byte steps.

import * as vscode from 'vscode';
import { parseJumpHost, type PoolRegistry } from '../../model/poolRegistry';
import type { SshConnectOptions } from '../../ssh';
import type { PasswordStore } from '../secrets';
import { hostKeyPolicy, type SshHostKeyStore } from '../sshHostKeys';

export interface SshDeps {
  registry: PoolRegistry;
  passwords: PasswordStore;
  hostKeys: SshHostKeyStore;
}

/**
 * SSH options for a dom0 of the pool, or (`outsidePool`) another machine reached the same way (a VM on
 * its own address, an image source). Those are never offered the pool's root password: it is asked
 * for, or the key/agent is used.
 */
export async function sshOptions(deps: SshDeps, pool: string, address: string, outsidePool = false): Promise<SshConnectOptions> {
  const entry = deps.registry.entry(pool);
  const config = vscode.workspace.getConfiguration('xcpAdmin.ssh');
  const privateKeyPath = config.get<string>('privateKeyPath') || undefined;
  const askPassword = (who: string) => async () => {
    if (entry?.username === 'root' && !outsidePool) {
      const stored = await deps.passwords.get(entry);
      if (stored !== undefined) return stored;
    }
    return vscode.window.showInputBox({ title: vscode.l10n.t('SSH password for {0}', who), password: true, ignoreFocusOut: true });
  };
  const state = deps.registry.state(pool);
  const hostName = (a: string) => (state?.kind === 'connected' ? state.model.hosts().find((h) => h.record.address === a)?.record.name_label : undefined);
  const jump = entry?.jumpHost ? parseJumpHost(entry.jumpHost) : undefined;
  return {
    host: address,
    port: entry?.sshPort ?? 22,
    auth: { username: 'root', privateKeyPath, password: askPassword(`root@${address}`) },
    jump: jump && {
      host: jump.host,
      port: jump.port,
      auth: {
        username: jump.username ?? 'root',
        privateKeyPath,
        password: async () => vscode.window.showInputBox({ title: vscode.l10n.t('SSH password for {0}@{1} (jump host)', jump.username ?? 'root', jump.host), password: true, ignoreFocusOut: true }),
      },
    },
    hostKeys: hostKeyPolicy(deps.hostKeys, hostName),
  };
}
