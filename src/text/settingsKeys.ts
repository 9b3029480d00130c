// Which setting names a settings file (`.vscode/settings.json`, a `.code-workspace` file: JSON with
// comments and trailing commas) sets, without taking any value from it. In Restricted Mode VS Code hides
// a workspace's restricted settings from the extension entirely, so the tree can only say "this
// workspace's pools are ignored" by looking at the file's keys itself; nothing else of the file is used.
// Imports nothing of ours: any layer may use it.

/** The object keys anywhere in a JSONC text (a broken file gives the keys read up to where it breaks). */
export function settingsKeys(text: string): Set<string> {
  const keys = new Set<string>();
  let i = 0;
  const n = text.length;
  const skipBlank = (): void => {
    for (;;) {
      while (i < n && /\s/.test(text[i])) i++;
      if (text.startsWith('//', i)) {
        const end = text.indexOf('\n', i);
        i = end < 0 ? n : end + 1;
      } else if (text.startsWith('/*', i)) {
        const end = text.indexOf('*/', i + 2);
        i = end < 0 ? n : end + 2;
      } else return;
    }
  };
  while (i < n) {
    skipBlank();
    if (i >= n) break;
    if (text[i] !== '"') {
      i++;
      continue;
    }
    // A string: read it to its closing quote (escapes kept as written: setting names have none).
    let j = i + 1;
    while (j < n && text[j] !== '"' && text[j] !== '\n') j += text[j] === '\\' ? 2 : 1;
    const value = text.slice(i + 1, j);
    i = j + 1;
    skipBlank();
    if (text[i] === ':') keys.add(value);
  }
  return keys;
}
