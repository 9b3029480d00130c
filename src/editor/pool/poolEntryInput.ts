// The four questions of Add Pool and Edit Pool (address, name, user, password), asked the same way by
// both. The answers go to settings and SecretStorage in the command files.

import * as vscode from 'vscode';
import { normalizePoolUrl } from '../../model/poolConnection';
import type { PoolEntry } from '../../model/poolRegistry';

export async function askPoolEntry(existing: PoolEntry | undefined, taken: readonly string[]): Promise<{ entry: PoolEntry; password?: string } | undefined> {
  const title = (step: number): string => (existing ? vscode.l10n.t('Edit pool {0} ({1}/4)', existing.name, step) : vscode.l10n.t('Add a pool ({0}/4)', step));
  const url = await vscode.window.showInputBox({
    title: title(1),
    prompt: vscode.l10n.t('Address of the pool master (any member works: XAPI points to the master). Host name, host:port or https:// URL.'),
    value: existing?.url ?? '',
    ignoreFocusOut: true,
    validateInput: (v) => {
      try {
        normalizePoolUrl(v);
        return undefined;
      } catch (err) {
        return (err as Error).message;
      }
    },
  });
  if (url === undefined) return undefined;
  const name = await vscode.window.showInputBox({
    title: title(2),
    prompt: vscode.l10n.t('A name for this pool in the tree'),
    value: existing?.name ?? normalizePoolUrl(url).hostname,
    ignoreFocusOut: true,
    validateInput: (v) => (!v.trim() ? vscode.l10n.t('The name must not be empty.') : taken.includes(v.trim()) ? vscode.l10n.t('A pool named "{0}" exists already.', v.trim()) : undefined),
  });
  if (name === undefined) return undefined;
  const username = await vscode.window.showInputBox({
    title: title(3),
    prompt: vscode.l10n.t('User name for XAPI (usually root)'),
    value: existing?.username ?? 'root',
    ignoreFocusOut: true,
    validateInput: (v) => (!v.trim() ? vscode.l10n.t('The user name must not be empty.') : undefined),
  });
  if (username === undefined) return undefined;
  const password = await vscode.window.showInputBox({
    title: title(4),
    prompt: existing ? vscode.l10n.t('Password (leave empty to keep the stored one). Kept in the OS keychain through VS Code\'s SecretStorage.') : vscode.l10n.t('Password. Kept in the OS keychain through VS Code\'s SecretStorage, never in settings.'),
    password: true,
    ignoreFocusOut: true,
  });
  if (password === undefined) return undefined;
  return {
    entry: { ...existing, name: name.trim(), url: url.trim(), username: username.trim() },
    password: password === '' && existing ? undefined : password,
  };
}
