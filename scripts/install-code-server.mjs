#!/usr/bin/env node
// Installs code-server (VS Code in the browser) from npm into the git-ignored folder .code-server/,
// for `npm start` and the e2e tests. Runs once: when the pinned version is already installed it
// returns at once.
//
// Usage: node scripts/install-code-server.mjs [--force] [--quiet]
// As a module: `await ensureCodeServer()` → absolute path of code-server's entry script.
//
// Why not a plain `npm install code-server`: its postinstall installs VS Code's own dependencies, and
// @vscode/ripgrep downloads its binary from the internet. We put Debian's `rg` into @vscode/ripgrep's
// download cache first, so no download happens; native modules (argon2, kerberos, node-pty, …) build
// from source when their prebuilt downloads fail, which needs make, a C++ compiler, python3 and
// libkrb5-dev.
import { spawnSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync, copyFileSync, rmSync, mkdtempSync, symlinkSync, lstatSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, resolve, delimiter } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

// 4.100.3 is the last code-server whose package.json says engines.node "20"; 4.103 and later ask for
// node 22 (4.139 for node 24). Keep this in step with the node version of the CI machine.
export const CODE_SERVER_VERSION = '4.100.3';
// What @vscode/ripgrep (as pinned by that code-server's VS Code) looks for in its download cache.
const RIPGREP_PACKAGE_VERSION = '1.15.11';
const RIPGREP_VERSION = 'v13.0.0-10';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const installDir = join(repoRoot, '.code-server', 'install');
const pkgDir = join(installDir, 'node_modules', 'code-server');
const marker = join(installDir, 'installed.json');
/** code-server's own launcher script; run it with `node`. */
export const codeServerEntry = join(pkgDir, 'out', 'node', 'entry.js');

function which(cmd) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, cmd))) return join(dir, cmd);
  }
  return undefined;
}

/** True when the pinned version is installed completely (the marker is written last). */
export function isCodeServerInstalled() {
  try {
    const m = JSON.parse(readFileSync(marker, 'utf8'));
    return m.version === CODE_SERVER_VERSION && existsSync(codeServerEntry);
  } catch {
    return false;
  }
}

function checkPrerequisites() {
  const missing = [];
  const apt = new Set();
  if (!which('rg')) { missing.push('rg (ripgrep)'); apt.add('ripgrep'); }
  if (!which('make')) { missing.push('make'); apt.add('build-essential'); }
  if (!which('g++') && !which('c++')) { missing.push('a C++ compiler'); apt.add('build-essential'); }
  if (!which('python3')) { missing.push('python3'); apt.add('python3'); }
  if (!existsSync('/usr/include/gssapi/gssapi.h') && !which('krb5-config')) {
    missing.push('Kerberos headers (for the kerberos native module)');
    apt.add('libkrb5-dev');
  }
  const major = Number(process.versions.node.split('.')[0]);
  if (major !== 20) {
    console.warn(`install-code-server: code-server ${CODE_SERVER_VERSION} is built for node 20; this is node ${process.versions.node}.`);
  }
  if (missing.length) {
    throw new Error(
      `install-code-server: missing ${missing.join(', ')}.\n` +
      `  Run: apt-get install -y ${[...new Set(['ripgrep', 'libkrb5-dev', ...apt])].join(' ')}`,
    );
  }
}

/** Puts Debian's rg into @vscode/ripgrep's download cache so its postinstall never downloads. */
function seedRipgrepCache() {
  const target = { x64: 'x86_64-unknown-linux-musl', arm64: 'aarch64-unknown-linux-musl' }[process.arch];
  if (!target) throw new Error(`install-code-server: no ripgrep target known for ${process.arch}`);
  const cacheDir = join(process.env.TMPDIR || tmpdir(), `vscode-ripgrep-cache-${RIPGREP_PACKAGE_VERSION}`);
  const tarball = join(cacheDir, `ripgrep-${RIPGREP_VERSION}-${target}.tar.gz`);
  mkdirSync(cacheDir, { recursive: true });
  const stage = mkdtempSync(join(tmpdir(), 'rg-stage-'));
  try {
    copyFileSync(which('rg'), join(stage, 'rg'));
    const r = spawnSync('tar', ['-czf', tarball, '-C', stage, 'rg'], { stdio: 'inherit' });
    if (r.status !== 0) throw new Error('install-code-server: could not pack rg into the ripgrep cache');
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

function run(cmd, args, opts) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
    let tail = '';
    const keep = (chunk) => {
      const s = chunk.toString();
      if (!opts.quiet) process.stderr.write(s);
      tail = (tail + s).slice(-8000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolvePromise();
      else reject(new Error(`${cmd} ${args.join(' ')} failed (exit ${code}) in ${opts.cwd}:\n${tail}`));
    });
  });
}

