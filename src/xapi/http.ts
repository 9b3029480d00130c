// One XAPI host's HTTP(S) endpoint: a keep-alive agent of its own (never the global one) whose
// sockets are checked against the pinned certificate before any request is written to them.
//
// Requests are made with `new http.ClientRequest`, not `http.request` / `https.request`: inside VS Code
// those two are patched by the editor's proxy support (`http.proxySupport`, on by default), which
// replaces the request's agent with its own, so our pinned-socket hand-over would never run and the
// default CA check would refuse every self-signed XAPI certificate. The patch does not touch the
// ClientRequest class. As a second lock, a request whose socket is not one this endpoint opened and
// checked is destroyed before a byte of it is written (see `guardSocket`). XAPI traffic therefore goes
// straight to the pool, never through the editor's HTTP proxy.

import * as http from 'node:http';
import type { Readable } from 'node:stream';
import * as https from 'node:https';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { TransportError, classifyNetworkError } from './errors';
import { isLoopbackHost } from './loopback';
import { certificateChangedError, formatHostPort, isIp, sameFingerprint } from './tls';
import type { CallOptions } from './transport';
import { l10n } from '../text/l10n';

export interface EndpointOptions {
  /** Base URL: `https://host[:port]/` or `http://host:port/`. */
  url: URL;
  /** SHA-256 fingerprint the peer must present; required for https. */
  pin?: string;
  connectTimeoutMs?: number;
  /** Default longest silence on a connection while waiting for an answer. */
  idleTimeoutMs?: number;
  /** How long an unused keep-alive connection is kept for the next request (FREE_SOCKET_MS). */
  freeSocketMs?: number;
}

export interface HttpAnswer {
  status: number;
  contentType: string;
  body: Buffer;
}

const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
const DEFAULT_IDLE_TIMEOUT_MS = 120_000;
/**
 * A connection left unused this long is closed by us rather than kept for the next call. A server
 * closes an idle keep-alive connection after its own timeout, and a request written while that close is
 * on its way is reset after it was sent: its outcome unknown, for a call that may have changed the pool.
 * Staying well below any server's timeout (xapi's, a proxy's, the simulator's 30 s) means a call
 * never goes out on a connection the server may be closing; a new one costs one handshake.
 */
const FREE_SOCKET_MS = 4_000;

type Done = (err: Error | null, socket?: net.Socket) => void;

/**
 * Gives `socket` to the HTTP agent once `ready` has fired and `check` (if any) found nothing wrong;
 * a failed check, an error or the timeout destroys it before anything is written to it.
 */
function handOver(socket: net.Socket, ready: 'connect' | 'secureConnect', hostPort: string, timeoutMs: number, done: Done, check?: (socket: net.Socket) => Error | undefined): undefined {
  const timer = setTimeout(() => {
    socket.destroy();
    done(Object.assign(new Error(`connect timeout to ${hostPort}`), { code: 'ETIMEDOUT' }));
  }, timeoutMs);
  socket.once('error', (err) => {
    clearTimeout(timer);
    done(err);
  });
  socket.once(ready, () => {
    clearTimeout(timer);
    const problem = check?.(socket);
    if (problem) {
      socket.destroy();
      done(problem);
      return;
    }
    done(null, socket);
  });
  return undefined;
}

export class Endpoint {
  readonly url: URL;
  readonly hostPort: string;
  readonly secure: boolean;
  private readonly agent: http.Agent;
  private readonly idleTimeoutMs: number;
  /** Sockets this endpoint opened and checked (pin, or plain loopback): the only ones a request may use. */
  private readonly checked = new WeakSet<net.Socket>();

