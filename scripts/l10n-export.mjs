#!/usr/bin/env node
// Writes l10n/bundle.l10n.json, the English bundle of every `vscode.l10n.t('…')` message in src/, the
// file a translator copies to bundle.l10n.<locale>.json (VS Code reads it through package.json's
// "l10n" field). @vscode/l10n-dev does the same but is not a dependency; this reads the sources with
// the TypeScript compiler we already have, so a message is found however the call is formatted.
// It also refuses what would not translate: a message that is not a literal (a template or a
// concatenation), and placeholders {n} that do not match the arguments.
//
// Usage: node scripts/l10n-export.mjs [--src DIR] [--out FILE] [--check]
//   --check  writes nothing; exits 1 when the bundle is missing a message or lists one no longer used.
import { readdirSync, readFileSync, statSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function tsFiles(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...tsFiles(p));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** `vscode.l10n.t(…)` or `l10n.t(…)`. */
function isL10nCall(node) {
  if (!ts.isCallExpression(node) || !ts.isPropertyAccessExpression(node.expression)) return false;
  const { expression: owner, name } = node.expression;
  if (name.text !== 't') return false;
  if (ts.isIdentifier(owner)) return owner.text === 'l10n';
  return ts.isPropertyAccessExpression(owner) && owner.name.text === 'l10n';
}

/**
 * The messages of every l10n call under `srcDir`, and the calls that would not translate.
 * @returns {{ messages: string[], problems: string[] }} messages sorted, without duplicates
 */
export function collectMessages(srcDir) {
  const messages = new Set();
  const problems = [];
  for (const file of tsFiles(srcDir)) {
    const text = readFileSync(file, 'utf8');
    if (!text.includes('l10n')) continue;
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
    const where = (node) => `${relative(process.cwd(), file)}:${source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1}`;
    const visit = (node) => {
      if (isL10nCall(node)) {
        const [first, ...args] = node.arguments;
        if (!first || !(ts.isStringLiteral(first) || ts.isNoSubstitutionTemplateLiteral(first))) {
          problems.push(`${where(node)}: the message is not a string literal (use {0} placeholders, never a template or +)`);
        } else {
          const message = first.text;
          const used = new Set([...message.matchAll(/\{(\d+)\}/g)].map((m) => Number(m[1])));
          for (const i of used) if (i >= args.length) problems.push(`${where(node)}: {${i}} has no argument in "${message}"`);
          for (let i = 0; i < args.length; i++) if (!used.has(i)) problems.push(`${where(node)}: argument ${i} is not placed ({${i}} missing) in "${message}"`);
          messages.add(message);
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return { messages: [...messages].sort(), problems };
}

/** The bundle's JSON text: each English message keyed by itself, as @vscode/l10n-dev writes it. */
export function bundleText(messages) {
  return JSON.stringify(Object.fromEntries(messages.map((m) => [m, m])), null, 2) + '\n';
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const argv = process.argv.slice(2);
  const opt = (name, fallback) => (argv.includes(name) ? resolve(argv[argv.indexOf(name) + 1]) : fallback);
  const srcDir = opt('--src', join(repoRoot, 'src'));
  const out = opt('--out', join(repoRoot, 'l10n', 'bundle.l10n.json'));
  const { messages, problems } = collectMessages(srcDir);
  for (const p of problems) console.error(`l10n: ${p}`);
  if (argv.includes('--check')) {
    const listed = existsSync(out) ? Object.keys(JSON.parse(readFileSync(out, 'utf8'))) : [];
    const missing = messages.filter((m) => !listed.includes(m));
    const stale = listed.filter((m) => !messages.includes(m));
    for (const m of missing) console.error(`l10n: missing from ${relative(process.cwd(), out)}: ${JSON.stringify(m)}`);
    for (const m of stale) console.error(`l10n: no longer used, still in ${relative(process.cwd(), out)}: ${JSON.stringify(m)}`);
    if (missing.length || stale.length) console.error('l10n: run `node scripts/l10n-export.mjs` to write the bundle again.');
    process.exit(problems.length || missing.length || stale.length ? 1 : 0);
  }
  if (problems.length) process.exit(1);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, bundleText(messages));
  console.error(`l10n: ${messages.length} messages → ${relative(process.cwd(), out)}`);
}
