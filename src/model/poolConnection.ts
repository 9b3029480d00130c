// One pool as the editor sees it: a state machine over session + event watcher + model.
//   disconnected → connecting → connected | failed;  connect() again from failed or disconnected.
// Failures are classified and carry a sentence the admin can act on. No vscode import.

import { EventWatcher, type WatcherStatus } from '../xapi/eventWatcher';
import { MissingPasswordError, TransportError, XapiError, describeXapiError } from '../xapi/errors';
import { XapiSession } from '../xapi/session';
import { fetchPeerCertificate, untrustedError, type CertificatePolicy } from '../xapi/tls';
import type { TransportChoice } from '../xapi/transport';
import { PoolModel, type Disposable } from './poolModel';

export type ConnectionFailure =
  | 'dns' | 'refused' | 'timeout' | 'unreachable' | 'tls-untrusted' | 'tls-changed' | 'auth' | 'not-xapi' | 'xapi' | 'other';

export type ConnectionState =
  | { kind: 'disconnected' }
  | { kind: 'connecting' }
  | { kind: 'connected'; model: PoolModel; masterAddress: string; transport: 'xmlrpc' | 'jsonrpc' }
  | { kind: 'failed'; failure: ConnectionFailure; message: string };

export interface TlsTrust {
  pinned(hostPort: string): string | undefined;
  confirm(info: { hostPort: string; fingerprint256: string; subject?: string; validTo?: string }): Promise<boolean>;
  pin(hostPort: string, fingerprint256: string): Promise<void>;
}

export interface PoolConnectionOptions {
  name: string;
  /** "https://host", "host" (→ https), "host:port", or "http://127.x:port/". */
  url: string;
  username: string;
  password: () => Promise<string | undefined>;
  transport?: TransportChoice;
  tls: TlsTrust;
  onMasterMoved?(newMasterAddress: string): void;
}

/** Tunables for tests; the editor uses the defaults. */
export interface PoolConnectionTuning {
  connectTimeoutMs?: number;
  eventTimeoutSeconds?: number;
  backoffInitialMs?: number;
  backoffMaxMs?: number;
  /** Failed event.from attempts in a row before the state turns `failed` (it keeps retrying). */
  failuresBeforeFailed?: number;
}

/** "host" → https://host/; keeps explicit http(s) URLs; rejects anything else with a readable error. */
export function normalizePoolUrl(input: string): URL {
  const text = input.trim();
  if (!text || /\s/.test(text)) throw new Error(`"${input}" is not a host name or URL.`);
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new Error(`"${input}" is not a host name or URL.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new Error(`"${input}": XAPI is reached over https:// (or http:// for a local simulator), not ${url.protocol}//.`);
  }
  if (!url.hostname) throw new Error(`"${input}" has no host name.`);
  url.pathname = '/';
  url.search = '';
  url.hash = '';
  return url;
}

/** Turns the editor's TlsTrust into the client's CertificatePolicy: ask once, then pin. */
export function certificatePolicy(trust: TlsTrust, timeoutMs?: number): CertificatePolicy {
  const asking = new Map<string, Promise<string>>();
  return {
    pinFor(hostPort: string): Promise<string> {
      const pinned = trust.pinned(hostPort);
      if (pinned) return Promise.resolve(pinned);
      let pending = asking.get(hostPort);
      if (!pending) {
        pending = (async () => {
          const m = /^\[?(.*?)\]?:(\d+)$/.exec(hostPort);
          if (!m) throw new Error(`bad host:port ${hostPort}`);
          const info = await fetchPeerCertificate(m[1], Number(m[2]), timeoutMs);
          const accepted = await trust.confirm(info);
          if (!accepted) throw untrustedError(hostPort, `https://${hostPort}/`, info.fingerprint256);
          await trust.pin(hostPort, info.fingerprint256);
          return info.fingerprint256;
        })().finally(() => asking.delete(hostPort));
        asking.set(hostPort, pending);
      }
      return pending;
    },
  };
}

/** Classifies an error from connecting/following into the contract's failure kinds and a sentence. */
export function classifyFailure(err: unknown): { failure: ConnectionFailure; message: string } {
  if (err instanceof MissingPasswordError) {
    return { failure: 'auth', message: `${err.message} Edit the pool to enter the password.` };
  }
  if (err instanceof XapiError) {
    return { failure: err.code === 'SESSION_AUTHENTICATION_FAILED' ? 'auth' : 'xapi', message: describeXapiError(err) };
  }
  if (err instanceof TransportError) {
    const failure: ConnectionFailure =
      err.kind === 'dns' || err.kind === 'refused' || err.kind === 'timeout' || err.kind === 'unreachable' ||
      err.kind === 'tls-untrusted' || err.kind === 'tls-changed' || err.kind === 'not-xapi'
        ? err.kind
        : err.kind === 'reset'
          ? 'unreachable'
          : 'other';
    return { failure, message: err.message };
  }
  return { failure: 'other', message: err instanceof Error ? err.message : String(err) };
}

export class PoolConnection {
  readonly name: string;
  private current: ConnectionState = { kind: 'disconnected' };
  private readonly listeners = new Set<(s: ConnectionState) => void>();
  private session: XapiSession | undefined;
  private watcher: EventWatcher | undefined;
  private connecting: Promise<void> | undefined;
  /** Bumped by each connect/disconnect, so a slow attempt that was superseded does not report. */
  private generation = 0;
  private readonly tuning: Required<PoolConnectionTuning>;

