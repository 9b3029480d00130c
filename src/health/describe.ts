// A finding as text for the places that show it: the Problems view's tooltip (Markdown, rendered) and
// Copy Details (plain text for a ticket or a chat). Evidence, names and message bodies are XAPI's
// untrusted text: escaped for Markdown (no heading, link, HTML or bidi trick) and for one-line plain
// text (controls shown visibly). No vscode import.

import { displayName, markdownCode, markdownProse, markdownText } from '../text/display';
import { l10n } from '../text/l10n';
import type { Finding, Severity } from './finding';
import { objectKindLabel } from './checks/objects';

/** The severity as a word in the admin's language. */
export function severityWord(severity: Severity): string {
  return severity === 'error' ? l10n.t('Error') : severity === 'warning' ? l10n.t('Warning') : l10n.t('Information');
}

/** The tooltip: what, the object, the evidence as a list, the fix. */
export function findingMarkdown(f: Finding, pool: string): string {
  const lines = [
    `**${severityWord(f.severity)}** · ${markdownText(pool)} · ${objectKindLabel(f.object.kind)} ${markdownText(f.object.name || l10n.t('(no name)'))}`,
    '',
    markdownProse(f.summary),
    '',
    ...Object.entries(f.evidence).map(([k, v]) => `- ${markdownText(k, 80)}: ${k === 'body' && v.includes('\n') ? v.split('\n').filter((l) => l !== '').slice(0, 12).map((l) => markdownCode(l)).join(' ') : markdownText(v)}`),
    '',
    l10n.t('uuid {0} · check {1}', markdownCode(f.object.uuid), markdownCode(f.check)),
  ];
  if (f.fix) {
    lines.push('', l10n.t('Fix: {0}', markdownProse(f.fix.procedure)));
    if (f.fix.xe) lines.push('', l10n.t('On the master: {0}', markdownCode(f.fix.xe)));
  }
  return lines.join('\n');
}

/** Copy Details: plain text, one field a line, every value on one line with its controls shown. */
export function findingDetails(f: Finding, pool: string): string {
  const one = (s: string) => displayName(s, 10_000);
  return [
    `${severityWord(f.severity)}: ${one(f.summary)}`,
    l10n.t('pool: {0}', one(pool)),
    l10n.t('object: {0} {1} ({2})', objectKindLabel(f.object.kind), one(f.object.name), f.object.uuid),
    l10n.t('check: {0}', f.check),
    ...Object.entries(f.evidence).map(([k, v]) => `${one(k)}: ${one(v)}`),
    ...(f.fix ? [l10n.t('fix: {0}', one(f.fix.procedure)), ...(f.fix.xe ? [l10n.t('on the master: {0}', one(f.fix.xe))] : [])] : []),
  ].join('\n');
}
