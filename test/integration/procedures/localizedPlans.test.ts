// Every word of the procedures layer that an admin reads goes through the translator (issue 15, the
// localization point): with a translator installed that marks each message it returns (⟦…⟧ around the
// message after substitution), every plan builder of src/procedures (found from the module exports, as
// the hostile corpus finds them, so a new builder joins by construction) is run on the simulated
// Generic pool with many arguments, and its preview, its exported runbook's Markdown and the journal
// document must hold, outside the marked spans, nothing but data: names, uuids, numbers, code spans,
// procedure codes and Markdown punctuation. Then real runs (over HTTP against the simulator) must
// write only marked lines to the terminal, besides the commands and XAPI's answers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeProbe, type MasterProbe } from '../../../src/model/masterProbe';
import type { PoolModel } from '../../../src/model/poolModel';
import { Journal } from '../../../src/procedures/journal';
import { journalDocument } from '../../../src/procedures/journalDocument';
import { preview, type ByteSource, type Plan } from '../../../src/procedures/plan';
import { exportRunbook } from '../../../src/procedures/runbookExport';
import { runPlan, type Executors } from '../../../src/procedures/runner';
import { planVmPower } from '../../../src/procedures/vmPower';
import { DEFAULT_RUNBOOK_URL, runbookSection } from '../../../src/procedures/runbookSections';
import { markdownProse } from '../../../src/text/display';
import { english, useTranslator } from '../../../src/text/l10n';
import type { LineKind } from '../../../src/text/terminal';
import { planBuilders } from '../../helpers/planBuilders';
import { connectPool, startSimulator } from '../xapi/simulator';

/**
 * Marks every message it says, after substitution: what is not marked did not go through the translator.
 * It also hands each string argument to `onArgument`: an English word passed into a message (an
 * "enabled" picked by a condition) would otherwise hide inside the mark.
 */
function markingTranslator(onArgument: (message: string, arg: string) => void) {
  return {
    t: (message: string, ...args: (string | number | boolean)[]) => {
      for (const a of args) if (typeof a === 'string') onArgument(message, a);
      return `⟦${english.t(message, ...args)}⟧`;
    },
  };
}

/** The text with every marked span removed (innermost first: a message's arguments may be messages). */
function unmarked(text: string): string {
  let out = text;
  for (let before = ''; before !== out;) {
    before = out;
    out = out.replace(/⟦[^⟦⟧]*⟧/g, ' ');
  }
  return out;
}

/**
 * What is left of `text` outside the marks once data is taken away: code spans, the pool's names and
 * uuids (as written and as Markdown-escaped), runbook codes, numbers, dates. Prose that escaped the
 * translator is what remains as letters.
 */
