// SSH host-key checks, as OpenSSH does them: a host's key must match what the user's known_hosts or
// the extension's own store says about it. An unknown host asks the admin (showing the SHA-256
// fingerprint, like `ssh`); a host whose key changed is refused and never asked about.
// No vscode import: the editor gives the store (globalState) and the question (a modal).

import { createHash, createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { l10n } from '../text/l10n';

export interface HostKey {
  /** "ssh-ed25519", "ssh-rsa", "ecdsa-sha2-nistp256" … */
  type: string;
  /** "SHA256:…" (base64 without padding), as `ssh-keygen -l` prints it. */
  fingerprint: string;
}

/** The extension's own pins, by "host:port". */
export interface HostKeyStore {
  get(hostPort: string): HostKey[];
  add(hostPort: string, key: HostKey): Promise<void> | void;
}

export interface HostKeyPolicyOptions {
  store: HostKeyStore;
  /** known_hosts files to read (default: ~/.ssh/known_hosts). Missing files are skipped. */
  knownHostsFiles?: string[];
  /** Asked when the host is unknown; resolve true to trust and pin the key. */
  confirm(request: { host: string; port: number; key: HostKey }): Promise<boolean>;
}

export class HostKeyError extends Error {
  constructor(readonly kind: 'changed' | 'revoked' | 'declined', message: string) {
    super(message);
    this.name = 'HostKeyError';
  }
}

export function fingerprintOf(keyBlob: Buffer): string {
  return 'SHA256:' + createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '');
}

/** The key type written at the start of an SSH public key blob. */
export function keyTypeOf(keyBlob: Buffer): string {
  if (keyBlob.length < 4) return 'unknown';
  const n = keyBlob.readUInt32BE(0);
  return n > 0 && n < 64 && keyBlob.length >= 4 + n ? keyBlob.subarray(4, 4 + n).toString('latin1') : 'unknown';
}

