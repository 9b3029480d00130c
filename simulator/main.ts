// Command line: start the fleet, print one JSON line describing it, serve until SIGINT/SIGTERM.
// Everything else goes to stderr, so `node out/simulator/main.js | head -1` is the fleet.

import { readFileSync } from 'node:fs';
import { startSimulator } from './index';
import { isReleaseName, type ReleaseName } from './releases';

const USAGE = `usage: node out/simulator/main.js [--port N] [--tls] [--seed N] [--net N] [--hosts N] [--vdis N] [--vms N] [--ssh-port N] [--authorized-key FILE] [--no-dom0] [--release POOL=xcp-1.5|xcp-ng-8] [--verbose]`;

function parseArgs(argv: string[]) {
  const opts: { port: number; tls: boolean; seed: number; net: number; hosts?: number; vdis?: number; vms?: number; verbose: boolean; dom0: boolean; sshPort?: number; authorizedKeys: string[]; releases: Record<string, ReleaseName> } = {
    port: 0, tls: false, seed: 1, net: 77, verbose: false, dom0: true, authorizedKeys: [], releases: {},
  };
  const int = (name: string, v: string | undefined, min: number, max: number): number => {
    const n = Number(v);
    if (v === undefined || !Number.isInteger(n) || n < min || n > max) throw new Error(`${name} needs an integer in ${min}..${max}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = () => inline ?? argv[++i];
    switch (flag) {
      case '--port': opts.port = int(flag, value(), 0, 65535); break;
      case '--tls': opts.tls = true; break;
      case '--seed': opts.seed = int(flag, value(), 0, 2 ** 32 - 1); break;
      case '--net': opts.net = int(flag, value(), 0, 255); break;
      case '--hosts': opts.hosts = int(flag, value(), 1, 250); break;
      case '--vdis': opts.vdis = int(flag, value(), 0, 10_000_000); break;
      case '--vms': opts.vms = int(flag, value(), 0, 1_000_000); break;
      case '--verbose': opts.verbose = true; break;
      case '--release': {
        const [pool, release] = String(value()).split('=');
        if (!pool || !release || !isReleaseName(release)) throw new Error('--release needs POOL=xcp-1.5 or POOL=xcp-ng-8');
        opts.releases[pool] = release;
        break;
      }
      case '--no-dom0': opts.dom0 = false; break;
      case '--ssh-port': opts.sshPort = int(flag, value(), 0, 65535); break;
      case '--authorized-key': opts.authorizedKeys.push(readFileSync(String(value()), 'utf8').trim()); break;
      case '--help': case '-h': process.stderr.write(USAGE + '\n'); process.exit(0); break;
      default: throw new Error(`unknown option ${a}`);
    }
  }
  return opts;
}

async function main(): Promise<void> {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n${USAGE}\n`);
    process.exit(2);
  }
  const scale = opts.hosts !== undefined || opts.vdis !== undefined || opts.vms !== undefined
    ? { hosts: opts.hosts, vdis: opts.vdis, vms: opts.vms } : undefined;
  const sim = await startSimulator({
    port: opts.port, tls: opts.tls, seed: opts.seed, net: opts.net, scale, dom0: opts.dom0, sshPort: opts.sshPort, authorizedKeys: opts.authorizedKeys, releases: opts.releases,
    log: opts.verbose ? (line) => process.stderr.write(line + '\n') : undefined,
  });
  process.stdout.write(JSON.stringify(sim.fleet) + '\n');
  process.stderr.write(`xapi simulator: ${sim.fleet.pools.length} pools on port ${sim.port}; control at ${sim.controlUrl}\n`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`xapi simulator: ${signal}, stopping\n`);
    sim.stop().then(() => process.exit(0), () => process.exit(1));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((e) => {
  process.stderr.write(`xapi simulator failed to start: ${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
