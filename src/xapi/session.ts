// A XAPI session: login (with the fallbacks old servers need), the HOST_IS_SLAVE redirect to the
// master, one re-login on SESSION_INVALID, logout on dispose.
//
// The password is never kept: `password()` is asked at each login (the editor reads SecretStorage).

import { MissingPasswordError, TransportError, XapiError, describeUnexpected } from './errors';
import { Endpoint } from './http';
import type { CertificatePolicy } from './tls';
import { createTransport } from './autoTransport';
import type { CallOptions, Transport, TransportChoice, TransportKind } from './transport';
import { l10n } from '../text/l10n';

export interface SessionOptions {
  /** Base URL of the host to log in to: `https://host[:port]/` or `http://host:port/`. */
  url: string | URL;
  username: string;
  password: () => Promise<string | undefined>;
  transport?: TransportChoice;
  /** Required for https: gives the fingerprint each host must present (asks the admin on first contact). */
  certificates?: CertificatePolicy;
  /** Shown by XAPI in its logs and session list (6.2 and later). */
  originator?: string;
  connectTimeoutMs?: number;
  idleTimeoutMs?: number;
  /** Longest wait for the answer to a login (default 20 s): a host that accepts and never answers fails fast. */
  loginTimeoutMs?: number;
  /** Called when login learned (from HOST_IS_SLAVE) that the master is another host. */
  onMasterMoved?(masterAddress: string): void;
  /**
   * A session on this very host, not on the pool: `session.slave_local_login_with_password`, no
   * redirect. What a slave accepts while its master is gone (emergency mode).
   */
  slaveLocal?: boolean;
}

export interface SessionCallOptions extends CallOptions {
  /** Log in again once and retry on SESSION_INVALID (default true). The event watcher turns it off. */
  relogin?: boolean;
}

/** The API version we speak, sent to login (XAPI uses it only for logging). */
const CLIENT_API_VERSION = '1.0';
/** A login answers in well under a second on a healthy pool; a hung xapi should not keep the admin waiting. */
const DEFAULT_LOGIN_TIMEOUT_MS = 20_000;
/** A pool has one master; two hops cover a master that moved while we were redirected. */
const MAX_REDIRECTS = 3;

export class XapiSession {
  private readonly opts: SessionOptions;
  private baseUrl: URL;
  private endpoint: Endpoint | undefined;
  private transport: Transport | undefined;
  private ref: string | undefined;
  private loggingIn: Promise<string> | undefined;
  private disposed = false;

  constructor(opts: SessionOptions) {
    this.opts = opts;
    this.baseUrl = new URL(typeof opts.url === 'string' ? opts.url : opts.url.href);
  }

  /** The host we talk to (the master, after any redirect), without port. */
  get masterAddress(): string {
    return this.baseUrl.hostname.replace(/^\[(.*)\]$/, '$1');
  }
  /** Base URL of the master. */
  get url(): string {
    return this.baseUrl.href;
  }
  /** The wire format in use (known after the first answer). */
  get transportKind(): TransportKind | undefined {
    return this.transport?.kind;
  }
  get sessionRef(): string | undefined {
    return this.ref;
  }
  /** Logs in (once; concurrent callers share the attempt). */
  async login(): Promise<string> {
    if (this.ref) return this.ref;
    if (!this.loggingIn) {
      this.loggingIn = this.doLogin().finally(() => {
        this.loggingIn = undefined;
      });
    }
    return this.loggingIn;
  }

  /** Calls `method(session, ...args)`; on SESSION_INVALID logs in again once and retries. */
  async call<T = unknown>(method: string, args: readonly unknown[] = [], options: SessionCallOptions = {}): Promise<T> {
    const ref = await this.login();
    try {
      return (await this.transport!(method, [ref, ...args], options)) as T;
    } catch (err) {
      if (options.relogin === false || !(err instanceof XapiError) || err.code !== 'SESSION_INVALID') throw err;
      const fresh = await this.relogin(ref);
      return (await this.transport!(method, [fresh, ...args], options)) as T;
    }
  }

  /** Calls a method that takes no session (`system.listMethods`, …). */
  async callAnonymous<T = unknown>(method: string, params: readonly unknown[] = [], options: CallOptions = {}): Promise<T> {
    await this.ensureEndpoint();
    return (await this.transport!(method, params, options)) as T;
  }

  /** Drops `staleRef` (if still current) and logs in again. */
  async relogin(staleRef?: string): Promise<string> {
    if (staleRef === undefined || this.ref === staleRef) this.ref = undefined;
    return this.login();
  }

