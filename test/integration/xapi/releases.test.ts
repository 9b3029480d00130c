// The two XAPI generations the simulator serves, as the client meets them over real HTTP: the seed's
// XCP 1.5 pools (API 1.9, XML-RPC only, no event.inject) and the XCP-ng 8 pool Lab (API 2.21,
// JSON-RPC). What a 1.x xapi answers was read in xapi's own source (see simulator/releases.ts).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import { PoolConnection, type ConnectionState } from '../../../src/model/poolConnection';
import { apiVersionOf, hasImportRawVdi, productOf } from '../../../src/model/release';
import { XapiError } from '../../../src/xapi/errors';
import { Endpoint } from '../../../src/xapi/http';
import { XapiSession } from '../../../src/xapi/session';
import { NO_TLS, poolNamed, startSimulator, type SimPool, type Simulator } from './simulator';

let sim: Simulator;
let piet: SimPool;
let lab: SimPool;
before(async () => {
  sim = await startSimulator({ seed: 5 });
  piet = poolNamed(sim, 'Piet');
  lab = poolNamed(sim, 'Lab');
});
after(async () => {
  await sim?.stop();
});

function connected(s: ConnectionState): Extract<ConnectionState, { kind: 'connected' }> {
  assert.equal(s.kind, 'connected', `expected connected, got ${JSON.stringify(s)}`);
  return s as Extract<ConnectionState, { kind: 'connected' }>;
}

async function connect(pool: SimPool, transport?: 'jsonrpc') {
  const c = new PoolConnection({ name: pool.name, url: pool.url, username: pool.username, password: async () => pool.password, tls: NO_TLS, transport }, { eventTimeoutSeconds: 1 });
  await c.connect();
  return c;
}

function session(pool: SimPool) {
  return new XapiSession({ url: pool.url, username: pool.username, password: async () => pool.password });
}

test('the fleet description lists five pools: the seed\'s four on XCP 1.5, the fifth (Lab) on XCP-ng 8.3 with JSON-RPC', async () => {
  const fleet = (await (await fetch(new URL('fleet', sim.controlUrl))).json()) as typeof sim.fleet; // GET /control/fleet
  assert.equal(fleet.pools.length, 5);
  for (const p of fleet.pools.slice(0, 4)) assert.deepEqual(p.release, { name: 'xcp-1.5', brand: 'XCP', version: '1.4.90', api: '1.9', jsonRpc: false }, p.name);
  assert.equal(fleet.pools[4].name, 'Lab');
  assert.deepEqual(fleet.pools[4].release, { name: 'xcp-ng-8', brand: 'XCP-ng', version: '8.3.0', api: '2.21', jsonRpc: true });
  assert.deepEqual(fleet.pools[4].hosts.map((h) => h.address), ['127.77.5.1', '127.77.5.2', '127.77.5.3']);
});

test('a JSON-RPC call to /jsonrpc of an XCP 1.5 master gets what xapi 1.x answers: an XML-RPC fault in text/xml', async () => {
  const endpoint = new Endpoint({ url: new URL(piet.url) });
  try {
    const answer = await endpoint.post('/jsonrpc', JSON.stringify({ jsonrpc: '2.0', method: 'session.login_with_password', params: ['root', piet.password], id: 1 }), 'application/json');
    assert.equal(answer.status, 200);
    assert.equal(answer.contentType, 'text/xml');
    assert.match(answer.body.toString('utf8'), /^<methodResponse><fault>.*<name>faultString<\/name><value>Failed to parse supplied XML<\/value>/);
  } finally {
    endpoint.destroy();
  }
});

test('auto transport: an XCP 1.5 pool ends on XML-RPC with the whole pool loaded; Lab ends on JSON-RPC', async () => {
  const old = await connect(piet);
  try {
    const s = connected(old.state);
    assert.equal(s.transport, 'xmlrpc');
    assert.equal(s.model.hosts().length, 16);
    assert.equal(s.model.master()?.record.name_label, 'vms-piet-01');
    assert.equal(s.model.sharedSrs().length, 3);
    assert.ok(s.model.all('VDI').length >= 160, 'every VDI loaded');
    assert.deepEqual(apiVersionOf(s.model), { major: 1, minor: 9 });
    assert.equal(productOf(s.model), 'XCP 1.4.90');
    assert.equal(hasImportRawVdi(s.model), true, 'XCP 1.5 has import_raw_vdi');
  } finally {
    await old.disconnect();
  }
  const current = await connect(lab);
  try {
    const s = connected(current.state);
    assert.equal(s.transport, 'jsonrpc');
    assert.equal(s.model.hosts().length, 3);
    assert.deepEqual(apiVersionOf(s.model), { major: 2, minor: 21 });
    assert.equal(productOf(s.model), 'XCP-ng 8.3.0');
  } finally {
    await current.disconnect();
  }
});

test('JSON-RPC forced on an XCP 1.5 pool fails with a sentence that says to use XML-RPC', async () => {
  const c = await connect(piet, 'jsonrpc');
  try {
    assert.equal(c.state.kind, 'failed');
    const f = c.state as Extract<ConnectionState, { kind: 'failed' }>;
    assert.equal(f.failure, 'not-xapi');
    assert.match(f.message, /predate JSON-RPC \(XenServer 6\.2\): use the XML-RPC transport/);
  } finally {
    c.dispose();
  }
});

