// One pool as the editor sees it: a state machine over session + event watcher + model.
//   disconnected → connecting → connected | failed;  connect() again from failed or disconnected.
// Failures are classified and carry a sentence the admin can act on. No vscode import.

import { decodeAllRecords } from '../xapi/decode';
import { EventWatcher, type WatcherStatus } from '../xapi/eventWatcher';
import { isLoopbackHost } from '../xapi/loopback';
import { MissingPasswordError, TransportError, XapiError, describeError, describeXapiError } from '../xapi/errors';
import { XapiSession } from '../xapi/session';
import { TaskWatcher, callXapi, runsAsTask, type XapiCallOptions } from '../xapi/task';
import { fetchPeerCertificate, untrustedError, type CertificatePolicy } from '../xapi/tls';
import type { TransportChoice } from '../xapi/transport';
import { probeMaster, memberUrl, type MasterProbe } from './masterProbe';
import { PoolModel } from './poolModel';
import { Emitter, type Disposable } from '../base/emitter';
import { l10n } from '../text/l10n';

export type ConnectionFailure =
  | 'dns' | 'refused' | 'timeout' | 'unreachable' | 'tls-untrusted' | 'tls-changed' | 'auth' | 'not-xapi' | 'xapi' | 'other';

export type ConnectionState =
  | { kind: 'disconnected' }
  | { kind: 'connecting' }
  | {
      kind: 'connected';
      model: PoolModel;
      masterAddress: string;
      transport: 'xmlrpc' | 'jsonrpc';
      /**
       * Set while the master is silent and slaves still answer: the model is the last one read (it
       * cannot change without a master), kept so the admin can see the pool and run H4 on it.
       */
      masterLost?: MasterProbe;
    }
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
  /** Failed event.from attempts in a row before the pool members are asked who the master is. */
  failuresBeforeProbe?: number;
}

/** "host" → https://host/; keeps explicit http(s) URLs; rejects anything else with a readable error. */
export function normalizePoolUrl(input: string): URL {
  const text = input.trim();
  if (!text || /\s/.test(text)) throw new Error(l10n.t('"{0}" is not a host name or URL.', input));
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new Error(l10n.t('"{0}" is not a host name or URL.', input));
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new Error(l10n.t('"{0}": XAPI is reached over https:// (or http:// for a local simulator), not {1}//.', input, url.protocol));
  }
  if (!url.hostname) throw new Error(l10n.t('"{0}" has no host name.', input));
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw new Error(l10n.t('"{0}": plain http would send the password in clear. Use https:// (every XAPI host serves it; you confirm its certificate on first contact). http:// is accepted only for loopback addresses, such as the built-in simulator.', input));
  }
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

/**
 * Certificates for the master probe: a pinned one where there is a pin; otherwise the host's own,
 * unconfirmed — the probe sends no secret and its answer is only a hint, acted on through a
 * connection that checks the pin (and asks the admin) like any other.
 */
export function probeCertificatePolicy(trust: TlsTrust, timeoutMs?: number): CertificatePolicy {
  return {
    async pinFor(hostPort: string): Promise<string> {
      const pinned = trust.pinned(hostPort);
      if (pinned) return pinned;
      const m = /^\[?(.*?)\]?:(\d+)$/.exec(hostPort);
      if (!m) throw new Error(`bad host:port ${hostPort}`);
      return (await fetchPeerCertificate(m[1], Number(m[2]), timeoutMs)).fingerprint256;
    },
  };
}