  /** `session.logout`, best effort (the session may be gone already). */
  async logout(): Promise<void> {
    const ref = this.ref;
    this.ref = undefined;
    if (ref && this.transport) {
      try {
        await this.transport(this.opts.slaveLocal ? 'session.local_logout' : 'session.logout', [ref], { idleTimeoutMs: 5_000 });
      } catch {
        // Gone already, or the host is unreachable: nothing to clean up on our side.
      }
    }
  }

  /** Logs out and closes the connections. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.logout();
    this.endpoint?.destroy();
  }

  private async ensureEndpoint(): Promise<void> {
    if (this.endpoint) return;
    const pin =
      this.baseUrl.protocol === 'https:'
        ? await this.requireCertificates().pinFor(hostPortOf(this.baseUrl))
        : undefined;
    this.endpoint = new Endpoint({
      url: this.baseUrl,
      pin,
      connectTimeoutMs: this.opts.connectTimeoutMs,
      idleTimeoutMs: this.opts.idleTimeoutMs,
    });
    this.transport = createTransport(this.endpoint, this.opts.transport ?? 'auto');
  }

  private requireCertificates(): CertificatePolicy {
    if (!this.opts.certificates) throw new Error(`https needs a certificate policy (${this.baseUrl.href})`);
    return this.opts.certificates;
  }

  private async doLogin(): Promise<string> {
    if (this.disposed) throw new Error('the session was disposed');
    for (let hops = 0; ; hops++) {
      await this.ensureEndpoint();
      try {
        const ref = await this.loginHere();
        this.ref = ref;
        return ref;
      } catch (err) {
        if (this.opts.slaveLocal || !(err instanceof XapiError) || err.code !== 'HOST_IS_SLAVE' || !err.params[0] || hops >= MAX_REDIRECTS) throw err;
        // The master's address, with the scheme and port of the URL we were given.
        const master = err.params[0];
        const next = new URL(this.baseUrl.href);
        next.hostname = master.includes(':') && !master.startsWith('[') ? `[${master}]` : master;
        this.endpoint?.destroy();
        this.endpoint = undefined;
        this.transport = undefined;
        this.baseUrl = next;
        this.opts.onMasterMoved?.(master);
      }
    }
  }

  private async poolLogin(transport: Transport, password: string, options: CallOptions): Promise<unknown> {
    try {
      return await transport('session.login_with_password', [
        this.opts.username, password, CLIENT_API_VERSION, this.opts.originator ?? 'XCP Admin',
      ], options);
    } catch (err) {
      // xapi ignores extra parameters of a call whose last ones have defaults (1.9 takes the originator too);
      // XenServer 4.0 knew neither version nor originator and wants the two-parameter form.
      if (!(err instanceof XapiError) || err.code !== 'MESSAGE_PARAMETER_COUNT_MISMATCH') throw err;
      return transport('session.login_with_password', [this.opts.username, password], options);
    }
  }

  private async loginHere(): Promise<string> {
    const password = await this.opts.password();
    if (password === undefined) throw new MissingPasswordError(l10n.t('No password is stored for {0}.', `${this.opts.username}@${this.baseUrl.host}`));
    const transport = this.transport!;
    const timeoutMs = this.opts.loginTimeoutMs ?? DEFAULT_LOGIN_TIMEOUT_MS;
    let ref: unknown;
    try {
      ref = this.opts.slaveLocal
        ? await transport('session.slave_local_login_with_password', [this.opts.username, password], { idleTimeoutMs: timeoutMs })
        : await this.poolLogin(transport, password, { idleTimeoutMs: timeoutMs });
    } catch (err) {
      if (err instanceof TransportError && err.kind === 'timeout') {
        throw new TransportError('timeout', l10n.t('{0} accepted the connection but did not answer the login within {1} s: xapi on that host may be hung or still starting. Check it on the host\'s console ({2}), or give the address of another pool member.', this.baseUrl.host, Math.round(timeoutMs / 1000), '`service xapi status`'), this.baseUrl.href, err);
      }
      throw err;
    }
    if (typeof ref !== 'string' || !ref.startsWith('OpaqueRef:')) {
      throw new XapiError('SESSION_AUTHENTICATION_FAILED', [this.opts.username, l10n.t('login returned {0} instead of a session reference', describeUnexpected(ref))], 'session.login_with_password');
    }
    return ref;
  }
}

export function hostPortOf(url: URL): string {
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return `${url.hostname}:${port}`;
}
