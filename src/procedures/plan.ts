// A procedure of the runbook as data: a Plan is built from the live model by a pure function, shown in
// full before anything runs (preview), then run step by step (runner.ts). No vscode import.

export interface ObjectRef {
  kind: 'pool' | 'host' | 'SR' | 'VDI' | 'VM';
  name: string;
  uuid: string;
}

export interface HostTarget {
  name: string;
  uuid: string;
  address: string;
  /** A VM reached on its own address (H3), not a dom0: never offered the pool's root password. */
  guest?: boolean;
}

export interface XapiTarget {
  host: HostTarget;
  session: 'slave-local' | 'pool';
}

export type StepAction =
  | {
      kind: 'xapi';
      method: string;
      /** The call's arguments after the session (refs, values). */
      args: unknown[];
      /** The same call as an `xe` command line, for the terminal and the preview. */
      xe: string;
      /**
       * Where the call goes when not through the pool's session: a slave-local session on a host
       * (emergency calls a slave answers without its master) or a pool login at a new master.
       */
      on?: XapiTarget;
    }
  | { kind: 'shell'; host: HostTarget; command: string };

export interface Step {
  id: string;
  title: string;
  /** Why the step is there, in the runbook's terms. */
  why: string;
  destructive: boolean;
  /** What a confirmation names (destructive steps). */
  confirmObject?: ObjectRef;
  /** The confirmation wants the object's name typed in, not a click (irreversible steps). */
  typeToConfirm?: boolean;
  action: StepAction;
  /** How to tell that it worked. */
  check?: string;
  /**
   * Checks the result of an XAPI step: undefined when it is what the step wants, else why not. With
   * `waitMs`, the call is repeated (every few seconds) until it passes or the time is up — for a
   * value that changes a while after the step before (xapi restarting, a guest agent reporting).
   */
  expect?(value: unknown): string | undefined;
  waitMs?: number;
}

export interface Plan {
  procedure: string;
  title: string;
  target: ObjectRef;
  summary: string;
  /** How the preconditions were established: what was read, from where. */
  facts: string[];
  steps: Step[];
  /** Set when the plan must not run: why, with the facts. */
  refusal?: string;
}

/** The full dry run as Markdown: what will run, where, in which order, and what each step changes. */
export function preview(plan: Plan): string {
  const lines: string[] = [];
  lines.push(`# ${plan.procedure}: ${plan.title}`, '');
  lines.push(`Target: ${plan.target.kind} **${plan.target.name}** (\`${plan.target.uuid}\`)`, '');
  lines.push(plan.summary, '');
  if (plan.facts.length) {
    lines.push('## What was checked', '');
    for (const f of plan.facts) lines.push(`- ${f}`);
    lines.push('');
  }
  if (plan.refusal) {
    lines.push('## Refused', '', plan.refusal, '');
    return lines.join('\n');
  }
  lines.push('## Steps', '');
  plan.steps.forEach((s, i) => {
    lines.push(`${i + 1}. **${s.title}**${s.destructive ? (s.typeToConfirm ? ' — ⚠ destructive, asks you to type the name' : ' — ⚠ destructive, asks for confirmation') : ''}`);
    lines.push(`   - why: ${s.why}`);
    if (s.action.kind === 'xapi') {
      const on = s.action.on ? ` on ${s.action.on.host.name} (${s.action.on.host.address}, ${s.action.on.session} session)` : '';
      lines.push(`   - XAPI \`${s.action.method}\`${on}, as xe: \`${s.action.xe}\``);
    }
    else lines.push(`   - on ${s.action.host.name} (${s.action.host.address}): \`${s.action.command}\``);
    if (s.check) lines.push(`   - check: ${s.check}${s.waitMs ? ` (waits up to ${Math.round(s.waitMs / 1000)} s)` : ''}`);
  });
  return lines.join('\n') + '\n';
}
