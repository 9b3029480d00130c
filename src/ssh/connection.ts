// SSH connections to dom0 on ssh2: agent, private key or password; an optional jump host (the
// runbook's broker machine); host keys checked by hostKeys.ts before any credential is sent;
// keepalive; one close() for the whole chain. No vscode import.

import { readFile } from 'node:fs/promises';
import type { AnyAuthMethod, AuthenticationType, Client, ConnectConfig } from 'ssh2';
import { checkHostKey, HostKeyError, hostKeyAlgorithms, hostPortKey, knownHostKeys, type HostKeyPolicyOptions } from './hostKeys';
import { l10n } from '../text/l10n';

export interface SshAuth {
  username: string;
  /** Use the agent at this socket (default: $SSH_AUTH_SOCK when set). `false` turns the agent off. */
  agent?: string | false;
  privateKeyPath?: string;
  passphrase?: () => Promise<string | undefined>;
  /** Asked only when the server wants a password; never kept. */
  password?: () => Promise<string | undefined>;
}

export interface SshTarget {
  host: string;
  port?: number;
  auth: SshAuth;
}

export interface SshConnectOptions extends SshTarget {
  hostKeys: HostKeyPolicyOptions;
  /** Reach the target through this host (its key is checked too). */
  jump?: SshTarget;
  readyTimeoutMs?: number;
  keepaliveIntervalMs?: number;
}

export class SshError extends Error {
  constructor(readonly kind: 'host-key' | 'auth' | 'refused' | 'timeout' | 'dns' | 'unreachable' | 'closed' | 'other', message: string, override readonly cause?: unknown) {
    super(message);
    this.name = 'SshError';
  }
}

export interface SshConnection {
  readonly client: Client;
  readonly host: string;
  readonly port: number;
  /** Fires once when the connection ends, with the reason if it broke. */
  onClose(listener: (error?: Error) => void): void;
  close(): void;
}

function classify(err: unknown, where: string, methodsTried: string[]): SshError {
  if (err instanceof SshError) return err;
  if (err instanceof HostKeyError) return new SshError('host-key', err.message, err);
  const e = err as NodeJS.ErrnoException & { level?: string };
  const msg = e?.message ?? String(err);
  if (e?.level === 'client-authentication' || /authentication methods failed/i.test(msg)) {
    return new SshError('auth', methodsTried.length
      ? l10n.t('SSH login to {0} was refused (tried: {1}). Check the user name, the key in the agent or the password.', where, methodsTried.join(', '))
      : l10n.t('SSH login to {0} was refused (tried: none). Check the user name, the key in the agent or the password.', where), err);
  }
  if (e?.code === 'ECONNREFUSED') return new SshError('refused', l10n.t('Nothing accepts SSH connections on {0} (connection refused). Is sshd running, and is this the right port?', where), err);
  if (e?.code === 'ENOTFOUND' || e?.code === 'EAI_AGAIN') return new SshError('dns', l10n.t('The host name in {0} could not be resolved.', where), err);
  if (e?.code === 'ETIMEDOUT' || /timed out/i.test(msg)) return new SshError('timeout', l10n.t('No SSH answer from {0} in time: the host may be down or a firewall drops the connection.', where), err);
  if (e?.code === 'EHOSTUNREACH' || e?.code === 'ENETUNREACH') return new SshError('unreachable', l10n.t('{0} cannot be reached from here (no route).', where), err);
  return new SshError('other', l10n.t('SSH to {0} failed: {1}', where, msg), err);
}

