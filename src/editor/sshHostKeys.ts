// SSH host keys pinned by the admin, in the extension's global state, and the modal that asks about
// an unknown key. Keys in ~/.ssh/known_hosts are trusted as OpenSSH would (src/ssh/hostKeys.ts).

import * as vscode from 'vscode';
import { displayName } from '../text/display';
import type { HostKey, HostKeyPolicyOptions, HostKeyStore } from '../ssh/hostKeys';

const KEY = 'xcpAdmin.sshHostKeys';

export class SshHostKeyStore implements HostKeyStore {
  constructor(private readonly state: vscode.Memento) {}

  private all(): Record<string, HostKey[]> {
    return this.state.get<Record<string, HostKey[]>>(KEY, {});
  }

  get(hostPort: string): HostKey[] {
    return this.all()[hostPort] ?? [];
  }

  async add(hostPort: string, key: HostKey): Promise<void> {
    const all = this.all();
    all[hostPort] = [...(all[hostPort] ?? []).filter((k) => k.type !== key.type), key];
    await this.state.update(KEY, all);
  }

  async forgetAll(): Promise<number> {
    const n = Object.keys(this.all()).length;
    await this.state.update(KEY, {});
    return n;
  }
}

export function hostKeyPolicy(store: SshHostKeyStore, hostName: (address: string) => string | undefined): HostKeyPolicyOptions {
  return {
    store,
    confirm: async ({ host, port, key }) => {
      const trust = vscode.l10n.t('Trust and Connect');
      const name = hostName(host);
      const answer = await vscode.window.showWarningMessage(
        name
          ? vscode.l10n.t('First SSH connection to {0} ({1}): is this its host key?', displayName(name), `${host}:${port}`)
          : vscode.l10n.t('First SSH connection to {0}: is this its host key?', `${host}:${port}`),
        {
          modal: true,
          detail: vscode.l10n.t(
            '{0} {1}\n\nCompare it with the host\'s console: ssh-keygen -lf {2}\nXCP Admin will remember it and refuse any other key from this host.',
            key.type, key.fingerprint, `/etc/ssh/ssh_host_${key.type.replace(/^ssh-/, '').replace(/-.*/, '')}_key.pub`,
          ),
        },
        trust,
      );
      // The walkthrough's "confirm a certificate" step completes on a host key too.
      if (answer === trust) void vscode.commands.executeCommand('setContext', 'xcpAdmin.certificateConfirmed', true);
      return answer === trust;
    },
  };
}
