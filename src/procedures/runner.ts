// Runs a Plan step by step: one confirmation per destructive step (naming the object), XAPI steps
// echoed as their `xe` equivalent with the result, shell steps run over SSH; stops at the first
// failure or refusal and says what was done and what was not. Every run is journaled. No vscode import.
//
// A write whose answer was lost (OutcomeUnknownError: the connection broke after the call was sent)
// ends the run as `unknown`, never as "nothing was changed": the runner reads the object the step
// acted on back from XAPI (reconnecting as long as `readBackWithinMs` allows) and writes what it found
// to the terminal and the journal. Long XAPI calls run as tasks (src/xapi/task.ts); their progress is
// shown a line per 10%, as the relay's.

import { OutcomeUnknownError, describeError, XapiError } from '../xapi/errors';
import type { Journal, JournalStep } from './journal';
import type { RelayProgress, RelayResult } from '../storage/relay';
import { preflight } from './preflight';
import { sleep } from '../base/sleep';
import { checksumsDiffer, exportRunbook, type ExportedRunbook, type RunOutcome } from './runbookExport';
import { l10n } from '../text/l10n';
import { statusText } from './journal';
import type { TransportKind } from '../xapi/transport';
import { TerminalLineWriter, cleanLine, type LineKind } from '../text/terminal';
import { actionText, LateArg, procedureName, type HostTarget, type Plan, type Step, type StepAction, type XapiTarget } from './plan';

/** What an XAPI executor reports while a call runs as a task (progress 0..1, notes such as a reconnect). */
export interface XapiCallHooks {
  onProgress?(fraction: number): void;
  onNote?(text: string): void;
  /** The call runs as this XAPI task. */
  onTask?(taskRef: string): void;
}

export interface Executors {
  /**
   * One XAPI call. Long calls run as XAPI tasks (src/xapi/task.ts decides which), cancelled through
   * `signal` where XAPI allows it; a write whose answer was lost throws OutcomeUnknownError.
   */
  xapi(method: string, args: unknown[], signal: AbortSignal | undefined, on?: XapiTarget, hooks?: XapiCallHooks): Promise<unknown>;
  shell(host: HostTarget, command: string, signal: AbortSignal | undefined, onOutput: (text: string) => void): Promise<{ code: number | null; stdout: string; stderr: string }>;
  /** The dd relay (plans that write raw bytes); absent where no plan needs it. */
  relay?(action: RelayAction, signal: AbortSignal | undefined, onProgress: (p: RelayProgress) => void): Promise<RelayResult>;
  checksum?(action: ChecksumAction, signal: AbortSignal | undefined): Promise<{ source: string; target: string }>;
  /** XAPI's HTTP import_raw_vdi; absent where no plan needs it. */
  upload?(action: UploadAction, signal: AbortSignal | undefined, onProgress: (p: RelayProgress) => void): Promise<RelayResult>;
}

type UploadAction = Extract<StepAction, { kind: 'upload' }>;

type RelayAction = Extract<StepAction, { kind: 'relay' }>;
type ChecksumAction = Extract<StepAction, { kind: 'checksum' }>;

/** Where the run is shown (an integrated terminal in the editor): each line with its kind, which styles it. */
export interface RunConsole {
  line(text: string, kind?: LineKind): void;
}

export interface Confirmer {
  confirm(step: Step, plan: Plan): Promise<boolean>;
}

/** `unknown`: the connection was lost after the call was sent; it may or may not have run. */
export type StepStatus = 'done' | 'failed' | 'declined' | 'cancelled' | 'unknown' | 'not run';
export type RunStatus = 'done' | 'failed' | 'declined' | 'cancelled' | 'unknown' | 'refused';

export interface RunResult {
  status: RunStatus;
  steps: JournalStep[];
  /** One sentence on the state the run leaves the pool in. */
  message: string;
}

/** What a running step reports as it goes. */
export type StepProgress =
  | { kind: 'bytes'; bytes: number; total: number; elapsedMs: number }
  | { kind: 'fraction'; fraction: number };

