// tree-load: how long the whole tree takes to load (get_all_records of every model class → PoolModel
// ready) from a scaled simulator pool (64 hosts, 20,000 VDIs, 5,000 VMs), measured side by side:
//   ours-xmlrpc   our client over XML-RPC (xmlrpc package serializer + our fast decoder) → PoolModel
//   ours-jsonrpc  our client over JSON-RPC → PoolModel
//   plain-xmlrpc  the xmlrpc package's own client (methodCall of each get_all_records), no model
//   floor-xml     raw HTTP POST of the same requests + a minimal tokenizer pass over the answers
//   floor-json    raw HTTP POST of the same requests + JSON.parse
// All variants fetch the classes in parallel, in the same process as the simulator (its answers are
// cached after the first, so the server's share is the same small constant for everyone). The scaled
// pool (Piet) runs the simulator's `xcp-ng-8` release for the whole run (`releases: { Piet: … }`): an
// XCP 1.5 pool has no JSON-RPC, and every variant must read the same pool from the same server.
// Targets: ours-xmlrpc ≥ 3× faster than plain-xmlrpc; each of ours within 2× of its floor.

import * as http from 'node:http';
import xmlrpc from 'xmlrpc';
import { serializeMethodCall } from 'xmlrpc/lib/serializer';
import { PoolModel } from '../src/model/poolModel';
import { loadAllRecords } from '../src/xapi/eventWatcher';
import { MODEL_CLASSES } from '../src/xapi/records';
import { XapiSession } from '../src/xapi/session';
import { poolNamed, startSimulator, type SimPool } from '../test/integration/xapi/simulator';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const SCALE = { hosts: 64, vdis: 20_000, vms: 5_000 };

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

const agent = new http.Agent({ keepAlive: true });
function rawPost(url: URL, path: string, body: string, contentType: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { hostname: url.hostname, port: url.port, path, method: 'POST', agent, headers: { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(Buffer.concat(chunks)));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** The least any XML reader must do: visit every tag and every text between tags. */
export function tokenizeXml(s: string): number {
  let p = 0;
  let tokens = 0;
  for (;;) {
    const lt = s.indexOf('<', p);
    if (lt < 0) return tokens;
    if (lt > p) {
      s.slice(p, lt);
      tokens++;
    }
    const gt = s.indexOf('>', lt);
    if (gt < 0) return tokens;
    s.slice(lt + 1, gt);
    tokens++;
    p = gt + 1;
  }
}

function plainCall(client: xmlrpc.Client, method: string, params: unknown[]): Promise<unknown> {
  return new Promise((resolve, reject) => client.methodCall(method, params, (err, value) => (err ? reject(err) : resolve(value))));
}

async function main(): Promise<void> {
  const t0 = Date.now();
  const sim = await startSimulator({ scale: SCALE, seed: 1, releases: { Piet: 'xcp-ng-8' } });
  try {
    const pool: SimPool = poolNamed(sim, 'Piet');
    const url = new URL(pool.url);
    if (url.protocol !== 'http:') throw new Error('the benchmark wants the plain-HTTP simulator');
    const password = async () => pool.password;
    const xml = new XapiSession({ url, username: pool.username, password, transport: 'xmlrpc' });
    const json = new XapiSession({ url, username: pool.username, password, transport: 'jsonrpc' });
    const xmlRef = await xml.login();
    const jsonRef = await json.login();
    const plain = xmlrpc.createClient({ host: url.hostname, port: Number(url.port), path: '/' });
    const plainLogin = (await plainCall(plain, 'session.login_with_password', [pool.username, pool.password])) as { Value: string };
    const plainRef = plainLogin.Value;
    const xmlBodies = MODEL_CLASSES.map((c) => serializeMethodCall(`${c}.get_all_records`, [xmlRef]));
    const jsonBodies = MODEL_CLASSES.map((c, id) => JSON.stringify({ jsonrpc: '2.0', method: `${c}.get_all_records`, params: [jsonRef], id }));

    let sizes = { xml: 0, json: 0, vdis: 0 };
    const variants: Record<string, () => Promise<unknown>> = {
      'ours-xmlrpc': async () => {
        const model = new PoolModel(await loadAllRecords(xml));
        sizes.vdis = model.count('VDI');
      },
      'ours-jsonrpc': async () => new PoolModel(await loadAllRecords(json)),
      'plain-xmlrpc': () => Promise.all(MODEL_CLASSES.map((c) => plainCall(plain, `${c}.get_all_records`, [plainRef]))),
      'floor-xml': async () => {
        const bodies = await Promise.all(xmlBodies.map((b) => rawPost(url, '/', b, 'text/xml')));
        sizes.xml = 0;
        for (const b of bodies) {
          sizes.xml += b.length;
          tokenizeXml(b.toString('utf8'));
        }
      },
      'floor-json': async () => {
        const bodies = await Promise.all(jsonBodies.map((b) => rawPost(url, '/jsonrpc', b, 'application/json')));
        sizes.json = 0;
        for (const b of bodies) {
          sizes.json += b.length;
          JSON.parse(b.toString('utf8'));
        }
      },
    };
    // Warm-up: fills the simulator's answer caches and lets V8 optimize every path once.
    for (const fn of Object.values(variants)) await fn();
    const times: Record<string, number[]> = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
    for (let r = 0; r < ROUNDS; r++) {
      for (const [name, fn] of Object.entries(variants)) {
        (globalThis as { gc?: () => void }).gc?.();
        times[name].push(await timed(fn));
      }
    }
    const m = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));
    const fmt = (x: number) => x.toFixed(0);
    console.log(`tree-load: pool Piet scaled to ${SCALE.hosts} hosts, ${sizes.vdis} VDIs, ${SCALE.vms} VMs; answers ${(sizes.xml / 1e6).toFixed(1)} MB XML, ${(sizes.json / 1e6).toFixed(1)} MB JSON; median of ${ROUNDS} rounds (ms):`);
    for (const [k, v] of Object.entries(times)) console.log(`  ${k.padEnd(13)} ${fmt(m[k]).padStart(6)}   rounds: ${v.map(fmt).join(' ')}`);
    const ratio = m['plain-xmlrpc'] / m['ours-xmlrpc'];
    const xmlFloor = m['ours-xmlrpc'] / m['floor-xml'];
    const jsonFloor = m['ours-jsonrpc'] / m['floor-json'];
    console.log(`  plain-xmlrpc / ours-xmlrpc = ${ratio.toFixed(1)}x (target ≥ 3)`);
    console.log(`  ours-xmlrpc / floor-xml    = ${xmlFloor.toFixed(2)}x (target ≤ 2)`);
    console.log(`  ours-jsonrpc / floor-json  = ${jsonFloor.toFixed(2)}x (target ≤ 2)`);
    console.log(
      `tree-load: xmlrpc=${fmt(m['ours-xmlrpc'])} jsonrpc=${fmt(m['ours-jsonrpc'])} plain-xmlrpc=${fmt(m['plain-xmlrpc'])} ` +
        `floor-xml=${fmt(m['floor-xml'])} floor-json=${fmt(m['floor-json'])} ratio=${ratio.toFixed(1)} target=3 ` +
        `xml/floor=${xmlFloor.toFixed(2)} json/floor=${jsonFloor.toFixed(2)} floor-target=2 (${((Date.now() - t0) / 1000).toFixed(0)} s)`,
    );
    await xml.dispose();
    await json.dispose();
  } finally {
    agent.destroy();
    await sim.stop();
  }
}

if (require.main === module) {
  main().catch((err) => {
    console.error('tree-load failed:', err);
    process.exit(1);
  });
}
