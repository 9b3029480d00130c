// A plan exported as a runbook an admin can review or run by hand where XCP Admin cannot reach: a
// Markdown document (target, facts checked, every step with its why, its xe or shell line, its check and
// the confirmation it asks, or the refusal) and a POSIX sh script that does what the runner would do,
// step by step (`set -eu`, each step echoed, confirmations read from the terminal, checks that stop the
// script). Names come from XAPI: the script quotes every value with src/shell/quote.ts and shows names
// only cleaned, on one line; the Markdown escapes them. No vscode import.

import { quote } from '../shell/quote';
import { displayName, markdownCode, markdownProse } from '../text/display';
import { l10n } from '../text/l10n';
import { isUuid } from '../xapi/records';
import { byteCommands, checksumCommand, relaySourceCommand, relayTargetCommand } from './byteCommands';
import { typeToConfirm } from './confirmation';
import { statusText, type JournalStep } from './journal';
import { LateArg, procedureName, targetLine, type HostTarget, type Plan, type Step, type StepAction } from './plan';
import { runbookSection } from './runbookSections';

export interface ExportedStep {
  id: string;
  /** The line the script runs for the step (an xe command, or ssh to the host with the step's command). */
  command: string;
  /** A command that fails when the step's check does not hold (undefined: the check is by eye, in a comment). */
  check?: string;
  /** What the script asks before the step (undefined: nothing). */
  confirm?: { prompt: string; answer: string };
}

export interface ExportedRunbook {
  markdown: string;
  script: string;
  steps: ExportedStep[];
}

/** What a run did, for a runbook exported from the journal: each step's outcome next to it. */
export interface RunOutcome {
  status: string;
  message: string;
  steps: readonly JournalStep[];
}

/** A name or sentence for a script comment or prompt: one line, controls shown as escapes. */
const line = (text: string, max = 400): string => displayName(text, max);
const ssh = (host: HostTarget, command: string): string => `ssh ${quote(`root@${host.address}`)} ${quote(command)}`;
const UUID_IN = /\buuid=([0-9a-fA-F-]{36})\b/;
const shellVar = (i: number) => `result_${i + 1}`;

/** The steps whose result a later step uses (a LateArg.resultOf), by id. */
function usedResults(plan: Plan): Set<string> {
  const out = new Set<string>();
  const walk = (v: unknown): void => {
    if (v instanceof LateArg) { if (v.stepId !== undefined) out.add(v.stepId); }
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) Object.values(v).forEach(walk);
  };
  for (const s of plan.steps) if (s.action.kind === 'xapi') walk(s.action.args);
  return out;
}

function lateArgsOf(v: unknown): LateArg[] {
  if (v instanceof LateArg) return [v];
  if (Array.isArray(v)) return v.flatMap(lateArgsOf);
  if (v && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) return Object.values(v).flatMap(lateArgsOf);
  return [];
}

/** The step's runnable line: xe (on the host the call goes to), or ssh to the host with the command. */
function commandOf(step: Step, plan: Plan): string {
  const a = step.action;
  switch (a.kind) {
    case 'xapi': {
      let xe = a.xe;
      // A value an earlier step returns: the xe line names it as <…>; the script has it in a variable.
      const late = lateArgsOf(a.args).filter((l) => l.stepId !== undefined);
      if (late.length === 1) {
        const i = plan.steps.findIndex((s) => s.id === late[0].stepId);
        xe = xe.replace(/<[^<>]*>/g, `"$${shellVar(i)}"`);
      }
      return a.on ? ssh(a.on.host, xe) : xe;
    }
    case 'shell':
      return ssh(a.host, a.command);
    case 'relay': {
      const from = a.source.kind === 'ssh' ? ssh(a.source.host, relaySourceCommand(a.source)) : `cat ${quote(a.source.path)}`;
      return `${from} | ${ssh(a.target.host, relayTargetCommand(a.target))}`;
    }
    case 'upload': {
      const from = a.source.kind === 'ssh' ? ssh(a.source.host, relaySourceCommand(a.source)) : `cat ${quote(a.source.path)}`;
      return uploadLine(from, a);
    }
    case 'checksum': {
      byteCommands(a); // the same validation as the runner's
      const source = a.source.kind === 'ssh' ? ssh(a.source.host, checksumCommand(a.source.path, a.bytes)) : checksumCommand(a.source.path, a.bytes);
      return `source_sum=$(${source} | cut -c1-64); target_sum=$(${ssh(a.target.host, checksumCommand(a.target.device, a.bytes, a.target.activate))} | cut -c1-64); ` +
        `printf 'source %s\\ntarget %s\\n' "$source_sum" "$target_sum"; [ -n "$source_sum" ] && [ "$source_sum" = "$target_sum" ] || fail ${quote(checksumsDiffer())}`;
    }
  }
}

