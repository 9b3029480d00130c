// "Open Root Shell" on a host (or a pool: its master), one terminal per selected row: an integrated
// terminal over SSH to the host's management address, with the credentials of ssh/sshOptions.ts.

import * as vscode from 'vscode';
import { displayName } from '../../text/display';
import { RootShellTerminal } from '../../terminals/rootShellTerminal';
import type { TreeNode } from '../../tree/nodes';
import { sshOptions, type SshDeps } from '../ssh/sshOptions';
import { connectedRows } from '../target';

export function registerOpenRootShell(deps: SshDeps): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('xcpAdmin.host.openRootShell', (node?: TreeNode, nodes?: readonly TreeNode[]) => {
      const t = connectedRows(deps.registry, node, nodes);
      if (!t) return;
      for (const row of t.nodes) {
        const ref = row.kind === 'host' ? row.ref : row.kind === 'pool' ? t.model.master()?.ref : undefined;
        const host = ref ? t.model.get('host', ref) : undefined;
        if (!host) {
          void vscode.window.showErrorMessage(vscode.l10n.t('Run this command from a host (or pool) in the XCP Admin view.'));
          continue;
        }
        if (!host.address) {
          void vscode.window.showErrorMessage(vscode.l10n.t('XAPI gives no management address for {0}.', displayName(host.name_label)));
          continue;
        }
        const address = host.address;
        const pty = new RootShellTerminal(host.name_label, () => sshOptions(deps, t.pool, address));
        vscode.window.createTerminal({ name: vscode.l10n.t('root@{0}', displayName(host.name_label, 40)), pty, iconPath: new vscode.ThemeIcon('terminal') }).show();
      }
    }),
  ];
}
