// Names from XAPI shown to the admin outside a terminal: in modal dialogs, quick picks and notifications
// (displayName: one line, controls and bidi overrides shown, a 10 kB name cut), and in Markdown (the
// tree's tooltips, the plan preview, the journal document: a newline must not start a heading, a bare
// URL must not become a link, `*` or `<b>` must not format). A pool user chooses these names. No vscode
// import.

import { l10n } from './l10n';

/** C0 and C1 controls (newline and tab included: a name is one line), DEL, bidi marks and overrides, zero-width characters, lone surrogates. */
const UNSAFE = /[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** The longest name shown whole; longer ones are cut, saying how long they were. */
export const DISPLAY_MAX = 120;

function escaped(c: string): string {
  if (c === '\n') return '\\n';
  if (c === '\r') return '\\r';
  if (c === '\t') return '\\t';
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** Whether a name holds a character that changes how text around it looks (a control, a bidi override, an invisible one). */
export function hasUnsafeCharacters(name: string): boolean {
  UNSAFE.lastIndex = 0;
  const found = UNSAFE.test(name);
  UNSAFE.lastIndex = 0;
  return found;
}

/**
 * A name for a dialog, a quick pick or a notification: one line, every unsafe character shown as an
 * escape, cut after DISPLAY_MAX characters; an empty or blank name shown as such.
 */
export function displayName(name: string | undefined, max = DISPLAY_MAX): string {
  if (name === undefined || name === '') return l10n.t('(no name)');
  if (name.trim() === '' && !hasUnsafeCharacters(name)) return l10n.t('"{0}" (blank name)', name);
  const cut = [...name].length > max ? l10n.t('{0}… ({1} characters)', [...name].slice(0, max).join(''), name.length) : name;
  return cut.replace(UNSAFE, escaped);
}

/**
 * A value (a name, a map entry) for Markdown that is only ever rendered (a tooltip): unsafe characters
 * escaped visibly, every character that starts Markdown markup backslash-escaped (and `:` and `.`, so a
 * URL or a domain is not autolinked, `$` so no math starts), on one line.
 */
export function markdownText(text: string, max = 4 * DISPLAY_MAX): string {
  const cut = text.length > max ? `${text.slice(0, max)}… (${text.length} characters)` : text;
  return cut.replace(UNSAFE, escaped).replace(/[\\`*_{}[\]()#+\-.!|<>~:&@$]/g, (c) => `\\${c}`);
}

/**
 * A sentence of ours with names in it, for a Markdown document that is read raw as well as rendered (the
 * plan preview, the journal): on one line, unsafe characters escaped visibly, the characters that start
 * Markdown markup escaped, URLs and domain-like words broken so they are not autolinked. Ordinary
 * punctuation (.,:;()-) stays readable.
 */
export function markdownProse(text: string, max = 40 * DISPLAY_MAX): string {
  const cut = text.length > max ? `${text.slice(0, max)}… (${text.length} characters)` : text;
  return cut
    .replace(UNSAFE, escaped)
    .replace(/[\\`*_[\]<>#|!~&@{}$]/g, (c) => `\\${c}`)
    .replace(/:(?=\/\/)/g, '\\:')
    .replace(/(?<=[A-Za-z0-9])\.(?=[A-Za-z])/g, '\\.')
    .replace(/^([+=-]|\d+[.)])(?=\s)/, '\\$1');
}

/**
 * A Markdown code span holding `text` exactly as shown (a command line): unsafe characters (newlines
 * included) escaped visibly, fenced by more backticks than the text holds in a row.
 */
export function markdownCode(text: string): string {
  const clean = text.replace(UNSAFE, escaped);
  const longest = Math.max(0, ...(clean.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(longest + 1);
  const pad = clean.startsWith('`') || clean.endsWith('`') || clean.startsWith(' ') ? ' ' : '';
  return `${fence}${pad}${clean}${pad}${fence}`;
}