/**
 * The upload by hand, into the same handler the runner PUTs to (`/import_raw_vdi`, the VDI by uuid), per
 * what the pool's xe can do (release.ts xeImportsFromPipe, with the history behind it): `xe vdi-import`
 * from the pipe; or, on XCP 1.5 and other xe that cannot read a pipe, curl on the master (where the
 * script's xe lines run) to xapi's own HTTP port on loopback, root's password asked by curl on the
 * terminal (never in the script), the length given (those xapi refuse a chunked body), and the answer
 * read: anything but 200 (a redirect to the host that sees the SR included) stops the script. XCP 1.5's
 * handler answers 200 before it reads the body (simulator/releases.ts), so there the 200 says the
 * handler took the VDI, and the plan's checksum step after it (raw LVs) is what checks the bytes, as
 * for the runner.
 */
export function uploadLine(from: string, a: Extract<StepAction, { kind: 'upload' }>): string {
  if (!isUuid(a.vdi.uuid)) throw new Error(`"${a.vdi.uuid.slice(0, 80)}" is not a uuid`);
  if (!Number.isSafeInteger(a.bytes) || a.bytes < 0) throw new Error(`${a.bytes} is not a byte count`);
  const uuid = a.vdi.uuid.toLowerCase();
  if (a.xe !== 'curl') return `${from} | xe vdi-import uuid=${uuid} filename=/dev/stdin format=raw`;
  const curl = `curl --silent --show-error --user root --upload-file - --header 'Transfer-Encoding:' --header 'Content-Length: ${a.bytes}' ` +
    `--output /dev/null --write-out '%{http_code}' 'http://127.0.0.1/import_raw_vdi?vdi=${uuid}&format=raw'`;
  return `[ "$(${from} | ${curl})" = 200 ] || fail ${quote(line(l10n.t('import_raw_vdi did not answer 200 (run this on the pool master; a redirect means the master does not see the SR: run it on the host that does)')))}`;
}

/** A command that fails when the step's check does not hold, where the check can be read by a command. */
function checkOf(step: Step, result: string | undefined): string | undefined {
  const a = step.action;
  if (a.kind !== 'xapi') return undefined; // shell and byte steps check themselves: a failure exits non-zero
  const uuid = UUID_IN.exec(a.xe)?.[1]?.toLowerCase();
  const why = quote(l10n.t('check failed: {0}', line(step.check ?? step.title)));
  switch (a.method) {
    case 'VM.power_state_reset':
      return uuid && `[ "$(xe vm-param-get uuid=${uuid} param-name=power-state)" = halted ] || fail ${why}`;
    case 'host.destroy':
      return uuid && `[ -z "$(xe host-list uuid=${uuid} --minimal)" ] || fail ${why}`;
    case 'SR.forget':
      return uuid && `[ -z "$(xe sr-list uuid=${uuid} --minimal)" ] || fail ${why}`;
    case 'pool.disable_ha':
      return `[ "$(xe pool-list params=ha-enabled --minimal)" = false ] || fail ${why}`;
  }
  if (step.checkAbove !== undefined && Number.isSafeInteger(step.checkAbove) && result) return `[ "$${result}" -gt ${step.checkAbove} ] || fail ${why}`;
  return undefined;
}

/** The script's words when the two checksums differ (also the runner's). */
export function checksumsDiffer(): string {
  return l10n.t('checksums differ: the target does not hold the source\'s bytes');
}

function confirmOf(step: Step, plan: Plan, index: number): ExportedStep['confirm'] {
  if (!step.destructive) return undefined;
  const o = step.confirmObject ?? plan.target;
  if (step.confirmedBy !== undefined) return undefined;
  if (step.typeToConfirm) {
    const ask = typeToConfirm(o, []);
    return { prompt: `${index + 1}. ${l10n.t('{0}: this cannot be undone. Type {1}', line(step.title), ask.what)}`, answer: ask.answer ?? '' };
  }
  return { prompt: `${index + 1}. ${l10n.t('{0}? {1} {2} ({3}). Type yes', line(step.title), o.kind, line(o.name), line(o.uuid))}`, answer: 'yes' };
}