async function configFor(target: SshTarget, hostKeys: HostKeyPolicyOptions, tried: string[], readyTimeoutMs: number, keepaliveIntervalMs: number): Promise<{ config: ConnectConfig; hostKeyFailure: (err: unknown) => Error | undefined }> {
  const port = target.port ?? 22;
  let failure: Error | undefined;
  // Only the known key types are offered: a server that has none of them fails the handshake (below).
  const known = knownHostKeys(hostKeys, target.host, port);
  const serverHostKey = hostKeyAlgorithms(known);
  const config: ConnectConfig = {
    host: target.host,
    port,
    username: target.auth.username,
    readyTimeout: readyTimeoutMs,
    keepaliveInterval: keepaliveIntervalMs,
    keepaliveCountMax: 3,
    hostVerifier: (key: Buffer, verify: (ok: boolean) => void) => {
      checkHostKey(hostKeys, target.host, port, key).then(
        () => verify(true),
        (err: Error) => {
          failure = err;
          verify(false);
        },
      );
    },
    ...(serverHostKey ? { algorithms: { serverHostKey: serverHostKey as NonNullable<ConnectConfig['algorithms']>['serverHostKey'] } } : {}),
  };
  const agent = target.auth.agent === undefined ? process.env.SSH_AUTH_SOCK : target.auth.agent || undefined;
  if (agent) {
    config.agent = agent;
    tried.push('agent');
  }
  if (target.auth.privateKeyPath) {
    config.privateKey = await readFile(target.auth.privateKeyPath);
    const passphrase = await target.auth.passphrase?.();
    if (passphrase) config.passphrase = passphrase;
    tried.push(`key ${target.auth.privateKeyPath}`);
  }
  if (target.auth.password) {
    const ask = target.auth.password;
    tried.push('password');
    // ssh2 asks for the password only when the server offers it, after agent and key.
    config.authHandler = makeAuthHandler(config, ask);
  }
  const where = hostPortKey(target.host, port);
  // With the offer limited, a server holding no key of a known type fails the key exchange: ssh2 says so,
  // or OpenSSH drops the connection first (a reset before any key was presented). Either is this refusal.
  let verifierCalled = false;
  let remoteIdent = false;
  let remoteFormats: string | undefined;
  if (serverHostKey) {
    config.debug = (m: string) => {
      if (m.startsWith('Remote ident')) remoteIdent = true;
      else if (m.startsWith('Handshake: (remote) Host key format: ')) remoteFormats = m.slice('Handshake: (remote) Host key format: '.length);
    };
    const verify = config.hostVerifier as (key: Buffer, cb: (ok: boolean) => void) => void;
    config.hostVerifier = (key: Buffer, cb: (ok: boolean) => void) => ((verifierCalled = true), verify(key, cb));
  }
  const noKnownType = (err: unknown) =>
    serverHostKey && !verifierCalled && (remoteIdent || /host key format/i.test((err as Error)?.message ?? ''))
      ? new HostKeyError('changed', l10n.t(
        'WARNING: {0} {1}: it offers no SSH host key of the type known for it (known: {2}). XCP Admin refused to connect: this could be another machine answering for the host with a key of another type. If the host was reinstalled, check its new key on its console, remove the old entry ({3}, and "{4}") and connect again.',
        where,
        remoteFormats ? l10n.t('offers only {0} host keys', remoteFormats) : l10n.t('ended the connection during the key exchange'),
        known.map((k) => `${k.type} ${k.fingerprint}`).join(', '),
        `ssh-keygen -R '${where}'`,
        l10n.t('XCP Admin: Forget SSH Host Keys'),
      ))
      : undefined;
  return { config, hostKeyFailure: (err) => failure ?? noKnownType(err) };
}

/** Tries agent, then key, then password (asked only at that point), like OpenSSH's default order. */
function makeAuthHandler(config: ConnectConfig, password: () => Promise<string | undefined>) {
  const queue: string[] = [];
  if (config.agent) queue.push('agent');
  if (config.privateKey) queue.push('publickey');
  queue.push('password');
  return (methodsLeft: AuthenticationType[], _partial: boolean, nextMethod: (m: AuthenticationType | AnyAuthMethod) => void): void => {
    // ssh2 takes `false` for "no more methods"; its types leave that out.
    const next = nextMethod as (m: AuthenticationType | AnyAuthMethod | false) => void;
    const pick = (): void => {
      const method = queue.shift();
      if (!method) return next(false);
      if (methodsLeft && !methodsLeft.includes((method === 'agent' ? 'publickey' : method) as AuthenticationType)) return pick();
      if (method === 'agent') return next({ type: 'agent', username: config.username!, agent: config.agent! } as AnyAuthMethod);
      if (method === 'publickey') return next({ type: 'publickey', username: config.username!, key: config.privateKey!, passphrase: config.passphrase } as AnyAuthMethod);
      password().then(
        (p) => (p === undefined ? next(false) : next({ type: 'password', username: config.username!, password: p })),
        () => next(false),
      );
    };
    pick();
  };
}