export function hostPortKey(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

interface KnownHostsLine {
  marker?: '@revoked' | '@cert-authority';
  patterns: string;
  key: HostKey;
}

/** Parses known_hosts text; lines that cannot be read are skipped, as ssh does. */
export function parseKnownHosts(text: string): KnownHostsLine[] {
  const out: KnownHostsLine[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const fields = line.split(/\s+/);
    let marker: KnownHostsLine['marker'];
    if (fields[0] === '@revoked' || fields[0] === '@cert-authority') marker = fields.shift() as KnownHostsLine['marker'];
    const [patterns, type, b64] = fields;
    if (!patterns || !type || !b64) continue;
    const blob = Buffer.from(b64, 'base64');
    if (blob.length === 0) continue;
    out.push({ marker, patterns, key: { type, fingerprint: fingerprintOf(blob) } });
  }
  return out;
}

function wildcardToRegExp(pattern: string): RegExp {
  return new RegExp('^' + pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.') + '$', 'i');
}

/** Whether a known_hosts host field names this host (plain, wildcard, negated or hashed entries). */
export function matchesHost(patterns: string, host: string, port: number): boolean {
  const name = hostPortKey(host, port);
  if (patterns.startsWith('|1|')) {
    const [, , salt, hash] = patterns.split('|');
    if (!salt || !hash) return false;
    return createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash;
  }
  let matched = false;
  for (const p of patterns.split(',')) {
    const negated = p.startsWith('!');
    const body = negated ? p.slice(1) : p;
    if (wildcardToRegExp(body).test(name)) {
      if (negated) return false;
      matched = true;
    }
  }
  return matched;
}

function readKnownHosts(files: readonly string[]): KnownHostsLine[] {
  const out: KnownHostsLine[] = [];
  for (const f of files) {
    try {
      out.push(...parseKnownHosts(readFileSync(f, 'utf8')));
    } catch {
      // a missing or unreadable known_hosts is the same as an empty one
    }
  }
  return out;
}

export function defaultKnownHostsFiles(): string[] {
  const home = process.env.HOME ?? process.env.USERPROFILE;
  return home ? [`${home}/.ssh/known_hosts`] : [];
}

/**
 * Decides about a presented key: resolves when it may be used (pinning it if the admin accepted it as
 * new), rejects with a HostKeyError naming the host otherwise.
 */
export async function checkHostKey(opts: HostKeyPolicyOptions, host: string, port: number, keyBlob: Buffer): Promise<void> {
  const presented: HostKey = { type: keyTypeOf(keyBlob), fingerprint: fingerprintOf(keyBlob) };
  const where = hostPortKey(host, port);
  const lines = readKnownHosts(opts.knownHostsFiles ?? defaultKnownHostsFiles()).filter((l) => matchesHost(l.patterns, host, port));
  if (lines.some((l) => l.marker === '@revoked' && l.key.fingerprint === presented.fingerprint)) {
    throw new HostKeyError('revoked', l10n.t('The SSH host key of {0} ({1}) is marked @revoked in known_hosts. XCP Admin did not connect.', where, `${presented.type} ${presented.fingerprint}`));
  }
  const known: HostKey[] = [...lines.filter((l) => !l.marker).map((l) => l.key), ...opts.store.get(hostPortKey(host, port))];
  if (known.some((k) => k.fingerprint === presented.fingerprint)) return;
  if (known.length > 0) {
    // A key of another type than the known ones is refused as well: an impostor offering an RSA key for
    // a host pinned with ed25519 must not be asked about as a host never seen.
    const sameType = known.filter((k) => k.type === presented.type);
    throw new HostKeyError(
      'changed',
      l10n.t(
        'WARNING: the SSH host key of {0} has CHANGED. Known: {1}; presented now: {2}{3}. XCP Admin refused to connect: this could be another machine answering for the host. If the host was reinstalled, check the new key on its console ({4}), then remove the old entry ({5}, and "{6}") and connect again.',
        where,
        known.map((k) => `${k.type} ${k.fingerprint}`).join(', '),
        `${presented.type} ${presented.fingerprint}`,
        sameType.length ? '' : known.length > 1 ? l10n.t(' (a key of another type than the known ones)') : l10n.t(' (a key of another type than the known one)'),
        `ssh-keygen -lf /etc/ssh/ssh_host_${presented.type.replace(/^ssh-/, '').replace(/^ecdsa-sha2-nistp\d+$/, 'ecdsa')}_key.pub`,
        `ssh-keygen -R '${where}'`,
        l10n.t('XCP Admin: Forget SSH Host Keys'),
      ),
    );
  }
  const accepted = await opts.confirm({ host, port, key: presented });
  if (!accepted) {
    throw new HostKeyError('declined', l10n.t('The SSH host key of {0} ({1}) was not accepted, so XCP Admin did not connect.', where, `${presented.type} ${presented.fingerprint}`));
  }
  await opts.store.add(hostPortKey(host, port), presented);
}

/** Every key known for host:port: known_hosts entries (not @revoked or @cert-authority) and the extension's pins. */
export function knownHostKeys(opts: HostKeyPolicyOptions, host: string, port: number): HostKey[] {
  const lines = readKnownHosts(opts.knownHostsFiles ?? defaultKnownHostsFiles()).filter((l) => !l.marker && matchesHost(l.patterns, host, port));
  return [...lines.map((l) => l.key), ...opts.store.get(hostPortKey(host, port))];
}

/** ssh2's host-key algorithms for the key types known for a host (an RSA key is signed with any of three). */
const ALGORITHMS_OF_TYPE: Record<string, string[]> = {
  'ssh-ed25519': ['ssh-ed25519'],
  'ecdsa-sha2-nistp256': ['ecdsa-sha2-nistp256'],
  'ecdsa-sha2-nistp384': ['ecdsa-sha2-nistp384'],
  'ecdsa-sha2-nistp521': ['ecdsa-sha2-nistp521'],
  'ssh-rsa': ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'],
  'ssh-dss': ['ssh-dss'],
};

/**
 * The host-key algorithms to offer a host with these known keys, so that the server presents a key of a
 * known type or none; undefined when no key is known (any type may be asked about then), or when no known
 * type is one ssh2 speaks (the check of the presented key still refuses it).
 */
export function hostKeyAlgorithms(known: readonly HostKey[]): string[] | undefined {
  const algos = [...new Set(known.flatMap((k) => ALGORITHMS_OF_TYPE[k.type] ?? []))];
  return algos.length ? algos : undefined;
}

/** A HostKeyStore in memory, optionally backed by a JSON file (tests, and a fallback). */
export class MemoryHostKeyStore implements HostKeyStore {
  private readonly keys = new Map<string, HostKey[]>();
  constructor(initial: Record<string, HostKey[]> = {}) {
    for (const [k, v] of Object.entries(initial)) this.keys.set(k, [...v]);
  }
  get(hostPort: string): HostKey[] {
    return this.keys.get(hostPort) ?? [];
  }
  add(hostPort: string, key: HostKey): void {
    this.keys.set(hostPort, [...this.get(hostPort).filter((k) => k.type !== key.type), key]);
  }
  toJSON(): Record<string, HostKey[]> {
    return Object.fromEntries(this.keys);
  }
}
