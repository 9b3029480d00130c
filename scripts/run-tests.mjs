// Runs the compiled tests with node's built-in runner.
// Usage: node scripts/run-tests.mjs [unit|integration|e2e ...]   (default: all three)
//
// Nothing is skipped for want of a tool: what npm can install (code-server, into the git-ignored
// .code-server/) is installed here when missing; a missing system package stops the run at once with
// the apt-get line that installs it.
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join, delimiter } from 'node:path';
import { spawnSync } from 'node:child_process';
import { ensureCodeServer } from './install-code-server.mjs';

const suites = process.argv.slice(2).length ? process.argv.slice(2) : ['unit', 'integration', 'e2e'];

const onPath = (cmd) => (process.env.PATH ?? '').split(delimiter).some((dir) => dir && existsSync(join(dir, cmd)));
/** Debian package → how to tell it is there, for the suites that need it. */
const SYSTEM_PACKAGES = [
  { pkg: 'openssh-server', present: () => existsSync('/usr/sbin/sshd'), suites: ['integration', 'e2e'] },
  { pkg: 'openssl', present: () => onPath('openssl'), suites: ['integration', 'e2e'] },
  { pkg: 'chromium', present: () => existsSync(process.env.XCP_E2E_CHROMIUM ?? '/usr/bin/chromium'), suites: ['e2e'] },
  { pkg: 'ripgrep', present: () => onPath('rg'), suites: ['e2e'] },
  { pkg: 'libkrb5-dev', present: () => existsSync('/usr/include/krb5.h') || existsSync('/usr/include/krb5/krb5.h'), suites: ['e2e'] },
];
const missing = SYSTEM_PACKAGES.filter((p) => p.suites.some((x) => suites.includes(x)) && !p.present()).map((p) => p.pkg);
if (missing.length) {
  console.error(`run-tests: system packages missing for the ${suites.join(', ')} tests: ${missing.join(', ')}.`);
  console.error(`Install them (as root), then run the tests again:\n\n    apt-get update && apt-get install -y ${missing.join(' ')}\n`);
  process.exit(1);
}
if (suites.includes('e2e')) {
  try {
    await ensureCodeServer(); // returns at once when installed; the first install takes a minute or two
  } catch (e) {
    console.error(`run-tests: code-server could not be installed for the e2e tests: ${e instanceof Error ? e.message : e}`);
    process.exit(1);
  }
}
const files = [];
function walk(dir) {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (name.endsWith('.test.js')) files.push(p);
  }
}
for (const s of suites) walk(join('out', 'test', s));
if (files.length === 0) {
  console.error(`no test files found for ${suites.join(', ')} under out/test (run the build first)`);
  process.exit(1);
}
const r = spawnSync(process.execPath, ['--test', '--test-reporter=spec', ...files], { stdio: 'inherit' });
process.exit(r.status ?? 1);
