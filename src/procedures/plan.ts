// A procedure of the runbook as data: a Plan is built from the live model by a pure function, shown in
// full before anything runs (preview), then run step by step (runner.ts). No vscode import.

import { runsAsTask } from '../xapi/task';
import { markdownCode, markdownProse } from '../text/display';
import { l10n } from '../text/l10n';
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
  return s.kind === 'ssh' ? `${s.host.name}:${s.path}` : l10n.t('this machine:{0}', s.path);
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
  /** The check as a number, for the exported script: the step's result must be more than this. */
  checkAbove?: number;
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

/**
 * A procedure's code as the admin reads it: the runbook's codes (H2…S5, S3b) stay as they are; the
 * daily operations' codes are words, said in the admin's language. The plan and the journal keep the code.
 */
export function procedureName(code: string): string {
  switch (code) {
    case 'VM power': return l10n.t('VM power');
    case 'VM migrate': return l10n.t('VM migrate');
    case 'VM memory': return l10n.t('VM memory');
    case 'VM snapshot': return l10n.t('VM snapshot');
    case 'Maintenance': return l10n.t('Maintenance');
    case 'Host power': return l10n.t('Host power');
    default: return code;
  }
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
      return `${from} | ssh ${a.target.host.address} "dd of=${a.target.device} bs=4M"   ${l10n.t('(relayed by XCP Admin, {0} bytes)', a.bytes)}`;
    }
    case 'upload': {
      const from = a.source.kind === 'ssh' ? `ssh ${a.source.host.address} "dd if=${a.source.path} bs=4M"` : `cat ${a.source.path}`;
      return `${from} | curl -T - "https://<master>/import_raw_vdi?session_id=…&vdi=${a.vdi.uuid}&format=raw"   ${l10n.t('(by XCP Admin, {0} bytes)', a.bytes)}`;
    }
    case 'checksum':
      return l10n.t('sha256sum of {0} bytes: {1} vs {2}', a.bytes, describeSource(a.source), `${a.target.host.name}:${a.target.device}`);
  }
}

/** "Target: host **name** (`uuid`)": the preview's and the exported runbook's line (name and uuid already escaped). */
export function targetLine(kind: string, name: string, uuid: string): string {
  return l10n.t('Target: {0} **{1}** ({2})', kind, name, uuid);
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
  lines.push(`# ${p(procedureName(plan.procedure))}: ${p(plan.title)} — ${p(plan.target.name)}`, '');
  if (/^[HS]\d$/.test(plan.procedure)) lines.push(l10n.t('From the {0}.', runbookReference(plan.procedure, runbookUrl)), '');
  lines.push(targetLine(plan.target.kind, p(plan.target.name), c(plan.target.uuid)), '');
  lines.push(p(plan.summary), '');
  if (plan.facts.length) {
    lines.push(`## ${l10n.t('What was checked')}`, '');
    for (const f of plan.facts) lines.push(`- ${p(f)}`);
    lines.push('');
  }
  if (plan.refusal) {
    lines.push(`## ${l10n.t('Refused')}`, '', p(plan.refusal), '');
    return lines.join('\n');
  }
  lines.push(`## ${l10n.t('Steps')}`, '');
  plan.steps.forEach((s, i) => {
    const coveredBy = s.confirmedBy ? plan.steps.findIndex((x) => x.id === s.confirmedBy) + 1 : 0;
    const warning = !s.destructive ? '' : ` — ⚠ ${coveredBy ? l10n.t('destructive, under the confirmation of step {0}', coveredBy) : s.typeToConfirm ? l10n.t('destructive, asks you to type the name') : l10n.t('destructive, asks for confirmation')}`;
    lines.push(`${i + 1}. **${p(s.title)}**${warning}`);
    lines.push(`   - ${l10n.t('why: {0}', p(s.why))}`);
    if (s.action.kind === 'xapi') {
      const call = s.action.on ? l10n.t('XAPI {0} on {1} ({2}, {3} session)', c(s.action.method), p(s.action.on.host.name), p(s.action.on.host.address), s.action.on.session) : l10n.t('XAPI {0}', c(s.action.method));
      const task = runsAsTask(s.action.method) ? l10n.t('{0} as an XAPI task (progress shown; Ctrl-C cancels it where XAPI allows)', call) : call;
      lines.push(`   - ${l10n.t('{0}, as xe: {1}', task, c(s.action.xe))}`);
    }
    else if (s.action.kind === 'shell') lines.push(`   - ${l10n.t('on {0} ({1}): {2}', p(s.action.host.name), p(s.action.host.address), c(s.action.command))}`);
    else if (s.action.kind === 'upload') lines.push(`   - ${l10n.t('{0} bytes from {1} through XCP Admin into VDI {2} ({3}) with XAPI\'s HTTP {4}', s.action.bytes, c(describeSource(s.action.source)), p(s.action.vdi.name), c(s.action.vdi.uuid), 'import\\_raw\\_vdi')}`);
    else if (s.action.kind === 'relay') lines.push(`   - ${l10n.t('{0} bytes from {1} through XCP Admin into {2} on {3}', s.action.bytes, c(describeSource(s.action.source)), c(s.action.target.device), p(s.action.target.host.name))}`);
    else {
      const sum = l10n.t('SHA-256 of the first {0} bytes of {1} and of {2} on {3}', s.action.bytes, c(describeSource(s.action.source)), c(s.action.target.device), p(s.action.target.host.name));
      lines.push(`   - ${s.action.target.activate ? l10n.t('{0} (the LV activated there to be read, deactivated after)', sum) : sum}`);
    }
    if (s.check) lines.push(`   - ${s.waitMs ? l10n.t('check: {0} (waits up to {1} s)', p(s.check), Math.round(s.waitMs / 1000)) : l10n.t('check: {0}', p(s.check))}`);
    if (s.onFailure) lines.push(`   - ${l10n.t('if it fails: {0} on {1}: {2}', p(s.onFailure.what), p(s.onFailure.host.name), c(s.onFailure.command))}`);
  });
  return lines.join('\n') + '\n';
}
