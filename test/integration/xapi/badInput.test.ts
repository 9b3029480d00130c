// What an admin sees when the address is wrong: nothing listening, a wrong password, a web server that
// is not XAPI, a server that answers broken XML or JSON. None of it may crash the process; each ends
// as a `failed` state with a class and a sentence naming the server.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import * as net from 'node:net';
import { PoolConnection, type ConnectionState, type TlsTrust } from '../../../src/model/poolConnection';
import { poolNamed, startSimulator, type Simulator } from './simulator';

const noTls: TlsTrust = { pinned: () => undefined, confirm: async () => false, pin: async () => undefined };

let sim: Simulator;
before(async () => {
  sim = await startSimulator({ seed: 3 });
});
after(async () => {
  await sim?.stop();
});

/** A tiny HTTP server answering every request with `answer`. */
async function tinyServer(answer: (req: http.IncomingMessage, res: http.ServerResponse) => void): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => answer(req, res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

async function failureOf(url: string, transport: 'auto' | 'xmlrpc' | 'jsonrpc', password = 'whatever', username = 'root') {
  const c = new PoolConnection({ name: 'bad', url, username, password: async () => password, transport, tls: noTls }, { connectTimeoutMs: 3000 });
  await c.connect();
  const s = c.state;
  c.dispose();
  assert.equal(s.kind, 'failed', `expected a failure, got ${JSON.stringify(s)}`);
  return s as Extract<ConnectionState, { kind: 'failed' }>;
}

const transports = ['auto', 'xmlrpc', 'jsonrpc'] as const;

test('a closed port on 127.0.0.1 fails as refused and names the address', async () => {
  const port = await new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
  for (const t of transports) {
    const f = await failureOf(`http://127.0.0.1:${port}/`, t);
    assert.equal(f.failure, 'refused');
    assert.match(f.message, new RegExp(`127\\.0\\.0\\.1:${port}.*refused`));
  }
});

test('a wrong password fails as auth, with XAPI\'s code and the user in the message', async () => {
  // Security is XCP 1.5 (XML-RPC only), Lab XCP-ng 8 (both wire formats).
  const cases = [...(['auto', 'xmlrpc'] as const).map((t) => [poolNamed(sim, 'Security'), t] as const), ...transports.map((t) => [poolNamed(sim, 'Lab'), t] as const)];
  for (const [pool, t] of cases) {
    const f = await failureOf(pool.url, t, 'not-the-password', pool.username);
    assert.equal(f.failure, 'auth', f.message);
    assert.match(f.message, /SESSION_AUTHENTICATION_FAILED/);
    assert.ok(f.message.includes(pool.username));
  }
});

test('an ordinary web server answering HTML fails as not-xapi', async () => {
  const server = await tinyServer((_req, res) => res.writeHead(200, { 'Content-Type': 'text/html' }).end('<!DOCTYPE html><html><body><h1>It works!</h1></body></html>'));
  try {
    for (const t of transports) {
      const f = await failureOf(server.url, t);
      assert.equal(f.failure, 'not-xapi', f.message);
      assert.match(f.message, /did not answer like XAPI/);
      assert.ok(f.message.includes('127.0.0.1'), 'names the server');
    }
  } finally {
    await server.close();
  }
});

test('a 404 everywhere fails as not-xapi', async () => {
  const server = await tinyServer((_req, res) => res.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not Found'));
  try {
    for (const t of transports) assert.equal((await failureOf(server.url, t)).failure, 'not-xapi');
  } finally {
    await server.close();
  }
});

test('malformed XML fails as not-xapi with "did not answer like XAPI"', async () => {
  const server = await tinyServer((_req, res) =>
    res.writeHead(200, { 'Content-Type': 'text/xml' }).end('<?xml version="1.0"?><methodResponse><params><param><value><struct><member><name>Status</name><value>Succ'),
  );
  try {
    for (const t of ['auto', 'xmlrpc'] as const) {
      const f = await failureOf(server.url, t);
      assert.equal(f.failure, 'not-xapi', f.message);
      assert.match(f.message, /did not answer like XAPI \(malformed XML-RPC/);
    }
  } finally {
    await server.close();
  }
});

test('malformed JSON fails as not-xapi with "did not answer like XAPI"', async () => {
  const server = await tinyServer((_req, res) => res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"jsonrpc":"2.0","result":"OpaqueRef:'));
  try {
    for (const t of ['auto', 'jsonrpc'] as const) {
      const f = await failureOf(server.url, t);
      assert.equal(f.failure, 'not-xapi', f.message);
      assert.match(f.message, /did not answer like XAPI \(malformed JSON/);
    }
  } finally {
    await server.close();
  }
});

test('a server that hangs up mid-answer, and one that is not HTTP at all, fail cleanly', async () => {
  const hangUp = await tinyServer((req) => req.socket.destroy());
  const garbage = net.createServer((s) => {
    s.resume(); // read, so the client's close is seen and the server can close
    s.end('SSH-2.0-OpenSSH_9.2\r\n');
  });
  await new Promise<void>((resolve) => garbage.listen(0, '127.0.0.1', resolve));
  try {
    const f1 = await failureOf(hangUp.url, 'xmlrpc');
    assert.equal(f1.failure, 'unreachable', f1.message);
    const f2 = await failureOf(`http://127.0.0.1:${(garbage.address() as net.AddressInfo).port}/`, 'auto');
    assert.ok(['not-xapi', 'unreachable'].includes(f2.failure), f2.message);
  } finally {
    await hangUp.close();
    await new Promise((resolve) => garbage.close(resolve));
  }
});

test('a name that does not resolve fails as dns', async () => {
  const f = await failureOf('https://no-such-host.invalid:8443/', 'xmlrpc');
  assert.equal(f.failure, 'dns', f.message);
  assert.match(f.message, /no-such-host\.invalid does not resolve/);
});
