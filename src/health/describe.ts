// A finding as text for the places that show it: the Problems view's tooltip (Markdown, rendered) and
// Copy Details (plain text for a ticket or a chat). Evidence, names and message bodies are XAPI's
// untrusted text: escaped for Markdown (no heading, link, HTML or bidi trick) and for one-line plain
// text (controls shown visibly). No vscode import.

import { displayName, markdownCode, markdownProse, markdownText } from '../text/display';
import type { Finding } from './finding';

const SEVERITY_WORD = { error: 'Error', warning: 'Warning', info: 'Information' } as const;

/** The tooltip: what, the object, the evidence as a list, the fix. */
export function findingMarkdown(f: Finding, pool: string): string {
  const lines = [
    `**${SEVERITY_WORD[f.severity]}** · ${markdownText(pool)} · ${f.object.kind} ${markdownText(f.object.name || '(no name)')}`,
    '',
    markdownProse(f.summary),
    '',
    ...Object.entries(f.evidence).map(([k, v]) => `- ${markdownText(k, 80)}: ${k === 'body' && v.includes('\n') ? v.split('\n').filter((l) => l !== '').slice(0, 12).map((l) => markdownCode(l)).join(' ') : markdownText(v)}`),
    '',
    `uuid ${markdownCode(f.object.uuid)} · check ${markdownCode(f.check)}`,
  ];
  if (f.fix) {
    lines.push('', `Fix: ${markdownProse(f.fix.procedure)}`);
    if (f.fix.xe) lines.push('', `On the master: ${markdownCode(f.fix.xe)}`);
  }
  return lines.join('\n');
}

/** Copy Details: plain text, one field a line, every value on one line with its controls shown. */
export function findingDetails(f: Finding, pool: string): string {
  const one = (s: string) => displayName(s, 10_000);
  return [
    `${SEVERITY_WORD[f.severity]}: ${one(f.summary)}`,
    `pool: ${one(pool)}`,
    `object: ${f.object.kind} ${one(f.object.name)} (${f.object.uuid})`,
    `check: ${f.check}`,
    ...Object.entries(f.evidence).map(([k, v]) => `${one(k)}: ${one(v)}`),
    ...(f.fix ? [`fix: ${one(f.fix.procedure)}`, ...(f.fix.xe ? [`on the master: ${one(f.fix.xe)}`] : [])] : []),
  ].join('\n');
}