test('XCP 1.5 does not know the calls of later releases: event.inject and PIF.get_IPv6 answer MESSAGE_METHOD_UNKNOWN; Lab has them', async () => {
  const s = session(piet);
  const l = session(lab);
  try {
    const [poolRef] = await s.call<string[]>('pool.get_all');
    await assert.rejects(s.call('event.inject', ['pool', poolRef]), (e: unknown) => e instanceof XapiError && e.code === 'MESSAGE_METHOD_UNKNOWN' && e.params[0] === 'event.inject');
    const [pif] = await s.call<string[]>('PIF.get_all');
    await assert.rejects(s.call('PIF.get_IPv6', [pif]), (e: unknown) => e instanceof XapiError && e.code === 'MESSAGE_METHOD_UNKNOWN' && e.params[0] === 'PIF.get_IPv6');
    const methods = await s.callAnonymous<string[]>('system.listMethods');
    assert.ok(methods.includes('event.from') && methods.includes('VM.set_memory_limits'), 'the calls of 1.9 and before are listed');
    assert.ok(!methods.includes('event.inject') && !methods.includes('PIF.get_IPv6'), 'the later ones are not');
    // The records have no field of a later release either (PIF.IPv6 came with 6.1).
    assert.equal('IPv6' in (await s.call<Record<string, unknown>>('PIF.get_record', [pif])), false);

    const [labPool] = await l.call<string[]>('pool.get_all');
    assert.match(await l.call<string>('event.inject', ['pool', labPool]), /^\d+,\d+$/);
    const [labPif] = await l.call<string[]>('PIF.get_all');
    assert.ok(Array.isArray(await l.call('PIF.get_IPv6', [labPif])));
    assert.ok((await l.callAnonymous<string[]>('system.listMethods')).includes('event.inject'));
    assert.equal(l.transportKind, 'jsonrpc');
    assert.equal(s.transportKind, 'xmlrpc');
  } finally {
    await s.dispose();
    await l.dispose();
  }
});

test('login on XCP 1.5 as xapi 1.9 dispatches it: 2, 3 or 4 parameters log in (version defaulted, the rest ignored); fewer than 2 is a count mismatch', async () => {
  const endpoint = new Endpoint({ url: new URL(piet.url) });
  const { createXmlRpcTransport } = await import('../../../src/xapi/xmlRpcTransport');
  const xml = createXmlRpcTransport(endpoint);
  try {
    for (const params of [['root', piet.password], ['root', piet.password, '1.0'], ['root', piet.password, '1.0', 'XCP Admin']]) {
      assert.match(String(await xml('session.login_with_password', params)), /^OpaqueRef:/, `${params.length} parameters`);
    }
    await assert.rejects(xml('session.login_with_password', ['root']), (e: unknown) =>
      e instanceof XapiError && e.code === 'MESSAGE_PARAMETER_COUNT_MISMATCH' && e.params.join(' ') === 'session.login_with_password 2 1');
  } finally {
    endpoint.destroy();
  }
  // And the client (which sends all four) is logged in.
  const s = session(piet);
  try {
    assert.match(await s.login(), /^OpaqueRef:/);
  } finally {
    await s.dispose();
  }
});

/** A PUT with "Expect: 100-continue" whose body goes out at once: did the server say "100 Continue"? */
function putExpectingContinue(url: string, body: Buffer): Promise<{ status: number; continued: boolean }> {
  return new Promise((resolve, reject) => {
    let continued = false;
    const req = http.request(url, { method: 'PUT', agent: false, headers: { 'Content-Length': body.length, Expect: '100-continue' } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, continued }));
    });
    req.on('continue', () => (continued = true));
    req.on('error', reject);
    req.end(body);
  });
}

test('import_raw_vdi: XCP 1.5 has it (no "100 Continue", as its HTTP server knows none); XCP-ng 8 sends one', async () => {
  for (const [pool, sendsContinue] of [[piet, false], [lab, true]] as const) {
    const s = session(pool);
    try {
      await s.login();
      const srs = await s.call<Record<string, { shared: boolean }>>('SR.get_all_records');
      const sharedSr = Object.keys(srs).find((ref) => srs[ref].shared)!;
      const vdi = await s.call<string>('VDI.create', [{ SR: sharedSr, name_label: 'import probe', virtual_size: String(1024 * 1024), type: 'user', sharable: false, read_only: false, other_config: {}, sm_config: { type: 'raw' } }]);
      const url = new URL(`/import_raw_vdi?session_id=${encodeURIComponent(s.sessionRef!)}&vdi=${encodeURIComponent(vdi)}&format=raw`, pool.url);
      const r = await putExpectingContinue(url.href, Buffer.alloc(64 * 1024, 7));
      assert.equal(r.status, 200, pool.name);
      assert.equal(r.continued, sendsContinue, `${pool.name}: 100 Continue`);
    } finally {
      await s.dispose();
    }
  }
});