  constructor(opts: EndpointOptions) {
    this.url = opts.url;
    this.secure = opts.url.protocol === 'https:';
    const port = Number(opts.url.port || (this.secure ? 443 : 80));
    const host = opts.url.hostname.replace(/^\[(.*)\]$/, '$1');
    this.hostPort = formatHostPort(host, port);
    this.idleTimeoutMs = opts.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
    const connectTimeoutMs = opts.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    const href = opts.url.href;
    const hostPort = this.hostPort;

    const pin = opts.pin;
    if (this.secure && !pin) throw new Error(`no pinned certificate for ${this.hostPort}: ask CertificatePolicy.pinFor first`);
    if (!this.secure && !isLoopbackHost(host)) throw plainHttpRefused(opts.url.href);
    const checked = (done: Done): Done => (err, socket) => {
      if (socket) this.checked.add(socket);
      done(err, socket);
    };
    // `timeout` is, for a keep-alive agent, how long a free socket waits for its next request before the
    // agent destroys it; a request in progress has its own (idleTimeoutMs).
    const keep = { keepAlive: true, maxSockets: 16, timeout: opts.freeSocketMs ?? FREE_SOCKET_MS };
    const agent = this.secure ? new https.Agent(keep) : new http.Agent(keep);
    // Over TLS the socket goes to the HTTP request only after the fingerprint check (see tls.ts for why
    // verification is off at the TLS level and where the trust decision is made instead).
    (agent as unknown as { createConnection: unknown }).createConnection = (_options: unknown, done: Done) =>
      this.secure
        ? handOver(tls.connect({ host, port, servername: isIp(host) ? undefined : host, rejectUnauthorized: false }), 'secureConnect', hostPort, connectTimeoutMs, checked(done), (socket) => {
            const presented = (socket as tls.TLSSocket).getPeerCertificate()?.fingerprint256 ?? '';
            return sameFingerprint(presented, pin!) ? undefined : certificateChangedError(hostPort, href, pin!, presented || '(none)');
          })
        : handOver(net.connect({ host, port }), 'connect', hostPort, connectTimeoutMs, checked(done));
    this.agent = agent;
  }

  /**
   * A request on this endpoint's agent, made without the (possibly patched) `http(s).request`; it is
   * destroyed, unwritten, if it ever gets a socket this endpoint did not open and check.
   */
  private request(options: http.RequestOptions, onResponse: (res: http.IncomingMessage) => void): http.ClientRequest {
    const req = new http.ClientRequest({
      ...options,
      protocol: this.url.protocol,
      hostname: this.url.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: this.url.port || undefined,
      agent: this.agent,
    }, onResponse);
    req.once('socket', (socket) => {
      // 'socket' comes before the request's first byte is flushed: a foreign socket gets nothing.
      if (!this.checked.has(socket)) {
        req.destroy(new TransportError('other', l10n.t('XCP Admin did not send the request to {0}: it was given a connection XCP Admin had not opened and checked itself (an HTTP proxy or another extension took over the request).', this.urlOf(options.path ?? '/')), this.urlOf(options.path ?? '/')));
      }
    });
    return req;
  }

  /** Absolute URL of `path` on this endpoint (for messages). */
  urlOf(path: string): string {
    return new URL(path, this.url).href;
  }

