// What a real pool and a failing link do to the client, against the simulator and small servers on
// loopback: no password over plain http beyond loopback, a login that cannot hang, an answer nested
// too deep, and import_raw_vdi uploads whose source or target fail (each named, with the bytes that
// went in), whose redirect would carry the session id outside the pool.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import * as net from 'node:net';
import { Readable } from 'node:stream';
import { PoolConnection, normalizePoolUrl, type ConnectionState } from '../../../src/model/poolConnection';
import { importRawVdi, ImportRawVdiError } from '../../../src/storage/importRawVdi';
import { Endpoint, UploadError } from '../../../src/xapi/http';
import { NO_TLS, connectPool, control, startSimulator, type Simulator } from './simulator';

const MiB = 1024 * 1024;

let sim: Simulator;
before(async () => {
  sim = await startSimulator({ seed: 5 });
});
after(async () => {
  await sim?.stop();
});

function failed(s: ConnectionState): Extract<ConnectionState, { kind: 'failed' }> {
  assert.equal(s.kind, 'failed', JSON.stringify(s));
  return s as Extract<ConnectionState, { kind: 'failed' }>;
}

test('http:// is refused for any host that is not on loopback, before a connection is made; loopback stays allowed', async () => {
  assert.throws(() => normalizePoolUrl('http://xapi.example.invalid/'), /plain http would send the password in clear.*https:\/\//);
  assert.throws(() => normalizePoolUrl('http://10.1.2.3:80'), /https:\/\//);
  assert.throws(() => new Endpoint({ url: new URL('http://xapi.example.invalid/') }), /does not send XAPI credentials over plain http/);
  assert.equal(normalizePoolUrl('http://127.0.0.1:8080').hostname, '127.0.0.1');
  assert.equal(normalizePoolUrl('http://[::1]:8080').hostname, '[::1]');
  assert.equal(normalizePoolUrl('xapi.example.invalid').protocol, 'https:', 'a bare host name means https');

  let asked = false;
  const c = new PoolConnection({ name: 'clear', url: 'http://xapi.example.invalid/', username: 'root', password: async () => { asked = true; return 'secret'; }, tls: NO_TLS });
  await c.connect();
  const f = failed(c.state);
  c.dispose();
  assert.match(f.message, /plain http/);
  assert.equal(asked, false, 'the password was not even read');
});

test('a server that accepts the connection and never answers fails the login within seconds, with a sentence saying so', async () => {
  const held: net.Socket[] = [];
  const server = net.createServer((s) => { held.push(s); s.resume(); });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  try {
    const started = Date.now();
    const c = new PoolConnection({ name: 'mute', url: `http://127.0.0.1:${port}/`, username: 'root', password: async () => 'x', tls: NO_TLS });
    await c.connect();
    const f = failed(c.state);
    c.dispose();
    const seconds = (Date.now() - started) / 1000;
    assert.equal(f.failure, 'timeout');
    assert.match(f.message, /did not answer the login within \d+ s/);
    assert.ok(seconds < 60, `failed after ${seconds.toFixed(1)} s, not after the 120 s idle timeout`);
  } finally {
    for (const s of held) s.destroy();
    await new Promise((r) => server.close(r));
  }
});

test('an answer nested 100,000 deep at login ends as a clear failure, not a stack overflow', async () => {
  const deep = '['.repeat(100_000) + ']'.repeat(100_000);
  const bodies = {
    json: Buffer.from(`{"jsonrpc":"2.0","id":1,"result":${deep}}`),
    xml: Buffer.from(`<?xml version="1.0"?><methodResponse><params><param><value><struct><member><name>Status</name><value>Success</value></member><member><name>Value</name>${'<value><array><data>'.repeat(100_000)}${'</data></array></value>'.repeat(100_000)}</member></struct></value></param></params></methodResponse>`),
  };
  for (const kind of ['json', 'xml'] as const) {
    const server = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(200, { 'Content-Type': kind === 'json' ? 'application/json' : 'text/xml' }).end(bodies[kind]));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as net.AddressInfo;
    try {
      const c = new PoolConnection({ name: 'deep', url: `http://127.0.0.1:${port}/`, username: 'root', password: async () => 'x', tls: NO_TLS, transport: kind === 'json' ? 'jsonrpc' : 'xmlrpc' });
      await c.connect();
      const f = failed(c.state);
      c.dispose();
      assert.doesNotMatch(f.message, /call stack/i, `${kind}: ${f.message}`);
      assert.match(f.message, kind === 'json' ? /instead of a session reference/ : /nested too deep|instead of a session reference|did not answer like XAPI/, `${kind}: ${f.message}`);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  }
});

/**
 * A new, empty raw VDI on Lab's NFS SR, and what import_raw_vdi needs to write into it. Lab (XCP-ng 8)
 * answers "100 Continue", so the body flows at once; an XCP 1.5 pool starts it after a second.
 */
async function emptyVdi(bytes: number, pool = 'Lab') {
  const { conn, model } = await connectPool(sim, pool);
  const sr = model.all('SR').find((s) => s.record.type === 'nfs')!;
  const vdi = await conn.call<string>('VDI.create', [{ name_label: 'upload target', name_description: '', SR: sr.ref, virtual_size: String(bytes), type: 'user', sharable: false, read_only: false, other_config: {}, sm_config: { type: 'raw' }, xenstore_data: {}, tags: [] }]);
  const access = await conn.httpAccess();
  return { conn, vdi, access };
}

/** A source that gives `good` bytes, a MiB every few milliseconds (as dd over SSH would), then ends or fails as told. */
function source(good: number, then: 'end' | 'error'): Readable {
  let sent = 0;
  return new Readable({
    read() {
      setTimeout(() => {
        if (sent >= good) {
          if (then === 'end') this.push(null);
          else this.destroy(Object.assign(new Error('dd: reading `/dev/sdb`: Input/output error'), { code: 'EIO' }));
          return;
        }
        const n = Math.min(MiB, good - sent);
        sent += n;
        this.push(Buffer.alloc(n, 7));
      }, 5);
    },
  });
}

test('import_raw_vdi: a source that ends short, dies or cannot be read stops the upload at once, named as the source, with the bytes that went in', async () => {
  const bytes = 8 * MiB;
  for (const [good, then, expect] of [
    [3 * MiB, 'end', /ended after 3145728 of 8388608 bytes/],
    [2 * MiB, 'error', /reading the source failed after 2097152 of 8388608 bytes: dd: reading/],
    [0, 'error', /reading the source failed after 0 of 8388608 bytes/],
  ] as const) {
    const { conn, vdi, access } = await emptyVdi(bytes);
    try {
      const err = await importRawVdi({ ...access, vdiRef: vdi, source: source(good, then), bytes, idleTimeoutMs: 60_000 }).then(() => undefined, (e: unknown) => e);
      assert.ok(err instanceof UploadError, `an UploadError, not ${String(err)}`);
      assert.equal(err.end, 'source');
      assert.equal(err.bytesSent, good);
      assert.match(err.message, expect);
    } finally {
      await conn.disconnect();
    }
  }
});

test('import_raw_vdi on an XCP 1.5 pool (no "100 Continue"): a source that ends short is reported, not waited for', async () => {
  const bytes = 8 * MiB;
  const { conn, vdi, access } = await emptyVdi(bytes, 'Security');
  try {
    const err = await importRawVdi({ ...access, vdiRef: vdi, source: source(3 * MiB, 'end'), bytes, idleTimeoutMs: 60_000 }).then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof UploadError, `an UploadError, not ${String(err)}`);
    assert.equal(err.end, 'source');
    assert.match(err.message, /ended after 3145728 of 8388608 bytes/);
  } finally {
    await conn.disconnect();
  }
});

for (const poolName of ['Lab', 'Security']) {
  test(`import_raw_vdi: the pool going away mid-upload is named as the target's failure (${poolName}, ${poolName === 'Lab' ? 'XCP-ng 8' : 'XCP 1.5: its "200 OK" comes first, the end of the import is the end of the connection'})`, async () => {
    const bytes = 64 * MiB;
    const { conn, vdi, access } = await emptyVdi(bytes, poolName);
    const master = sim.fleet.pools.find((p) => p.name === poolName)!;
    let downed = false;
    try {
      const err = await importRawVdi({
        ...access, vdiRef: vdi, bytes, idleTimeoutMs: 60_000,
        source: source(bytes, 'end'),
        onProgress: (p) => {
          // 16 MiB read from the source: past what the pipes hold before the body starts (after a
          // second on XCP 1.5, which never says "100 Continue"), so bytes have gone out.
          if (!downed && p.bytes >= 16 * MiB) {
            downed = true;
            void control(sim, '/control/host/down', { host: master.master });
          }
        },
      }).then(() => undefined, (e: unknown) => e);
      assert.ok(downed, 'the host was taken down during the upload');
      assert.ok(err instanceof UploadError, `an UploadError, not ${String(err)}`);
      assert.equal(err.end, 'target');
      assert.ok(err.bytesSent > 0 && err.bytesSent < bytes, `${err.bytesSent} bytes had gone out`);
      assert.match(err.message, /the target failed after \d+ bytes/);
    } finally {
      await control(sim, '/control/host/up', { host: master.master });
      await conn.disconnect();
    }
  });
}

test('import_raw_vdi: a redirect to a host outside the pool is refused, and the session id never reaches it', async () => {
  // A listener on another loopback address stands for "a host outside the pool".
  let reached = 0;
  const outsider = net.createServer((s) => { reached++; s.destroy(); });
  await new Promise<void>((r) => outsider.listen(0, '127.0.0.99', r));
  const outsiderPort = (outsider.address() as net.AddressInfo).port;
  // Like xapi, it answers the redirect before the body (to the "Expect: 100-continue" of the upload).
  const redirect = (req: http.IncomingMessage, res: http.ServerResponse) =>
    res.writeHead(302, { Location: `http://127.0.0.99:${outsiderPort}${req.url}`, 'Content-Length': 0, Connection: 'close' }).end();
  const redirecting = http.createServer(redirect);
  redirecting.on('checkContinue', redirect);
  await new Promise<void>((r) => redirecting.listen(0, '127.0.0.1', r));
  const port = (redirecting.address() as net.AddressInfo).port;
  try {
    const err = await importRawVdi({
      baseUrl: new URL(`http://127.0.0.1:${port}/`), sessionRef: 'OpaqueRef:secret-session', vdiRef: 'OpaqueRef:vdi', members: ['127.0.0.1', '127.0.0.2'],
      source: source(MiB, 'end'), bytes: MiB,
    }).then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof ImportRawVdiError, `refused, not ${String(err)}`);
    assert.match(err.message, /127\.0\.0\.99:\d+, which is not a host of this pool: refused/);
    assert.equal(reached, 0, 'nothing connected to the outsider');
  } finally {
    redirecting.closeAllConnections();
    await new Promise((r) => redirecting.close(r));
    await new Promise((r) => outsider.close(r));
  }
});
