// Demo convenience for `npm start` and the end-to-end tests: the simulator's passwords can be handed to
// the extension through the setting `xcpAdmin.demo.simulatorPasswords` (off, i.e. empty, by default).
// They are moved into SecretStorage like a password typed by the admin, and only for pools whose
// address is on loopback (the simulator); any other entry is ignored with a warning.

import * as vscode from 'vscode';
import type { PoolEntry } from '../model/poolRegistry';
import { normalizePoolUrl } from '../model/poolConnection';
import type { PasswordStore } from './secrets';

export function isLoopbackUrl(url: string): boolean {
  try {
    const host = normalizePoolUrl(url).hostname.replace(/^\[|\]$/g, '');
    return /^127\.\d+\.\d+\.\d+$/.test(host) || host === '::1' || host === 'localhost';
  } catch {
    return false;
  }
}

export async function importDemoPasswords(entries: readonly PoolEntry[], passwords: PasswordStore, log: (line: string) => void): Promise<void> {
  const demo = vscode.workspace.getConfiguration('xcpAdmin.demo').get<Record<string, unknown>>('simulatorPasswords', {});
  const stores: Promise<void>[] = [];
  for (const [pool, password] of Object.entries(demo ?? {})) {
    const entry = entries.find((e) => e.name === pool);
    if (typeof password !== 'string' || !entry) continue;
    if (!isLoopbackUrl(entry.url)) {
      log(`xcpAdmin.demo.simulatorPasswords: ignored for pool "${pool}": its address ${entry.url} is not on loopback (real pools keep their passwords in SecretStorage only; use "Edit Pool").`);
      continue;
    }
    stores.push(passwords.set(pool, password)); // each store is a round trip to the editor: in parallel
  }
  await Promise.all(stores);
}
