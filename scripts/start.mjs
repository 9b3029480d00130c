#!/usr/bin/env node
// `npm start`: the extension in a real VS Code (code-server, in the browser) against the simulator.
//
//   npm start                      build, install code-server if needed, start simulator + code-server
//   npm start -- --port 8080       code-server's port (default: 8080 if free, else any free port)
//   npm start -- --no-build        skip `npm run build`
//   npm start -- --fresh           forget the previous session's user data (.code-server/run/start/)
//   npm start -- --tls             serve the pools over https, as real pools are (their certificate
//                                  is pinned for the demo through xcpAdmin.demo.simulatorCertificates)
//   npm start -- --hosts 40 …      any other argument goes to the simulator
//
// Ctrl-C stops everything it started (each piece runs in its own process group).
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { appendFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { ensureCodeServer } from './install-code-server.mjs';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
let port;
let build = true;
let fresh = false;
const simulatorArgs = [];
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '--port') port = Number(args[++i]);
  else if (a.startsWith('--port=')) port = Number(a.slice(7));
  else if (a === '--no-build') build = false;
  else if (a === '--fresh') fresh = true;
  else if (a === '--help' || a === '-h') {
    console.log('usage: npm start -- [--port N] [--no-build] [--fresh] [simulator arguments…]');
    process.exit(0);
  } else simulatorArgs.push(a);
}
if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536)) {
  console.error(`start: --port wants a port number, got ${port}`);
  process.exit(2);
}

const t0 = Date.now();
const secs = () => `${((Date.now() - t0) / 1000).toFixed(1)} s`;

if (build) {
  console.error('start: npm run build …');
  const r = spawnSync('npm', ['run', 'build'], { cwd: repoRoot, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error('start: the build failed');
    process.exit(r.status ?? 1);
  }
}
try {
  await ensureCodeServer();
} catch (e) {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
}

// The shared logic lives in TypeScript (test/e2e/workbench.ts), compiled by the build.
const require = createRequire(import.meta.url);
const wb = require(join(repoRoot, 'out', 'test', 'e2e', 'workbench.js'));

const runDir = join(repoRoot, '.code-server', 'run', 'start');
if (fresh) rmSync(runDir, { recursive: true, force: true });
mkdirSync(runDir, { recursive: true });
const logFile = join(runDir, 'code-server.log');
writeFileSync(logFile, '');

let simulator;
let workbench;
let stopping = false;
async function stopAll(code) {
  if (stopping) return;
  stopping = true;
  console.error('\nstart: stopping …');
  await workbench?.stop().catch((e) => console.error(`start: stopping code-server: ${e}`));
  await simulator?.stop().catch((e) => console.error(`start: stopping the simulator: ${e}`));
  process.exit(code);
}
process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));
process.on('SIGHUP', () => void stopAll(0));

try {
  simulator = await wb.startSimulatorProcess(simulatorArgs);
  if (port === undefined) port = (await wb.portIsFree(8080)) ? 8080 : await wb.freePort();
  workbench = await wb.startWorkbench({
    pools: simulator.info.pools,
    certificates: wb.simulatorCertificates(simulator.info),
    runDir,
    port,
    onOutput: (s) => appendFileSync(logFile, s),
  });
} catch (e) {
  console.error(`start: ${e instanceof Error ? e.message : e}`);
  await stopAll(1);
}

const folder = encodeURIComponent(workbench.workspace);
console.log('');
console.log(`XCP Admin is running in code-server (ready in ${secs()}). Open in a browser:`);
console.log('');
console.log(`    ${workbench.url}/?folder=${folder}`);
console.log('');
console.log('Simulated pools (passwords handed to the extension through xcpAdmin.demo.simulatorPasswords):');
for (const p of simulator.info.pools) {
  const release = p.release ? `  ${p.release.brand} ${p.release.version} (API ${p.release.api}, ${p.release.jsonRpc ? 'JSON-RPC' : 'XML-RPC only'})` : '';
  console.log(`    ${p.name.padEnd(10)} ${p.url}  user ${p.username}${release}`);
}
if (simulator.info.control) console.log(`Simulator control API: ${simulator.info.control}`);
console.log(`code-server log: ${logFile}`);
console.log('Press Ctrl-C to stop.');
