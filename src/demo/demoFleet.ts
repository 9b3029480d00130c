// The demo fleet, for someone who installed the .vsix and has no pool at hand: the built-in simulator
// (the runbook's four XCP 1.5 pools and an XCP-ng 8.3 one) started inside the extension host on
// loopback, plain http (loopback only, so no password crosses a wire), with simulated dom0s over SSH
// where bash is there to run them. Bundled on its own (dist/demoFleet.js, scripts/bundle.mjs) and
// loaded only when the admin starts it, so activation never pays for the simulator. No vscode import.

import { existsSync } from 'node:fs';
import { startSimulator, type RunningSimulator } from '../../simulator/index';

export interface DemoPool {
  name: string;
  url: string;
  username: string;
  password: string;
  /** The dom0s' SSH port (one for every simulated host address), when they run. */
  sshPort?: number;
}

export interface RunningDemoFleet {
  pools: DemoPool[];
  /** Whether the dom0s (and with them Open Root Shell and the shell steps) run. */
  dom0: boolean;
  stop(): Promise<void>;
}

/** bash runs the simulated dom0s' shells; without it the fleet still serves XAPI. */
export function bashAvailable(): boolean {
  return ['/bin/bash', '/usr/bin/bash', '/usr/local/bin/bash'].some((p) => existsSync(p));
}

export async function startDemoFleet(opts: { dom0?: boolean } = {}): Promise<RunningDemoFleet> {
  const dom0 = opts.dom0 ?? (process.platform !== 'win32' && bashAvailable());
  const sim: RunningSimulator = await startSimulator({ port: 0, dom0 });
  const fleet = sim.fleet;
  return {
    dom0,
    pools: fleet.pools.map((p) => ({
      name: p.name,
      url: p.url,
      username: p.username,
      password: p.password,
      ...(fleet.dom0 ? { sshPort: fleet.dom0.port } : {}),
    })),
    stop: () => sim.stop(),
  };
}
