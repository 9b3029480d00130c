// "Edit Pool": the same questions as Add Pool, the stored password kept unless a new one is typed; a
// renamed or moved pool takes its password along (passwords are bound to name + address).

import * as vscode from 'vscode';
import type { PoolRegistry } from '../../model/poolRegistry';
import type { TreeNode } from '../../tree/nodes';
import { readPoolEntries, writePoolEntries } from '../poolSettings';
import type { PasswordStore } from '../secrets';
import { pickedPools } from '../target';
import { askPoolEntry } from './poolEntryInput';

export function registerEditPool(deps: { registry: PoolRegistry; passwords: PasswordStore }): vscode.Disposable[] {
  const { registry, passwords } = deps;
  return [
    vscode.commands.registerCommand('xcpAdmin.pool.edit', async (node?: TreeNode) => {
      const [pool] = await pickedPools(registry, node, undefined, vscode.l10n.t('Pool to edit'));
      const existing = pool ? registry.entry(pool) : undefined;
      if (!pool || !existing) return;
      const answer = await askPoolEntry(existing, registry.names().filter((n) => n !== pool));
      if (!answer) return;
      // The admin typed the new name and address: the stored password follows them.
      await passwords.move(existing, answer.entry);
      if (answer.password !== undefined) await passwords.set(answer.entry, answer.password);
      const { entries } = readPoolEntries();
      await writePoolEntries(entries.map((e) => (e.name === pool ? answer.entry : e)));
      // Same address and user but a new password: the registry keeps the connection, so reconnect.
      if (answer.entry.name === pool && answer.entry.url === existing.url && answer.password !== undefined) await registry.reconnect(pool);
    }),
  ];
}
