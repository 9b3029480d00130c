// "Open Root Shell" on a host (or a pool: its master): an integrated terminal over SSH to the host's
// management address. Credentials: the SSH agent, the key in `xcpAdmin.ssh.privateKeyPath`, then the
// pool's root password (XAPI's root login is dom0's root account) or one typed by the admin.

import * as vscode from 'vscode';
import { displayName } from '../text/display';
import { parseJumpHost, type PoolRegistry } from '../model/poolRegistry';
import type { SshConnectOptions } from '../ssh';
import { RootShellTerminal } from '../terminals/rootShellTerminal';
import type { TreeNode } from '../tree/nodes';
import type { Ref } from '../xapi/records';
import type { PasswordStore } from './secrets';
import { hostKeyPolicy, type SshHostKeyStore } from './sshHostKeys';

export interface ShellCommandDeps {
  registry: PoolRegistry;
  passwords: PasswordStore;
  hostKeys: SshHostKeyStore;
}

/** The host a node stands for: the host itself, or a pool's master. */
function targetHost(deps: ShellCommandDeps, node: TreeNode | undefined): { pool: string; name: string; address: string } | string {
  if (!node) return vscode.l10n.t('Run this command from a host (or pool) in the XCP Admin view.');
  const state = deps.registry.state(node.pool);
  if (state?.kind !== 'connected') return vscode.l10n.t('Pool {0} is not connected: connect it first, XCP Admin reads the host\'s address from XAPI.', node.pool);
  const ref = node.kind === 'host' ? node.ref : node.kind === 'pool' ? state.model.master()?.ref : undefined;
  const host = ref ? state.model.get('host', ref as Ref<'host'>) : undefined;
  if (!host) return vscode.l10n.t('This row is not a host or a pool.');
  if (!host.address) return vscode.l10n.t('XAPI gives no management address for {0}.', displayName(host.name_label));
  return { pool: node.pool, name: host.name_label, address: host.address };
}

/**
 * SSH options for a dom0 of the pool, or (`outsidePool`) another machine reached the same way (a VM on
 * its own address, an image source). Those are never offered the pool's root password: it is asked
 * for, or the key/agent is used.
 */
export async function sshOptions(deps: ShellCommandDeps, pool: string, address: string, outsidePool = false): Promise<SshConnectOptions> {
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

export function registerShellCommands(deps: ShellCommandDeps): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('xcpAdmin.host.openRootShell', (node?: TreeNode) => {
      const target = targetHost(deps, node);
      if (typeof target === 'string') return void vscode.window.showErrorMessage(target);
      const pty = new RootShellTerminal(target.name, () => sshOptions(deps, target.pool, target.address));
      const terminal = vscode.window.createTerminal({ name: vscode.l10n.t('root@{0}', displayName(target.name, 40)), pty, iconPath: new vscode.ThemeIcon('terminal') });
      terminal.show();
    }),
    vscode.commands.registerCommand('xcpAdmin.ssh.forgetHostKeys', async () => {
      const forget = vscode.l10n.t('Forget');
      const ok = await vscode.window.showWarningMessage(vscode.l10n.t('Forget every SSH host key XCP Admin has pinned?'), { modal: true, detail: vscode.l10n.t('Keys in ~/.ssh/known_hosts are not touched. The next connection to each host shows its key and asks again.') }, forget);
      if (ok !== forget) return;
      const n = await deps.hostKeys.forgetAll();
      void vscode.window.showInformationMessage(vscode.l10n.t('Forgot the SSH host keys of {0} host(s).', n));
    }),
  ];
}
