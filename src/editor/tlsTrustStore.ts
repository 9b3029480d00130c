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
    const trust = vscode.l10n.t('Trust and Connect');
    const answer = await vscode.window.showWarningMessage(
      vscode.l10n.t('First connection to {0}: is this its certificate?', info.hostPort),
      {
        modal: true,
        detail:
          // One translated line each: the optional lines are whole lines, never parts of a sentence.
          `${vscode.l10n.t('SHA-256 fingerprint:')}\n${normalizeFingerprint(info.fingerprint256)}\n\n` +
          (info.subject ? `${vscode.l10n.t('Subject: {0}', info.subject)}\n` : '') +
          (info.validTo ? `${vscode.l10n.t('Valid until: {0}', info.validTo)}\n` : '') +
          `\n${vscode.l10n.t('Compare it with the host\'s console: {0}', 'openssl x509 -noout -fingerprint -sha256 -in /etc/xensource/xapi-ssl.pem')}\n` +
          vscode.l10n.t('XCP Admin will remember it and refuse any other certificate from this host.'),
      },
      trust,
    );
    // The walkthrough's "confirm a certificate" step completes on this.
    if (answer === trust) void vscode.commands.executeCommand('setContext', 'xcpAdmin.certificateConfirmed', true);
    return answer === trust;
  }

  async pin(hostPort: string, fingerprint256: string): Promise<void> {
    await this.pinAll([[hostPort, fingerprint256]]);
  }

  /** Pins several at once: one write of the global state (each write is a round trip to the editor). */
  async pinAll(pins: readonly (readonly [hostPort: string, fingerprint256: string])[]): Promise<void> {
    if (pins.length === 0) return;
    const next = { ...this.pins() };
    for (const [hostPort, fingerprint256] of pins) next[hostPort] = normalizeFingerprint(fingerprint256);
    await this.state.update(KEY, next);
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
}
