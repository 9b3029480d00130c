// health: what the findings cost on the big pool (64 hosts, 20,000 VDIs, 5,000 VMs, plus 2,000 XAPI
// messages), loaded from the simulator as the editor loads it (event.from):
//   full          every check once (the command line; the editor at connect and after a resync)
//   per event     the checks one event's class feeds (HealthMonitor.update), for one event of each kind,
//                 against re-running every check for that event
// Medians of BENCH_ROUNDS rounds (default 9); on a loaded machine compare the columns, not the absolutes. The run also follows a real event batch from the
// simulator (an SR's usage) to the findings, so the numbers are the monitor's, not a stand-in's.

import { HealthMonitor, CHECKS, evaluateAll } from '../src/health/monitor';
import type { ModelChange } from '../src/model/poolModel';
import type { XapiClass } from '../src/xapi/records';
import { connectPool, control, startSimulator, until } from '../test/integration/xapi/simulator';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9);
const SCALE = { hosts: 64, vdis: 20_000, vms: 5_000 };

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}
function time(fn: () => void): number {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);

async function main(): Promise<void> {
  const sim = await startSimulator({ scale: SCALE, releases: { Piet: 'xcp-ng-8' } });
  const state = sim.state.pool('Piet')!;
  const hosts = [...state.all('host')];
  for (let n = 0; n < 2_000; n++) {
    state.create('message', { name: n % 3 ? 'VM_STARTED' : 'MULTIPATH_PERIODIC_ALERT', priority: n % 5 + 1, cls: 'Host', obj_uuid: hosts[n % hosts.length].uuid, timestamp: new Date(), body: `message ${n}` });
  }
  const { conn, model } = await connectPool(sim, 'Piet');
  try {
    console.log(`pool: ${model.count('host')} hosts, ${model.count('VM')} VMs, ${model.count('VDI')} VDIs, ${model.count('VBD')} VBDs, ${model.count('PBD')} PBDs, ${model.count('message')} messages; ${CHECKS.length} checks`);
    const monitor = new HealthMonitor(model);
    console.log(`findings: ${monitor.findings().length}`);

    const full: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      gc();
      full.push(time(() => evaluateAll(model)));
    }
    const fullMs = median(full);
    console.log(`\nfull evaluation: ${fullMs.toFixed(1)} ms (median of ${ROUNDS})\n`);

    const sample = (cls: XapiClass): ModelChange => ({ cls, ref: model.all(cls)[0].ref, op: 'mod' });
    const kinds: XapiClass[] = ['VDI', 'VBD', 'VM', 'VM_guest_metrics', 'host_metrics', 'SR', 'PBD', 'message', 'network'];
    console.log('event class        checks re-run  incremental ms  everything ms  saved');
    for (const cls of kinds) {
      const change = [sample(cls)];
      const inc: number[] = [];
      const all: number[] = [];
      for (let r = 0; r < ROUNDS; r++) {
        gc();
        inc.push(time(() => monitor.update(change)));
        gc();
        all.push(time(() => evaluateAll(model)));
      }
      const i = median(inc);
      const a = median(all);
      console.log(`${cls.padEnd(18)} ${String(monitor.lastEvaluated.length).padStart(13)}  ${i.toFixed(2).padStart(14)}  ${a.toFixed(2).padStart(13)}  ${(a / Math.max(i, 0.001)).toFixed(1).padStart(5)}×`);
    }

    // A real batch: the simulator changes an SR, event.from brings it, the monitor re-runs the SR checks.
    const sr = model.sharedSrs()[0];
    let ran: readonly string[] = [];
    const sub = monitor.onDidChange(() => (ran = monitor.lastEvaluated));
    await control(sim, '/control/fault/sr-usage', { sr: sr.record.uuid, percent: 93 });
    await until('the SR finding', () => monitor.findings().some((f) => f.check === 'sr-usage' && f.object.uuid === sr.record.uuid && f.summary.includes('93 %')), 30_000);
    console.log(`\nreal event (SR usage through event.from) re-ran: ${ran.join(', ')}`);
    sub.dispose();
    monitor.dispose();
  } finally {
    await conn.disconnect();
    await sim.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