/**
 * Installs code-server unless the pinned version is there already.
 * @param {{force?: boolean, quiet?: boolean}} [options]
 * @returns {Promise<string>} the entry script (run as `node <entry> …`)
 */
export async function ensureCodeServer(options = {}) {
  if (!options.force && isCodeServerInstalled()) return codeServerEntry;
  checkPrerequisites();
  const started = Date.now();
  console.error(`install-code-server: installing code-server ${CODE_SERVER_VERSION} into ${installDir} (about a minute)…`);
  rmSync(installDir, { recursive: true, force: true });
  mkdirSync(installDir, { recursive: true });
  writeFileSync(join(installDir, 'package.json'), JSON.stringify({
    name: 'xcp-admin-code-server',
    private: true,
    description: 'code-server for npm start and the e2e tests; installed by scripts/install-code-server.mjs',
    // npm 11 warns about (and will block) install scripts not listed here.
    allowScripts: {
      'code-server': true, argon2: true, kerberos: true, 'node-pty': true, '@parcel/watcher': true,
      '@vscode/deviceid': true, '@vscode/spdlog': true, 'native-watchdog': true, '@vscode/ripgrep': true,
    },
  }, null, 2) + '\n');
  seedRipgrepCache();

  const env = {
    ...process.env,
    npm_config_yes: 'true', // node-pty's build calls `npx node-gyp`, which must not prompt
    npm_config_fund: 'false',
    npm_config_audit: 'false',
    npm_config_update_notifier: 'false',
    npm_config_loglevel: 'error',
  };
  if (process.getuid?.() === 0) env.npm_config_unsafe_perm = 'true'; // as root, run scripts as root
  await run('npm', ['install', '--no-save', '--no-package-lock', `code-server@${CODE_SERVER_VERSION}`], {
    cwd: installDir, env, quiet: options.quiet,
  });

  // Checks: the postinstall may "succeed" with parts missing.
  const vscodeDir = join(pkgDir, 'lib', 'vscode');
  const rg = join(vscodeDir, 'node_modules', '@vscode', 'ripgrep', 'bin', 'rg');
  if (!existsSync(rg)) {
    // Postinstall skipped the cache: link the system rg (search in files needs it; the rest works).
    mkdirSync(dirname(rg), { recursive: true });
    try { lstatSync(rg); rmSync(rg); } catch { /* absent */ }
    symlinkSync(which('rg'), rg);
  }
  for (const p of [codeServerEntry, join(vscodeDir, 'node_modules', 'node-pty'), join(vscodeDir, 'out')]) {
    if (!existsSync(p)) throw new Error(`install-code-server: install finished but ${p} is missing`);
  }
  // XDG_CONFIG_HOME in a temp folder: code-server writes a config.yaml there on every start.
  const xdg = mkdtempSync(join(tmpdir(), 'cs-cfg-'));
  const v = spawnSync(process.execPath, [codeServerEntry, '--version'], { encoding: 'utf8', env: { ...process.env, XDG_CONFIG_HOME: xdg } });
  rmSync(xdg, { recursive: true, force: true });
  const versionLine = (v.stdout ?? '').split('\n').find((l) => l.startsWith(CODE_SERVER_VERSION));
  if (v.status !== 0 || !versionLine) throw new Error(`install-code-server: code-server --version failed:\n${v.stdout}${v.stderr}`);
  writeFileSync(marker, JSON.stringify({ version: CODE_SERVER_VERSION, node: process.versions.node, installedAt: new Date().toISOString() }) + '\n');
  console.error(`install-code-server: code-server ${versionLine.trim()} installed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return codeServerEntry;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const started = Date.now();
  try {
    const already = isCodeServerInstalled() && !process.argv.includes('--force');
    await ensureCodeServer({ force: process.argv.includes('--force'), quiet: process.argv.includes('--quiet') });
    if (already) console.error(`install-code-server: code-server ${CODE_SERVER_VERSION} already installed (${Date.now() - started} ms)`);
  } catch (e) {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  }
}
