// The hostile corpus: what a pool user can write (names, descriptions, maps) set to hostile values on
// every object of a simulated pool, then pushed through everything that shows or sends them: every plan
// builder that src/procedures exports (found from the module exports, so a new procedure joins by
// construction), their previews, shell commands and XAPI calls on both wires, the confirmations, the
// terminal writers, the journal document, the tree's rows and tooltips. Then real runs on the
// simulated dom0s for the procedures that use a shell. What must hold: no plan that starts and cannot
// finish for a reason knowable in advance, no control byte written to a terminal, no confirmation
// satisfied by an empty answer, no name outside single quotes in a command, no file created by a name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { serializeMethodCall } from 'xmlrpc/lib/serializer';
import Deserializer = require('xmlrpc/lib/deserializer');
import { CLASSES } from '../../../simulator/index';
import type { PoolModel } from '../../../src/model/poolModel';
import { byteCommands } from '../../../src/procedures/byteCommands';
import { confirms, typeToConfirm } from '../../../src/procedures/confirmation';
import { Journal } from '../../../src/procedures/journal';
import { journalDocument } from '../../../src/procedures/journalDocument';
import { LateArg, preview, type ByteSource, type ObjectRef, type Plan } from '../../../src/procedures/plan';
import { preflight, preflightProblem } from '../../../src/procedures/preflight';
import { exportRunbook } from '../../../src/procedures/runbookExport';
import { DEFAULT_RUNBOOK_URL as RUNBOOK_URL } from '../../../src/procedures/runbookSections';
import { execFileSync } from 'node:child_process';
import { runPlan, type Executors } from '../../../src/procedures/runner';
import { sshExecutors } from '../../../src/procedures/sshExecutor';
import { gridCell } from '../../../src/procedures/srResize';
import { planVersionOverride, planUndoVersionOverride } from '../../../src/procedures/versionOverride';
import { planGuestTools } from '../../../src/procedures/guestTools';
import { MemoryHostKeyStore } from '../../../src/ssh';
import { displayName } from '../../../src/text/display';
import { terminalLine, terminalText, TerminalLineWriter } from '../../../src/text/terminal';
import { childNodes, rootNodes, type TreeNode, type TreeSource } from '../../../src/tree/nodes';
import { viewOf } from '../../../src/tree/views';
import { MASK, recordDocument } from '../../../src/editor/any/recordDocument';
import { keepsNode } from '../../../src/tree/filter';
import { MODEL_CLASSES } from '../../../src/xapi/records';
import { toXmlRpcParam } from '../../../src/xapi/xmlRpcTransport';
import { XapiSession } from '../../../src/xapi/session';
import { planBuilders } from '../../helpers/planBuilders';
import { connectPool, control, poolNamed, startSimulator, until, type Simulator } from '../xapi/simulator';
import { findingDetails, findingMarkdown } from '../../../src/health/describe';
import { HealthMonitor } from '../../../src/health/monitor';
import { runHealth } from '../../../src/cli/health';

const MARKER = join(tmpdir(), `xcp-hostile-${process.pid}`);

/** At least 30 values a pool user can give a name or a map entry. */
export const HOSTILE: readonly string[] = [
  `it's "quoted"`,
  `$(touch ${MARKER})`,
  '`touch ' + MARKER + '`',
  `x; touch ${MARKER}`,
  `x | touch ${MARKER}`,
  `x && touch ${MARKER} #`,
  `line one\ntouch ${MARKER}`,
  'carriage\rreturn',
  Array.from({ length: 32 }, (_, c) => String.fromCharCode(c)).join('') + 'every C0',
  'esc\x1bhere',
  '\x1b[2J\x1b[H\x1b[32m✔ H3 done\x1b[0m',
  '\x1b]0;terminal title\x07',
  '\x1b]52;c;dG91Y2ggL3RtcC94\x07',
  '\x1b]8;;https://evil.example\x07click me\x1b]8;;\x07',
  'abc\u202Etxt.exe',
  '\u2066isolated\u2069 \u200F',
  'zero\u200Bwidth\uFEFF',
  'lone \uD800 high',
  'lone \uDC00 low',
  '🚀 emoji 漢字',
  'x'.repeat(10_240),
  '',
  '   ',
  '\t \n',
  '../../../../etc/passwd',
  '# Heading\n\n## Steps\n1. **Nothing destructive**',
  '<img src=x onerror=alert(1)> <script>alert(1)</script>',
  'https://evil.example/path?a=b',
  'www.evil.example',
  '[click](https://evil.example) *bold* _it_ $x$',
  '$resultOf',
  '%s%n%x {0} \\ \\\\',
  'del\x7f c1\x85\x9b',
  'nul\0byte',
];

