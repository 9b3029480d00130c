// The simulator's programmatic API: tests and benchmarks start a fleet in-process with it.

import { makeSelfSignedCertificate } from './certificate';
import { FleetDescription, Scale, buildFleet, describeFleet } from './fleet';
import { FleetServer } from './server';
import { SimState } from './state';
import { startDom0s, type Dom0Fleet } from './dom0/dom0';
import type { ReleaseName } from './releases';

export interface SimulatorOptions {
  /** The one port every host listens on; 0 (default) picks a free one. */
  port?: number;
  /** Serve HTTPS with a fresh self-signed certificate (made with the system's openssl). */
  tls?: boolean;
  /** Seed of the generated fleet (uuids, names, sizes); default 1. */
  seed?: number;
  /** Second octet of the hosts' loopback addresses 127.N.P.H; default 77. */
  net?: number;
  /** Size of the Piet pool, for benchmarks; the other pools keep their seed sizes. */
  scale?: Scale;
  /**
   * Pools (by name) that run another XAPI release than their own (releases.ts): the seed pools are
   * `xcp-1.5` (XML-RPC only), Lab is `xcp-ng-8`. A benchmark that compares XML-RPC with JSON-RPC on the
   * same big pool runs Piet as `{ Piet: 'xcp-ng-8' }`: same records, both wire formats.
   */
  releases?: Readonly<Record<string, ReleaseName>>;
  /** Serve a simulated dom0 over SSH for every host (default off here, on in `npm run simulator`). */
  dom0?: boolean;
  /** The SSH port of the dom0s (default: a free one, shared by every host address). */
  sshPort?: number;
  /** OpenSSH public keys root may also log in with (besides the pool's password), e.g. for a benchmark's ssh. */
  authorizedKeys?: string[];
  /** Where one line per call goes (default: nowhere). */
  log?: (line: string) => void;
}

export interface RunningSimulator {
  /** Pools, their URLs, credentials and hosts: the same object `main.js` prints. Kept current (tls). */
  readonly fleet: FleetDescription;
  readonly controlUrl: string;
  readonly port: number;
  /** The live databases, for code that acts on the fleet directly (a simulated dom0, tests). */
  readonly state: SimState;
  /** With dom0s: every exec request their sshd received, in order (address, command as sent); tests compare exported runbooks with it. */
  readonly dom0Executed?: readonly { address: string; command: string }[];
  /** Replaces the TLS certificate (https only); new connections see the new one. */
  rotateCertificate(): Promise<{ fingerprint256: string }>;
  stop(): Promise<void>;
}

export async function startSimulator(opts: SimulatorOptions = {}): Promise<RunningSimulator> {
  const state = buildFleet({ seed: opts.seed, net: opts.net, scale: opts.scale, releases: opts.releases });
  let certificate = opts.tls ? await makeSelfSignedCertificate() : undefined;
  const fleet: { current?: FleetDescription } = {};
  const server = new FleetServer(state, {
    fleet: () => fleet.current!,
    rotateCertificate: certificate ? () => sim.rotateCertificate() : undefined,
  }, { port: opts.port ?? 0, certificate, log: opts.log });
  await server.start();
  let dom0: Dom0Fleet | undefined;
  try {
    dom0 = opts.dom0 ? await startDom0s(state, { port: opts.sshPort, authorizedKeys: opts.authorizedKeys }) : undefined;
  } catch (e) {
    await server.stop();
    throw e;
  }
  fleet.current = describeFleet(state, server.port, certificate && { fingerprint256: certificate.fingerprint256 }, dom0);
  let stopped = false;
  const sim: RunningSimulator = {
    get fleet() {
      return fleet.current!;
    },
    controlUrl: fleet.current.control,
    port: server.port,
    state,
    ...(dom0 ? { dom0Executed: dom0.executed } : {}),
    async rotateCertificate() {
      if (!certificate) throw new Error('the simulator was started without tls');
      certificate = await makeSelfSignedCertificate();
      server.setCertificate(certificate);
      fleet.current = describeFleet(state, server.port, { fingerprint256: certificate.fingerprint256 }, dom0);
      return { fingerprint256: certificate.fingerprint256 };
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await dom0?.stop();
      await server.stop();
    },
  };
  return sim;
}

/** The same as `sim.rotateCertificate()`, for callers that prefer a function. */
export function rotateCertificate(sim: RunningSimulator): Promise<{ fingerprint256: string }> {
  return sim.rotateCertificate();
}

export type { FleetDescription, Scale } from './fleet';
export type { ClassName } from './schema';
export { CLASSES, NULL_REF } from './schema';
export { PoolState, SimState } from './state';
export type { XObject, Session, LoggedEvent, EventOp, DownMode, HostPlace } from './state';
export { addVdi, removeVdi } from './control';
export { XapiFailure, methodNames } from './api';
export { RELEASES, METHOD_RELEASES, releaseOfMethod } from './releases';
export type { ReleaseName, ReleaseProfile } from './releases';
