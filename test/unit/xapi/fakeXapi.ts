// A tiny in-process XAPI for the client's unit tests (session logic, transports, watcher), so they run
// without the simulator: XML-RPC at / and JSON-RPC at /jsonrpc, sessions, event.from with tokens,
// HOST_IS_SLAVE, and switches for old-server behaviours. The integration tests use the real simulator.

import * as http from 'node:http';
import * as https from 'node:https';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { AddressInfo } from 'node:net';
import { xapiFailure, xapiSuccess } from './xapiXml';

// eslint-disable-next-line @typescript-eslint/no-var-requires
const Deserializer = require('xmlrpc/lib/deserializer');

class Fail extends Error {
  constructor(readonly description: string[]) {
    super(description[0]);
  }
}

export interface FakeOptions {
  host?: string;
  port?: number;
  /** Serve JSON-RPC at /jsonrpc (false: like XCP 1.x, every path is XML-RPC). */
  jsonrpc?: boolean;
  /** Answer login with HOST_IS_SLAVE naming this address. */
  slaveOf?: string;
  /** Old login: reject more than two parameters with MESSAGE_PARAMETER_COUNT_MISMATCH. */
  twoParamLogin?: boolean;
  /** No event.inject (API 1.9). */
  noInject?: boolean;
  tls?: { key: string; cert: string };
  password?: string;
  /** No event.from (older than XenServer 6.0 / XCP 1.5): task waiters must poll. */
  noEventFrom?: boolean;
  /** No `Async.` calls: MESSAGE_METHOD_UNKNOWN, the synchronous form answers. */
  noAsync?: boolean;
}

type Obj = Record<string, unknown>;

export class FakeXapi {
  readonly calls: string[] = [];
  readonly logins: unknown[][] = [];
  private sessions = new Set<string>();
  private nextSession = 1;
  private generation = 0;
  private changes: { gen: number; cls: string; ref: string; op: 'add' | 'mod' | 'del' }[] = [];
  private lostBefore = 0;
  private waiters = new Set<() => void>();
  readonly db = new Map<string, Map<string, Obj>>();
  private server!: http.Server;
  url = '';

  constructor(private readonly opts: FakeOptions = {}) {
    const table = (cls: string) => {
      const t = new Map<string, Obj>();
      this.db.set(cls, t);
      return t;
    };
    table('pool').set('OpaqueRef:pool', { uuid: 'p', name_label: 'Fake', master: 'OpaqueRef:h1' });
    table('host').set('OpaqueRef:h1', { uuid: 'h1', name_label: 'fake-1', address: opts.host ?? '127.0.0.1', API_version_major: '2', API_version_minor: '0', metrics: 'OpaqueRef:m1' });
    table('host_metrics').set('OpaqueRef:m1', { uuid: 'm1', live: true, memory_total: '1024', last_updated: new Date(0) });
    table('SR').set('OpaqueRef:sr', { uuid: 'sr', name_label: 'FC', shared: true, physical_size: '1000000' });
    const vdis = table('VDI');
    for (let n = 1; n <= 3; n++) vdis.set(`OpaqueRef:vdi${n}`, { uuid: `v${n}`, name_label: `disk ${n}`, SR: 'OpaqueRef:sr', virtual_size: String(n * 1024) });
    for (const cls of ['PBD', 'VBD', 'VM', 'VM_guest_metrics', 'PIF', 'network', 'task']) table(cls);
  }