export interface RunOptions {
  executors: Executors;
  console: RunConsole;
  confirmer: Confirmer;
  journal?: Journal;
  signal?: AbortSignal;
  /** A readable name for an object reference in a result (the terminal shows names, the journal refs). */
  nameOf?(ref: string): string | undefined;
  /**
   * Each step as it starts ('running') and ends (the webviews follow the run with it). On a failure,
   * `output` ends with the error and `error` is the error alone.
   */
  onStep?(step: Step, status: StepStatus | 'running', output?: string, error?: string): void;
  /** A running step's progress: bytes of a stream (relay, upload), the fraction of a long XAPI task. */
  onProgress?(step: Step, progress: StepProgress): void;
  /** After an unknown outcome: how long to keep trying to read the object back (default 120 s). */
  readBackWithinMs?: number;
  /** The wire format the pool's XAPI calls travel in (the pre-flight serializes for it); both when not given. */
  wire?: TransportKind;
  /** The team's runbook page (setting xcpAdmin.runbook.url) for the journal's runbook; none: no link. */
  runbookUrl?: string;
}

const TAIL = 40;
const REF = /^OpaqueRef:[0-9A-Za-z-]{1,64}$/;
const RETRY_EVERY_MS = 2_000;


type XapiAction = Extract<StepAction, { kind: 'xapi' }>;

/**
 * The step's arguments with every LateArg filled in: earlier steps' results, refs looked up by uuid now.
 * Only LateArg instances are resolved, where the plan builder put them; any other value, maps from XAPI
 * with `$resultOf`-like keys included, is passed as it is.
 */