/** Classifies an error from connecting/following into the contract's failure kinds and a sentence. */
export function classifyFailure(err: unknown): { failure: ConnectionFailure; message: string } {
  if (err instanceof MissingPasswordError) {
    return { failure: 'auth', message: l10n.t('{0} Edit the pool to enter the password.', err.message) };
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
  private readonly stateChanged: Emitter<ConnectionState>;
  private session: XapiSession | undefined;
  private watcher: EventWatcher | undefined;
  /** Follows the XAPI tasks of long calls made through `call` (see tasks()). */
  private taskWatcher: TaskWatcher | undefined;
  private connecting: Promise<void> | undefined;
  /** Bumped by each connect/disconnect, so a slow attempt that was superseded does not report. */
  private generation = 0;
  private readonly tuning: Required<PoolConnectionTuning>;
  /** The master's address when it differs from the configured URL's (followed after a move). */
  private followAddress: string | undefined;
  private probing = false;

  constructor(private readonly opts: PoolConnectionOptions, tuning: PoolConnectionTuning = {}) {
    this.name = opts.name;
    this.stateChanged = new Emitter<ConnectionState>(`PoolConnection ${opts.name}`);
    this.tuning = {
      connectTimeoutMs: tuning.connectTimeoutMs ?? 10_000,
      eventTimeoutSeconds: tuning.eventTimeoutSeconds ?? 30,
      backoffInitialMs: tuning.backoffInitialMs ?? 1_000,
      backoffMaxMs: tuning.backoffMaxMs ?? 30_000,
      failuresBeforeFailed: tuning.failuresBeforeFailed ?? 4,
      failuresBeforeProbe: tuning.failuresBeforeProbe ?? 2,
    };
  }

  get state(): ConnectionState {
    return this.current;
  }

  onDidChangeState(listener: (s: ConnectionState) => void): Disposable {
    return this.stateChanged.event(listener);
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

  /**
   * One XAPI call on this pool's session (procedures use it); rejects when the pool is not connected.
   * Long calls run as XAPI tasks, a write whose answer was lost throws OutcomeUnknownError (task.ts).
   */
  call<T = unknown>(method: string, args: unknown[], options: XapiCallOptions = {}): Promise<T> {
    if (this.current.kind !== 'connected' || !this.session) {
      return Promise.reject(new Error(l10n.t('Pool {0} is not connected: connect it, then run the procedure again.', this.name)));
    }
    const asTask = options.asTask ?? runsAsTask(method);
    return callXapi<T>(this.session, method, args, asTask ? { ...options, watcher: options.watcher ?? this.tasks(this.session) } : options);
  }

  /**
   * The watcher of this pool's tasks, on a session of its own: the model's event.from runs on the pool
   * session, and XAPI before 2014 (XCP 1.5 included) fails one of two event.from calls running at once
   * on one session (see TaskWatcher). Logged in at the first long call, out at disconnect.
   */
  private tasks(pool: XapiSession): TaskWatcher {
    if (!this.taskWatcher) {
      const session = new XapiSession({
        url: pool.url,
        username: this.opts.username,
        password: this.opts.password,
        transport: this.opts.transport ?? 'auto',
        certificates: certificatePolicy(this.opts.tls, this.tuning.connectTimeoutMs),
        connectTimeoutMs: this.tuning.connectTimeoutMs,
      });
      this.taskWatcher = new TaskWatcher(session, { eventTimeoutSeconds: this.tuning.eventTimeoutSeconds });
      this.taskWatcher.ownsSession = true;
    }
    return this.taskWatcher;
  }

  /**
   * One call on a member's own XAPI, not through the pool session: a slave-local session for the
   * emergency calls a slave answers without its master, or a pool login at a new master.
   */
  async callOn<T = unknown>(address: string, method: string, args: unknown[], opts: { slaveLocal: boolean } & XapiCallOptions): Promise<T> {
    const session = new XapiSession({
      url: memberUrl(this.baseUrl(), address),
      username: this.opts.username,
      password: this.opts.password,
      transport: this.opts.transport ?? 'auto',
      certificates: certificatePolicy(this.opts.tls, this.tuning.connectTimeoutMs),
      connectTimeoutMs: this.tuning.connectTimeoutMs,
      slaveLocal: opts.slaveLocal,
    });
    try {
      return await callXapi<T>(session, method, args, opts);
    } finally {
      await session.dispose();
    }
  }

  /**
   * Reads the pool's messages again and drops the ones gone from the model: API 1.x's event.from
   * reports new messages but never their deletion (a reconnect's full load reconciles too).
   */
  async reloadMessages(): Promise<void> {
    if (this.current.kind !== 'connected' || !this.session) return;
    const model = this.current.model;
    const raw = await callXapi(this.session, 'message.get_all_records', []);
    model.reconcile('message', decodeAllRecords('message', raw));
  }

  /** Dismisses an alert: message.destroy, then the store read again (1.x reports no deletion). */
  async dismissMessage(ref: string): Promise<void> {
    await this.call('message.destroy', [ref]);
    await this.reloadMessages();
  }

  /** What an HTTP handler of XAPI (import_raw_vdi) needs: the master's URL, a session, the pins. */
  async httpAccess(): Promise<{ baseUrl: URL; sessionRef: string; certificates: CertificatePolicy; members: string[] }> {
    if (this.current.kind !== 'connected' || !this.session) throw new Error(l10n.t('Pool {0} is not connected: connect it, then run the procedure again.', this.name));
    const members = this.current.model.all('host').map((h) => String(h.record.address)).filter((a) => a !== '');
    const sessionRef = await this.session.login();
    return { baseUrl: new URL(this.session.url), sessionRef, certificates: certificatePolicy(this.opts.tls, this.tuning.connectTimeoutMs), members };
  }

  /** Reconnects to the master at `address` (after H4, or when the probe found that it moved). */
  async follow(address: string): Promise<void> {
    this.followAddress = address;
    this.opts.onMasterMoved?.(address);
    this.generation++;
    await this.teardown();
    this.setState({ kind: 'disconnected' });
    await this.connect();
  }

  /** Asks the pool members who the master is (the editor runs it before H4). */
  async probe(): Promise<MasterProbe | undefined> {
    const s = this.current;
    if (s.kind !== 'connected') return undefined;
    const master = s.model.master()?.record;
    const members = s.model.hosts().map((h) => ({ name: h.record.name_label, address: h.record.address }));
    return probeMaster({
      poolUrl: this.baseUrl(),
      master: { name: master?.name_label ?? s.masterAddress, address: s.masterAddress },
      members,
      certificates: probeCertificatePolicy(this.opts.tls, this.tuning.connectTimeoutMs),
      timeoutMs: Math.min(this.tuning.connectTimeoutMs, 5_000),
    });
  }

  /** Stops the event watcher and logs out. */
  async disconnect(): Promise<void> {
    this.generation++;
    await this.teardown();
    this.setState({ kind: 'disconnected' });
  }

  dispose(): void {
    void this.disconnect();
    this.stateChanged.dispose();
  }

  private async doConnect(): Promise<void> {
    const generation = ++this.generation;
    await this.teardown();
    this.setState({ kind: 'connecting' });
    let url: URL;
    try {
      url = this.baseUrl();
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

  private baseUrl(): URL {
    const url = normalizePoolUrl(this.opts.url);
    return this.followAddress ? memberUrl(url, this.followAddress) : url;
  }

  /** The master went silent: find out from the members whether it moved or died. */
  private async checkMaster(generation: number, session: XapiSession, model: PoolModel, error: unknown): Promise<void> {
    if (this.probing) return;
    this.probing = true;
    try {
      const probe = await this.probe();
      if (!probe || generation !== this.generation) return;
      switch (probe.verdict.kind) {
        case 'master-moved':
          await this.follow(probe.verdict.address);
          return;
        case 'master-dead':
          this.setState({
            kind: 'connected', model, masterAddress: session.masterAddress, transport: session.transportKind ?? 'xmlrpc', masterLost: probe,
          });
          return;
        default:
          // The master answers a login, or nobody answers: the usual retry/failed path decides.
          return;
      }
    } catch (err) {
      console.error(`PoolConnection ${this.name}: probing the members failed: ${describeError(err)} (after ${describeError(error)})`);
    } finally {
      this.probing = false;
    }
  }

  private onWatcherStatus(generation: number, session: XapiSession, model: PoolModel, s: WatcherStatus): void {
    if (generation !== this.generation) return;
    const connected = (): ConnectionState => ({
      kind: 'connected', model, masterAddress: session.masterAddress, transport: session.transportKind ?? 'xmlrpc',
    });
    switch (s.kind) {
      case 'live':
        // Back from a `failed` spell (or a silent master that answers again): the same model, current again.
        if (this.current.kind === 'failed' || (this.current.kind === 'connected' && this.current.masterLost)) this.setState(connected());
        break;
      case 'retrying':
        if (s.attempt >= this.tuning.failuresBeforeProbe && this.current.kind === 'connected' && model.hosts().length > 1) {
          void this.checkMaster(generation, session, model, s.error);
        }
        if (s.attempt >= this.tuning.failuresBeforeFailed && this.current.kind === 'connected' && !this.current.masterLost) {
          const { failure, message } = classifyFailure(s.error);
          this.setState({
            kind: 'failed',
            failure,
            message: l10n.t('Lost contact with the pool master {0}: {1} Retrying in the background every {2} s; Retry reconnects now.', session.masterAddress, message, Math.round(s.delayMs / 1000)),
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
    const tasks = this.taskWatcher;
    this.watcher = undefined;
    this.session = undefined;
    this.taskWatcher = undefined;
    await watcher?.stop();
    await tasks?.dispose();
    await session?.dispose();
  }

  private setState(s: ConnectionState): void {
    this.current = s;
    this.stateChanged.fire(s);
  }
}
