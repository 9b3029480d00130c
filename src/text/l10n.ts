// How editor-free code says things the admin reads in the admin's language without importing the
// editor: it takes a Translator, calls `l10n.t('English message {0}', value)` as the editor does (so
// scripts/l10n-export.mjs finds the message), and gets English when nobody passes one. The editor
// passes `vscode.l10n`. Imports nothing of ours: any layer may use it.

export interface Translator {
  t(message: string, ...args: (string | number | boolean)[]): string;
}

/** The messages as written: `{n}` replaced by the n-th argument. */
export const english: Translator = {
  t: (message, ...args) => message.replace(/\{(\d+)\}/g, (whole, i: string) => (Number(i) < args.length ? String(args[Number(i)]) : whole)),
};
