// "Edit Pool": the same questions as Add Pool, the stored password kept unless a new one is typed; a
// renamed pool takes its password along.

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
      if (answer.entry.name !== pool) {
        const old = await passwords.get(pool);
        await passwords.delete(pool);
        if (answer.password === undefined && old !== undefined) await passwords.set(answer.entry.name, old);
      }
      if (answer.password !== undefined) await passwords.set(answer.entry.name, answer.password);
      const { entries } = readPoolEntries();
      await writePoolEntries(entries.map((e) => (e.name === pool ? answer.entry : e)));
      // Same address and user but a new password: the registry keeps the connection, so reconnect.
      if (answer.entry.name === pool && answer.password !== undefined) await registry.reconnect(pool);
    }),
  ];
}