async function resolveArgs(value: unknown, action: XapiAction, results: ReadonlyMap<string, unknown>, opts: RunOptions): Promise<unknown> {
  if (value instanceof LateArg) {
    if (value.stepId !== undefined && !results.has(value.stepId)) throw new Error(l10n.t('the plan uses the result of step "{0}", which has not run', value.stepId));
    const ref = value.stepId !== undefined ? results.get(value.stepId) : await opts.executors.xapi(`${value.lookup!.cls}.get_by_uuid`, [value.lookup!.uuid], opts.signal, action.on);
    // A late argument always stands for an object: anything else is not passed on.
    if (typeof ref !== 'string' || !REF.test(ref)) throw new Error(l10n.t('{0} is {1}, not an object reference: the call was not made', String(value), String(JSON.stringify(ref)?.slice(0, 80))));
    return ref;
  }
  if (Array.isArray(value)) return Promise.all(value.map((v) => resolveArgs(v, action, results, opts)));
  if (!containsLateArg(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = await resolveArgs(v, action, results, opts);
  return out;
}

/** Whether a plan-built value holds a LateArg (plain objects and arrays are searched; anything else is data). */
function containsLateArg(value: unknown): boolean {
  if (value instanceof LateArg) return true;
  if (Array.isArray(value)) return value.some(containsLateArg);
  if (typeof value !== 'object' || value === null || Object.getPrototypeOf(value) !== Object.prototype) return false;
  return Object.values(value).some(containsLateArg);
}

/** An XAPI step's call, repeated until `expect` passes or `waitMs` is over (then the last reason throws). */
async function callUntilExpected(step: Step, opts: RunOptions, results: ReadonlyMap<string, unknown>): Promise<unknown> {
  const action = step.action as XapiAction;
  const args = (await resolveArgs(action.args, action, results, opts)) as unknown[];
  const deadline = Date.now() + (step.waitMs ?? 0);
  let waiting = false;
  for (;;) {
    let problem: string;
    try {
      const value = await opts.executors.xapi(action.method, args, opts.signal, action.on, taskHooks(opts.console, (fraction) => opts.onProgress?.(step, { kind: 'fraction', fraction })));
      const wrong = step.expect?.(value);
      if (wrong === undefined) return value;
      problem = wrong;
    } catch (err) {
      // A call that may have run is never repeated: the admin reads what it did first.
      if (!step.waitMs || err instanceof OutcomeUnknownError) throw err;
      problem = describeError(err);
    }
    if (opts.signal?.aborted || Date.now() >= deadline) throw new Error(problem);
    if (!waiting) opts.console.line(`… ${l10n.t('waiting (up to {0} s): {1}', Math.round((step.waitMs ?? 0) / 1000), problem)}`, 'note');
    waiting = true;
    await sleep(RETRY_EVERY_MS, opts.signal);
  }
}
const tail = (text: string) => text.split('\n').slice(-TAIL).join('\n');

/** A task's progress as a line per 10% (as the relay's), and its notes (reconnecting, cancel refused). */
function taskHooks(out: RunConsole, progress: (fraction: number) => void): XapiCallHooks {
  let shownTenth = 0;
  return {
    onProgress: (fraction) => {
      progress(fraction);
      const tenth = Math.floor(fraction * 10 + 1e-9);
      if (tenth > shownTenth && tenth < 10) {
        shownTenth = tenth;
        out.line(`  ${tenth * 10}%`, 'output');
      }
    },
    onNote: (text) => out.line(`  … ${printable(text)}`, 'note'),
    onTask: (ref) => out.line(`  … ${l10n.t('running as XAPI task {0}', printable(ref))}`, 'note'),
  };
}

/** Text from XAPI for the terminal, the journal and the run's message: controls shown visibly, on one line. */
const printable = (v: unknown): string => cleanLine(String(v));

/** The fields worth showing of an object read back after an unknown outcome (those the record has). */
const STATE_FIELDS = ['name_label', 'power_state', 'resident_on', 'currently_attached', 'enabled', 'master', 'host', 'SR', 'PBDs', 'VDIs', 'VBDs', 'physical_size', 'virtual_size'];

/**
 * After an unknown outcome: the state of what the step acted on, read from XAPI once it answers again
 * (the object of the call, when its first argument is a ref of the method's class, and the object the
 * step's confirmation names, by uuid). Lines for the terminal and the journal.
 */
async function readBack(step: Step, plan: Plan, err: OutcomeUnknownError, opts: RunOptions): Promise<string[]> {
  const action = step.action as XapiAction;
  const call = (method: string, args: unknown[]) => opts.executors.xapi(method, args, undefined, action.on);
  const cls = action.method.slice(0, action.method.indexOf('.'));
  const targets: { kind: string; label: string; read: () => Promise<unknown> }[] = [];
  const first = err.args[0];
  // pool.* methods act on the pool and take other objects as arguments: their first ref is not "self".
  if (typeof first === 'string' && first.startsWith('OpaqueRef:') && first !== 'OpaqueRef:NULL' && cls !== 'pool') {
    targets.push({ kind: cls, label: `${cls} ${opts.nameOf?.(first) ?? first}`, read: () => call(`${cls}.get_record`, [first]) });
  }
  const o = step.confirmObject ?? plan.target;
  // The confirmed object, unless it is of the call's own class (then it is the object just read).
  if (o.uuid && !(targets.length > 0 && o.kind === cls)) {
    targets.push({ kind: o.kind, label: `${o.kind} ${o.name} (${o.uuid})`, read: async () => call(`${o.kind}.get_record`, [await call(`${o.kind}.get_by_uuid`, [o.uuid])]) });
  }
  const deadline = Date.now() + (opts.readBackWithinMs ?? 120_000);
  const lines: string[] = [];
  for (const t of targets) {
    for (let attempt = 0; ; attempt++) {
      try {
        const rec = (await t.read()) as Record<string, unknown>;
        // Named as the record itself says, once it could be read.
        const name = rec && typeof rec.uuid === 'string' ? `${t.kind} ${rec.name_label ? `${rec.name_label} ` : ''}(${rec.uuid})` : t.label;
        const shown = STATE_FIELDS.filter((f) => rec && f in rec).map((f) => {
          const v = rec[f];
          const named = (x: unknown) => (typeof x === 'string' && x.startsWith('OpaqueRef:') ? opts.nameOf?.(x) ?? x : x);
          return `${f}=${printable(Array.isArray(v) ? `[${v.map(named).join(', ')}]` : named(v))}`;
        });
        lines.push(l10n.t('read back {0}: {1}', printable(name), shown.join(', ') || l10n.t('the record exists')));
        break;
      } catch (e) {
        if (e instanceof XapiError && (e.code === 'HANDLE_INVALID' || e.code === 'UUID_INVALID')) {
          lines.push(l10n.t('read back {0}: it no longer exists ({1})', printable(t.label), e.code));
          break;
        }
        if (e instanceof XapiError || Date.now() >= deadline) {
          lines.push(l10n.t('read back {0}: could not be read ({1}); check it yourself before going on', printable(t.label), describeError(e)));
          break;
        }
        if (attempt === 0) opts.console.line(`  … ${l10n.t('reconnecting to read {0} back', printable(t.label))}`, 'note');
        await sleep(Math.min(5_000, 500 * 2 ** attempt));
      }
    }
  }
  if (step.check) lines.push(l10n.t('what to look for: {0}', step.check));
  return lines;
}

/** How many of a diagnosis's last lines go into the run's one-line message (all are in the terminal and the journal). */
const DIAGNOSIS_IN_MESSAGE = 8;

/** After a failed step: its read-only diagnosis command, its output shown and kept (never fails the run further). */
async function diagnose(d: NonNullable<Step['onFailure']>, opts: RunOptions): Promise<{ what: string; lines: string[] }> {
  opts.console.line(`… ${l10n.t('reading {0} on {1}', d.what, d.host.name)}`, 'note');
  opts.console.line(`[root@${d.host.name}]# ${d.command}`, 'command');
  let lines: string[];
  try {
    const r = await opts.executors.shell(d.host, d.command, undefined, () => undefined);
    lines = `${r.stdout}${r.stderr}`.split('\n').filter((l) => l.trim() !== '').slice(-TAIL).map(printable);
  } catch (e) {
    lines = [l10n.t('could not be read: {0}', describeError(e))];
  }
  for (const l of lines) opts.console.line(l, 'output');
  return { what: d.what, lines };
}

/** The plan as a runbook for the journal; undefined when a value cannot go into one (the run says why on its own). */
function runbookOf(plan: Plan, at: Date, outcome?: RunOutcome, runbookUrl?: string): ExportedRunbook | undefined {
  try {
    return exportRunbook(plan, at, outcome, runbookUrl);
  } catch {
    return undefined;
  }
}

export async function runPlan(planned: Plan, opts: RunOptions): Promise<RunResult> {
  // Nothing runs unless every call and command of the plan can be sent as planned (preflight.ts).
  const plan = preflight(planned, opts.wire ? [opts.wire] : undefined);
  const started = new Date();
  const exported = runbookOf(plan, started, undefined, opts.runbookUrl);
  const steps: JournalStep[] = plan.steps.map((s, i) => ({ id: s.id, title: s.title, status: 'not run' as StepStatus, ...(exported?.steps[i] ? { command: exported.steps[i].command } : {}) }));
  const { console: out } = opts;
  /** What each XAPI step returned, by step id (for later steps' LateArgs). */
  const results = new Map<string, unknown>();
  const finish = async (status: RunStatus, message: string): Promise<RunResult> => {
    out.line('');
    out.line(`${status === 'done' ? '✔' : status === 'unknown' ? '⚠' : '✖'} ${procedureName(plan.procedure)} ${status === 'unknown' ? l10n.t('outcome unknown') : statusText(status)}: ${message}`, status === 'done' ? 'success' : status === 'unknown' ? 'warning' : 'failure');
    const runbook = exported && runbookOf(plan, started, { status, message, steps }, opts.runbookUrl);
    await opts.journal?.append({ procedure: plan.procedure, title: plan.title, target: plan.target, started: started.toISOString(), ended: new Date().toISOString(), status, message, steps, ...(plan.journalExtra ? { extra: plan.journalExtra } : {}), ...(runbook ? { runbook: { markdown: runbook.markdown, script: runbook.script } } : {}) });
    return { status, steps, message };
  };
  out.line(`# ${procedureName(plan.procedure)}: ${plan.title} — ${plan.target.name} (${plan.target.uuid})`, 'heading');
  if (plan.refusal) return finish('refused', plan.refusal);
  // A byte step needs its executor; checked before anything runs, so a run never stops half-way for it.
  const missing = plan.steps.find((s) => (s.action.kind === 'relay' && !opts.executors.relay) || (s.action.kind === 'upload' && !opts.executors.upload) || (s.action.kind === 'checksum' && !opts.executors.checksum));
  if (missing) return finish('refused', l10n.t('step "{0}" streams or reads bytes ({1}), and this run was started without a way to do that; nothing was changed. Run the procedure from the XCP Admin view, which provides it.', missing.title, missing.action.kind));

  for (let i = 0; i < plan.steps.length; i++) {
    const step = plan.steps[i];
    const record = steps[i];
    const doneSoFar = () => steps.filter((s) => s.status === 'done').map((s) => s.title);
    const stateNote = () => {
      const done = doneSoFar();
      // The step that stopped the run is reported on its own; "not run" is what never started.
      const started = record.status !== 'not run' && record.status !== 'declined';
      const left = plan.steps.slice(i + (record.status === 'done' || started ? 1 : 0)).map((s) => s.title);
      // A step with an unknown outcome may have changed something: "nothing was changed" would be a guess.
      const before = done.length ? l10n.t('done: {0}', done.join('; ')) : record.status === 'unknown' ? l10n.t('no earlier step had changed anything') : l10n.t('nothing was changed');
      return left.length ? l10n.t('{0}; not run: {1}.', before, left.join('; ')) : `${before}.`;
    };
    if (opts.signal?.aborted) {
      record.status = 'cancelled';
      return finish('cancelled', l10n.t('cancelled before step {0}; {1}', i + 1, stateNote()));
    }
    out.line('');
    out.line(`## ${i + 1}/${plan.steps.length} ${step.title}`, 'heading');
    const covered = step.confirmedBy !== undefined && steps.some((s) => s.id === step.confirmedBy && s.status === 'done');
    if (step.destructive && !covered) {
      const ok = await opts.confirmer.confirm(step, plan);
      if (!ok) {
        record.status = 'declined';
        return finish('declined', l10n.t('step {0} was not confirmed; {1}', i + 1, stateNote()));
      }
    }
    record.started = new Date().toISOString();
    opts.onStep?.(step, 'running');
    let relayed = 0;
    try {
      if (step.action.kind === 'xapi') {
        out.line(`${step.action.on ? `[root@${step.action.on.host.name}]# ` : '$ '}${step.action.xe}`, 'command');
        const value = await callUntilExpected(step, opts, results);
        results.set(step.id, value);
        record.output = typeof value === 'string' ? value : JSON.stringify(value);
        if (record.output) out.line(opts.nameOf ? record.output.replace(/OpaqueRef:[0-9a-fA-F-]+/g, (r) => opts.nameOf!(r) ?? r) : record.output, 'output');
      } else if (step.action.kind === 'shell') {
        const action = step.action;
        out.line(`[root@${action.host.name}]# ${action.command}`, 'command');
        let text = '';
        // Output reaches the terminal a whole line at a time, however the packets cut it.
        const lines = new TerminalLineWriter((l) => out.line(l, 'output'));
        let r: Awaited<ReturnType<Executors['shell']>>;
        try {
          r = await opts.executors.shell(action.host, action.command, opts.signal, (t) => {
            text += t;
            lines.write(t);
          });
        } finally {
          lines.flush();
        }
        record.output = tail(text || r.stdout + r.stderr);
        if (r.code !== 0) {
          const status = r.code === null ? l10n.t('exit status none (cancelled)') : l10n.t('exit status {0}', r.code);
          throw new Error(r.stderr ? `${status}: ${r.stderr.trim().split('\n').slice(-3).join(' ')}` : status);
        }
      } else if (step.action.kind === 'relay' || step.action.kind === 'upload') {
        const action = step.action;
        const stream = action.kind === 'relay' ? opts.executors.relay!.bind(undefined, action) : opts.executors.upload!.bind(undefined, action);
        out.line(`$ ${actionText(action)}`, 'command');
        let shownTenth = 0;
        const r = await stream(opts.signal, (p) => {
          relayed = p.bytes;
          opts.onProgress?.(step, { kind: 'bytes', bytes: p.bytes, total: action.bytes, elapsedMs: p.elapsedMs });
          const tenth = Math.floor((p.bytes / Math.max(1, p.total)) * 10);
          if (tenth > shownTenth) {
            shownTenth = tenth;
            out.line(`  ${l10n.t('{0}% {1} bytes, {2} MiB/s', tenth * 10, p.bytes, (p.bytes / 1048576 / Math.max(0.001, p.elapsedMs / 1000)).toFixed(1))}`);
          }
        });
        record.output = JSON.stringify(r);
        out.line(l10n.t('{0} bytes in {1} s, sha256 of the stream {2}', r.bytes, (r.elapsedMs / 1000).toFixed(1), r.sha256));
        if (r.bytes !== action.bytes) throw new Error(l10n.t('{0} bytes went through, {1} expected: the source ended early', r.bytes, action.bytes));
      } else {
        out.line(`$ ${actionText(step.action)}`, 'command');
        const c = await opts.executors.checksum!(step.action, opts.signal);
        record.output = JSON.stringify(c);
        out.line(l10n.t('source {0}', c.source));
        out.line(l10n.t('target {0}', c.target));
        if (c.source !== c.target) throw new Error(checksumsDiffer());
        out.line(l10n.t('checksums match'), 'success');
      }
      record.status = 'done';
      out.line(`→ ${l10n.t('ok')}`);
      opts.onStep?.(step, 'done', record.output);
    } catch (err) {
      if (err instanceof OutcomeUnknownError && step.action.kind === 'xapi') {
        record.status = 'unknown';
        record.error = describeError(err);
        out.line(`→ ${l10n.t('OUTCOME UNKNOWN: {0}', record.error)}`, 'warning');
        const found = await readBack(step, plan, err, opts);
        for (const l of found) out.line(l, 'warning');
        record.readBack = found;
        opts.onStep?.(step, 'unknown', `${record.output ?? ''}\n${record.error}\n${found.join('\n')}`, record.error);
        record.ended = new Date().toISOString();
        const why = err.cause instanceof Error ? err.cause.message.replace(/\.$/, '') : String(err.cause);
        return finish('unknown', l10n.t('step {0} ({1}): outcome unknown — {2} may or may not have run ({3}). {4}. {5}', i + 1, step.title, step.action.method, why, found.join('; ').replace(/\.$/, ''), stateNote()));
      }
      record.status = opts.signal?.aborted ? 'cancelled' : 'failed';
      record.error = describeError(err);
      out.line(`→ ${record.status === 'cancelled' ? l10n.t('CANCELLED: {0}', record.error) : l10n.t('FAILED: {0}', record.error)}`, 'failure');
      const diagnosis = record.status === 'failed' && step.onFailure ? await diagnose(step.onFailure, opts) : undefined;
      if (diagnosis) record.diagnosis = diagnosis;
      opts.onStep?.(step, record.status, `${record.output ?? ''}\n${record.error}${diagnosis ? `\n${diagnosis.lines.join('\n')}` : ''}`, record.error);
      const leftBehind = step.action.kind === 'relay'
        ? ` ${l10n.t('{0} of {1} bytes had gone into {2}: it holds a partial image.', relayed, step.action.bytes, step.action.target.device)}`
        : step.action.kind === 'upload' ? ` ${l10n.t('{0} of {1} bytes had been sent to VDI {2}: it holds a partial image.', relayed, step.action.bytes, step.action.vdi.name)}` : '';
      const said = diagnosis ? ` ${l10n.t('{0} says: {1}.', diagnosis.what, diagnosis.lines.slice(-DIAGNOSIS_IN_MESSAGE).join(' / ') || l10n.t('(nothing)'))}` : '';
      const error = printable(record.error).replace(/\.$/, '');
      const stopped = record.status === 'cancelled' ? l10n.t('step {0} ({1}) was cancelled: {2}.', i + 1, step.title, error) : l10n.t('step {0} ({1}) failed: {2}.', i + 1, step.title, error);
      return finish(record.status, `${stopped}${said}${leftBehind} ${stateNote()}`);
    } finally {
      record.ended = new Date().toISOString();
    }
  }
  return finish('done', l10n.t('all {0} steps done.', plan.steps.length));
}