function confirmSentence(step: Step, plan: Plan): string {
  if (!step.destructive) return l10n.t('none (nothing is destroyed)');
  const o = step.confirmObject ?? plan.target;
  if (step.confirmedBy !== undefined) return l10n.t('none of its own: the confirmation of step {0} covers it', plan.steps.findIndex((s) => s.id === step.confirmedBy) + 1);
  if (step.typeToConfirm) return l10n.t('asks you to type {0} ({1} {2})', typeToConfirm(o, []).what, o.kind, o.uuid);
  return l10n.t('asks, naming {0} {1} ({2})', o.kind, o.name, o.uuid);
}

function whereText(a: StepAction): string {
  switch (a.kind) {
    case 'xapi': return l10n.t('{0}, as xe', a.on ? l10n.t('XAPI {0} on {1} ({2}, {3} session)', a.method, a.on.host.name, a.on.host.address, a.on.session) : l10n.t('XAPI {0}', a.method));
    case 'shell': return l10n.t('shell on {0} ({1}), over SSH', a.host.name, a.host.address);
    case 'relay': return l10n.t('{0} bytes streamed by dd into {1} on {2}', a.bytes, a.target.device, a.target.host.name);
    case 'upload': return a.xe === 'curl'
      ? l10n.t('{0} bytes into VDI {1} ({2}) through XAPI\'s import_raw_vdi; by hand with curl on the pool master (this pool\'s xe cannot read a pipe; curl asks for root\'s password)', a.bytes, a.vdi.name, a.vdi.uuid)
      : l10n.t('{0} bytes into VDI {1} ({2}) through XAPI\'s import_raw_vdi; by hand with xe vdi-import', a.bytes, a.vdi.name, a.vdi.uuid);
    case 'checksum': return l10n.t('SHA-256 of the first {0} bytes at both ends', a.bytes);
  }
}

