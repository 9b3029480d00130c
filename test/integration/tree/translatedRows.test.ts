// Every word the tree and the health checks show goes through the translator: with one installed that
// marks each message (⟦…⟧), the rows of the simulator's whole fleet (every pool, folder, host, SR,
// VDI, VM and snapshot row, the notices of a failed, a disconnected and a connecting pool, a dead
// host, a host in maintenance, the halted group and the local storage group) and the findings of the
// checks hold no English outside the marks: only data (names, addresses, uuids, numbers, the records'
// values) and the unit symbols (B, KiB … PiB), which stay untranslated.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ConnectionState, TlsTrust } from '../../../src/model/poolConnection';
import { MAINTENANCE_MODE } from '../../../src/model/maintenance';
import { PoolRegistry } from '../../../src/model/poolRegistry';
import { evaluateAll } from '../../../src/health/monitor';
import { findingMarkdown } from '../../../src/health/describe';
import { english, useTranslator, type Translator } from '../../../src/text/l10n';
import { childNodes, rootNodes, type TreeNode, type TreeSource } from '../../../src/tree/nodes';
import { viewOf } from '../../../src/tree/views';
import { control, startSimulator, until } from '../xapi/simulator';

const noTls: TlsTrust = { pinned: () => undefined, confirm: async () => false, pin: async () => undefined };

/** Marks every message after substitution. */
const marking: Translator = { t: (message, ...args) => `⟦${english.t(message, ...args)}⟧` };

const UNITS = new Set(['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB']);

/** Every word of every string value and map key in `v` (the records' data). */
function dataWords(v: unknown, into: Set<string>): void {
  if (typeof v === 'string') for (const w of words(v)) into.add(w);
  else if (Array.isArray(v)) v.forEach((x) => dataWords(x, into));
  else if (v && typeof v === 'object' && !(v instanceof Date)) for (const [k, x] of Object.entries(v)) { for (const w of words(k)) into.add(w); dataWords(x, into); }
}

/** The words of a text: runs of letters, digits and _ holding at least two letters. */
function words(s: string): string[] {
  return (s.match(/[\p{L}\p{N}_]+/gu) ?? []).filter((w) => (w.match(/\p{L}/gu) ?? []).length >= 2);
}

/** The words of `text` outside the marked spans that are neither data nor a unit. */
function unmarkedWords(text: string, data: Set<string>): string[] {
  let rest = text.replace(/\\(.)/g, '$1'); // as the Markdown renders
  for (let before = ''; before !== rest;) { before = rest; rest = rest.replace(/⟦[^⟦⟧]*⟧/g, ' '); }
  return words(rest).filter((w) => !data.has(w) && !UNITS.has(w));
}

function sourceOf(registry: PoolRegistry): TreeSource {
  // Two pools the registry does not hold: one never connected, one connecting (their rows and notices).
  const extra: Record<string, ConnectionState | undefined> = { Offline: undefined, Dialing: { kind: 'connecting' } as ConnectionState };
  return {
    poolNames: () => [...registry.names(), ...Object.keys(extra)],
    state: (p) => (p in extra ? extra[p] : registry.state(p)),
    url: (p) => registry.entry(p)?.url ?? `https://127.0.0.1:1/${p}`,
  };
}

function allRows(source: TreeSource): TreeNode[] {
  const out: TreeNode[] = [];
  const walk = (n: TreeNode): void => { out.push(n); childNodes(n, source).forEach(walk); };
  rootNodes(source).forEach(walk);
  return out;
}

