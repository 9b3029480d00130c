// A procedure of the runbook as data: a Plan is built from the live model by a pure function, shown in
// full before anything runs (preview), then run step by step (runner.ts). No vscode import.

import { runsAsTask } from '../xapi/task';
import { markdownCode, markdownProse } from '../text/display';
import { runbookReference } from './runbookSections';

export interface ObjectRef {
  kind: 'pool' | 'host' | 'SR' | 'VDI' | 'VM';
  name: string;
  uuid: string;
}

export interface HostTarget {
  name: string;
  uuid: string;
  address: string;
  /** Not a dom0 of this pool (a VM reached on its own address for H3, an image source for S2): never offered the pool's root password. */
  outsidePool?: boolean;
}

export interface XapiTarget {
  host: HostTarget;
  session: 'slave-local' | 'pool';
}

/** Where raw bytes come from: a file on a host reached over SSH (any host, not only the pool's), or a local file. */
export type ByteSource = { kind: 'ssh'; host: HostTarget; path: string } | { kind: 'local'; path: string };

/** Where raw bytes go: a block device (an LV) on a host of the pool. */
export interface ByteTarget {
  host: HostTarget;
  device: string;
  /** The LV is activated on this host to be read, and deactivated after (after a write through XAPI it is not active). */
  activate?: boolean;
}

export function describeSource(s: ByteSource): string {
  return s.kind === 'ssh' ? `${s.host.name}:${s.path}` : `this machine:${s.path}`;
}

/**
 * An XAPI argument known only when the step runs: what an earlier XAPI step of the plan returned (the
 * SR that SR.introduce made), or the ref of an object found by its uuid then (a VDI a scan brought back).
 * A class instance, not a plain object: nothing decoded from XAPI (a device_config or sm_config map with
 * `$resultOf` keys) can be one, so the runner resolves only what a plan builder put there and every map
 * copied from XAPI travels as opaque data.
 */
export class LateArg {
  private constructor(
    /** The earlier step whose result this is. */
    readonly stepId: string | undefined,
    /** The class and uuid whose ref this is, looked up when the step runs. */
    readonly lookup: { cls: string; uuid: string } | undefined,
  ) {}
  static resultOf(stepId: string): LateArg {
    return new LateArg(stepId, undefined);
  }
  static refOf(cls: string, uuid: string): LateArg {
    return new LateArg(undefined, { cls, uuid });
  }
  /** How the preview and errors name it. */
  toString(): string {
    return this.stepId !== undefined ? `<result of step ${this.stepId}>` : `<ref of ${this.lookup!.cls} ${this.lookup!.uuid}>`;
  }
}
export const resultOf = (stepId: string): LateArg => LateArg.resultOf(stepId);
export const refOf = (cls: string, uuid: string): LateArg => LateArg.refOf(cls, uuid);

export type StepAction =
  | {
      kind: 'xapi';
      method: string;
      /** The call's arguments after the session (refs, values, LateArgs at any depth). */
      args: unknown[];
      /** The same call as an `xe` command line, for the terminal and the preview. */
      xe: string;
      /**
       * Where the call goes when not through the pool's session: a slave-local session on a host
       * (emergency calls a slave answers without its master) or a pool login at a new master.
       */
      on?: XapiTarget;
    }
  | { kind: 'shell'; host: HostTarget; command: string }
  /** Streams `bytes` bytes from the source into the target through the extension (the dd relay). */
  | { kind: 'relay'; source: ByteSource; target: ByteTarget; bytes: number }
  /** Streams `bytes` bytes from the source into a VDI through XAPI's HTTP import_raw_vdi (any SR type). */
  /** `xe`: how an exported runbook sends the bytes by hand: the pool's xe reads a pipe (`xe vdi-import`), or not (curl to the same handler); see release.ts. */
  | { kind: 'upload'; source: ByteSource; vdi: { ref: string; uuid: string; name: string }; bytes: number; xe?: 'vdi-import' | 'curl' }
  /** SHA-256 of the first `bytes` bytes at both ends, computed where they are; they must match. */
  | { kind: 'checksum'; source: ByteSource; target: ByteTarget; bytes: number };

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
  /** A destructive step that the confirmation of an earlier step (this id) already covers: it does not ask again. */
  confirmedBy?: string;
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
  /**
   * When the step fails: a read-only command whose output says why (S4 reads /var/log/SMlog on the
   * master), run by the runner and put into the failure message and the journal.
   */
  onFailure?: { host: HostTarget; command: string; what: string };
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
  /** Kept in the journal with the run (e.g. which LV an import writes, for a later SR repair). */
  journalExtra?: Record<string, unknown>;
  /** A script the admin runs inside a guest before the steps (H3's .cmd for Windows): the exported runbook carries it. */
  guestScript?: { file: string; text: string };
}

/** A plan that must not run: who it was for, why not, and the facts that say so. */
export function refusedPlan(base: { procedure: string; title: string }, target: ObjectRef, refusal: string, facts: string[] = []): Plan {
  return { ...base, target, summary: '', facts, steps: [], refusal };
}