/** Characters that must never reach a terminal, a dialog or one line of Markdown. */
const UNSAFE = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Sets a hostile value on every name and description, and hostile entries in every map, of every object of the pool. */
function poison(sim: Simulator, poolName: string): void {
  const pool = sim.state.pool(poolName)!;
  let n = 0;
  for (const cls of CLASSES) {
    for (const obj of [...pool.all(cls)]) {
      const changes: Record<string, unknown> = {};
      for (const [field, value] of Object.entries(obj.record)) {
        if (field === 'name_label' || field === 'name_description') changes[field] = HOSTILE[n++ % HOSTILE.length];
        else if (field === 'address' && cls === 'host') continue; // where SSH goes: not a name
        else if (value && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date) && Object.values(value).every((v) => typeof v === 'string')) {
          changes[field] = { ...(value as Record<string, string>), $resultOf: 'introduce', $refOf: 'VM', [HOSTILE[n % HOSTILE.length] || 'empty-key']: HOSTILE[(n + 1) % HOSTILE.length] };
          n++;
        }
      }
      pool.update(obj, changes as never);
    }
  }
  // Two hosts with one name.
  const hosts = [...pool.all('host')];
  pool.update(hosts[1], { name_label: hosts[0].record.name_label });
}

/** Snapshots of a few running VMs (through XAPI, as an admin would take them), so that snapshot rows and plans meet hostile names too. */
async function takeSnapshots(sim: Simulator, poolName: string): Promise<void> {
  const p = poolNamed(sim, poolName);
  const session = new XapiSession({ url: new URL(p.url), username: 'root', password: async () => p.password });
  try {
    const vms = await session.call<Record<string, { power_state: string; is_a_template: boolean; is_control_domain: boolean }>>('VM.get_all_records');
    const running = Object.entries(vms).filter(([, v]) => v.power_state === 'Running' && !v.is_a_template && !v.is_control_domain).slice(0, 3);
    for (const [ref] of running) await session.call('VM.snapshot', [ref, 'snapshot']);
  } finally {
    await session.dispose();
  }
}

// ---- checks ----

/** A Markdown document: no unsafe character, no heading but ours, no bare URL outside code spans. */
/** Our own link to the runbook's section (after an unescaped `]`, which a name escaped by markdownProse cannot give). */
const OWN_LINK = new RegExp(`(?<!\\\\)\\]\\(${RUNBOOK_URL.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}#[A-Za-z0-9_%.()-]*\\)`, 'g');