/**
 * ssh2 is loaded at the first SSH connection, not when the extension starts: its modules and crypto
 * set-up are most of what activation would otherwise load, and the tree's first frame needs none of it.
 */
function newClient(): Client {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ssh2 = require('ssh2') as typeof import('ssh2');
  return new ssh2.Client();
}

function connectClient(config: ConnectConfig, where: string, tried: string[], hostKeyFailure: (err: unknown) => Error | undefined): Promise<Client> {
  return new Promise((resolve, reject) => {
    const client = newClient();
    const fail = (err: unknown) => {
      client.on('error', () => undefined); // a reset after the failure (OpenSSH closing) is no news
      client.removeAllListeners('ready');
      client.end();
      reject(classify(hostKeyFailure(err) ?? err, where, tried));
    };
    client.once('ready', () => {
      client.removeListener('error', fail);
      client.on('error', () => undefined); // later errors end in 'close', reported through onClose
      resolve(client);
    });
    client.once('error', fail);
    client.connect(config);
  });
}

/** Opens an SSH connection (through the jump host when given). Rejects with an SshError. */
export async function connectSsh(opts: SshConnectOptions): Promise<SshConnection> {
  const readyTimeoutMs = opts.readyTimeoutMs ?? 15_000;
  const keepaliveIntervalMs = opts.keepaliveIntervalMs ?? 15_000;
  const port = opts.port ?? 22;
  let jumpClient: Client | undefined;
  const triedTarget: string[] = [];
  const target = await configFor(opts, opts.hostKeys, triedTarget, readyTimeoutMs, keepaliveIntervalMs);
  if (opts.jump) {
    const triedJump: string[] = [];
    const jump = await configFor(opts.jump, opts.hostKeys, triedJump, readyTimeoutMs, keepaliveIntervalMs);
    const jumpWhere = l10n.t('jump host {0}', hostPortKey(opts.jump.host, opts.jump.port ?? 22));
    jumpClient = await connectClient(jump.config, jumpWhere, triedJump, jump.hostKeyFailure);
    try {
      target.config.sock = await new Promise((resolve, reject) => {
        jumpClient!.forwardOut('127.0.0.1', 0, opts.host, port, (err, stream) => (err ? reject(classify(err, l10n.t('{0} via {1}', `${opts.host}:${port}`, jumpWhere), [])) : resolve(stream)));
      });
    } catch (err) {
      jumpClient.end();
      throw err instanceof SshError ? err : classify(err, jumpWhere, []);
    }
  }
  const where = `${opts.auth.username}@${hostPortKey(opts.host, port)}${opts.jump ? ` via ${opts.jump.host}` : ''}`;
  let client: Client;
  try {
    client = await connectClient(target.config, where, triedTarget, target.hostKeyFailure);
  } catch (err) {
    jumpClient?.end();
    throw err;
  }
  let closed = false;
  let lastError: Error | undefined;
  const closeListeners: ((error?: Error) => void)[] = [];
  client.on('error', (err) => (lastError = err));
  client.once('close', () => {
    closed = true;
    jumpClient?.end();
    for (const l of closeListeners) l(lastError);
  });
  return {
    client,
    host: opts.host,
    port,
    onClose(listener) {
      if (closed) listener(lastError);
      else closeListeners.push(listener);
    },
    close() {
      client.end();
      jumpClient?.end();
    },
  };
}
