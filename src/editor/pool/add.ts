// "Add Pool": the pool's address, name and user go to settings (xcpAdmin.pools), its password to
// SecretStorage; the registry connects on the settings change.

import * as vscode from 'vscode';
import type { PoolRegistry } from '../../model/poolRegistry';
import { readPoolEntries, writePoolEntries } from '../poolSettings';
import type { PasswordStore } from '../secrets';
import { askPoolEntry } from './poolEntryInput';

export function registerAddPool(deps: { registry: PoolRegistry; passwords: PasswordStore }): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('xcpAdmin.pool.add', async () => {
      const answer = await askPoolEntry(undefined, deps.registry.names());
      if (!answer) return;
      if (answer.password !== undefined) await deps.passwords.set(answer.entry, answer.password);
      const { entries } = readPoolEntries();
      await writePoolEntries([...entries, answer.entry]);
    }),
  ];
}