function checkMarkdown(doc: string, ownHeadings: RegExp, where: string): void {
  for (const raw of doc.split('\n')) {
    const line = raw.replace(OWN_LINK, ']');
    assert.doesNotMatch(line, UNSAFE, `${where}: an unsafe character in ${JSON.stringify(line.slice(0, 120))}`);
    if (/^#/.test(line)) assert.match(line, ownHeadings, `${where}: a heading the document did not write: ${JSON.stringify(line.slice(0, 120))}`);
    const prose = line.replace(/(`+)[\s\S]*?\1/g, '');
    assert.doesNotMatch(prose, /(^|[^\\])(https?|ftp):\/\/|(^|[^\\\w])www\.(?!\\)/i, `${where}: a bare URL in ${JSON.stringify(line.slice(0, 120))}`);
    assert.doesNotMatch(prose, /(^|[^\\])<[a-z/!]/i, `${where}: HTML in ${JSON.stringify(line.slice(0, 120))}`);
  }
}

/** The parts of a shell command outside single quotes (the `'\''` idiom's `\'` counts as quoted). */
function unquoted(cmd: string): string {
  let out = '';
  let inQuote = false;
  for (let k = 0; k < cmd.length; k++) {
    const c = cmd[k];
    if (inQuote) { if (c === "'") inQuote = false; continue; }
    if (c === "'") { inQuote = true; continue; }
    if (c === '\\' && cmd[k + 1] === "'") { k++; continue; }
    out += c;
  }
  assert.ok(!inQuote, `an unclosed quote in ${JSON.stringify(cmd.slice(0, 200))}`);
  return out;
}

/** Hostile values a command's unquoted parts must not hold (the distinctive ones: our own commands use $(…) too). */
const NEVER_UNQUOTED = HOSTILE.filter((v) => /touch|passwd|evil|\x1b|quoted|H3 done|emoji|alert/.test(v)).map((v) => v.slice(0, 60));

/** A script's text outside single quotes, comments (a `#` starting a line outside quotes) left out. */
function scriptUnquoted(script: string): string {
  let out = '';
  let inQuote = false;
  for (let k = 0; k < script.length; k++) {
    const c = script[k];
    if (inQuote) { if (c === "'") inQuote = false; continue; }
    if (c === '#' && (k === 0 || script[k - 1] === '\n')) {
      const end = script.indexOf('\n', k);
      const comment = script.slice(k, end < 0 ? undefined : end);
      assert.doesNotMatch(comment, UNSAFE, `a control character in a script comment: ${JSON.stringify(comment.slice(0, 120))}`);
      k = end < 0 ? script.length : end - 1;
      continue;
    }
    if (c === "'") { inQuote = true; continue; }
    if (c === '\\' && script[k + 1] === "'") { k++; continue; }
    out += c;
  }
  assert.ok(!inQuote, 'an unclosed quote in the script');
  return out;
}

/** Export Plan as Runbook on a hostile plan: inert Markdown, a script sh can parse, every name inside quotes. */
function checkExport(plan: Plan, where: string, stats: { exported: number }): void {
  let r: ReturnType<typeof exportRunbook>;
  try {
    r = exportRunbook(plan, undefined, undefined, RUNBOOK_URL);
  } catch (e) {
    // A value that cannot go into a command (a malformed uuid) refuses the export, as it refuses the run.
    assert.ok(preflightProblem(plan) !== undefined || plan.refusal !== undefined || /not a uuid|NUL|cannot/.test((e as Error).message), `${where}: the export threw ${(e as Error).message}`);
    return;
  }
  stats.exported++;
  checkMarkdown(r.markdown, /^(# [^\n]*|## (What was checked|Steps|Refused|First, in the guest)|### \d+\. .*)$/, `${where} exported Markdown`);
  const free = scriptUnquoted(r.script);
  assert.doesNotMatch(free, UNSAFE, `${where}: a control character outside quotes in the script`);
  for (const v of NEVER_UNQUOTED) assert.ok(!free.includes(v), `${where}: ${JSON.stringify(v)} outside single quotes in the exported script`);
  assert.ok(!free.includes('touch'), `${where}: "touch" outside quotes in the exported script`);
  for (const e of r.steps) checkCommand(e.command, `${where} exported ${e.id}`);
  if (stats.exported % 10 === 1) execFileSync('sh', ['-n'], { input: r.script }); // dash parses it
}

function checkCommand(cmd: string, where: string): void {
  const free = unquoted(cmd);
  assert.doesNotMatch(free, UNSAFE, `${where}: a control character outside quotes`);
  for (const v of NEVER_UNQUOTED) assert.ok(!free.includes(v), `${where}: ${JSON.stringify(v)} outside single quotes in ${JSON.stringify(cmd.slice(0, 300))}`);
  assert.ok(!free.includes('touch'), `${where}: "touch" outside quotes in ${JSON.stringify(cmd.slice(0, 300))}`);
}

/** XAPI's numbers travel as strings (int64) or typed values: compare what the server reads with what was meant. */
function normalized(v: unknown): unknown {
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  if (v instanceof LateArg) return 'OpaqueRef:00000000-0000-4000-8000-000000000000';
  if (Array.isArray(v)) return v.map(normalized);
  if (v && typeof v === 'object' && !(v instanceof Date)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, normalized(x)]));
  return v;
}

function readXmlCall(xml: string): Promise<{ method: string; params: unknown[] }> {
  return new Promise((resolve, reject) => {
    const stream = new PassThrough();
    (new Deserializer('utf8') as unknown as { deserializeMethodCall(s: PassThrough, cb: (e: Error | null, m: string, p: unknown[]) => void): void })
      .deserializeMethodCall(stream, (err, method, params) => (err ? reject(err) : resolve({ method, params })));
    stream.end(Buffer.from(xml, 'utf8'));
  });
}

/** What a server reads from this call on this wire equals the arguments the plan meant. */
async function checkCall(method: string, args: unknown[], wire: 'xmlrpc' | 'jsonrpc', where: string): Promise<void> {
  const meant = normalized(args);
  if (wire === 'jsonrpc') {
    const read = JSON.parse(Buffer.from(JSON.stringify({ method, params: meant }), 'utf8').toString('utf8')) as { params: unknown };
    assert.deepEqual(read.params, meant, `${where}: JSON-RPC changes the arguments`);
    return;
  }
  const xml = serializeMethodCall(method, (meant as unknown[]).map(toXmlRpcParam));
  const read = await readXmlCall(xml);
  assert.deepEqual(normalized(read.params), meant, `${where}: XML-RPC changes the arguments`);
}

/** Every terminal writer, fed this text: nothing but our own styles may come out as control bytes. */
function checkTerminal(text: string, where: string): void {
  const ours = /\x1b\[(?:0|1|2|31|32|33|36)m/g;
  const outs = [terminalLine(text, 'output'), terminalLine(text, 'heading'), terminalText(text, 'dim')];
  const lines: string[] = [];
  const w = new TerminalLineWriter((l) => lines.push(l));
  const bytes = Buffer.from(text, 'utf8');
  for (let k = 0; k < bytes.length; k += 7) w.write(bytes.subarray(k, k + 7));
  w.flush();
  outs.push(...lines.map((l) => terminalLine(l, 'output')));
  for (const o of outs) assert.doesNotMatch(o.replace(ours, '').replace(/\r\n/g, ''), /[\x00-\x08\x0a-\x1f\x7f-\x9f]/, `${where}: a control byte reaches the terminal`);
}

// ---- the builders, from the module exports ----


/** What to pass for each parameter name a builder has (a new name fails the test until it is added here). */
function candidates(model: PoolModel, param: string, sample: { hosts: string[]; srs: string[]; vdis: string[]; vms: string[]; snapshots: string[] }): unknown[] {
  const anyRef = [...sample.hosts, ...sample.srs, ...sample.vdis, ...sample.vms];
  const sshSource: ByteSource = { kind: 'ssh', host: { name: HOSTILE[10], uuid: '00000000-0000-4000-8000-000000000001', address: '127.0.0.1', outsidePool: true }, path: `/root/images/${HOSTILE[1]} ${HOSTILE[0]}.img` };
  const localSource: ByteSource = { kind: 'local', path: `/tmp/${HOSTILE[6]}.img` };
  switch (param) {
    case 'model': return [model];
    case 'host': case 'ref': case 'chosen': case 'srRef': case 'vdiRef': case 'writerRef': return anyRef;
    case 'checker': case 'onlyVm': return [undefined, ...sample.hosts.slice(0, 2), ...sample.vms.slice(0, 2)];
    case 'name': case 'why': return [HOSTILE[1], HOSTILE[10], HOSTILE[20], ''];
    case 'sourceBytes': return [64 * 1024 * 1024];
    case 'source': return [sshSource, localSource];
    case 'via': return ['relay', 'http'];
    case 'method': return ['file', 'binary'];
    case 'force': return [undefined];
    case 'probe': case 'slaveView': return [undefined];
    case 'scanError': return [undefined, `SR_BACKEND_FAILURE_47: ${HOSTILE[10]} VHD-${HOSTILE[1]}`];
    case 'journal': return [[]];
    case 'contents': return ['partial', 'empty'];
    case 'onlyVms': return [undefined, sample.vms.slice(0, 3), [...sample.vms.slice(0, 1), ...sample.hosts.slice(0, 1)]];
    case 'o': return [{ name: HOSTILE[13], memoryMiB: 512, vcpus: 1, start: true }, { name: '', memoryMiB: 512, vcpus: 1, start: false }];
    // The daily operations (vmPower, vmMigrate, snapshots, vmMemory, maintenanceMode).
    case 'vms': return [sample.vms, sample.vms.slice(0, 1)];
    case 'vm': return [...sample.vms, ...sample.snapshots];
    case 'snapshot': return [...sample.snapshots, ...sample.vms.slice(0, 2)];
    case 'action': return ['start', 'start_on', 'clean_shutdown', 'hard_reboot', 'suspend', 'resume'];
    case 'hostAction': return ['reboot', 'shutdown'];
    case 'xapiCheck': return [undefined, [HOSTILE[10], HOSTILE[1]]];
    case 'quiesce': return [false, true];
    case 'dynamicMin': return [512 * 1024 * 1024, 2 * 1024 ** 3];
    case 'dynamicMax': return [2 * 1024 ** 3];
    case 'problems': return [{}, { [sample.vms[0]]: ['VM_REQUIRES_SR', sample.vms[0], sample.srs[0]], [sample.vms[1]]: [HOSTILE[10], HOSTILE[1]] }];
    case 'newMaster': return [undefined, ...sample.hosts.slice(0, 2)];
    default: return assert.fail(`the hostile corpus does not know what to pass for parameter "${param}": add its candidates in candidates()`);
  }
}

function* combinations(lists: unknown[][]): Generator<unknown[]> {
  if (lists.length === 0) { yield []; return; }
  for (const head of lists[0]) for (const rest of combinations(lists.slice(1))) yield [head, ...rest];
}

test('hostile corpus: every plan builder, preview, command, XAPI call, confirmation, terminal line, journal and tree row', { timeout: 600_000 }, async (t) => {
  assert.ok(HOSTILE.length >= 30);
  // Generic runs as XCP-ng 8 here: names holding a NUL can only be written over JSON-RPC (an XCP 1.5
  // pool, XML-RPC only, never stores one), and the model loads over the wire that could store them.
  // Every call below is still serialized for both wires (checkCall).
  const sim = await startSimulator({ releases: { Generic: 'xcp-ng-8' } });
  t.after(() => sim.stop()); // also when the connection below fails: a running simulator keeps the file alive
  await takeSnapshots(sim, 'Generic'); // snapshots under their VMs, named hostile by poison() like everything else
  poison(sim, 'Generic');
  const { pool, conn, model } = await connectPool(sim, 'Generic');
  const dir = mkdtempSync(join(tmpdir(), 'xcp-journal-'));
  t.after(async () => { await conn.disconnect(); await sim.stop(); rmSync(dir, { recursive: true, force: true }); rmSync(MARKER, { force: true }); });
  assert.ok(model.hosts().some((h) => h.record.name_label === HOSTILE[1] || h.record.name_label.includes('\x1b')), 'the model holds hostile names');

  // The tree: every row's label and description one clean line, every tooltip inert Markdown.
  const source: TreeSource = { poolNames: () => ['Generic'], state: () => conn.state, url: () => pool.url };
  let rows = 0;
  const walk = (node: TreeNode): void => {
    const view = viewOf(node, source);
    if (view) {
      rows++;
      assert.doesNotMatch(view.label, UNSAFE, `row label ${JSON.stringify(view.label.slice(0, 80))}`);
      assert.doesNotMatch(view.label, /\n/);
      assert.ok(view.label.length < 300, 'a 10 kB name is cut in a row');
      if (view.description) assert.doesNotMatch(view.description, /[\n]|[\x00-\x1f]/, 'row description');
      if (view.tooltip) checkMarkdown(view.tooltip, /^$/, `tooltip of ${node.kind}`);
    }
    for (const child of childNodes(node, source)) walk(child);
  };
  for (const root of rootNodes(source)) walk(root);
  assert.ok(rows > 50, `${rows} rows checked`);

  // Every builder, every combination of targets and inputs.
  const sample = {
    hosts: model.hosts().map((h) => h.ref),
    srs: model.all('SR').slice(0, 8).map((s) => s.ref),
    vdis: model.all('VDI').filter((v) => !v.record.is_a_snapshot).slice(0, 6).map((v) => v.ref),
    vms: model.all('VM').filter((v) => !v.record.is_a_template && !v.record.is_control_domain).slice(0, 6).map((v) => v.ref),
    snapshots: model.all('VM').filter((v) => v.record.is_a_snapshot).slice(0, 3).map((v) => v.ref),
  };
  assert.ok(sample.snapshots.length > 0, 'the pool has snapshots (with hostile names) to show and act on');
  const builders = planBuilders();
  assert.ok(builders.length >= 15, `${builders.length} builders found`);
  const journal = new Journal(dir);
  const stats = { plans: 0, refused: 0, preflightRefused: { xmlrpc: 0, jsonrpc: 0 }, steps: 0, commands: 0, calls: 0, typed: 0, exported: 0 };
  const sameKind = (o: ObjectRef) => model.all(o.kind).map((e) => ({ name: e.record.name_label, uuid: e.record.uuid }));
  for (const b of builders) {
    const lists = b.params.map((p) => candidates(model, p, sample));
    const all = [...combinations(lists)];
    const stride = Math.max(1, Math.floor(all.length / 300));
    let built = 0;
    for (let k = 0; k < all.length; k += stride) {
      const where = `${b.name}#${k}`;
      const plan = b.fn(...all[k]);
      built++;
      stats.plans++;
      if (plan.refusal) stats.refused++;
      checkMarkdown(preview(plan, RUNBOOK_URL), /^(# [^\n]*|## (What was checked|Steps|Refused))$/, `${where} preview`);
      assert.doesNotMatch(displayName(plan.target.name), UNSAFE);
      for (const step of plan.steps) {
        stats.steps++;
        for (const text of [step.title, step.why, step.check ?? '']) {
          assert.doesNotMatch(displayName(text, 1000), UNSAFE, `${where}: a dialog text`);
          checkTerminal(text, `${where} step text`);
        }
        if (step.action.kind === 'shell') { stats.commands++; checkCommand(step.action.command, `${where} ${step.id}`); checkTerminal(step.action.command, where); }
        else if (step.action.kind === 'xapi') checkTerminal(step.action.xe, where);
        else for (const c of byteCommands(step.action)) { stats.commands++; checkCommand(c, `${where} ${step.id}`); }
        if (step.typeToConfirm) {
          stats.typed++;
          const ask = typeToConfirm(step.confirmObject ?? plan.target, sameKind(step.confirmObject ?? plan.target));
          assert.ok(!confirms(ask, '') && !confirms(ask, '   ') && !confirms(ask, undefined), `${where}: an empty answer confirms`);
          if (ask.answer !== undefined) {
            assert.notEqual(ask.answer.trim(), '', `${where}: a blank answer is asked for`);
            assert.doesNotMatch(ask.answer, UNSAFE, `${where}: the answer to type holds an unsafe character`);
            assert.ok(ask.answer.length <= 64);
          }
        }
        if (plan.procedure === 'S4') assert.match(gridCell(step)?.host ?? '', /^[0-9a-f-]{36}$/, `${where}: the S4 grid keys rows by uuid`);
      }
      // The plan exported as a runbook: inert Markdown, and a script where every name stays quoted.
      if (k % 3 === 0) checkExport(plan, where, stats);
      // Both wires: a plan the pre-flight lets start can send every call, and the server reads what was meant.
      for (const wire of ['xmlrpc', 'jsonrpc'] as const) {
        const checked = preflight(plan, [wire]);
        if (checked.refusal && !plan.refusal) {
          stats.preflightRefused[wire]++;
          assert.match(checked.refusal, /^Step \d+ \(.*\) could not be sent as planned: .*Nothing was changed/s, `${where}: the refusal says which step and that nothing changed`);
          continue;
        }
        for (const step of checked.steps) {
          if (step.action.kind !== 'xapi') continue;
          stats.calls++;
          await checkCall(step.action.method, step.action.args, wire, `${where} ${step.id} over ${wire}`);
        }
      }
      // The runner's own lines for this plan, through the terminal writer, and the run in the journal.
      let written = '';
      const refusing: Executors = { xapi: async () => { throw new Error(`not run in the corpus ${HOSTILE[10]}`); }, shell: async () => { throw new Error('not run in the corpus'); } };
      const result = await runPlan(plan, { executors: refusing, console: { line: (l, kind) => void (written += terminalLine(l, kind)) }, confirmer: { confirm: async () => false }, journal, wire: 'xmlrpc' });
      assert.doesNotMatch(written.replace(/\x1b\[(?:0|1|2|31|32|33|36)m/g, '').replace(/\r\n/g, ''), /[\x00-\x08\x0a-\x1f\x7f-\x9f]/, `${where}: the run wrote a control byte`);
      if (result.status !== 'refused') assert.notEqual(result.steps.find((s) => s.status !== 'not run')?.status, undefined);
    }
    assert.ok(built > 0, `${b.name} built no plan`);
  }
  // H3's Windows path on every running VM (its .cmd, with the VM's name, goes into the exported runbook).
  let windows = 0;
  for (const vm of model.all('VM').filter((v) => v.record.power_state === 'Running' && !v.record.is_control_domain)) {
    const plan = planGuestTools(model, vm.ref, 'windows');
    if (plan.refusal) continue;
    windows++;
    assert.ok(plan.guestScript, 'the Windows plan carries its .cmd');
    checkExport(plan, `H3 windows ${vm.record.uuid}`, stats);
  }
  assert.ok(windows > 0, 'some hostile-named VM took the Windows path');
  checkMarkdown(journalDocument(await journal.entries(), RUNBOOK_URL), /^(# Procedure journal|## .*)$/, 'journal document');
  for (const line of journalDocument(await journal.entries()).split('\n')) if (line.startsWith('## ')) assert.match(line, /^## \d{4}-\d\d-\d\dT/, 'each run heading starts with its date, never a name');
  for (const v of HOSTILE) checkTerminal(v, `hostile value ${JSON.stringify(v.slice(0, 30))}`);
  assert.ok(!existsSync(MARKER), 'no file was created by a name');
  t.diagnostic(`${builders.length} builders, ${stats.plans} plans (${stats.refused} refused by the builder; pre-flight refused ${stats.preflightRefused.xmlrpc} over XML-RPC, ${stats.preflightRefused.jsonrpc} over JSON-RPC), ${stats.steps} steps, ${stats.commands} commands, ${stats.calls} XAPI calls read back, ${stats.typed} type-to-confirm gates, ${stats.exported} runbooks exported, ${rows} tree rows`);
  assert.ok(stats.plans - stats.refused > 50, 'enough plans got past their guards to be worth the name');
  assert.ok(stats.exported > 30, `${stats.exported} runbooks exported`);
});

test('hostile corpus on the simulated dom0s: H2 and H3 run for real on a host and a guest with hostile names, and no name runs', { timeout: 240_000 }, async (t) => {
  const sim = await startSimulator({ dom0: true });
  const { pool, conn, model } = await connectPool(sim, 'Generic');
  t.after(async () => { await conn.disconnect(); await sim.stop(); rmSync(MARKER, { force: true }); });
  const keys = new Map([...pool.hosts.map((h) => [h.address, h.ssh!.hostKeySha256] as const), ...(pool.guests ?? []).map((g) => [g.address, g.ssh.hostKeySha256] as const)]);
  const ssh = sshExecutors(async (host) => ({
    host: host.address, port: sim.fleet.dom0!.port,
    auth: { username: 'root', agent: false, password: async () => pool.password },
    hostKeys: { store: new MemoryHostKeyStore(), knownHostsFiles: [], confirm: async ({ key }) => key.fingerprint === keys.get(host.address) },
  }));
  t.after(() => ssh.close());
  const executors: Executors = { xapi: (method, args) => conn.call(method, args), shell: ssh.shell };
  const runs: string[] = [];
  const shellNames = HOSTILE.filter((v) => v.includes(MARKER) || /passwd|\x1b|quoted/.test(v)).filter((v) => !v.includes('\0'));
  const hosts = model.hosts().filter((h) => !model.isMaster(h.ref)).slice(0, 3);
  for (const [k, name] of shellNames.entries()) {
    const host = hosts[k % hosts.length];
    const found = sim.state.findByUuid(host.record.uuid)!;
    found.pool.update(found.obj, { name_label: name });
    await until('the model sees the name', () => model.get('host', host.ref)?.name_label === name);
    let written = '';
    const console = { line: (l: string, kind?: Parameters<typeof terminalLine>[1]) => void (written += terminalLine(l, kind)) };
    const plan = planVersionOverride(model, host.ref, 'file');
    assert.equal(plan.refusal, undefined, plan.refusal);
    const run = await runPlan(plan, { executors, console, confirmer: { confirm: async () => true } });
    assert.equal(run.status, 'done', `H2 on ${JSON.stringify(name)}: ${run.message}`);
    await until('the version is read back', () => model.get('host', host.ref)?.software_version.product_version === '6.0.99', 20_000);
    const undo = await runPlan(planUndoVersionOverride(model, host.ref), { executors, console, confirmer: { confirm: async () => true } });
    assert.equal(undo.status, 'done', `undo on ${JSON.stringify(name)}: ${undo.message}`);
    await until('the own version is back', () => model.get('host', host.ref)?.software_version.product_version !== '6.0.99', 20_000);
    assert.doesNotMatch(written.replace(/\x1b\[(?:0|1|2|31|32|33|36)m/g, '').replace(/\r\n/g, ''), /[\x00-\x08\x0a-\x1f\x7f-\x9f]/);
    runs.push(`H2 ${JSON.stringify(name.slice(0, 20))}`);
  }
  const guest = (pool.guests ?? []).map((g) => model.all('VM').find((v) => v.record.uuid === g.uuid)!).find((vm) => vm && planGuestTools(model, vm.ref).refusal === undefined);
  assert.ok(guest, 'a Linux guest H3 can reach');
  const found = sim.state.findByUuid(guest.record.uuid)!;
  found.pool.update(found.obj, { name_label: `$(touch ${MARKER}) \x1b]0;title\x07` });
  await until('the model sees the guest name', () => model.get('VM', guest.ref)?.name_label.startsWith('$(touch') === true);
  const h3 = await runPlan(planGuestTools(model, guest.ref), { executors, console: { line: () => undefined }, confirmer: { confirm: async () => true } });
  assert.equal(h3.status, 'done', h3.message);
  runs.push('H3');
  assert.ok(!existsSync(MARKER), 'no file was created by a name');
  t.diagnostic(`real runs: ${runs.join(', ')}`);
});

/** A jsonc line without its trailing `//` comment (a `//` inside a string stays). */
function withoutComment(line: string): string {
  let inString = false;
  for (let k = 0; k < line.length; k++) {
    const c = line[k];
    if (inString) { if (c === '\\') k++; else if (c === '"') inString = false; continue; }
    if (c === '"') inString = true;
    else if (c === '/' && line[k + 1] === '/') return line.slice(0, k);
  }
  return line;
}

test('hostile corpus: Show XAPI Record writes every record of a poisoned pool as inert jsonc, and the tree filter reads hostile names', { timeout: 120_000 }, async (t) => {
  const sim = await startSimulator({ releases: { Generic: 'xcp-ng-8' } });
  t.after(() => sim.stop());
  poison(sim, 'Generic');
  const { pool, conn, model } = await connectPool(sim, 'Generic');
  t.after(async () => { await conn.disconnect(); await sim.stop(); });
  let records = 0;
  for (const cls of MODEL_CLASSES) {
    for (const { ref, record } of model.all(cls)) {
      const doc = recordDocument(model, cls, ref, HOSTILE[records % HOSTILE.length])!;
      const where = `${cls} ${ref}`;
      const lines = doc.split('\n');
      // Only our two header lines are whole-line comments: no name starts a line of its own.
      assert.equal(lines.filter((l) => l.trimStart().startsWith('//')).length, 2, `${where}: a name broke out of its line`);
      for (const line of lines) assert.doesNotMatch(line, UNSAFE, `${where}: an unsafe character in ${JSON.stringify(line.slice(0, 120))}`);
      // Without the comments the JSON reads back as the record, strings byte for byte (secrets masked).
      const json = lines.filter((l) => !l.startsWith('//')).map(withoutComment).join('\n');
      const back = JSON.parse(json) as Record<string, unknown>;
      assert.equal(back.name_label, (record as { name_label?: string }).name_label, `${where}: the name reads back unchanged`);
      records++;
    }
  }
  assert.ok(records > 100, `${records} records written`);
  // A secret in a map is masked whatever the key's case.
  const pbd = model.all('PBD')[0];
  (pbd.record.device_config as Record<string, string>).CHAPPassword = HOSTILE[1];
  const masked = recordDocument(model, 'PBD', pbd.ref, 'Generic')!;
  assert.ok(masked.includes(MASK) && !masked.includes(HOSTILE[1].slice(0, 20)), 'the CHAP password is masked');

  // The filter compares hostile names without throwing, and a control character in the text matches only itself.
  const source: TreeSource = { poolNames: () => ['Generic'], state: () => conn.state, url: () => pool.url };
  const walkKept = (filter: { name: string }, node: TreeNode): number =>
    childNodes(node, source).filter((c) => keepsNode(filter, c, false, source)).reduce((n, c) => n + 1 + walkKept(filter, c), 0);
  for (const v of HOSTILE.slice(0, 20)) walkKept({ name: v }, rootNodes(source)[0]);
  assert.ok(walkKept({ name: 'esc\x1bhere' }, rootNodes(source)[0]) > 2, 'a hostile name is found by its own text');
});

test('hostile corpus through the health findings: XAPI messages with hostile names and bodies, hostile object names, in tooltips, Copy Details and the command line', { timeout: 120_000 }, async (t) => {
  // XCP-ng 8 as in the first test: a NUL can only be stored where JSON-RPC could write it.
  const sim = await startSimulator({ net: 87, releases: { Generic: 'xcp-ng-8' } });
  t.after(() => sim.stop());
  poison(sim, 'Generic');
  const state = sim.state.pool('Generic')!;
  const hosts = [...state.all('host')];
  // Messages as another client (or a compromised guest's alarm) could leave them: every corpus value as a name and a body.
  HOSTILE.forEach((v, n) => state.create('message', { name: v || 'EMPTY', priority: n % 11, cls: n % 2 ? 'Host' : 'Pool', obj_uuid: n % 2 ? hosts[n % hosts.length].uuid : state.poolObject().uuid, timestamp: new Date(), body: HOSTILE[(n + 3) % HOSTILE.length] }));
  // Known shapes carrying hostile text: a multipath alert naming a hostile host, an alarm with a hostile variable.
  const sr = [...state.all('SR')].find((s) => s.record.shared)!;
  await control(sim, '/control/fault/multipath', { sr: sr.uuid, host: hosts[2].uuid, current: 1, max: 2 });
  state.create('message', { name: 'ALARM', priority: 5, cls: 'Host', obj_uuid: hosts[1].uuid, timestamp: new Date(), body: `value: 1\nconfig:\n<variable>\n\t<name value="${HOSTILE[10]}"/>\n</variable>\n` });
  await control(sim, '/control/fault/interrupted-import', { sr: sr.uuid, name_label: HOSTILE[11] });
  await control(sim, '/control/host/down', { host: hosts[3].uuid });
  const { conn, model, pool } = await connectPool(sim, 'Generic');
  const monitor = new HealthMonitor(model);
  t.after(async () => { monitor.dispose(); await conn.disconnect(); });
  await until('the findings', () => monitor.findings().some((f) => f.check === 'dead-host') && monitor.findings().some((f) => f.check === 'dom0-vdi'));
  const findings = monitor.findings();
  assert.ok(findings.filter((f) => f.check === 'xapi-message').length >= HOSTILE.length);
  for (const f of findings) {
    checkMarkdown(findingMarkdown(f, 'Generic'), /^(?!)/, `tooltip of ${f.id}`);
    for (const line of findingDetails(f, 'Generic').split('\n')) assert.doesNotMatch(line, UNSAFE, `Copy Details of ${f.id}: ${JSON.stringify(line.slice(0, 120))}`);
  }
  // The command line, in words and in JSON.
  for (const json of [false, true]) {
    let out = '';
    const code = await runHealth({ argv: ['--url', pool.url, '--user', 'root', '--min-severity', 'info', ...(json ? ['--json'] : [])], env: { XCP_ADMIN_PASSWORD: pool.password }, out: (s) => void (out += s), err: (s) => void (out += s) });
    assert.equal(code, 1);
    if (json) {
      const lines = out.trim().split('\n').map((l) => JSON.parse(l) as { object: { name: string }; summary: string });
      assert.ok(lines.length >= findings.length - 1);
      assert.doesNotMatch(out, /[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/, 'every control character and bidi override escaped');
      assert.ok(lines.some((l) => l.object.name === 'del\x7f c1\x85\x9b' || l.summary.includes('del\x7f c1\x85\x9b')), 'the JSON still says the name as XAPI has it');
    } else {
      assert.doesNotMatch(out, /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/, 'no control byte or bidi override reaches the terminal');
    }
  }
  assert.ok(!existsSync(MARKER), 'no file was created by a name');
});
