// relay: 1 GiB from a file on one simulated dom0 (BL0) into a raw LV on another (Piet), measured side
// by side in the same run:
//   ours        the extension's relay (ssh2 streams through this process, SHA-256 of the stream)
//   ours+feed   the same, with each progress report taken the way the dd panel's feed takes it in the
//               editor (the runner's step progress → ProgressPanel.post): a progress message per chunk
//               into the panel's throttle (100 ms), the panel's reducer on each message it lets through
//               and that message serialized as postMessage serializes it (JSON), plus the 1 s clock. Not
//               measured: the runner's own handling of the step's progress, VS Code's IPC to the webview
//               and the webview's rendering (another process). The bench keeps a copy of that path
//               (ProgressPanel needs vscode); keep it in step with src/webviews/progressPanel.ts.
//   openssh     `ssh a 'dd if=…' | ssh b 'dd of=…'` with the OpenSSH client, as the runbook's broker did
// The simulator runs in its own process (its SSH servers are the same for every variant); host keys are
// pinned for OpenSSH with ssh-keyscan, checked against the fleet's fingerprints. Targets: ours ≥ 1.1×
// OpenSSH; the feed costs under 1%.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { sshExecutors } from '../src/procedures/sshExecutor';
import { MemoryHostKeyStore, type SshConnectOptions } from '../src/ssh';
import { Throttle } from '../src/webviews/throttle';
import { initialDd, reduceDd, type DdState, type DdToView } from '../src/webviews/protocol';
import { XapiSession } from '../src/xapi/session';
import type { FleetDescription } from '../simulator/fleet';

const GiB = 1024 ** 3;
const BYTES = Number(process.env.BENCH_RELAY_BYTES ?? GiB);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const root = join(__dirname, '..', '..');

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

async function startFleet(pubKey: string): Promise<{ child: ChildProcess; fleet: FleetDescription }> {
  const child = spawn(process.execPath, [join(root, 'out', 'simulator', 'main.js'), '--authorized-key', pubKey], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! });
    rl.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`the simulator exited (${code})`)));
  });
  return { child, fleet: JSON.parse(line) as FleetDescription };
}

