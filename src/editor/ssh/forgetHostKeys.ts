// "Forget SSH Host Keys": every key XCP Admin pinned is dropped (known_hosts is not touched); the next
// connection to each host shows its key and asks again.

import * as vscode from 'vscode';
import type { SshHostKeyStore } from '../sshHostKeys';

export function registerForgetHostKeys(deps: { hostKeys: SshHostKeyStore }): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('xcpAdmin.ssh.forgetHostKeys', async () => {
      const forget = vscode.l10n.t('Forget');
      const ok = await vscode.window.showWarningMessage(vscode.l10n.t('Forget every SSH host key XCP Admin has pinned?'), { modal: true, detail: vscode.l10n.t('Keys in ~/.ssh/known_hosts are not touched. The next connection to each host shows its key and asks again.') }, forget);
      if (ok !== forget) return;
      const n = await deps.hostKeys.forgetAll();
      void vscode.window.showInformationMessage(vscode.l10n.t('Forgot the SSH host keys of {0} host(s).', n));
    }),
  ];
}
