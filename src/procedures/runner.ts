// Runs a Plan step by step: one confirmation per destructive step (naming the object), XAPI steps
// echoed as their `xe` equivalent with the result, shell steps run over SSH; stops at the first
// failure or refusal and says what was done and what was not. Every run is journaled. No vscode import.

import { describeError } from '../xapi/errors';
import type { Journal, JournalStep } from './journal';
import type { HostTarget, Plan, Step, XapiTarget } from './plan';

export interface Executors {
  xapi(method: string, args: unknown[], signal: AbortSignal | undefined, on?: XapiTarget): Promise<unknown>;
  shell(host: HostTarget, command: string, signal: AbortSignal | undefined, onOutput: (text: string) => void): Promise<{ code: number | null; stdout: string; stderr: string }>;
}

/** Where the run is shown (an integrated terminal in the editor). */
export interface RunConsole {
  line(text: string): void;
}

export interface Confirmer {
  confirm(step: Step, plan: Plan): Promise<boolean>;
}

export type StepStatus = 'done' | 'failed' | 'declined' | 'cancelled' | 'not run';
export type RunStatus = 'done' | 'failed' | 'declined' | 'cancelled' | 'refused';

export interface RunResult {
  status: RunStatus;
  steps: JournalStep[];
  /** One sentence on the state the run leaves the pool in. */
  message: string;
}

export interface RunOptions {
  executors: Executors;
  console: RunConsole;
  confirmer: Confirmer;
  journal?: Journal;
  signal?: AbortSignal;
  /** A readable name for an object reference in a result (the terminal shows names, the journal refs). */
  nameOf?(ref: string): string | undefined;
}

const TAIL = 40;
const RETRY_EVERY_MS = 2_000;

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
  });

/** An XAPI step's call, repeated until `expect` passes or `waitMs` is over (then the last reason throws). */
async function callUntilExpected(step: Step, opts: RunOptions): Promise<unknown> {
  const action = step.action as Extract<Step['action'], { kind: 'xapi' }>;
  const deadline = Date.now() + (step.waitMs ?? 0);
  let waiting = false;
  for (;;) {
    let problem: string;
    try {
      const value = await opts.executors.xapi(action.method, action.args, opts.signal, action.on);
      const wrong = step.expect?.(value);
      if (wrong === undefined) return value;
      problem = wrong;
    } catch (err) {
      if (!step.waitMs) throw err;
      problem = describeError(err);
    }
    if (opts.signal?.aborted || Date.now() >= deadline) throw new Error(problem);
    if (!waiting) opts.console.line(`… waiting (up to ${Math.round((step.waitMs ?? 0) / 1000)} s): ${problem}`);
    waiting = true;
    await sleep(RETRY_EVERY_MS, opts.signal);
  }
}
const tail = (text: string) => text.split('\n').slice(-TAIL).join('\n');

export async function runPlan(plan: Plan, opts: RunOptions): Promise<RunResult> {
  const started = new Date();
  const steps: JournalStep[] = plan.steps.map((s) => ({ id: s.id, title: s.title, status: 'not run' as StepStatus }));
  const { console: out } = opts;
  const finish = async (status: RunStatus, message: string): Promise<RunResult> => {
    out.line('');
    out.line(`${status === 'done' ? '✔' : '✖'} ${plan.procedure} ${status}: ${message}`);
    await opts.journal?.append({ procedure: plan.procedure, title: plan.title, target: plan.target, started: started.toISOString(), ended: new Date().toISOString(), status, message, steps });
    return { status, steps, message };
  };
  out.line(`# ${plan.procedure}: ${plan.title} — ${plan.target.name} (${plan.target.uuid})`);
  if (plan.refusal) return finish('refused', plan.refusal);

  for (let i = 0; i < plan.steps.length; i++) {
    const step = plan.steps[i];
    const record = steps[i];
    const doneSoFar = () => steps.filter((s) => s.status === 'done').map((s) => s.title);
    const stateNote = () => {
      const done = doneSoFar();
      const left = plan.steps.slice(i + (record.status === 'done' ? 1 : 0)).map((s) => s.title);
      return `${done.length ? `done: ${done.join('; ')}` : 'nothing was changed'}${left.length ? `; not run: ${left.join('; ')}` : ''}.`;
    };
    if (opts.signal?.aborted) {
      record.status = 'cancelled';
      return finish('cancelled', `cancelled before step ${i + 1}; ${stateNote()}`);
    }
    out.line('');
    out.line(`## ${i + 1}/${plan.steps.length} ${step.title}`);
    if (step.destructive) {
      const ok = await opts.confirmer.confirm(step, plan);
      if (!ok) {
        record.status = 'declined';
        return finish('declined', `step ${i + 1} was not confirmed; ${stateNote()}`);
      }
    }
    record.started = new Date().toISOString();
    try {
      if (step.action.kind === 'xapi') {
        out.line(`${step.action.on ? `[root@${step.action.on.host.name}]# ` : '$ '}${step.action.xe}`);
        const value = await callUntilExpected(step, opts);
        record.output = typeof value === 'string' ? value : JSON.stringify(value);
        if (record.output) out.line(opts.nameOf ? record.output.replace(/OpaqueRef:[0-9a-fA-F-]+/g, (r) => opts.nameOf!(r) ?? r) : record.output);
      } else {
        const action = step.action;
        out.line(`[root@${action.host.name}]# ${action.command}`);
        let text = '';
        const r = await opts.executors.shell(action.host, action.command, opts.signal, (t) => {
          text += t;
          out.line(t.replace(/\n$/, ''));
        });
        record.output = tail(text || r.stdout + r.stderr);
        if (r.code !== 0) throw new Error(`exit status ${r.code ?? 'none (cancelled)'}${r.stderr ? `: ${r.stderr.trim().split('\n').slice(-3).join(' ')}` : ''}`);
      }
      record.status = 'done';
      out.line('→ ok');
    } catch (err) {
      record.status = opts.signal?.aborted ? 'cancelled' : 'failed';
      record.error = describeError(err);
      out.line(`→ FAILED: ${record.error}`);
      return finish(record.status === 'cancelled' ? 'cancelled' : 'failed', `step ${i + 1} (${step.title}) failed; ${stateNote()}`);
    } finally {
      record.ended = new Date().toISOString();
    }
  }
  return finish('done', `all ${plan.steps.length} steps done.`);
}