type Host = FleetDescription['pools'][number]['hosts'][number];

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'xcp-bench-relay-'));
  const key = join(dir, 'id_ed25519');
  spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key], { stdio: 'inherit' });
  const { child, fleet } = await startFleet(`${key}.pub`);
  try {
    const bl0 = fleet.pools.find((p) => p.name === 'BL0')!;
    const piet = fleet.pools.find((p) => p.name === 'Piet')!;
    const src: Host = bl0.hosts[1];
    const dst: Host = piet.hosts[1];
    const port = fleet.dom0!.port;

    // OpenSSH's known_hosts, pinned: ssh-keyscan, then each key's fingerprint against the fleet's.
    const scan = spawnSync('ssh-keyscan', ['-t', 'ed25519', '-p', String(port), src.address, dst.address], { encoding: 'utf8' });
    const knownHosts = join(dir, 'known_hosts');
    writeFileSync(knownHosts, scan.stdout);
    const prints = spawnSync('ssh-keygen', ['-l', '-f', knownHosts], { encoding: 'utf8' }).stdout;
    for (const h of [src, dst]) if (!prints.includes(h.ssh!.hostKeySha256)) throw new Error(`ssh-keyscan's key for ${h.address} is not the fleet's ${h.ssh!.hostKeySha256}`);

    const options = (address: string): SshConnectOptions => {
      const h = [src, dst].find((x) => x.address === address)!;
      return {
        host: address, port,
        auth: { username: 'root', agent: false, privateKeyPath: key },
        hostKeys: { store: new MemoryHostKeyStore(), knownHostsFiles: [], confirm: async ({ key: k }) => k.fingerprint === h.ssh!.hostKeySha256 },
      };
    };

    // The source file and the target LV (a raw VDI on Piet's FC SR).
    const setup = sshExecutors(async (h) => options(h.address));
    const srcTarget = { name: src.name, uuid: src.uuid, address: src.address };
    const made = await setup.shell(srcTarget, `dd if=/dev/urandom of=/root/big.img bs=4M count=${Math.ceil(BYTES / (4 * 1024 * 1024))} 2>/dev/null && truncate -s ${BYTES} /root/big.img`, undefined, () => undefined);
    if (made.code !== 0) throw new Error(`cannot make the source file: ${made.stderr}`);
    setup.close();
    const session = new XapiSession({ url: piet.url, username: piet.username, password: async () => piet.password });
    const srs = await session.call<Record<string, { name_label: string; uuid: string }>>('SR.get_all_records');
    const [srRef, sr] = Object.entries(srs).find(([, s]) => s.name_label === 'Compellent FC piet-1')!;
    const vdiRef = await session.call<string>('VDI.create', [{
      name_label: 'bench relay', name_description: '', SR: srRef, virtual_size: BYTES, type: 'user', sharable: false, read_only: false,
      other_config: {}, xenstore_data: {}, sm_config: { type: 'raw' }, tags: [],
    }]);
    const vdiUuid = await session.call<string>('VDI.get_uuid', [vdiRef]);
    await session.dispose();
    const device = `/dev/VG_XenStorage-${sr.uuid}/LV-${vdiUuid}`;
    const action = { kind: 'relay' as const, source: { kind: 'ssh' as const, host: srcTarget, path: '/root/big.img' }, target: { host: { name: dst.name, uuid: dst.uuid, address: dst.address }, device }, bytes: BYTES };

    // The time spent in the feed itself, measured inside the progress callback: steadier than the
    // difference of two noisy wall-clock figures.
    const feed = { ns: 0, chunks: 0, runMs: 0 };
    const ours = async (withFeed: boolean): Promise<number> => {
      const ex = sshExecutors(async (h) => options(h.address));
      // The panel's side of the feed (ProgressPanel.post and send), with postMessage's serialization.
      let state: DdState = initialDd();
      let posted = 0;
      let serialized = 0;
      const send = (m: DdToView) => {
        posted++;
        serialized += JSON.stringify(m).length;
      };
      const throttle = new Throttle<DdToView>(100, (m) => {
        state = reduceDd(state, m);
        send(m);
      });
      const post = (m: DdToView) => {
        if (m.kind === 'progress') return throttle.push(m);
        throttle.flush();
        state = reduceDd(state, m);
        send(m);
      };
      const t0 = process.hrtime.bigint();
      let clock: ReturnType<typeof setInterval> | undefined;
      if (withFeed) {
        post({ kind: 'start', ends: { source: `${src.name}:/root/big.img`, target: `${dst.name}:${device}`, total: BYTES } });
        const started = Date.now();
        clock = setInterval(() => post({ kind: 'tick', elapsedMs: Date.now() - started }), 1000);
      }
      const r = await ex.relay(action, undefined, withFeed ? (p) => {
        const f0 = process.hrtime.bigint();
        post({ kind: 'progress', bytes: p.bytes, elapsedMs: p.elapsedMs });
        feed.ns += Number(process.hrtime.bigint() - f0);
        feed.chunks++;
      } : () => undefined);
      if (clock) clearInterval(clock);
      throttle.flush();
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      ex.close();
      if (r.bytes !== BYTES) throw new Error(`ours moved ${r.bytes} bytes`);
      if (withFeed) feed.runMs += ms;
      if (withFeed && (state.bytes !== BYTES || posted > ms / 100 + ms / 1000 + 3 || serialized === 0)) throw new Error(`the panel saw ${state.bytes} bytes in ${posted} messages`);
      return ms;
    };
    const sshArgs = `-i ${key} -o BatchMode=yes -o UserKnownHostsFile=${knownHosts} -o GlobalKnownHostsFile=/dev/null -p ${port}`;
    const openssh = async (): Promise<number> => {
      const cmd = `ssh ${sshArgs} root@${src.address} 'dd if=/root/big.img bs=4M 2>/dev/null' | ssh ${sshArgs} root@${dst.address} 'dd of=${device} bs=4M conv=notrunc,fsync 2>/dev/null'`;
      const t0 = process.hrtime.bigint();
      const r = await new Promise<number | null>((resolve) => spawn('bash', ['-o', 'pipefail', '-c', cmd], { stdio: 'inherit' }).on('exit', resolve));
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (r !== 0) throw new Error(`openssh relay exited ${r}`);
      return ms;
    };

    const times: Record<string, number[]> = { ours: [], 'ours+feed': [], openssh: [] };
    await ours(false); // warm-up: page cache, JIT
    await ours(true);
    Object.assign(feed, { ns: 0, chunks: 0, runMs: 0 });
    for (let i = 0; i < ROUNDS; i++) {
      times.openssh.push(await openssh());
      times.ours.push(await ours(false));
      times['ours+feed'].push(await ours(true));
    }
    const m = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));
    const rate = (ms: number) => (BYTES / 1048576 / (ms / 1000)).toFixed(0);
    console.log(`relay: ${(BYTES / GiB).toFixed(2)} GiB ${src.name} → ${dst.name}, median of ${ROUNDS} rounds:`);
    for (const [k, v] of Object.entries(times)) console.log(`  ${k.padEnd(10)} ${rate(m[k]).padStart(5)} MiB/s   rounds (ms): ${v.map((x) => x.toFixed(0)).join(' ')}`);
    const ratio = m.openssh / m.ours;
    const cost = ((m['ours+feed'] - m.ours) / m.ours) * 100;
    const feedCpu = (feed.ns / 1e6 / feed.runMs) * 100;
    console.log(`  the feed's own time: ${(feed.ns / 1e6).toFixed(0)} ms in ${feed.chunks} progress reports over ${feed.runMs.toFixed(0)} ms of ours+feed runs = ${feedCpu.toFixed(2)}%`);
    console.log(`relay: ours=${rate(m.ours)}MiB/s ours+feed=${rate(m['ours+feed'])}MiB/s openssh=${rate(m.openssh)}MiB/s feed-cost=${cost.toFixed(1)}% feed-time=${feedCpu.toFixed(2)}% (target <1; panel feed: reducer, throttle, JSON) ratio=${ratio.toFixed(2)} target=1.1`);
  } finally {
    child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().catch((err) => {
    console.error('relay failed:', err);
    process.exit(1);
  });
}
