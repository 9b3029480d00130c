// The pool list in the user's settings (`xcpAdmin.pools`): read, validated, written back.
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
  await vscode.workspace.getConfiguration(SECTION).update(KEY, clean, vscode.ConfigurationTarget.Global);
}

export function affectsPools(e: vscode.ConfigurationChangeEvent): boolean {
  return e.affectsConfiguration(`${SECTION}.${KEY}`);
}

/** The pools of the user's own settings (not a workspace's): the addresses the admin typed. */
export function userSettingsPoolEntries(): PoolEntry[] {
  return validateEntries(vscode.workspace.getConfiguration(SECTION).inspect<unknown>(KEY)?.globalValue ?? []).entries;
}
