// "Remove Pool": its address and stored password forgotten in this editor; nothing changes on the pool.

import * as vscode from 'vscode';
import type { PoolRegistry } from '../../model/poolRegistry';
import type { TreeNode } from '../../tree/nodes';
import { readPoolEntries, writePoolEntries } from '../poolSettings';
import type { PasswordStore } from '../secrets';
import { pickedPools } from '../target';

export function registerRemovePool(deps: { registry: PoolRegistry; passwords: PasswordStore }): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('xcpAdmin.pool.remove', async (node?: TreeNode) => {
      const [pool] = await pickedPools(deps.registry, node, undefined, vscode.l10n.t('Pool to remove'));
      const existing = pool ? deps.registry.entry(pool) : undefined;
      if (!pool || !existing) return;
      const remove = vscode.l10n.t('Remove');
      const ok = await vscode.window.showWarningMessage(
        vscode.l10n.t('Remove pool "{0}" from XCP Admin?', pool),
        { modal: true, detail: vscode.l10n.t('This forgets its address and stored password in this editor. Nothing changes on the pool itself.') },
        remove,
      );
      if (ok !== remove) return;
      const { entries } = readPoolEntries();
      await writePoolEntries(entries.filter((e) => e.name !== pool));
      await deps.passwords.delete(existing);
    }),
  ];
}
