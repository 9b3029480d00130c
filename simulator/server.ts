// One HTTP(S) listener per simulated host, all on the same port, each on its own loopback address:
// the address a request arrived on says which host it is talking to, as with real hosts.

import * as http from 'node:http';
import * as https from 'node:https';
import type { Socket } from 'node:net';

import { CallContext, XapiFailure, dispatch } from './api';
import { Certificate } from './certificate';
import { ControlHooks, handleControl } from './control';
import { importBody, importTarget } from './importRaw';
import { JsonRpcParseError, decodeJsonRequest, encodeJsonFailure, encodeJsonSuccessChunks } from './jsonrpc';
import { SimState } from './state';
import { XmlRpcParseError, decodeMethodCall, encodeFailure, encodeFault, encodeSuccessChunks } from './xmlrpc-wire';

const MAX_BODY = 64 * 1024 * 1024;

export interface ServerOptions {
  port: number; // 0: the first bind picks one
  certificate?: Certificate;
  log?: (line: string) => void;
}

interface InFlight {
  abort: AbortController;
  res: http.ServerResponse;
}

export class FleetServer {
  private servers = new Map<string, http.Server | https.Server>();
  private inFlight = new Map<string, Set<InFlight>>();
  /** Sockets of a 'silent' down host: held open, never answered, closed when it comes back. */
  private held = new Map<string, Set<Socket>>();
  private stopping = new AbortController();
  port = 0;

  constructor(
    private readonly sim: SimState,
    private readonly hooks: Pick<ControlHooks, 'fleet'> & {
      /** A new self-signed certificate for every host (https only): POST /control/tls/rotate. */
      rotateCertificate?(): Promise<{ fingerprint256: string }>;
    },
    private readonly opts: ServerOptions,
  ) {}

  async start(): Promise<void> {
    const addresses = [...this.sim.byAddress.keys()];
    const fixed = this.opts.port !== 0;
    for (let attempt = 0; ; attempt++) {
      try {
        await this.listenAll(addresses, this.opts.port);
        return;
      } catch (e) {
        await this.closeAll();
        const code = (e as NodeJS.ErrnoException).code;
        if (fixed || code !== 'EADDRINUSE' || attempt >= 20) throw e;
        this.opts.log?.(`port taken on one of the addresses, retrying with another (${(e as Error).message})`);
      }
    }
  }