/** `runbookUrl`: the team's runbook page (setting xcpAdmin.runbook.url); none: the section is named without a link. */
export function exportRunbook(plan: Plan, at: Date = new Date(), outcome?: RunOutcome, runbookUrl?: string): ExportedRunbook {
  const results = usedResults(plan);
  const steps: ExportedStep[] = [];
  const built = plan.refusal ? [] : plan.steps.map((step, i) => {
    const result = step.action.kind === 'xapi' && (results.has(step.id) || step.checkAbove !== undefined) ? shellVar(i) : undefined;
    const e: ExportedStep = { id: step.id, command: commandOf(step, plan), check: checkOf(step, result), confirm: confirmOf(step, plan, i) };
    steps.push(e);
    return { step, e, result };
  });
  const section = runbookSection(plan.procedure, runbookUrl);
  const p = (t: string) => markdownProse(t);

  // ---- Markdown ----
  const md: string[] = [];
  md.push(`# ${p(plan.title)} — ${p(plan.target.name)}`, '');
  const procedure = section
    ? l10n.t('Procedure {0} of the runbook, {1}.', p(plan.procedure), section.url ? `[${section.title}](${section.url})` : `*${section.title}*`)
    : l10n.t('Procedure {0}.', p(procedureName(plan.procedure)));
  md.push(`${procedure} ${l10n.t('Exported by XCP Admin on {0}.', at.toISOString())}`, '');
  md.push(targetLine(plan.target.kind, p(plan.target.name), markdownCode(plan.target.uuid)), '');
  if (plan.summary) md.push(p(plan.summary), '');
  if (outcome) md.push(l10n.t('Run: **{0}** — {1}', p(statusText(outcome.status)), p(outcome.message)), '');
  if (plan.facts.length) {
    md.push(`## ${l10n.t('What was checked')}`, '');
    for (const f of plan.facts) md.push(`- ${p(f)}`);
    md.push('');
  }
  if (plan.guestScript && !plan.refusal) {
    // Each line a code span (a VM name in it stays inert); the .sh file has it too, and the editor opens the .cmd itself.
    md.push(`## ${l10n.t('First, in the guest')}`, '', l10n.t('Run this as {0} in the guest, as Administrator; the steps below wait for its effect:', markdownCode(plan.guestScript.file)), '');
    for (const l of plan.guestScript.text.split(/\r?\n/)) if (l) md.push(`- ${markdownCode(l)}`);
    md.push('');
  }
  if (plan.refusal) {
    md.push(`## ${l10n.t('Refused')}`, '', p(plan.refusal), '', l10n.t('Nothing runs: the script stops at once with this reason.'), '');
  } else {
    md.push(`## ${l10n.t('Steps')}`, '');
    built.forEach(({ step, e }, i) => {
      md.push(`### ${i + 1}. ${p(step.title)}`, '');
      md.push(`- ${l10n.t('why: {0}', p(step.why))}`);
      md.push(`- ${l10n.t('how: {0}', p(whereText(step.action)))}`);
      md.push(`- ${l10n.t('confirmation: {0}', p(confirmSentence(step, plan)))}`);
      if (step.check) md.push(`- ${e.check ? l10n.t('check: {0} (the script checks it and stops when it does not hold)', p(step.check)) : l10n.t('check: {0}', p(step.check))}`);
      if (step.onFailure) md.push(`- ${l10n.t('if it fails: {0} is read on {1}', p(step.onFailure.what), p(step.onFailure.host.name))}`);
      const done = outcome?.steps.find((s) => s.id === step.id);
      if (done) md.push(`- ${done.error ? l10n.t('outcome: **{0}** — {1}', p(statusText(done.status)), p(done.error)) : l10n.t('outcome: **{0}**', p(statusText(done.status)))}`);
      // Code spans, one line each (a newline inside a quoted name shows as \n): the .sh file has the exact text.
      md.push(`- ${l10n.t('runs: {0}', markdownCode(e.command))}`);
      if (e.check) md.push(`- ${l10n.t('then checks: {0}', markdownCode(e.check))}`);
      md.push('');
    });
  }

  // ---- sh ----
  const sh: string[] = [];
  sh.push('#!/bin/sh');
  sh.push(`# ${line(plan.title)} — ${plan.target.kind} ${line(plan.target.name)} (${line(plan.target.uuid)})`);
  sh.push(`# ${section ? (section.url ? l10n.t('Procedure {0} of the runbook: {1}, {2}', line(plan.procedure), section.title, section.url) : l10n.t('Procedure {0} of the runbook: {1}', line(plan.procedure), section.title)) : l10n.t('Procedure {0}', line(procedureName(plan.procedure)))}`);
  sh.push(`# ${line(l10n.t('Exported by XCP Admin on {0}: the steps XCP Admin would run, in order. Review it first.', at.toISOString()))}`);
  sh.push(`# ${line(l10n.t('xe commands run on the pool master (or give xe -s/-u/-pw); shell steps go over SSH as root to each host.'))}`);
  sh.push('set -eu');
  sh.push(`fail() { printf '%s\\n' "$*" >&2; exit 1; }`);
  sh.push(`confirm() { printf '%s: ' "$1" >&2; read -r answer || answer=; [ -n "$answer" ] && [ "$answer" = "$2" ] || fail ${quote(line(l10n.t('not confirmed: stopped')))}; }`);
  if (plan.guestScript && !plan.refusal) {
    sh.push(`# ${line(l10n.t('First, in the guest: run this as {0}, as Administrator (the steps below wait for its effect):', plan.guestScript.file))}`);
    for (const l of plan.guestScript.text.split(/\r?\n/)) if (l) sh.push(`#   ${line(l, 2000)}`);
  }
  if (plan.refusal) {
    sh.push(`fail ${quote(l10n.t('refused: {0}', line(plan.refusal, 4000)))}`);
  } else {
    built.forEach(({ step, e, result }, i) => {
      sh.push('');
      sh.push(`printf '%s\\n' ${quote(`== ${i + 1}/${built.length} ${line(step.title)}`)}`);
      sh.push(`# ${l10n.t('why: {0}', line(step.why, 2000))}`);
      if (e.confirm) sh.push(`confirm ${quote(e.confirm.prompt)} ${quote(e.confirm.answer)}`);
      if (result) {
        sh.push(`${result}=$(${e.command})`);
        sh.push(`printf '%s\\n' "$${result}"`);
      } else sh.push(e.command);
      if (e.check) sh.push(e.check);
      else if (step.check) sh.push(`# ${l10n.t('check: {0}', line(step.check, 2000))}`);
    });
    sh.push('', `printf '%s\\n' ${quote(l10n.t('done: all {0} steps of {1}', built.length, line(plan.title)))}`);
  }
  return { markdown: md.join('\n') + '\n', script: sh.join('\n') + '\n', steps };
}
