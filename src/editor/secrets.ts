// Pool passwords in VS Code's SecretStorage (the OS keychain where there is one), keyed by pool name
// and the address they were stored for. Never written to settings or logs.
//
// Why the address is part of the key: `xcpAdmin.pools` can come from a workspace's settings, so a
// (trusted) workspace could give a known pool's name another URL. Keyed by name alone, the stored
// password would then be sent to that URL. Keyed by name + URL, it goes only to the address the admin
// typed it for; another address finds no password and asks for one (Edit Pool).

import type * as vscode from 'vscode';
import { normalizePoolUrl } from '../model/poolConnection';

/** The part of SecretStorage this store uses (an in-memory one serves in tests). */
export type SecretStore = Pick<vscode.SecretStorage, 'get' | 'store' | 'delete'>;

/** A pool as far as its password goes: the name in the tree and the address it connects to. */
export interface PasswordTarget {
  name: string;
  url: string;
}

const LEGACY_PREFIX = 'xcpAdmin.password/';
const PREFIX = 'xcpAdmin.password.v2/';

/** The address as XAPI is reached: scheme, lower-case host and port (default ports dropped). */
export function canonicalPoolOrigin(url: string): string {
  try {
    return normalizePoolUrl(url).origin;
  } catch {
    return `invalid:${url}`;
  }
}

const key = (t: PasswordTarget) => `${PREFIX}${encodeURIComponent(t.name)}@${canonicalPoolOrigin(t.url)}`;

export class PasswordStore {
  constructor(private readonly secrets: SecretStore) {}

  get(target: PasswordTarget): Promise<string | undefined> {
    return Promise.resolve(this.secrets.get(key(target)));
  }

  async set(target: PasswordTarget, password: string): Promise<void> {
    await this.secrets.store(key(target), password);
  }

  async delete(target: PasswordTarget): Promise<void> {
    await this.secrets.delete(key(target));
  }

  /** The admin moved a pool (Edit Pool, or a new master after H4): its password follows. */
  async move(from: PasswordTarget, to: PasswordTarget): Promise<void> {
    if (key(from) === key(to)) return;
    const password = await this.get(from);
    if (password === undefined) return;
    await this.set(to, password);
    await this.delete(from);
  }

  /**
   * Passwords stored by earlier versions under the pool's name alone move to the address of that name
   * in the user's own settings (where Add Pool writes); a name found only in a workspace's settings is
   * not trusted with it: that password is dropped and the pool asks again. Returns what it did, one
   * sentence per pool, for the log.
   */
  async migrateLegacy(names: readonly string[], userSettingsUrl: (name: string) => string | undefined): Promise<string[]> {
    const done: string[] = [];
    // One round of reads for every name at once (most installs have no legacy password at all).
    const legacy = await Promise.all(names.map(async (name) => ({ name, password: await this.secrets.get(`${LEGACY_PREFIX}${name}`) })));
    for (const { name, password } of legacy) {
      const legacyKey = `${LEGACY_PREFIX}${name}`;
      if (password === undefined) continue;
      const url = userSettingsUrl(name);
      if (url !== undefined && (await this.get({ name, url })) === undefined) {
        await this.set({ name, url }, password);
        done.push(`${name}: stored password now bound to ${canonicalPoolOrigin(url)}`);
      } else if (url === undefined) {
        done.push(`${name}: stored password dropped: the pool is not in the user settings, so no address can be trusted with it (Edit Pool to enter it again)`);
      }
      await this.secrets.delete(legacyKey);
    }
    return done;
  }
}
