// The .vsix holds the bundle, media, manifest (with its English texts and runtime bundle) and docs, and nothing of the sources, tests, simulator
// or benchmarks. Packages the current build (scripts/package-vsix.mjs --no-bundle) into a temp folder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { builtinModules } from 'node:module';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const repoRoot = resolve(__dirname, '..', '..', '..');

/** The file names of a zip archive, read from its central directory. */
export function zipEntries(zip: Buffer): string[] {
  // End of central directory: signature 0x06054b50, at most 65535 + 22 bytes from the end.
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) { eocd = i; break; }
  }
  if (eocd < 0) throw new Error('not a zip file: no end of central directory');
  const count = zip.readUInt16LE(eocd + 10);
  let p = zip.readUInt32LE(eocd + 16);
  const names: string[] = [];
  for (let n = 0; n < count; n++) {
    if (zip.readUInt32LE(p) !== 0x02014b50) throw new Error(`bad central directory entry at ${p}`);
    const nameLen = zip.readUInt16LE(p + 28);
    const extraLen = zip.readUInt16LE(p + 30);
    const commentLen = zip.readUInt16LE(p + 32);
    names.push(zip.toString('utf8', p + 46, p + 46 + nameLen));
    p += 46 + nameLen + extraLen + commentLen;
  }
  return names;
}

test('the .vsix holds the bundle, media and docs, and nothing else', { timeout: 120_000 }, (t) => {
  assert.ok(existsSync(join(repoRoot, 'dist', 'extension.js')), 'dist/extension.js exists (npm run build)');
  const dir = mkdtempSync(join(tmpdir(), 'xcp-vsix-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const out = join(dir, 'xcp-admin.vsix');
  const started = Date.now();
  const r = spawnSync(process.execPath, [join(repoRoot, 'scripts', 'package-vsix.mjs'), '--no-bundle', '--out', out], {
    cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'],
  });
  assert.equal(r.status, 0, `package-vsix failed:\n${r.stdout}${r.stderr}`);
  t.diagnostic(`vsce package: ${Date.now() - started} ms`);

  const names = zipEntries(readFileSync(out));
  const files = names.filter((n) => n.startsWith('extension/')).map((n) => n.slice('extension/'.length));
  t.diagnostic(`${files.length} files: ${files.join(', ')}`);

  // vsce stores README.md as readme.md, CHANGELOG.md as changelog.md and LICENSE as LICENSE.txt.
  const lower = files.map((f) => f.toLowerCase());
  for (const f of ['dist/extension.js', 'dist/demofleet.js', 'dist/ssh2.js', 'package.json', 'package.nls.json', 'l10n/bundle.l10n.json', 'readme.md', 'changelog.md']) {
    assert.ok(lower.includes(f), `the .vsix holds ${f}`);
  }
  assert.ok(files.some((f) => /^LICENSE(\.md|\.txt)?$/i.test(f)), 'the .vsix holds the LICENSE');
  assert.ok(files.some((f) => f.startsWith('media/')), 'the .vsix holds media/');

  const forbidden = files.filter((f) =>
    /^(simulator|test|bench|src|out|scripts|node_modules|\.code-server|\.ci)\//.test(f)
    || f.endsWith('.map') || (f.endsWith('.ts') && !f.endsWith('.d.ts')) || f.endsWith('.vsix')
    || /^(tsconfig.*\.json|package-lock\.json|\.gitignore|\.vscodeignore)$/.test(f));
  assert.deepEqual(forbidden, [], 'nothing from the sources, tests, simulator, benchmarks; no source maps');
});

test('the bundles require only node built-ins, vscode, each other and the native parts they may do without', () => {
  const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
  // ssh2 loads these inside try/catch and falls back to pure JS.
  const optional = new Set(['cpu-features', './crypto/build/Release/sshcrypto.node']);
  for (const [file, own] of [['extension.js', ['vscode', './ssh2.js']], ['ssh2.js', []]] as const) {
    const bundle = readFileSync(join(repoRoot, 'dist', file), 'utf8');
    const required = new Set<string>();
    for (const m of bundle.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)) required.add(m[1]);
    const outside = [...required].filter((m) => !(own as readonly string[]).includes(m) && !builtins.has(m) && !optional.has(m));
    assert.deepEqual(outside, [], `${file}: a module outside the bundles would be missing when installed from the .vsix`);
  }
  // ssh2 is loaded at the first SSH connection, not with the extension.
  const main = readFileSync(join(repoRoot, 'dist', 'extension.js'), 'utf8');
  assert.ok(!/node_modules\/ssh2\//.test(main), 'ssh2 is not in dist/extension.js');
  const ssh2 = require(join(repoRoot, 'dist', 'ssh2.js')) as { Client?: unknown };
  assert.equal(typeof ssh2.Client, 'function', 'dist/ssh2.js exports ssh2\'s Client');
});

test('the demo fleet is its own bundle: the simulator is in dist/demoFleet.js and not in the bundle that activation loads', () => {
  const main = readFileSync(join(repoRoot, 'dist', 'extension.js'), 'utf8');
  const demo = readFileSync(join(repoRoot, 'dist', 'demoFleet.js'), 'utf8');
  // Texts of the simulator's own (simulator/index.ts, simulator/server.ts) that no minifier renames.
  for (const text of ['the simulator was started without tls', 'session.login_with_password']) {
    assert.ok(demo.includes(text), `dist/demoFleet.js holds "${text}"`);
  }
  assert.ok(!main.includes('the simulator was started without tls'), 'dist/extension.js does not hold the simulator');
  assert.match(main, /demoFleet\.js/, 'the main bundle loads it by path, when asked');
});

