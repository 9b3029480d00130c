// The procedure journal as the Markdown document the admin opens ("Open Procedure Journal"), newest run
// first. Names and messages in it come from XAPI and from hosts' output: each goes through markdownProse,
// so a name cannot make a heading, a fake run or a link. No vscode import.

import { markdownCode, markdownProse } from '../text/display';
import { statusText, type JournalEntry } from './journal';
import { l10n } from '../text/l10n';
import { procedureName } from './plan';
import { runbookReference } from './runbookSections';

/** `runbookUrl`: the team's runbook page (setting xcpAdmin.runbook.url), linked next to each code; none: no link. */
export function journalDocument(entries: readonly JournalEntry[], runbookUrl?: string): string {
  if (entries.length === 0) return `# ${l10n.t('Procedure journal')}\n\n${l10n.t('No procedure has run yet.')}\n`;
  const p = (text: string) => markdownProse(String(text ?? ''));
  return `# ${l10n.t('Procedure journal')}\n\n` + [...entries].reverse().map((e) =>
    `## ${p(e.started)} — ${p(procedureName(e.procedure))} ${p(e.title)}: ${p(e.target?.name ?? '?')} — **${p(statusText(e.status))}**\n\n` +
    (/^[HS]\d$/.test(e.procedure) ? `${l10n.t('From the {0}.', runbookReference(e.procedure, runbookUrl))}\n\n` : '') +
    `${p(e.message)}\n\n` +
    (e.runbook ? `${l10n.t('Runbook kept with this run (Export Plan as Runbook saves it as Markdown and sh).')}\n\n` : '') +
    (e.steps ?? []).map((s) => `- ${s.status === 'unknown' ? `**${l10n.t('outcome unknown')}**` : p(statusText(s.status))}: ${p(s.title)}${s.error ? ` — ${p(s.error)}` : ''}` +
      (s.command ? `\n  - ${markdownCode(s.command)}` : '') +
      (s.readBack ?? []).map((l) => `\n  - ${p(l)}`).join('') +
      (s.diagnosis ? `\n  - ${p(s.diagnosis.what)}:` + s.diagnosis.lines.map((l) => `\n    - ${p(l)}`).join('') : '')).join('\n')).join('\n\n') + '\n';
}
