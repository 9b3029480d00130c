// What a row shows, as plain data (NodeView), and the text helpers every row view uses: names from XAPI
// are untrusted, so descriptions are made one line and tooltips inert Markdown. No vscode import: the
// provider turns a NodeView into a TreeItem.

import { displayName, markdownText } from '../../text/display';

export interface NodeView {
  label: string;
  description?: string;
  /** Markdown. */
  tooltip?: string;
  contextValue: string;
  /** A codicon id, with an optional theme color id. */
  icon: string;
  iconColor?: string;
  collapsible: boolean;
  /** Command run when the row is clicked (e.g. Retry on a failed pool's notice). */
  command?: { id: string; title: string };
}

/** A row's description, which names from XAPI reach: one line, controls shown, long names cut. */
export function oneLine(s: string): string {
  return s === '' ? '' : displayName(s, 200);
}

/** A tooltip: its non-empty lines as Markdown paragraphs. */
export function md(...lines: (string | undefined)[]): string {
  return lines.filter((l): l is string => l !== undefined && l !== '').join('\n\n');
}

/** Escapes XAPI text for markdown: names are untrusted and may hold markup. */
export function esc(s: string): string {
  return markdownText(s);
}
