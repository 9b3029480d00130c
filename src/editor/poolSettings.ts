// The pool list (`xcpAdmin.pools`, the user's settings or a trusted workspace's): read, validated, written back.
// Passwords never go here: they live in SecretStorage (secrets.ts).

import * as vscode from 'vscode';
import { validateEntries, type PoolEntry } from '../model/poolRegistry';

const SECTION = 'xcpAdmin';
const KEY = 'pools';

export function readPoolEntries(): { entries: PoolEntry[]; problems: string[] } {
  return validateEntries(vscode.workspace.getConfiguration(SECTION).get<unknown>(KEY, []));
}

export async function writePoolEntries(entries: readonly PoolEntry[]): Promise<void> {
  const clean = entries.map((e) => {
    const out: Record<string, string | number> = { name: e.name, url: e.url, username: e.username };
    if (e.transport && e.transport !== 'auto') out.transport = e.transport;
    if (e.jumpHost) out.jumpHost = e.jumpHost;
    if (e.sshPort) out.sshPort = e.sshPort;
    return out;
  });
  const config = vscode.workspace.getConfiguration(SECTION);
  // Written where the list shown comes from. A trusted workspace that lists pools replaces the user's
  // list while it is open (VS Code's rule for any setting): Add, Edit, Remove and a new master's address
  // change that list, in the workspace. Writing it to the user's settings instead overwrote the admin's
  // own pools with the workspace's. In Restricted Mode VS Code hides the workspace's value: the user's.
  const target = config.inspect<unknown>(KEY)?.workspaceValue !== undefined ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  await config.update(KEY, clean, target);
}

export function affectsPools(e: vscode.ConfigurationChangeEvent): boolean {
  return e.affectsConfiguration(`${SECTION}.${KEY}`);
}

/** The pools of the user's own settings (not a workspace's): the addresses the admin typed. */
export function userSettingsPoolEntries(): PoolEntry[] {
  return validateEntries(vscode.workspace.getConfiguration(SECTION).inspect<unknown>(KEY)?.globalValue ?? []).entries;
}
