// Pool passwords in VS Code's SecretStorage (the OS keychain where there is one), keyed by pool name.
// Never written to settings or logs.

import type * as vscode from 'vscode';

const key = (pool: string) => `xcpAdmin.password/${pool}`;

export class PasswordStore {
  constructor(private readonly secrets: vscode.SecretStorage) {}

  get(pool: string): Promise<string | undefined> {
    return Promise.resolve(this.secrets.get(key(pool)));
  }

  async set(pool: string, password: string): Promise<void> {
    await this.secrets.store(key(pool), password);
  }

  async delete(pool: string): Promise<void> {
    await this.secrets.delete(key(pool));
  }
}
