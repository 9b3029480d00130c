// The procedure journal as the Markdown document the admin opens ("Open Procedure Journal"), newest run
// first. Names and messages in it come from XAPI and from hosts' output: each goes through markdownProse,
// so a name cannot make a heading, a fake run or a link. No vscode import.

import { markdownCode, markdownProse } from '../text/display';
import type { JournalEntry } from './journal';
import { runbookReference } from './runbookSections';

/** `runbookUrl`: the team's runbook page (setting xcpAdmin.runbook.url), linked next to each code; none: no link. */
export function journalDocument(entries: readonly JournalEntry[], runbookUrl?: string): string {
  if (entries.length === 0) return '# Procedure journal\n\nNo procedure has run yet.\n';
  const p = (text: string) => markdownProse(String(text ?? ''));
  return '# Procedure journal\n\n' + [...entries].reverse().map((e) =>
    `## ${p(e.started)} — ${p(e.procedure)} ${p(e.title)}: ${p(e.target?.name ?? '?')} — **${p(e.status)}**\n\n` +
    (/^[HS]\d$/.test(e.procedure) ? `From the ${runbookReference(e.procedure, runbookUrl)}.\n\n` : '') +
    `${p(e.message)}\n\n` +
    (e.runbook ? 'Runbook kept with this run (Export Plan as Runbook saves it as Markdown and sh).\n\n' : '') +
    (e.steps ?? []).map((s) => `- ${s.status === 'unknown' ? '**outcome unknown**' : p(s.status)}: ${p(s.title)}${s.error ? ` — ${p(s.error)}` : ''}` +
      (s.command ? `\n  - ${markdownCode(s.command)}` : '') +
      (s.readBack ?? []).map((l) => `\n  - ${p(l)}`).join('') +
      (s.diagnosis ? `\n  - ${p(s.diagnosis.what)}:` + s.diagnosis.lines.map((l) => `\n    - ${p(l)}`).join('') : '')).join('\n')).join('\n\n') + '\n';
}
