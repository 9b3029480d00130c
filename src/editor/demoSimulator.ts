// Demo convenience for `npm start` and the end-to-end tests: the simulator's passwords and its TLS
// certificate can be handed to the extension through the user settings `xcpAdmin.demo.simulatorPasswords`
// and `xcpAdmin.demo.simulatorCertificates` (empty by default; application scope, so a workspace cannot
// set them). Passwords are moved into SecretStorage like a password typed by the admin, fingerprints
// pinned like one the admin confirmed, and only for loopback addresses (the simulator); any other entry
// is ignored with a warning. Real pools never go through here.

import * as vscode from 'vscode';
import type { PoolEntry } from '../model/poolRegistry';
import { normalizePoolUrl } from '../model/poolConnection';
import { isLoopbackHost } from '../xapi/loopback';
import { normalizeFingerprint } from '../xapi/tls';
import type { PasswordStore } from './secrets';
import type { TlsTrustStore } from './tlsTrustStore';

export function isLoopbackUrl(url: string): boolean {
  try {
    return isLoopbackHost(normalizePoolUrl(url).hostname);
  } catch {
    return false;
  }
}

/** The demo passwords the setting gives for pools on loopback (the others are ignored with a warning). */
export function demoPasswords(entries: readonly PoolEntry[], log: (line: string) => void): Map<string, string> {
  const demo = vscode.workspace.getConfiguration('xcpAdmin.demo').get<Record<string, unknown>>('simulatorPasswords', {});
  const out = new Map<string, string>();
  for (const [pool, password] of Object.entries(demo ?? {})) {
    const entry = entries.find((e) => e.name === pool);
    if (typeof password !== 'string' || !entry) continue;
    if (!isLoopbackUrl(entry.url)) {
      log(`xcpAdmin.demo.simulatorPasswords: ignored for pool "${pool}": its address ${entry.url} is not on loopback (real pools keep their passwords in SecretStorage only; use "Edit Pool").`);
      continue;
    }
    out.set(pool, password);
  }
  return out;
}

export async function importDemoPasswords(entries: readonly PoolEntry[], passwords: PasswordStore, log: (line: string) => void): Promise<void> {
  // each store is a round trip to the editor: in parallel
  await Promise.all([...demoPasswords(entries, log)].map(([pool, password]) => passwords.set({ name: pool, url: entries.find((e) => e.name === pool)!.url }, password)));
}

/** A `host:port` on loopback (an IPv6 host in brackets). */
function isLoopbackHostPort(hostPort: string): boolean {
  const m = /^(\[[^\]]+\]|[^:]+):\d+$/.exec(hostPort);
  return m !== null && isLoopbackHost(m[1]);
}

export async function importDemoCertificates(tls: TlsTrustStore, log: (line: string) => void): Promise<void> {
  const demo = vscode.workspace.getConfiguration('xcpAdmin.demo').get<Record<string, unknown>>('simulatorCertificates', {});
  const changed: [string, string][] = [];
  for (const [hostPort, fingerprint] of Object.entries(demo ?? {})) {
    if (typeof fingerprint !== 'string' || !/^([0-9A-Fa-f]{2}:?){32}$/.test(fingerprint.trim())) continue;
    if (!isLoopbackHostPort(hostPort)) {
      log(`xcpAdmin.demo.simulatorCertificates: ignored for ${hostPort}: not a loopback address (a real pool's certificate is confirmed by the admin on first contact).`);
      continue;
    }
    // The simulator makes a new certificate at each start: the setting's fingerprint is the current one.
    if (tls.pinned(hostPort) !== normalizeFingerprint(fingerprint)) changed.push([hostPort, fingerprint.trim()]);
  }
  // One write for the whole fleet: a write per host (34 for the simulator) held the first frame for seconds.
  await tls.pinAll(changed);
}
