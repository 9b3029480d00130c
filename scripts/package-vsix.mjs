#!/usr/bin/env node
// `npm run package`: the production bundle, then `vsce package --no-dependencies` → xcp-admin-<version>.vsix.
// The bundle holds the dependencies (ssh2's optional native parts are left out by the bundler), and
// .vscodeignore is an allow-list, so the .vsix holds only dist/extension.js, media/, the manifest and docs.
// Runs offline and never reads stdin (vsce asks questions there when a repository field or LICENSE is missing).
//
// Usage: node scripts/package-vsix.mjs [--out FILE] [--no-bundle]
// As a module: `packageVsix({ out })` → the .vsix path.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** @param {{ out?: string, bundle?: boolean, quiet?: boolean }} [options] */
export function packageVsix(options = {}) {
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
  const out = resolve(options.out ?? join(repoRoot, `${pkg.name}-${pkg.version}.vsix`));
  const stdio = ['ignore', options.quiet ? 'pipe' : 'inherit', options.quiet ? 'pipe' : 'inherit'];
  if (options.bundle !== false) {
    const b = spawnSync(process.execPath, [join(repoRoot, 'scripts', 'bundle.mjs'), '--production'], { cwd: repoRoot, stdio, encoding: 'utf8' });
    if (b.status !== 0) throw new Error(`package: the bundle failed\n${b.stdout ?? ''}${b.stderr ?? ''}`);
  }
  if (!existsSync(join(repoRoot, 'dist', 'extension.js'))) throw new Error('package: dist/extension.js is missing');
  const vsce = join(repoRoot, 'node_modules', '@vscode', 'vsce', 'vsce');
  const args = [vsce, 'package', '--no-dependencies', '--out', out];
  // Without a repository URL, vsce cannot make the README's relative image links absolute: they stay
  // relative, which VS Code resolves inside the installed extension (media/ ships).
  if (!pkg.repository) args.push('--allow-missing-repository', '--no-rewrite-relative-links');
  if (!existsSync(join(repoRoot, 'LICENSE')) && !existsSync(join(repoRoot, 'LICENSE.md'))) args.push('--skip-license');
  const r = spawnSync(process.execPath, args, { cwd: repoRoot, stdio, encoding: 'utf8', env: { ...process.env, CI: process.env.CI ?? '1' } });
  if (r.status !== 0) throw new Error(`package: vsce package failed (exit ${r.status})\n${r.stdout ?? ''}${r.stderr ?? ''}`);
  if (!existsSync(out) || statSync(out).size === 0) throw new Error(`package: vsce reported success but ${out} is missing`);
  return out;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const argv = process.argv.slice(2);
  const i = argv.indexOf('--out');
  try {
    const started = Date.now();
    const file = packageVsix({ out: i >= 0 ? argv[i + 1] : undefined, bundle: !argv.includes('--no-bundle') });
    console.error(`package: ${file} (${(statSync(file).size / 1024).toFixed(0)} KiB) in ${Date.now() - started} ms`);
  } catch (e) {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  }
}
