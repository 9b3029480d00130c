// Commands that manage the pool list: add, edit, remove, connect, disconnect, forget certificates,
// copy a uuid. The list lives in settings, passwords in SecretStorage.

import * as vscode from 'vscode';
import { poolCertificateHostPorts } from '../model/certificatePins';
import { displayName } from '../text/display';
import { normalizePoolUrl } from '../model/poolConnection';
import type { PoolEntry, PoolRegistry } from '../model/poolRegistry';
import type { TreeNode } from '../tree/nodes';
import { readPoolEntries, writePoolEntries } from './poolSettings';
import type { PasswordStore } from './secrets';
import type { TlsTrustStore } from './tlsTrustStore';

export interface PoolCommandDeps {
  registry: PoolRegistry;
  passwords: PasswordStore;
  tls: TlsTrustStore;
}

/** The pool a command was invoked on: a tree node, or a pick when run from the palette. */
async function poolArg(deps: PoolCommandDeps, node: TreeNode | undefined, placeHolder: string): Promise<string | undefined> {
  if (node?.pool) return node.pool;
  const names = deps.registry.names();
  if (names.length === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t('No pool is configured yet. Run "XCP Admin: Add Pool" first.'));
    return undefined;
  }
  return vscode.window.showQuickPick(names, { placeHolder });
}

async function askEntry(existing: PoolEntry | undefined, taken: readonly string[]): Promise<{ entry: PoolEntry; password?: string } | undefined> {
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

export function registerPoolCommands(deps: PoolCommandDeps): vscode.Disposable[] {
  const { registry, passwords } = deps;
  return [
    vscode.commands.registerCommand('xcpAdmin.pool.add', async () => {
      const answer = await askEntry(undefined, registry.names());
      if (!answer) return;
      if (answer.password !== undefined) await passwords.set(answer.entry, answer.password);
      const { entries } = readPoolEntries();
      await writePoolEntries([...entries, answer.entry]);
    }),

    vscode.commands.registerCommand('xcpAdmin.pool.edit', async (node?: TreeNode) => {
      const pool = await poolArg(deps, node, vscode.l10n.t('Pool to edit'));
      const existing = pool ? registry.entry(pool) : undefined;
      if (!pool || !existing) return;
      const answer = await askEntry(existing, registry.names().filter((n) => n !== pool));
      if (!answer) return;
      // The admin typed the new name and address: the stored password follows them.
      await passwords.move(existing, answer.entry);
      if (answer.password !== undefined) await passwords.set(answer.entry, answer.password);
      const { entries } = readPoolEntries();
      await writePoolEntries(entries.map((e) => (e.name === pool ? answer.entry : e)));
      // Same address and user but a new password: the registry keeps the connection, so reconnect.
      if (answer.entry.name === pool && answer.entry.url === existing.url && answer.password !== undefined) await registry.reconnect(pool);
    }),

    vscode.commands.registerCommand('xcpAdmin.pool.remove', async (node?: TreeNode) => {
      const pool = await poolArg(deps, node, vscode.l10n.t('Pool to remove'));
      const existing = pool ? registry.entry(pool) : undefined;
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
      await passwords.delete(existing);
    }),

    vscode.commands.registerCommand('xcpAdmin.pool.connect', async (node?: TreeNode) => {
      const pool = await poolArg(deps, node, vscode.l10n.t('Pool to connect'));
      if (pool) await registry.reconnect(pool);
    }),

    vscode.commands.registerCommand('xcpAdmin.pool.disconnect', async (node?: TreeNode) => {
      const pool = await poolArg(deps, node, vscode.l10n.t('Pool to disconnect'));
      if (pool) await registry.disconnect(pool);
    }),

    vscode.commands.registerCommand('xcpAdmin.pool.forgetCertificate', async (node?: TreeNode) => {
      const pool = await poolArg(deps, node, vscode.l10n.t('Pool whose pinned certificate to forget'));
      const entry = pool ? registry.entry(pool) : undefined;
      if (!pool || !entry) return;
      const state = registry.state(pool);
      const hostPorts = new Set(poolCertificateHostPorts(entry.url, state?.kind === 'connected' ? state.model.hosts().map((h) => h.record.address) : []));
      const forget = vscode.l10n.t('Forget');
      const ok = await vscode.window.showWarningMessage(
        vscode.l10n.t('Forget the pinned TLS certificates of pool "{0}"?', displayName(pool)),
        { modal: true, detail: vscode.l10n.t('Hosts: {0}.\nThe next connection shows the certificate\'s fingerprint and asks again.', displayName([...hostPorts].join(', '), 2000)) },
        forget,
      );
      if (ok !== forget) return;
      const n = await deps.tls.forget([...hostPorts]);
      void vscode.window.showInformationMessage(vscode.l10n.t('Forgot {0} pinned certificate(s) of {1}.', n, pool));
      await registry.reconnect(pool);
    }),

    vscode.commands.registerCommand('xcpAdmin.copyUuid', async (node?: TreeNode) => {
      if (!node) return;
      const state = registry.state(node.pool);
      if (state?.kind !== 'connected') return;
      const m = state.model;
      const uuid =
        node.kind === 'host' ? m.get('host', node.ref)?.uuid
        : node.kind === 'sr' ? m.get('SR', node.ref)?.uuid
        : node.kind === 'vdi' ? m.get('VDI', node.ref)?.uuid
        : node.kind === 'vm' ? m.get('VM', node.ref)?.uuid
        : node.kind === 'pool' ? m.all('pool')[0]?.record.uuid
        : undefined;
      if (!uuid) return;
      await vscode.env.clipboard.writeText(uuid);
      vscode.window.setStatusBarMessage(vscode.l10n.t('Copied {0}', uuid), 3000);
    }),
  ];
}
