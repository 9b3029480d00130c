// A keep-alive connection is not kept for ever: one left unused is closed by the client before a
// server's own idle timeout could close it under a request being written (which would leave the call's
// outcome unknown). A request that takes longer than that limit is not cut by it.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Endpoint } from '../../../src/xapi/http';

/** A loopback HTTP server that answers after `delayMs` (from the `delay` query) and tells which connections closed and who closed them. */
async function server(): Promise<{ url: URL; connections: number; closedByClient: number; stop: () => Promise<void> }> {
  const state = { connections: 0, closedByClient: 0 };
  const srv = http.createServer((req, res) => {
    const delay = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('delay') ?? 0);
    req.resume();
    req.on('end', () => setTimeout(() => res.end('ok'), delay));
  });
  srv.keepAliveTimeout = 60_000; // the server would keep it for a minute: closing is up to the client
  srv.on('connection', (socket) => {
    state.connections++;
    socket.on('end', () => state.closedByClient++); // a FIN from the client
  });
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as AddressInfo;
  return {
    url: new URL(`http://127.0.0.1:${port}/`),
    get connections() { return state.connections; },
    get closedByClient() { return state.closedByClient; },
    stop: () => new Promise<void>((resolve) => { srv.closeAllConnections(); srv.close(() => resolve()); }),
  };
}

test('an unused keep-alive connection is closed by the client after its limit; one used again in time is reused', async () => {
  const s = await server();
  const endpoint = new Endpoint({ url: s.url, freeSocketMs: 400 });
  try {
    assert.equal((await endpoint.post('/', 'a', 'text/plain')).body.toString(), 'ok');
    await new Promise((r) => setTimeout(r, 100));
    await endpoint.post('/', 'b', 'text/plain');
    assert.equal(s.connections, 1, 'a call within the limit goes out on the same connection');
    await new Promise((r) => setTimeout(r, 900));
    assert.equal(s.closedByClient, 1, 'the client closed the connection it no longer used');
    await endpoint.post('/', 'c', 'text/plain');
    assert.equal(s.connections, 2, 'the next call opened a new connection');
  } finally {
    endpoint.destroy();
    await s.stop();
  }
});

test('a call that takes longer than the keep-alive limit is answered: the limit applies to unused connections only', async () => {
  const s = await server();
  const endpoint = new Endpoint({ url: s.url, freeSocketMs: 300, idleTimeoutMs: 10_000 });
  try {
    await endpoint.post('/', 'warm', 'text/plain'); // a connection in the free list, with the short limit
    const answer = await endpoint.post('/?delay=1200', 'slow', 'text/plain');
    assert.equal(answer.body.toString(), 'ok');
    assert.equal(s.connections, 1, 'the slow call reused the free connection and was not cut');
  } finally {
    endpoint.destroy();
    await s.stop();
  }
});