/** The action as one command line an admin would recognise (the runbook's form). */
export function actionText(a: StepAction): string {
  switch (a.kind) {
    case 'xapi':
      return a.xe;
    case 'shell':
      return a.command;
    case 'relay': {
      const from = a.source.kind === 'ssh' ? `ssh ${a.source.host.address} "dd if=${a.source.path} bs=4M"` : `cat ${a.source.path}`;
      return `${from} | ssh ${a.target.host.address} "dd of=${a.target.device} bs=4M"   (relayed by XCP Admin, ${a.bytes} bytes)`;
    }
    case 'upload': {
      const from = a.source.kind === 'ssh' ? `ssh ${a.source.host.address} "dd if=${a.source.path} bs=4M"` : `cat ${a.source.path}`;
      return `${from} | curl -T - "https://<master>/import_raw_vdi?session_id=…&vdi=${a.vdi.uuid}&format=raw"   (by XCP Admin, ${a.bytes} bytes)`;
    }
    case 'checksum':
      return `sha256sum of ${a.bytes} bytes: ${describeSource(a.source)} vs ${a.target.host.name}:${a.target.device}`;
  }
}

/**
 * The full dry run as Markdown: what will run, where, in which order, and what each step changes. Every
 * sentence goes through markdownProse and every command through markdownCode: names come from XAPI, and
 * a newline, a `#` or a URL in one must not make a heading, a fake step or a link.
 */
/** `runbookUrl`: the team's runbook page (setting xcpAdmin.runbook.url), for the link next to the code; none: no link. */
export function preview(plan: Plan, runbookUrl?: string): string {
  const p = (text: string) => markdownProse(text);
  const c = (text: string) => markdownCode(text);
  const lines: string[] = [];
  lines.push(`# ${p(plan.procedure)}: ${p(plan.title)} — ${p(plan.target.name)}`, '');
  if (/^[HS]\d$/.test(plan.procedure)) lines.push(`From the ${runbookReference(plan.procedure, runbookUrl)}.`, '');
  lines.push(`Target: ${plan.target.kind} **${p(plan.target.name)}** (${c(plan.target.uuid)})`, '');
  lines.push(p(plan.summary), '');
  if (plan.facts.length) {
    lines.push('## What was checked', '');
    for (const f of plan.facts) lines.push(`- ${p(f)}`);
    lines.push('');
  }
  if (plan.refusal) {
    lines.push('## Refused', '', p(plan.refusal), '');
    return lines.join('\n');
  }
  lines.push('## Steps', '');
  plan.steps.forEach((s, i) => {
    const coveredBy = s.confirmedBy ? plan.steps.findIndex((x) => x.id === s.confirmedBy) + 1 : 0;
    const warning = !s.destructive ? '' : coveredBy ? ` — ⚠ destructive, under the confirmation of step ${coveredBy}` : s.typeToConfirm ? ' — ⚠ destructive, asks you to type the name' : ' — ⚠ destructive, asks for confirmation';
    lines.push(`${i + 1}. **${p(s.title)}**${warning}`);
    lines.push(`   - why: ${p(s.why)}`);
    if (s.action.kind === 'xapi') {
      const on = s.action.on ? ` on ${p(s.action.on.host.name)} (${p(s.action.on.host.address)}, ${s.action.on.session} session)` : '';
      const task = runsAsTask(s.action.method) ? ' as an XAPI task (progress shown; Ctrl-C cancels it where XAPI allows)' : '';
      lines.push(`   - XAPI ${c(s.action.method)}${on}${task}, as xe: ${c(s.action.xe)}`);
    }
    else if (s.action.kind === 'shell') lines.push(`   - on ${p(s.action.host.name)} (${p(s.action.host.address)}): ${c(s.action.command)}`);
    else if (s.action.kind === 'upload') lines.push(`   - ${s.action.bytes} bytes from ${c(describeSource(s.action.source))} through XCP Admin into VDI ${p(s.action.vdi.name)} (${c(s.action.vdi.uuid)}) with XAPI's HTTP import\\_raw\\_vdi`);
    else if (s.action.kind === 'relay') lines.push(`   - ${s.action.bytes} bytes from ${c(describeSource(s.action.source))} through XCP Admin into ${c(s.action.target.device)} on ${p(s.action.target.host.name)}`);
    else lines.push(`   - SHA-256 of the first ${s.action.bytes} bytes of ${c(describeSource(s.action.source))} and of ${c(s.action.target.device)} on ${p(s.action.target.host.name)}${s.action.target.activate ? ' (the LV activated there to be read, deactivated after)' : ''}`);
    if (s.check) lines.push(`   - check: ${p(s.check)}${s.waitMs ? ` (waits up to ${Math.round(s.waitMs / 1000)} s)` : ''}`);
    if (s.onFailure) lines.push(`   - if it fails: ${p(s.onFailure.what)} on ${p(s.onFailure.host.name)}: ${c(s.onFailure.command)}`);
  });
  return lines.join('\n') + '\n';
}