  post(path: string, body: string, contentType: string, options: CallOptions = {}): Promise<HttpAnswer> {
    const url = this.urlOf(path);
    const idleTimeoutMs = options.idleTimeoutMs ?? this.idleTimeoutMs;
    const payload = Buffer.from(body, 'utf8');
    return new Promise<HttpAnswer>((resolve, reject) => {
      let settled = false;
      // Whether the whole request was written before a failure: then XAPI may have run the call (task.ts).
      let sent = false;
      const settle = (err: unknown, answer?: HttpAnswer) => {
        if (settled) return;
        settled = true;
        if (err) reject(Object.assign(classifyNetworkError(err, url, idleTimeoutMs), { requestSent: sent }));
        else resolve(answer!);
      };
      const req = this.request(
        {
          path,
          method: 'POST',
          signal: options.signal,
          headers: {
            'Content-Type': contentType,
            'Content-Length': payload.length,
            Accept: contentType,
            'User-Agent': 'XCP-Admin',
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            settle(null, {
              status: res.statusCode ?? 0,
              contentType: String(res.headers['content-type'] ?? ''),
              body: chunks.length === 1 ? chunks[0] : Buffer.concat(chunks),
            }),
          );
          res.on('error', (err) => settle(err));
          res.on('aborted', () => settle(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })));
        },
      );
      req.setTimeout(idleTimeoutMs, () => {
        req.destroy(Object.assign(new Error(`no answer within ${idleTimeoutMs} ms`), { code: 'ETIMEDOUT' }));
      });
      req.on('error', (err) => settle(err));
      req.on('finish', () => (sent = true));
      req.end(payload);
    });
  }

  /**
   * PUT of a stream (XAPI's HTTP handlers, e.g. import_raw_vdi), with "Expect: 100-continue": the
   * body starts once the server says so (or after a second, for servers that never do), so a redirect
   * or a refusal comes back before any byte is sent. Backpressure from the socket reaches `body`.
   */
  putStream(path: string, body: Readable, length: number, options: { signal?: AbortSignal; idleTimeoutMs?: number } = {}): Promise<HttpAnswer & { location?: string; bodySent: boolean }> {
    const url = this.urlOf(path);
    const idleTimeoutMs = options.idleTimeoutMs ?? this.idleTimeoutMs;
    return new Promise((resolve, reject) => {
      let settled = false;
      let bodySent = false;
      let sent = 0;
      const settle = (err: unknown, answer?: HttpAnswer & { location?: string }) => {
        if (settled) return;
        settled = true;
        clearTimeout(fallback);
        body.off('data', count);
        body.off('end', ended);
        body.off('error', failed);
        if (err) reject(options.signal?.aborted || err instanceof UploadError ? err : new UploadError('target', sent, classifyNetworkError(err, url, idleTimeoutMs).message, err));
        else resolve({ ...answer!, bodySent });
      };
      const req = this.request({
        path,
        method: 'PUT',
        signal: options.signal,
        headers: { 'Content-Length': length, Expect: '100-continue', 'User-Agent': 'XCP-Admin' },
      }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          // xapi 1.x answers "200 OK" before it reads and ends the answer when the import ends: an answer
          // that ends while our body is still going out means the pool stopped taking it.
          if (bodySent && sent < length && (res.statusCode ?? 0) < 300) {
            const err = new UploadError('target', sent, l10n.t('the pool closed the connection after {0} of {1} bytes', sent, length));
            req.destroy(err);
            return settle(err);
          }
          settle(null, {
            status: res.statusCode ?? 0,
            contentType: String(res.headers['content-type'] ?? ''),
            body: Buffer.concat(chunks),
            location: typeof res.headers.location === 'string' ? res.headers.location : undefined,
          });
        });
        res.on('error', (err) => settle(err));
      });
      // The source's failures and short ends stop the upload at once, named as the source's: the server
      // would otherwise wait for the missing bytes until its own timeout.
      const count = (c: Buffer) => { sent += c.length; };
      const ended = () => {
        if (sent < length) {
          const err = new UploadError('source', sent, l10n.t('the source ended after {0} of {1} bytes', sent, length));
          req.destroy(err);
          settle(err);
        }
      };
      const failed = (err: Error) => {
        const e = new UploadError('source', sent, l10n.t('reading the source failed after {0} of {1} bytes: {2}', sent, length, err.message), err);
        req.destroy(e);
        settle(e);
      };
      // Listening from the start: a source that fails before the server said "continue" is reported too.
      body.once('error', failed);
      const send = () => {
        if (bodySent || settled) return;
        bodySent = true;
        body.on('data', count);
        body.once('end', ended);
        body.pipe(req);
      };
      const fallback = setTimeout(send, 1_000);
      req.setTimeout(idleTimeoutMs, () => {
        req.destroy(Object.assign(new Error(`no progress for ${Math.round(idleTimeoutMs / 1000)} s`), { code: 'ETIMEDOUT' }));
      });
      req.on('continue', send);
      req.on('error', (err) => settle(err));
    });
  }

  /** Closes the kept-alive connections. */
  destroy(): void {
    this.agent.destroy();
  }
}

/** An upload (PUT of a stream) that stopped: which end failed, and how many bytes had gone out. */
export class UploadError extends Error {
  override readonly name = 'UploadError';
  constructor(
    readonly end: 'source' | 'target',
    readonly bytesSent: number,
    message: string,
    override readonly cause?: unknown,
  ) {
    super(end === 'target' ? l10n.t('the target failed after {0} bytes had been sent: {1}', bytesSent, message) : message);
  }
}

/** An `http://` URL to a host that is not on loopback: passwords and session ids would cross the wire in clear. */
export function plainHttpRefused(url: string): TransportError {
  return new TransportError(
    'other',
    l10n.t('XCP Admin does not send XAPI credentials over plain http to {0}: use https:// (every XAPI host serves it; the certificate is confirmed on first contact). Plain http is accepted only for loopback addresses, such as the built-in simulator.', url),
    url,
  );
}

/** "The server at X did not answer like XAPI": for HTTP errors, HTML pages, bodies that do not parse. */
export function notXapi(url: string, detail: string, cause?: unknown): TransportError {
  return new TransportError(
    'not-xapi',
    l10n.t('The server at {0} did not answer like XAPI ({1}). Check that the address is the pool master\'s, with the right scheme and port.', url, detail),
    url,
    cause,
  );
}

/** A short, printable excerpt of a body for error messages. */
export function excerpt(body: Buffer, max = 80): string {
  const t = body.subarray(0, max * 4).toString('utf8').replace(/\s+/g, ' ').trim();
  return JSON.stringify(t.length > max ? `${t.slice(0, max)}…` : t);
}