test('with a marking translator, no row of the fleet and no finding says an English word of its own', async (t) => {
  // Installed before connecting, as the editor does at activation: a failure's message is written when it happens.
  const restore = useTranslator(marking);
  let rows: TreeNode[] = [];
  let check: (rows: TreeNode[]) => string[] = () => [];
  try {
    const sim = await startSimulator();
    const registry = new PoolRegistry({
      password: async (pool) => (pool === 'BL0' ? 'not-the-password' : sim.fleet.pools.find((p) => p.name === pool)?.password),
      tls: noTls,
      tuning: { eventTimeoutSeconds: 1 },
    });
    t.after(async () => { registry.dispose(); await sim.stop(); });
    registry.setEntries(sim.fleet.pools.map((p) => ({ name: p.name, url: p.url, username: p.username })));
    await until('every pool connected or failed', () => registry.names().every((n) => ['connected', 'failed'].includes(registry.state(n)?.kind ?? '')), 15_000);

    // A dead host on Piet, a host in maintenance on Generic.
    const piet = registry.state('Piet');
    const generic = registry.state('Generic');
    assert.ok(piet?.kind === 'connected' && generic?.kind === 'connected');
    const victim = piet.model.hosts().find((h) => !piet.model.isMaster(h.ref))!;
    await control(sim, 'host/down', { host: victim.record.uuid });
    const resting = generic.model.hosts().find((h) => !generic.model.isMaster(h.ref))!;
    const poolState = sim.state.pool('Generic')!;
    const simHost = poolState.byUuidOf('host', resting.record.uuid)!;
    poolState.update(simHost, { enabled: false, other_config: { ...(simHost.record.other_config as Record<string, string>), [MAINTENANCE_MODE]: 'true' } });
    // A snapshot (and the row under its VM) on Generic.
    const vm = generic.model.all('VM').find((v) => v.record.power_state === 'Running' && !v.record.is_control_domain && !v.record.is_a_snapshot && !v.record.is_a_template)!;
    await registry.connection('Generic')!.call('VM.snapshot', [vm.ref, 'before the upgrade']);
    await until('the dead host, the maintenance and the snapshot reach the models', () => generic.model.all('VM').some((v) => v.record.is_a_snapshot) && !piet.model.isHostLive(victim.ref) && generic.model.get('host', resting.ref)?.enabled === false, 15_000);

    const source = sourceOf(registry);
    const data = new Set<string>(['dom0']); // the control domain's name, as the VDI row writes it
    for (const name of source.poolNames()) {
      for (const w of words(`${name} ${source.url(name)}`)) data.add(w);
      const s = source.state(name);
      if (s?.kind === 'connected') for (const cls of ['pool', 'host', 'host_metrics', 'SR', 'PBD', 'PIF', 'network', 'VDI', 'VBD', 'VM', 'VM_guest_metrics'] as const) {
        for (const e of s.model.all(cls)) dataWords(e.record, data);
      }
    }

    check = (rows: TreeNode[]) => {
      const leaks: string[] = [];
      for (const n of rows) {
        const v = viewOf(n, source);
        if (!v) continue;
        for (const [field, text] of [['label', v.label], ['description', v.description], ['tooltip', v.tooltip], ['command', v.command?.title]] as const) {
          const left = text === undefined ? [] : unmarkedWords(text, data);
          if (left.length) leaks.push(`${n.id} ${field}: ${left.join(' ')} — in ${JSON.stringify(text)}`);
        }
      }
      return leaks;
    };

    rows = allRows(source);
    const views = rows.map((n) => ({ n, v: viewOf(n, source) })).filter((x) => x.v);
    // The fleet shows every kind of row this test is about.
    const kinds = new Set(views.map(({ n, v }) => (n.kind === 'folder' ? `folder.${n.folder}` : n.kind === 'notice' ? `notice.${n.notice}` : n.kind === 'host' ? v!.contextValue.split('.')[1] : n.kind)));
    for (const k of ['pool', 'folder.hosts', 'folder.storage', 'folder.localStorage', 'folder.stoppedVms', 'live', 'dead', 'sr', 'vdi', 'vm', 'snapshot', 'notice.failed', 'notice.disconnected', 'notice.connecting']) {
      assert.ok(kinds.has(k), `the fleet shows a ${k} row (${[...kinds].join(', ')})`);
    }
    assert.ok(views.some(({ v }) => /maintenance/.test(v!.description ?? '')), 'a host in maintenance is shown');
    assert.deepEqual(check(rows), [], 'every word of every row went through the translator');

    // The health checks' findings: the summary and the fix are one translated text each; the tooltip's own words too.
    const findings = registry.names().flatMap((p) => { const s = registry.state(p); return s?.kind === 'connected' ? evaluateAll(s.model).map((f) => ({ p, f })) : []; });
    const checks = new Set(findings.map(({ f }) => f.check));
    for (const c of ['dead-host', 'host-disabled']) assert.ok(checks.has(c), `the fleet has a ${c} finding (${[...checks].join(', ')})`);
    for (const { p, f } of findings) {
      assert.match(f.summary, /^⟦[^]*⟧$/, `${f.id}: the summary is translated`);
      if (f.fix) assert.match(f.fix.procedure, /^⟦[^]*⟧$/, `${f.id}: the fix is translated`);
      const evidence = new Set(data);
      for (const [k, x] of Object.entries(f.evidence)) for (const w of words(`${k} ${x}`)) evidence.add(w);
      assert.deepEqual(unmarkedWords(findingMarkdown(f, p), evidence), [], `${f.id}: the tooltip's words are translated`);
    }
  } finally {
    restore();
  }
  // The same check finds English when the texts are not translated: it can fail.
  const untranslated = check(rows);
  assert.ok(untranslated.length > rows.length / 2, `untranslated rows show their English (${untranslated.length} of ${rows.length})`);
});
