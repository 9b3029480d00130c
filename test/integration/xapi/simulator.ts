// Starts the real simulator in-process and drives its control API, for the client's integration tests
// and the tree-load benchmark.

import { startSimulator as start, type FleetDescription, type RunningSimulator } from '../../../simulator/index';
import { PoolConnection, type TlsTrust } from '../../../src/model/poolConnection';
import type { PoolModel } from '../../../src/model/poolModel';
import { Endpoint } from '../../../src/xapi/http';
import type { TransportChoice } from '../../../src/xapi/transport';

/** The simulator serves plain HTTP unless asked for TLS: there is no certificate to trust. */
export const NO_TLS: TlsTrust = { pinned: () => undefined, confirm: async () => false, pin: async () => undefined };

export type SimPool = FleetDescription['pools'][number];
export type Simulator = RunningSimulator;
export type SimulatorOptions = Parameters<typeof start>[0];

/** Starts the simulator on a free port. */
export function startSimulator(opts: SimulatorOptions = {}): Promise<Simulator> {
  return start({ port: 0, ...opts });
}

/** POSTs JSON to the simulator's control API (over the pinned certificate when it runs TLS). */
export async function control(sim: Simulator, path: string, body: unknown = {}): Promise<unknown> {
  const base = new URL(sim.controlUrl);
  const endpoint = new Endpoint({ url: new URL('/', base), pin: sim.fleet.tls?.fingerprint256 });
  try {
    const answer = await endpoint.post(new URL(path, base).pathname, JSON.stringify(body), 'application/json');
    const text = answer.body.toString('utf8');
    if (answer.status >= 300) throw new Error(`simulator control ${path}: HTTP ${answer.status} ${text}`);
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  } finally {
    endpoint.destroy();
  }
}

export function poolNamed(sim: Simulator, name: string): SimPool {
  const pool = sim.fleet.pools.find((p) => p.name === name);
  if (!pool) throw new Error(`the simulator has no pool ${name}`);
  return pool;
}

/** The URL of a host of the pool that is not its master (same scheme and port). */
export function slaveUrl(pool: SimPool): { url: string; masterAddress: string } {
  const master = pool.hosts.find((h) => h.name === pool.master)!;
  const slave = pool.hosts.find((h) => h.name !== pool.master)!;
  const url = new URL(pool.url);
  url.hostname = slave.address;
  return { url: url.href, masterAddress: master.address };
}

export async function until(what: string, check: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A pool of the simulator connected as the extension connects, its model loaded (disconnect it after). */
export async function connectPool(sim: Simulator, name: string, transport?: TransportChoice): Promise<{ pool: SimPool; conn: PoolConnection; model: PoolModel }> {
  const pool = poolNamed(sim, name);
  const conn = new PoolConnection({ name, url: pool.url, username: 'root', password: async () => pool.password, tls: NO_TLS, transport }, { eventTimeoutSeconds: 1 });
  await conn.connect();
  if (conn.state.kind !== 'connected') throw new Error(`pool ${name} did not connect: ${conn.state.kind}`);
  return { pool, conn, model: conn.state.model };
}
