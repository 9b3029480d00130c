// How editor-free code says things the admin reads in the admin's language without importing the
// editor: it imports `l10n` from here and calls `l10n.t('English message {0}', value)` exactly as the
// editor calls `vscode.l10n.t` (so scripts/l10n-export.mjs finds the message). The editor hands its
// translator over once at activation (`useTranslator(vscode.l10n)`); until then, in the CLI and in
// tests, messages come out in English. Imports nothing of ours: any layer may use it.
//
// Call `l10n.t` when the text is needed, never at module load: a constant computed on import is
// English forever, whatever the editor hands over later.

export interface Translator {
  t(message: string, ...args: (string | number | boolean)[]): string;
}

/** The messages as written: `{n}` replaced by the n-th argument. */
export const english: Translator = {
  t: (message, ...args) => message.replace(/\{(\d+)\}/g, (whole, i: string) => (Number(i) < args.length ? String(args[Number(i)]) : whole)),
};

let current: Translator = english;

/** The translator of editor-free code: whatever `useTranslator` was given, else English. */
export const l10n: Translator = {
  t: (message, ...args) => current.t(message, ...args),
};

/** From now on `l10n.t` answers through `translator` (the editor passes `vscode.l10n`); the returned function restores the previous one. */
export function useTranslator(translator: Translator): () => void {
  const previous = current;
  current = translator;
  return () => {
    current = previous;
  };
}
