// Pinned TLS certificates of XAPI hosts (SHA-256 fingerprints per host:port) in the extension's
// global state, and the modal that asks the admin on first contact. A changed certificate is refused
// by the client (src/xapi/tls.ts); forgetting a pin is an explicit command.

import * as vscode from 'vscode';
import type { TlsTrust } from '../model/poolConnection';
import { normalizeFingerprint } from '../xapi/tls';

const KEY = 'xcpAdmin.tlsPins';

export class TlsTrustStore implements TlsTrust {
  constructor(private readonly state: vscode.Memento) {}

  private pins(): Record<string, string> {
    return this.state.get<Record<string, string>>(KEY, {});
  }

  pinned(hostPort: string): string | undefined {
    return this.pins()[hostPort];
  }

  async confirm(info: { hostPort: string; fingerprint256: string; subject?: string; validTo?: string }): Promise<boolean> {
    const trust = 'Trust and Connect';
    const answer = await vscode.window.showWarningMessage(
      `First connection to ${info.hostPort}: is this its certificate?`,
      {
        modal: true,
        detail:
          `SHA-256 fingerprint:\n${normalizeFingerprint(info.fingerprint256)}\n\n` +
          (info.subject ? `Subject: ${info.subject}\n` : '') +
          (info.validTo ? `Valid until: ${info.validTo}\n` : '') +
          `\nCompare it with the host's console: openssl x509 -noout -fingerprint -sha256 -in /etc/xensource/xapi-ssl.pem\n` +
          `XCP Admin will remember it and refuse any other certificate from this host.`,
      },
      trust,
    );
    return answer === trust;
  }

  async pin(hostPort: string, fingerprint256: string): Promise<void> {
    await this.state.update(KEY, { ...this.pins(), [hostPort]: normalizeFingerprint(fingerprint256) });
  }

  /** Forgets the pins of these host:port pairs (all when none given); returns how many went. */
  async forget(hostPorts?: readonly string[]): Promise<number> {
    const pins = this.pins();
    const drop = hostPorts ?? Object.keys(pins);
    let n = 0;
    for (const hp of drop) if (hp in pins) { delete pins[hp]; n++; }
    await this.state.update(KEY, pins);
    return n;
  }

  list(): Record<string, string> {
    return { ...this.pins() };
  }
}