  constructor(private readonly opts: PoolConnectionOptions, tuning: PoolConnectionTuning = {}) {
    this.name = opts.name;
    this.tuning = {
      connectTimeoutMs: tuning.connectTimeoutMs ?? 10_000,
      eventTimeoutSeconds: tuning.eventTimeoutSeconds ?? 30,
      backoffInitialMs: tuning.backoffInitialMs ?? 1_000,
      backoffMaxMs: tuning.backoffMaxMs ?? 30_000,
      failuresBeforeFailed: tuning.failuresBeforeFailed ?? 4,
    };
  }

  get state(): ConnectionState {
    return this.current;
  }

  onDidChangeState(listener: (s: ConnectionState) => void): Disposable {
    this.listeners.add(listener);
    return { dispose: () => void this.listeners.delete(listener) };
  }

  /** Connects (or reconnects from `failed`). Never throws: failures become state `failed`. */
  connect(): Promise<void> {
    if (this.current.kind === 'connected') return Promise.resolve();
    if (this.connecting) return this.connecting;
    this.connecting = this.doConnect().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  /** One XAPI call on this pool's session (procedures use it); rejects when the pool is not connected. */
  call<T = unknown>(method: string, args: unknown[]): Promise<T> {
    if (this.current.kind !== 'connected' || !this.session) {
      return Promise.reject(new Error(`Pool ${this.name} is not connected: connect it, then run the procedure again.`));
    }
    return this.session.call<T>(method, args);
  }

  /** Stops the event watcher and logs out. */
  async disconnect(): Promise<void> {
    this.generation++;
    await this.teardown();
    this.setState({ kind: 'disconnected' });
  }

  dispose(): void {
    void this.disconnect();
    this.listeners.clear();
  }

  private async doConnect(): Promise<void> {
    const generation = ++this.generation;
    await this.teardown();
    this.setState({ kind: 'connecting' });
    let url: URL;
    try {
      url = normalizePoolUrl(this.opts.url);
    } catch (err) {
      this.setState({ kind: 'failed', failure: 'other', message: (err as Error).message });
      return;
    }
    const session = new XapiSession({
      url,
      username: this.opts.username,
      password: this.opts.password,
      transport: this.opts.transport ?? 'auto',
      certificates: certificatePolicy(this.opts.tls, this.tuning.connectTimeoutMs),
      connectTimeoutMs: this.tuning.connectTimeoutMs,
      onMasterMoved: (address) => {
        this.opts.onMasterMoved?.(address);
        if (this.current.kind === 'connected' && this.session === session) {
          this.setState({ ...this.current, masterAddress: session.masterAddress });
        }
      },
    });
    const model = new PoolModel();
    const watcher = new EventWatcher(
      session,
      {
        load: (records) => void model.load(records),
        apply: (events) => void model.applyEvents(events),
        status: (s) => this.onWatcherStatus(generation, session, model, s),
      },
      {
        timeoutSeconds: this.tuning.eventTimeoutSeconds,
        backoffInitialMs: this.tuning.backoffInitialMs,
        backoffMaxMs: this.tuning.backoffMaxMs,
      },
    );
    this.session = session;
    this.watcher = watcher;
    try {
      await watcher.start();
      if (generation !== this.generation) return;
      this.setState({ kind: 'connected', model, masterAddress: session.masterAddress, transport: session.transportKind ?? 'xmlrpc' });
    } catch (err) {
      if (generation !== this.generation) return;
      await this.teardown();
      this.setState({ kind: 'failed', ...classifyFailure(err) });
    }
  }

  private onWatcherStatus(generation: number, session: XapiSession, model: PoolModel, s: WatcherStatus): void {
    if (generation !== this.generation) return;
    const connected = (): ConnectionState => ({
      kind: 'connected', model, masterAddress: session.masterAddress, transport: session.transportKind ?? 'xmlrpc',
    });
    switch (s.kind) {
      case 'live':
        // Back from a `failed` spell: the same model, kept current again.
        if (this.current.kind === 'failed') this.setState(connected());
        break;
      case 'retrying':
        if (s.attempt >= this.tuning.failuresBeforeFailed && this.current.kind === 'connected') {
          const { failure, message } = classifyFailure(s.error);
          this.setState({
            kind: 'failed',
            failure,
            message: `Lost contact with the pool master ${session.masterAddress}: ${message} Retrying in the background every ${Math.round(s.delayMs / 1000)} s; Retry reconnects now.`,
          });
        }
        break;
      case 'stopped': {
        void this.teardown();
        this.setState({ kind: 'failed', ...classifyFailure(s.error) });
        break;
      }
      case 'resyncing':
      case 'static':
        break;
    }
  }

  private async teardown(): Promise<void> {
    const watcher = this.watcher;
    const session = this.session;
    this.watcher = undefined;
    this.session = undefined;
    await watcher?.stop();
    await session?.dispose();
  }

  private setState(s: ConnectionState): void {
    this.current = s;
    for (const listener of [...this.listeners]) {
      try {
        listener(s);
      } catch (err) {
        console.error(`PoolConnection ${this.name}: state listener failed:`, err);
      }
    }
  }
}
