// activation: what an admin waits for when they open the XCP Admin view, measured in the real UI
// (code-server + headless Chromium, the e2e harness) against the simulator's seed fleet:
//   ui-visible   click on the activity-bar entry → every pool row shows its master (seen in the browser)
//   ext-render   activation → every pool row drawn connected (the extension's own log line)
//   peer         the same five pools connected and loaded by the same client in a bare node process
//                (PoolRegistry, no editor, simulator in its own process and over TLS with the fleet's
//                certificate pinned, as in the UI rounds): the share of the time that is XAPI and not
//                VS Code
// and the size of the bundle that activation loads. Prints one line:
//   activation: ui-visible=… ext-render=… peer=… ratio=<ext-render/peer> bundle=…KiB

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { E2E, missingForE2E } from '../test/e2e/harness';
import { PoolRegistry } from '../src/model/poolRegistry';
import { startSimulatorProcess } from '../test/e2e/workbench';

let lastLog = '';
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function findLog(dir: string, name: string): string | undefined {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) {
      const found = findLog(p, name);
      if (found) return found;
    } else if (entry.name === name) return p;
  }
  return undefined;
}

async function uiRound(): Promise<{ visible: number; render: number }> {
  const e2e = new E2E();
  try {
    await e2e.start({});
    const names = e2e.pools.map((p) => p.name);
    const t0 = performance.now();
    await e2e.openXcpAdminView();
    await e2e.until(async () => {
      for (const n of names) if (!/master/.test((await e2e.rowText(e2e.treeRow(n).first())).all)) return false;
      return true;
    }, 'every pool row connected', 60_000);
    const visible = performance.now() - t0;
    const render = await e2e.until(async () => {
      const log = findLog(join(e2e.workbench.userDataDir, 'logs'), 'XCP Admin.log');
      if (log) lastLog = readFileSync(log, 'utf8');
      const m = log && /first tree render: \d+ pools drawn connected or failed (\d+) ms/.exec(readFileSync(log, 'utf8'));
      return m ? Number(m[1]) : undefined;
    }, 'the first-render line in the XCP Admin log', 30_000) as number;
    return { visible, render };
  } finally {
    await e2e.close();
  }
}

async function peerRound(): Promise<number> {
  const sim = await startSimulatorProcess(['--tls']); // a separate process over https, as in the UI rounds
  try {
    const pools = sim.info.pools;
    const fingerprint = (sim.info.tls as { fingerprint256?: string } | undefined)?.fingerprint256;
    if (!fingerprint) throw new Error('the simulator announced no certificate');
    const registry = new PoolRegistry({
      password: async (pool) => pools.find((p) => p.name === pool)?.password,
      tls: { pinned: () => fingerprint, confirm: async () => false, pin: async () => undefined },
    });
    const t0 = performance.now();
    registry.setEntries(pools.map((p) => ({ name: p.name, url: p.url, username: p.username })));
    while (!registry.names().every((n) => registry.state(n)?.kind === 'connected')) {
      if (registry.names().some((n) => registry.state(n)?.kind === 'failed')) throw new Error('a pool failed to connect');
      await new Promise((r) => setTimeout(r, 1));
    }
    const ms = performance.now() - t0;
    registry.dispose();
    return ms;
  } finally {
    await sim.stop();
  }
}

async function main(): Promise<void> {
  const missing = missingForE2E();
  if (missing) throw new Error(`activation bench needs the UI harness: ${missing}`);
  const bundle = statSync(join(__dirname, '..', '..', 'dist', 'extension.js')).size;
  const visible: number[] = [];
  const render: number[] = [];
  const peer: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const r = await uiRound();
    visible.push(r.visible);
    render.push(r.render);
    peer.push(await peerRound());
    if (process.env.BENCH_VERBOSE) console.error(lastLog);
    console.error(`round ${i + 1}: ui-visible=${r.visible.toFixed(0)}ms ext-render=${r.render}ms peer=${peer[i].toFixed(0)}ms`);
  }
  const [v, r, p] = [median(visible), median(render), median(peer)];
  console.log(`activation: ui-visible=${v.toFixed(0)}ms ext-render=${r.toFixed(0)}ms peer=${p.toFixed(0)}ms bundle=${(bundle / 1024).toFixed(0)}KiB ratio=${(r / p).toFixed(2)} target=n/a`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
