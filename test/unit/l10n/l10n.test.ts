// The extension's texts are ready for translation: package.json's contributed texts come from
// package.nls.json, and l10n/bundle.l10n.json lists exactly the runtime messages of src/
// (scripts/l10n-export.mjs, run here on the real sources and on small fixtures).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const repoRoot = resolve(__dirname, '..', '..', '..', '..');
const exportScript = join(repoRoot, 'scripts', 'l10n-export.mjs');
const readJson = (p: string): Record<string, unknown> => JSON.parse(readFileSync(join(repoRoot, p), 'utf8')) as Record<string, unknown>;

/** Keys whose string values the UI shows: titles, names, welcome texts, setting descriptions. */
const TEXT_KEYS = new Set(['title', 'name', 'contextualTitle', 'contents', 'category', 'description', 'markdownDescription', 'enumDescriptions', 'altText']);

/** Every shown text of the manifest's contributions, with where it is. */
function contributedTexts(value: unknown, path: string, out: { path: string; text: string }[] = []): { path: string; text: string }[] {
  if (Array.isArray(value)) value.forEach((v, i) => contributedTexts(v, `${path}[${i}]`, out));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (TEXT_KEYS.has(k) && typeof v === 'string') out.push({ path: `${path}.${k}`, text: v });
      else contributedTexts(v, `${path}.${k}`, out);
    }
  }
  return out;
}

function runExport(args: string[]): { status: number | null; stderr: string } {
  const r = spawnSync(process.execPath, [exportScript, ...args], { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return { status: r.status, stderr: r.stderr };
}

test('every title, name, welcome text and setting description in package.json is a %key% that package.nls.json gives in English', () => {
  const pkg = readJson('package.json');
  const nls = readJson('package.nls.json');
  const texts = [
    { path: 'displayName', text: pkg.displayName as string },
    { path: 'description', text: pkg.description as string },
    ...contributedTexts(pkg.contributes, 'contributes'),
    ...contributedTexts(pkg.capabilities, 'capabilities'),
  ];
  assert.ok(texts.length > 40, `the manifest's texts were found (${texts.length})`);
  const literal = texts.filter((t) => !/^%[^%]+%$/.test(t.text));
  assert.deepEqual(literal, [], 'no text is written in package.json itself');
  const undefinedKeys = texts.map((t) => t.text.slice(1, -1)).filter((k) => typeof nls[k] !== 'string' || !(nls[k] as string).trim());
  assert.deepEqual(undefinedKeys, [], 'every %key% has its English text');
  const used = new Set(texts.map((t) => t.text.slice(1, -1)));
  assert.deepEqual(Object.keys(nls).filter((k) => !used.has(k)), [], 'package.nls.json holds no text nothing uses');
  // What the admin reads (and the e2e tests click) is unchanged English.
  assert.equal(nls[(pkg.contributes as { commands: { command: string; title: string }[] }).commands.find((c) => c.command === 'xcpAdmin.pool.add')!.title.slice(1, -1)], 'Add Pool…');
});

test('package.json declares the l10n folder, and it holds the English bundle', () => {
  const pkg = readJson('package.json');
  assert.equal(pkg.l10n, './l10n');
  assert.ok(existsSync(join(repoRoot, 'l10n', 'bundle.l10n.json')), 'l10n/bundle.l10n.json exists');
});

test('l10n/bundle.l10n.json lists every vscode.l10n.t message of src/ and no other, each a literal with its placeholders matched', () => {
  const r = runExport(['--check']);
  assert.equal(r.status, 0, `scripts/l10n-export.mjs --check:\n${r.stderr}`);
  const bundle = readJson('l10n/bundle.l10n.json');
  // The modal buttons the e2e tests click by their English text.
  for (const label of ['Trust and Connect', 'Run', 'Yes, do it', 'Forget', 'Remove']) assert.equal(bundle[label], label, `the bundle has "${label}"`);
});

test('the export finds messages however the call is laid out, and refuses templates and unplaced arguments', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'xcp-l10n-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const src = join(dir, 'src');
  mkdirSync(join(src, 'deep'), { recursive: true });
  writeFileSync(join(src, 'a.ts'), [
    "import * as vscode from 'vscode';",
    'export const a = (n: number, who: string) => vscode.l10n.t(',
    "  'It\\'s {1}\\'s turn: {0} left\\nnext line',",
    '  n,',
    '  who,',
    ');',
    "export const b = () => vscode.window.showInformationMessage(vscode.l10n.t(\"Done\"));",
  ].join('\n'));
  writeFileSync(join(src, 'deep', 'b.ts'), "import { l10n } from 'vscode';\nexport const c = () => l10n.t('Done');\n");
  const out = join(dir, 'bundle.l10n.json');
  const ok = runExport(['--src', src, '--out', out]);
  assert.equal(ok.status, 0, ok.stderr);
  assert.deepEqual(JSON.parse(readFileSync(out, 'utf8')), {
    Done: 'Done',
    "It's {1}'s turn: {0} left\nnext line": "It's {1}'s turn: {0} left\nnext line",
  });

  writeFileSync(join(src, 'bad.ts'), [
    "import * as vscode from 'vscode';",
    'export const d = (x: string) => vscode.l10n.t(`Pool ${x} is gone`);',
    "export const e = (x: string) => vscode.l10n.t('Pool ' + x);",
    "export const f = (x: string) => vscode.l10n.t('Pool {1}', x);",
    "export const g = (x: string) => vscode.l10n.t('Pool', x);",
  ].join('\n'));
  const bad = runExport(['--src', src, '--out', out]);
  assert.equal(bad.status, 1, 'a message that would not translate stops the export');
  assert.match(bad.stderr, /bad\.ts:2: the message is not a string literal/);
  assert.match(bad.stderr, /bad\.ts:3: the message is not a string literal/);
  assert.match(bad.stderr, /bad\.ts:4: \{1\} has no argument/);
  assert.match(bad.stderr, /bad\.ts:5: argument 0 is not placed/);

  rmSync(join(src, 'bad.ts'));
  writeFileSync(join(src, 'deep', 'b.ts'), "import { l10n } from 'vscode';\nexport const c = () => l10n.t('Done, again');\n");
  const stale = runExport(['--src', src, '--out', out, '--check']);
  assert.equal(stale.status, 1, '--check fails on a bundle that is out of date');
  assert.match(stale.stderr, /missing from .*: "Done, again"/);
  assert.doesNotMatch(stale.stderr, /no longer used.*"Done"/, '"Done" is still used in a.ts');
});
