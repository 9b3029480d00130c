// Everything the extension writes to a terminal that is not the admin's own interactive session (the
// procedure terminal, the banner around a root shell) goes through here. Names come from XAPI and
// output from guests and dom0s that a pool user controls: an ESC there could set the terminal's title,
// write the clipboard (OSC 52), move the cursor or paint a fake green "done". So C0 and C1 controls
// and ESC are shown visibly (`␛`, `\x07`…), newline and tab kept; a byte stream is decoded with one
// UTF-8 decoder (a character split across packets stays whole) and cut into lines only at newlines (a
// line split across packets stays one line); lines leave with `\r\n`. No vscode import.

import { StringDecoder } from 'node:string_decoder';

/** Characters that steer a terminal: C0 but tab and newline, DEL, C1; bidi overrides; lone surrogates. */
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function visible(c: string): string {
  if (c === '\x1b') return '␛';
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** One line of text made harmless for a terminal: every control shown, tabs kept; a newline in it shown too. */
export function cleanLine(text: string): string {
  return text.replace(CONTROL, visible).replace(/\n/g, '\\n');
}

/** Text made harmless for a terminal, newlines kept (as `\r\n`), every other control shown visibly. */
export function cleanForTerminal(text: string): string {
  return text.split(/\r?\n/).map(cleanLine).join('\r\n');
}

/** The same rule for one character class, for callers that check text (tests, the corpus run). */
export const TERMINAL_CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/;

/**
 * A stream's bytes as clean terminal lines: one UTF-8 decoder for the whole stream, lines emitted only
 * when their newline has come (`flush` emits the rest at the end). A lone CR before a newline is dropped;
 * elsewhere it is shown, so a guest cannot overwrite a line with a carriage return.
 */
export class TerminalLineWriter {
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';

  constructor(private readonly emit: (cleanLine: string) => void) {}

  write(chunk: Buffer | string): void {
    this.pending += typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    let nl: number;
    while ((nl = this.pending.indexOf('\n')) >= 0) {
      this.emit(cleanLine(this.pending.slice(0, nl).replace(/\r$/, '')));
      this.pending = this.pending.slice(nl + 1);
    }
  }

  /** The end of the stream: whatever is left (an unfinished line, a truncated character) goes out. */
  flush(): void {
    this.pending += this.decoder.end();
    if (this.pending !== '') this.emit(cleanLine(this.pending.replace(/\r$/, '')));
    this.pending = '';
  }
}

/** What a line of the procedure terminal is, said by whoever writes it (never guessed from its text). */
export type LineKind = 'heading' | 'command' | 'output' | 'failure' | 'warning' | 'success' | 'note' | 'dim';

const STYLE: Record<LineKind, [string, string]> = {
  heading: ['\x1b[1m', '\x1b[0m'],
  command: ['\x1b[36m', '\x1b[0m'],
  failure: ['\x1b[31m', '\x1b[0m'],
  success: ['\x1b[32m', '\x1b[0m'],
  warning: ['\x1b[33m', '\x1b[0m'],
  dim: ['\x1b[2m', '\x1b[0m'],
  output: ['', ''],
  note: ['', ''],
};

/**
 * The bytes for one logical line of a terminal the extension writes: the text cleaned, every line of it
 * styled for its kind (our own SGR codes only), each ending in `\r\n`.
 */
export function terminalLine(text: string, kind: LineKind = 'note'): string {
  const [on, off] = STYLE[kind];
  return text.split(/\r?\n/).map((l) => `${on}${cleanLine(l)}${off}\r\n`).join('');
}

/** Text (possibly several lines) styled as one kind, for a terminal: like terminalLine, without the last line end. */
export function terminalText(text: string, kind: LineKind = 'note'): string {
  return terminalLine(text, kind).replace(/\r\n$/, '');
}
