// Starts the real simulator in-process and drives its control API, for the client's integration tests
// and the tree-load benchmark.

import { startSimulator as start, type FleetDescription, type RunningSimulator } from '../../../simulator/index';
import { Endpoint } from '../../../src/xapi/http';

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