function prose(text: string, data: readonly string[]): string {
  return unmarked(text)
    .replace(/(`+)[^`]*?\1/g, ' ')
    .replace(dataPattern(data), ' ')
    .replace(/\b\d{4}-\d\d-\d\dT[\d:.]+Z\b/g, ' ')
    .replace(/OpaqueRef:[\w-]+/g, ' ')
    // Identifiers: XAPI methods and fields (VM.start, host_metrics.live), error codes, paths, options, logins.
    .replace(/(?:^|\s|[(=:,"'])(?:[\w-]*[._/@][\w./@:-]*|[A-Z][A-Z0-9_]+|--?[a-z][\w-]*)(?=$|[\s)=:,;."'])/g, ' ')
    .replace(/\b[HS]\d[a-z]?\b/g, ' ')
    .replace(/[\s\d\p{P}\p{S}]+/gu, ' ')
    .trim();
}

const patterns = new WeakMap<readonly string[], RegExp>();
/** One pattern for all the data, longest first, each occurrence whole (not "VM" inside "VMs"). */
function dataPattern(data: readonly string[]): RegExp {
  let re = patterns.get(data);
  if (!re) {
    const alternatives = data.map((d) => d.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
    re = new RegExp(`(?<![\\p{L}\\p{N}_])(?:${alternatives || '(?!)'})(?![\\p{L}\\p{N}_])`, 'gu');
    patterns.set(data, re);
  }
  return re;
}

/** Every name and uuid the plans may show as data, longest first (a short name inside a long one is taken last). */
function dataOf(model: PoolModel, extra: readonly string[]): string[] {
  // The runbook's own section titles and addresses, XAPI's class names, session kinds and units.
  const out = new Set<string>([...extra, 'host', 'pool', 'SR', 'VDI', 'VM', 'slave-local', 'MiB', 'GiB', 'bytes', 'Halted', 'Running', 'Paused', 'Suspended']);
  for (const code of ['H2', 'H3', 'H4', 'H5', 'H6', 'S1', 'S2', 'S3', 'S4', 'S5']) {
    for (const url of [undefined, DEFAULT_RUNBOOK_URL]) {
      const s = runbookSection(code, url);
      if (!s) continue;
      out.add(s.title).add(`*${s.title}*`);
      if (s.url) out.add(`[${s.title}](${s.url})`).add(s.url);
    }
  }
  for (const cls of ['pool', 'host', 'SR', 'VDI', 'VM', 'PBD', 'network', 'VM_guest_metrics'] as const) {
    for (const { record } of model.all(cls)) {
      const r = record as unknown as Record<string, unknown>;
      for (const f of ['name_label', 'uuid', 'address', 'type', 'power_state', 'device']) {
        const v = r[f];
        if (typeof v === 'string' && v.trim() !== '') out.add(v).add(markdownProse(v));
      }
      // XAPI's own values: the operations it allows, what a guest says of its OS.
      for (const op of Array.isArray(r.allowed_operations) ? r.allowed_operations : []) if (typeof op === 'string') out.add(op);
      // Maps copied into facts as they are (device_config, other_config).
      for (const f of ['device_config', 'other_config', 'sm_config', 'os_version', 'PV_drivers_version']) {
        const m = r[f];
        if (m && typeof m === 'object') for (const [k, v] of Object.entries(m)) out.add(k).add(String(v)).add(markdownProse(k)).add(markdownProse(String(v)));
      }
    }
  }
  // A value of digits and punctuation only ("2") is left to the number rule: taken as data it would cut "H2".
  return [...out].filter((d) => /\p{L}/u.test(d)).sort((a, b) => b.length - a.length);
}


interface Sample { hosts: string[]; srs: string[]; vdis: string[]; vms: string[]; snapshots: string[] }

/** What to pass for each parameter name a builder has (a new name fails the test until it is added here). */
function candidates(model: PoolModel, param: string, s: Sample): unknown[] {
  const sshSource: ByteSource = { kind: 'ssh', host: { name: 'image-store', uuid: '00000000-0000-4000-8000-000000000001', address: '127.0.0.1', outsidePool: true }, path: '/root/images/disk.img' };
  const localSource: ByteSource = { kind: 'local', path: '/tmp/disk.img' };
  switch (param) {
    case 'model': return [model];
    case 'host': case 'chosen': case 'writerRef': return s.hosts;
    case 'ref': return [...s.hosts, ...s.vms];
    case 'srRef': return s.srs;
    case 'vdiRef': return s.vdis;
    case 'checker': return [undefined, s.hosts[0]];
    case 'onlyVm': return [undefined];
    case 'name': return ['copy of disk'];
    case 'why': return ['the write failed'];
    case 'sourceBytes': return [64 * 1024 * 1024, 0];
    case 'source': return [sshSource, localSource];
    case 'via': return ['relay', 'http'];
    case 'method': return ['file', 'binary'];
    case 'force': return [undefined, 'linux', 'windows'];
    case 'probe': return probes(model);
    case 'slaveView': return [undefined, { inEmergencyMode: true, detail: 'asked over a slave-local session' }];
    case 'scanError': return [undefined, 'SR_BACKEND_FAILURE_47: The SR is not available [opterr=VHD-1 not found]'];
    case 'journal': return [[]];
    case 'contents': return ['partial', 'empty'];
    case 'onlyVms': return [undefined, s.vms.slice(0, 2)];
    case 'o': return [{ name: 'new vm', memoryMiB: 512, vcpus: 1, start: true }, { name: '', memoryMiB: 512, vcpus: 1, start: false }];
    case 'vms': return [s.vms.slice(0, 3), s.vms.slice(0, 1)];
    case 'vm': return [...s.vms, ...s.snapshots];
    case 'snapshot': return [...s.snapshots, ...s.vms.slice(0, 1)];
    case 'action': return ['start', 'start_on', 'clean_shutdown', 'hard_shutdown', 'clean_reboot', 'hard_reboot', 'suspend', 'resume'];
    case 'hostAction': return ['reboot', 'shutdown'];
    case 'xapiCheck': return [undefined, ['VM_REQUIRES_SR', 'OpaqueRef:x', 'OpaqueRef:y']];
    case 'quiesce': return [false, true];
    case 'dynamicMin': return [512 * 1024 * 1024, 64 * 1024 ** 3];
    case 'dynamicMax': return [2 * 1024 ** 3];
    case 'problems': return [{}, s.vms.length > 1 ? { [s.vms[0]]: ['VM_REQUIRES_SR', s.vms[0], s.srs[0]], [s.vms[1]]: ['HOST_NOT_ENOUGH_FREE_MEMORY'] } : {}];
    case 'newMaster': return [undefined, ...s.hosts.slice(0, 2)];
    default: return assert.fail(`this test does not know what to pass for parameter "${param}": add its candidates in candidates()`);
  }
}

/** What the members answered, one probe per verdict: the master's, a slave's and a silent member's answers. */
const probesOf = new WeakMap<PoolModel, (MasterProbe | undefined)[]>();
function probes(model: PoolModel): (MasterProbe | undefined)[] {
  const known = probesOf.get(model);
  if (known) return known;
  const hosts = model.hosts().map((h) => ({ name: h.record.name_label, address: h.record.address }));
  const master = hosts.find((h) => h.address === model.get('host', model.pool().record.master)?.address) ?? hosts[0];
  const members: MasterProbe['members'] = hosts.map((h, i) => ({ ...h, answer: h === master ? { kind: 'silent', reason: 'connect ECONNREFUSED' } : i % 2 ? { kind: 'slave', follows: master.address } : { kind: 'silent', reason: 'timed out' } }));
  const at = new Date();
  const out = [undefined, ...(['master-answers', 'master-dead', 'pool-unreachable'] as const).map((kind) => ({ at, master, members, verdict: { kind } })), { at, master, members, verdict: { kind: 'master-moved' as const, address: hosts[1]?.address ?? '' } }];
  probesOf.set(model, out);
  return out;
}

function* combinations(lists: unknown[][]): Generator<unknown[]> {
  if (lists.length === 0) { yield []; return; }
  for (const head of lists[0]) for (const rest of combinations(lists.slice(1))) yield [head, ...rest];
}

test('with a marking translator, every plan, its preview, its runbook, the runner\'s terminal lines and the journal say no English outside the translator', { timeout: 300_000 }, async (t) => {
  const sim = await startSimulator();
  const { conn, model } = await connectPool(sim, 'Generic');
  const dir = mkdtempSync(join(tmpdir(), 'xcp-l10n-journal-'));
  t.after(async () => { await conn.disconnect(); await sim.stop(); rmSync(dir, { recursive: true, force: true }); });

  /** What escaped, each text once, with the first place it was seen. */
  const escapedAt = new Map<string, string>();
  let data: string[] = [];
  // The pool's probes (src/model: a sibling layer's texts, and network errors) are read first, quietly.
  let watching = false;
  const restore = useTranslator(markingTranslator((message, arg) => {
    if (!watching || /^https?:\/\/\S+$/.test(arg)) return; // an address is data
    const left = prose(arg, data);
    if (left && !escapedAt.has(left)) escapedAt.set(left, `an argument of "${message.slice(0, 80)}" (${JSON.stringify(arg.slice(0, 100))})`);
  }));
  try {
    const vms = model.all('VM').filter((v) => !v.record.is_control_domain && !v.record.is_a_template && !v.record.is_a_snapshot);
    const sample: Sample = {
      hosts: model.hosts().map((h) => h.ref),
      srs: model.all('SR').map((s) => s.ref),
      vdis: model.all('VDI').map((v) => v.ref).slice(0, 12),
      vms: [...vms.filter((v) => v.record.power_state === 'Running').slice(0, 3), ...vms.filter((v) => v.record.power_state !== 'Running').slice(0, 3)].map((v) => v.ref),
      snapshots: model.all('VM').filter((v) => v.record.is_a_snapshot).map((v) => v.ref),
    };
    // The probe's lines come from src/model (masterProbe.ts, not part of this layer's change): taken as data here.
    const probeLines = probes(model).flatMap((p) => (p ? describeProbe(p) : [])).flatMap((l) => [l, markdownProse(l)]);
    data = dataOf(model, [...probeLines, 'connect ECONNREFUSED', 'timed out', 'image-store', '/root/images/disk.img', '/tmp/disk.img', 'copy of disk', 'new vm', 'the write failed', 'asked over a slave-local session', 'SR_BACKEND_FAILURE_47: The SR is not available [opterr=VHD-1 not found]', '127.0.0.1']);
    watching = true;
    const check = (what: string, text: string) => {
      const left = prose(text, data);
      if (left && !escapedAt.has(left)) escapedAt.set(left, what);
    };

    const builders = planBuilders();
    assert.ok(builders.length >= 20, `${builders.length} plan builders found`);
    let plans = 0;
    for (const b of builders) {
      let built = 0;
      for (const args of combinations(b.params.map((p) => candidates(model, p, sample)))) {
        if (built >= 60) break;
        let plan: Plan;
        try {
          plan = b.fn(...args);
        } catch (e) {
          // A builder may refuse an argument of the wrong class by throwing: its message is for the admin too.
          check(`${b.name} threw`, (e as Error).message);
          continue;
        }
        built++;
        const where = `${b.name}(${b.params.join(', ')}) → ${plan.refusal ? 'refused' : `${plan.steps.length} steps`}`;
        check(`${where}: preview`, preview(plan));
        check(`${where}: runbook`, exportRunbook(plan, new Date()).markdown);
      }
      assert.ok(built > 0, `${b.name}: no plan was built`);
      plans += built;
    }
    assert.ok(plans > 100, `${plans} plans built`);

    // Real runs through the runner, over HTTP against the simulator: one that completes, one declined half-way.
    const executors: Executors = {
      xapi: (method, args, signal, _on, task) => conn.call(method, args, { signal, ...task }),
      shell: async () => { throw new Error('no shell step in these plans'); },
    };
    const lines: { text: string; kind: LineKind | undefined }[] = [];
    const journal = new Journal(dir);
    let confirms = 0;
    const run = (plan: Plan) => runPlan(plan, { executors, journal, console: { line: (text, kind) => void lines.push({ text, kind }) }, confirmer: { confirm: async () => confirms++ === 0 } });
    const halted = vms.filter((v) => v.record.power_state === 'Halted').slice(0, 2).map((v) => v.ref);
    assert.equal(halted.length, 2, 'two halted VMs to start');
    const started = await run(planVmPower(model, halted, 'start'));
    assert.equal(started.status, 'done', started.message);
    const running = vms.filter((v) => v.record.power_state === 'Running' && !halted.includes(v.ref)).slice(0, 2).map((v) => v.ref);
    assert.equal(running.length, 2, 'two running VMs to shut down');
    const declined = await run(planVmPower(model, running, 'hard_shutdown'));
    assert.equal(declined.status, 'declined', 'the second confirmation is declined');
    assert.match(declined.message, /^⟦.*⟧$/, 'the run\'s message is the translator\'s');
    for (const { text, kind } of lines) {
      // Commands and XAPI's answers are data; every other line the runner writes is said through the translator.
      if (kind === 'command' || kind === 'output' || text === '') continue;
      check(`runner line (${kind ?? 'plain'})`, text);
    }
    assert.ok(lines.some((l) => /⟦ok⟧/.test(l.text)), 'the steps\' "ok" lines are marked');

    const entries = await journal.entries();
    assert.equal(entries.length, 2);
    check('journal document', journalDocument(entries));
    check('journal document, empty', journalDocument([]));
    for (const e of entries) check(`runbook kept with the ${e.status} run`, e.runbook?.markdown ?? '');

    const escaped = [...escapedAt].map(([left, what]) => `${what}: "${left.slice(0, 200)}"`);
    assert.deepEqual(escaped, [], `English outside the translator:\n${escaped.slice(0, 60).join('\n')}`);
  } finally {
    restore();
  }
  // English again once restored.
  assert.doesNotMatch(journalDocument([]), /⟦/);
});