  async start(): Promise<this> {
    const handler = (req: http.IncomingMessage, res: http.ServerResponse) => void this.handle(req, res);
    this.server = this.opts.tls ? https.createServer({ key: this.opts.tls.key, cert: this.opts.tls.cert }, handler) : http.createServer(handler);
    await new Promise<void>((resolve) => this.server.listen(this.opts.port ?? 0, this.opts.host ?? '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    this.url = `${this.opts.tls ? 'https' : 'http'}://${this.opts.host ?? '127.0.0.1'}:${port}/`;
    return this;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    for (const w of this.waiters) w();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ---- control ----
  invalidateSessions(): void {
    this.sessions.clear();
  }
  loseEvents(): void {
    this.lostBefore = this.generation + 1;
    this.touch('pool', 'OpaqueRef:pool', 'mod');
  }
  rename(cls: string, ref: string, name: string): void {
    this.db.get(cls)!.get(ref)!.name_label = name;
    this.touch(cls, ref, 'mod');
  }
  add(cls: string, ref: string, rec: Obj): void {
    this.db.get(cls)!.set(ref, rec);
    this.touch(cls, ref, 'add');
  }
  remove(cls: string, ref: string): void {
    this.db.get(cls)!.delete(ref);
    this.touch(cls, ref, 'del');
  }
  /** Changes a task record (the test plays xapi running it). */
  updateTask(ref: string, fields: Obj): void {
    const t = this.db.get('task')!.get(ref);
    if (!t) throw new Error(`no task ${ref}`);
    Object.assign(t, fields);
    this.touch('task', ref, 'mod');
  }
  private touch(cls: string, ref: string, op: 'add' | 'mod' | 'del'): void {
    this.changes.push({ gen: ++this.generation, cls, ref, op });
    for (const w of [...this.waiters]) w();
  }

  // ---- wire ----
  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    if (req.url === '/jsonrpc' && this.opts.jsonrpc !== false) {
      let id: unknown = null;
      try {
        const msg = JSON.parse(body.toString('utf8'));
        id = msg.id;
        const result = await this.dispatch(msg.method, msg.params);
        res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', result: jsonify(result), id }));
      } catch (err) {
        const d = err instanceof Fail ? err.description : ['INTERNAL_ERROR', String(err)];
        res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', error: { code: 1, message: d[0], data: d.slice(1) }, id }));
      }
      return;
    }
    let method: string;
    let params: unknown[];
    try {
      [method, params] = await new Promise<[string, unknown[]]>((resolve, reject) => {
        const s = new PassThrough();
        new Deserializer('utf8').deserializeMethodCall(s, (e: Error | null, m: string, p: unknown[]) => (e ? reject(e) : resolve([m, p])));
        s.end(body);
      });
    } catch {
      res.writeHead(200, { 'Content-Type': 'text/xml' }).end(xapiFailure('XMLRPC_UNMARSHAL_FAILURE', body.toString('utf8').slice(0, 40)));
      return;
    }
    try {
      const result = await this.dispatch(method, params);
      res.writeHead(200, { 'Content-Type': 'text/xml' }).end(xapiSuccess(result));
    } catch (err) {
      const d = err instanceof Fail ? err.description : ['INTERNAL_ERROR', String(err)];
      res.writeHead(200, { 'Content-Type': 'text/xml' }).end(xapiFailure(d[0], ...d.slice(1)));
    }
  }

  private checkSession(ref: unknown): void {
    if (!this.sessions.has(String(ref))) throw new Fail(['SESSION_INVALID', String(ref)]);
  }

  private async dispatch(method: string, params: unknown[]): Promise<unknown> {
    this.calls.push(method);
    if (method === 'session.login_with_password') {
      this.logins.push(params);
      if (this.opts.twoParamLogin && params.length !== 2) throw new Fail(['MESSAGE_PARAMETER_COUNT_MISMATCH', method, '2', String(params.length)]);
      if (this.opts.slaveOf) throw new Fail(['HOST_IS_SLAVE', this.opts.slaveOf]);
      if (params[0] !== 'root' || params[1] !== (this.opts.password ?? 'secret')) throw new Fail(['SESSION_AUTHENTICATION_FAILED', String(params[0]), 'Authentication failure']);
      const ref = `OpaqueRef:session-${this.nextSession++}`;
      this.sessions.add(ref);
      return ref;
    }
    if (method === 'session.logout') {
      this.sessions.delete(String(params[0]));
      return '';
    }
    this.checkSession(params[0]);
    const [cls, op] = method.split('.');
    if (op === 'get_all_records') {
      const t = this.db.get(cls);
      if (!t) throw new Fail(['MESSAGE_METHOD_UNKNOWN', method]);
      return Object.fromEntries(t);
    }
    if (method === 'pool.get_all') return [...this.db.get('pool')!.keys()];
    if (method === 'event.inject') {
      if (this.opts.noInject) throw new Fail(['MESSAGE_METHOD_UNKNOWN', method]);
      this.touch(String(params[1]), String(params[2]), 'mod');
      return String(this.generation);
    }
    if (method === 'event.from') {
      if (this.opts.noEventFrom) throw new Fail(['MESSAGE_METHOD_UNKNOWN', method]);
      return this.eventFrom(params[1] as string[], String(params[2]), Number(params[3]));
    }
    if (method.startsWith('Async.')) {
      if (this.opts.noAsync) throw new Fail(['MESSAGE_METHOD_UNKNOWN', method]);
      const ref = `OpaqueRef:task-${this.generation + 1}`;
      this.add('task', ref, { uuid: ref.slice(10), name_label: method, status: 'pending', progress: 0, result: '', error_info: [], allowed_operations: [] });
      return ref;
    }
    if (method === 'SR.scan') return '';
    if (op === 'get_record') {
      const rec = this.db.get(cls)?.get(String(params[1]));
      if (!rec) throw new Fail(['HANDLE_INVALID', cls, String(params[1])]);
      return rec;
    }
    if (method === 'task.destroy') {
      if (!this.db.get('task')!.has(String(params[1]))) throw new Fail(['HANDLE_INVALID', 'task', String(params[1])]);
      this.remove('task', String(params[1]));
      return '';
    }
    throw new Fail(['MESSAGE_METHOD_UNKNOWN', method]);
  }

  private async eventFrom(classes: string[], token: string, timeout: number): Promise<unknown> {
    const wanted = new Set(classes.map((c) => c.toLowerCase()));
    if (token === '') {
      const events: Obj[] = [];
      for (const [cls, t] of this.db) {
        if (!wanted.has(cls.toLowerCase())) continue;
        for (const [ref, snapshot] of t) events.push({ id: '0', timestamp: '0', class: cls.toLowerCase(), operation: 'add', ref, snapshot });
      }
      return { events, valid_ref_counts: {}, token: String(this.generation) };
    }
    const from = Number(token);
    if (!Number.isInteger(from)) throw new Fail(['EVENT_FROM_TOKEN_PARSE_FAILURE', token]);
    const deadline = Date.now() + timeout * 1000;
    for (;;) {
      if (from < this.lostBefore) {
        this.lostBefore = 0;
        throw new Fail(['EVENTS_LOST']);
      }
      const pending = this.changes.filter((c) => c.gen > from && wanted.has(c.cls.toLowerCase()));
      const remaining = deadline - Date.now();
      if (pending.length > 0 || remaining <= 0) {
        return {
          events: pending.map((c) => ({
            id: String(c.gen), timestamp: '0', class: c.cls.toLowerCase(), operation: c.op, ref: c.ref,
            ...(c.op === 'del' ? {} : { snapshot: this.db.get(c.cls)!.get(c.ref) ?? {} }),
          })),
          valid_ref_counts: {},
          token: String(this.generation),
        };
      }
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          this.waiters.delete(done);
          resolve();
        };
        const timer = setTimeout(done, remaining);
        this.waiters.add(done);
      });
    }
  }
}

/** JSON-RPC writes int64 as numbers and dates as compact strings. */
function jsonify(v: unknown): unknown {
  if (v instanceof Date) return v.toISOString().replace(/\.\d+Z$/, 'Z').replace(/-/g, '');
  if (Array.isArray(v)) return v.map(jsonify);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, jsonify(x)]));
  if (typeof v === 'string' && /^-?\d+$/.test(v) && v.length < 16 && !v.startsWith('0')) return Number(v);
  return v;
}

/** A throwaway self-signed certificate (needs the openssl binary). */
export function selfSignedCertificate(cn = 'xapi-test'): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'xapi-cert-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'c.pem'), '-days', '2', '-subj', `/CN=${cn}`], { stdio: 'ignore' });
    return { key: readFileSync(join(dir, 'k.pem'), 'utf8'), cert: readFileSync(join(dir, 'c.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