  private async listenAll(addresses: string[], port: number): Promise<void> {
    let chosen = port;
    for (const address of addresses) {
      const server = this.createServer();
      this.servers.set(address, server);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(chosen, address, () => {
          server.off('error', reject);
          resolve();
        });
      });
      server.on('error', (e) => this.opts.log?.(`listener ${address}: ${e.message}`));
      if (chosen === 0) chosen = (server.address() as { port: number }).port;
    }
    this.port = chosen;
  }

  private createServer(): http.Server | https.Server {
    const handler = (req: http.IncomingMessage, res: http.ServerResponse) => this.onRequest(req, res);
    const cert = this.opts.certificate;
    const server = cert ? https.createServer({ key: cert.key, cert: cert.cert }, handler) : http.createServer(handler);
    // "Expect: 100-continue" (import_raw_vdi): a redirect or an error goes back before the body is sent.
    server.on('checkContinue', (req: http.IncomingMessage, res: http.ServerResponse) => {
      if (this.refuseBeforeBody(req, res)) return;
      // xapi 1.x's HTTP server knows no 100-continue: the client sends the body when it tires of waiting.
      if (this.placeOf(req)?.pool.release.importRawVdi.sendsContinue !== false) res.writeContinue();
      this.onRequest(req, res);
    });
    // event.from blocks for up to its timeout; the default request timeouts would cut it short.
    server.requestTimeout = 0;
    server.headersTimeout = 60_000;
    server.keepAliveTimeout = 30_000;
    return server;
  }

  setCertificate(cert: Certificate): void {
    this.opts.certificate = cert;
    for (const server of this.servers.values()) {
      if (server instanceof https.Server) {
        server.setSecureContext({ key: cert.key, cert: cert.cert });
        // Kept-alive connections were made with the old certificate; new ones must see the new one.
        server.closeIdleConnections();
      }
    }
  }

  /** A host stops answering: in-flight calls are cut (or held, 'silent'), new ones too (see onRequest). */
  hostDown(address: string): void {
    for (const f of this.inFlight.get(address) ?? []) f.abort.abort();
  }

  hostUp(address: string): void {
    const held = this.held.get(address);
    this.held.delete(address);
    for (const s of held ?? []) s.destroy();
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    for (const pool of this.sim.pools) pool.wakeAll();
    for (const set of this.held.values()) for (const s of set) s.destroy();
    this.held.clear();
    await this.closeAll();
  }

  private async closeAll(): Promise<void> {
    const servers = [...this.servers.values()];
    this.servers.clear();
    await Promise.all(
      servers.map(
        (s) =>
          new Promise<void>((resolve) => {
            if (!s.listening) return resolve();
            s.close(() => resolve());
            s.closeAllConnections();
          }),
      ),
    );
  }

  // ---- requests ----------------------------------------------------------------------------------

  private onRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    const address = req.socket.localAddress?.replace(/^::ffff:/, '') ?? '';
    const place = this.sim.byAddress.get(address);
    const url = req.url ?? '/';
    res.on('error', () => undefined);
    req.on('error', () => undefined);
    if (!place) {
      res.writeHead(404).end();
      return;
    }
    if (req.method === 'POST' && /^\/control\/tls\/rotate\/?$/.test(url)) {
      // Async (openssl runs), so it is answered here rather than by the synchronous control router.
      const rotate = this.hooks.rotateCertificate;
      if (!rotate) return this.send(res, 409, 'application/json', JSON.stringify({ error: 'the simulator was started without --tls' }));
      rotate().then(
        (fp) => this.send(res, 200, 'application/json', JSON.stringify(fp)),
        (e: Error) => this.send(res, 500, 'application/json', JSON.stringify({ error: e.message })),
      );
      return;
    }
    if (url.startsWith('/control/') || url === '/control') {
      this.readBody(req, res, (body) => {
        const reply = handleControl(this.sim, { ...this.hooks, hostDown: (a) => this.hostDown(a), hostUp: (a) => this.hostUp(a) }, req.method ?? 'GET', url, body);
        this.send(res, reply.status, 'application/json', JSON.stringify(reply.body));
      });
      return;
    }
    if (this.dropIfDown(address, res)) return;
    if (req.method === 'PUT' && url.startsWith('/import_raw_vdi')) {
      if (this.refuseBeforeBody(req, res)) return;
      const target = importTarget(place, new URL(url, 'http://x/'), this.port);
      // An upload is in flight too: a host going down cuts it, as a dead host's connections are cut.
      const flight: InFlight = { abort: new AbortController(), res };
      flight.abort.signal.addEventListener('abort', () => res.socket?.destroy(), { once: true });
      let set = this.inFlight.get(address);
      if (!set) this.inFlight.set(address, (set = new Set()));
      set.add(flight);
      importBody(this.sim, place, target.vdi!, req, res).catch(() => res.socket?.destroy()).finally(() => set!.delete(flight));
      return;
    }
    if (req.method !== 'POST') {
      // xapi serves other handlers on GET/PUT (console, export …); only import_raw_vdi is simulated.
      this.send(res, 404, 'text/plain', 'not found\n');
      return;
    }
    // Without a JSON-RPC handler (XCP 1.x) /jsonrpc is served as XML-RPC, as every unknown path is.
    const jsonRpc = place.pool.release.jsonRpc && (url === '/jsonrpc' || url.startsWith('/jsonrpc?'));
    this.readBody(req, res, (body) =>
      this.answer(address, jsonRpc, body, res).catch((e: Error) => {
        this.opts.log?.(`internal error: ${e.stack ?? e.message}`);
        this.send(res, 500, 'text/plain', 'internal error\n');
      }),
    );
  }

  private placeOf(req: http.IncomingMessage) {
    return this.sim.byAddress.get(req.socket.localAddress?.replace(/^::ffff:/, '') ?? '');
  }

  /** For import_raw_vdi: answers a redirect or an error (true) before any byte of the body is read. */
  private refuseBeforeBody(req: http.IncomingMessage, res: http.ServerResponse): boolean {
    const address = req.socket.localAddress?.replace(/^::ffff:/, '') ?? '';
    const place = this.sim.byAddress.get(address);
    const url = req.url ?? '/';
    if (!place || req.method !== 'PUT' || !url.startsWith('/import_raw_vdi')) return false;
    if (this.dropIfDown(address, res)) return true;
    const target = importTarget(place, new URL(url, 'http://x/'), this.port);
    if (target.redirect) {
      res.writeHead(302, { Location: target.redirect, 'Content-Length': 0, Connection: 'close' }).end();
      return true;
    }
    if (target.error) {
      res.writeHead(target.error.status, { 'Content-Type': 'text/plain', Connection: 'close' }).end(target.error.text);
      return true;
    }
    return false;
  }

  /** True when the host is down and the request was dropped (reset) or parked unanswered (silent). */
  private dropIfDown(address: string, res: http.ServerResponse): boolean {
    const mode = this.sim.down.get(address);
    if (!mode) return false;
    if (mode === 'silent') {
      let set = this.held.get(address);
      if (!set) this.held.set(address, (set = new Set()));
      const socket = res.socket;
      if (socket) {
        set.add(socket);
        socket.once('close', () => set!.delete(socket));
      }
    } else {
      res.socket?.destroy();
    }
    return true;
  }

  private readBody(req: http.IncomingMessage, res: http.ServerResponse, then: (body: string) => void): void {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooBig = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) tooBig = true;
      else chunks.push(c);
    });
    req.on('end', () => {
      if (tooBig) this.send(res, 413, 'text/plain', 'request too large\n');
      else then(Buffer.concat(chunks).toString('utf8'));
    });
  }

  private async answer(address: string, jsonRpc: boolean, body: string, res: http.ServerResponse): Promise<void> {
    const place = this.sim.byAddress.get(address)!;
    const abort = new AbortController();
    const flight: InFlight = { abort, res };
    let set = this.inFlight.get(address);
    if (!set) this.inFlight.set(address, (set = new Set()));
    set.add(flight);
    const onStop = () => abort.abort();
    this.stopping.signal.addEventListener('abort', onStop, { once: true });
    res.once('close', () => abort.abort()); // the client went away: stop waiting for events for it
    const ctx: CallContext = { sim: this.sim, place, signal: abort.signal };
    try {
      const chunks = jsonRpc ? await this.answerJson(ctx, body) : await this.answerXml(ctx, body);
      if (this.dropIfDown(address, res)) return;
      this.send(res, 200, jsonRpc ? 'application/json' : 'text/xml', chunks);
    } finally {
      set.delete(flight);
      this.stopping.signal.removeEventListener('abort', onStop);
    }
  }

  private async answerXml(ctx: CallContext, body: string): Promise<string | Buffer[]> {
    let call;
    try {
      call = decodeMethodCall(body);
    } catch (e) {
      // xapi answers an unreadable call in XML-RPC rather than with an HTTP error; 1.x with a Fault
      // (and so does its /jsonrpc, which is XML-RPC there: a JSON body gets this Fault).
      if (ctx.place.pool.release.unreadableXml === 'fault') return encodeFault(1, 'Failed to parse supplied XML');
      const msg = e instanceof XmlRpcParseError ? e.message : String(e);
      return encodeFailure(['XMLRPC_UNMARSHAL_FAILURE', 'methodCall', msg]);
    }
    this.opts.log?.(`${ctx.place.address} xml ${call.method}`);
    try {
      return encodeSuccessChunks(await dispatch(ctx, call.method, call.params));
    } catch (e) {
      return encodeFailure(e instanceof XapiFailure ? e.description : ['INTERNAL_ERROR', (e as Error).message]);
    }
  }

  private async answerJson(ctx: CallContext, body: string): Promise<string | Buffer[]> {
    let call;
    try {
      call = decodeJsonRequest(body);
    } catch (e) {
      const msg = e instanceof JsonRpcParseError ? e.message : String(e);
      return encodeJsonFailure(['INTERNAL_ERROR', msg], null, true);
    }
    this.opts.log?.(`${ctx.place.address} json ${call.method}`);
    try {
      return encodeJsonSuccessChunks(await dispatch(ctx, call.method, call.params), call.id, call.v2);
    } catch (e) {
      return encodeJsonFailure(e instanceof XapiFailure ? e.description : ['INTERNAL_ERROR', (e as Error).message], call.id, call.v2);
    }
  }

  private send(res: http.ServerResponse, status: number, contentType: string, body: string | Buffer[]): void {
    if (res.destroyed || res.writableEnded) return;
    // Bytes, not strings: Content-Length must count them, and cached answers are already bytes.
    const chunks = typeof body === 'string' ? [Buffer.from(body, 'utf8')] : body;
    let length = 0;
    for (const c of chunks) length += c.length;
    res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': length });
    for (let i = 0; i < chunks.length - 1; i++) res.write(chunks[i]);
    res.end(chunks[chunks.length - 1]);
  }
}
