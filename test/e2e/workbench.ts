// Starts the pieces of a real VS Code UI around the built extension: the simulator (as a child
// process) and code-server with the extension installed as an unpacked folder. Shared by `npm start`
// (scripts/start.mjs loads the compiled out/test/e2e/workbench.js) and the e2e harness.
//
// Nothing here imports `vscode` or the browser driver.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

/** The repository root (this file runs from out/test/e2e/). */
export const repoRoot = resolve(__dirname, '..', '..', '..');
export const codeServerDir = join(repoRoot, '.code-server');
export const codeServerEntry = join(codeServerDir, 'install', 'node_modules', 'code-server', 'out', 'node', 'entry.js');
const codeServerMarker = join(codeServerDir, 'install', 'installed.json');

/** A pool as the simulator announces it (and as `xcpAdmin.pools` takes it, minus the password). */
export interface PoolInfo {
  name: string;
  url: string;
  username: string;
  password?: string;
  transport?: string;
  [more: string]: unknown;
}

export interface SimulatorInfo {
  pools: PoolInfo[];
  /** Base URL of the control API (fault injection), e.g. http://127.0.0.1:PORT/control. */
  control: string;
  [more: string]: unknown;
}

export interface SimulatorProcess {
  info: SimulatorInfo;
  pid: number;
  /** POST JSON to the control API: `control('host/down', {host})`. */
  control(path: string, body: unknown): Promise<unknown>;
  stop(): Promise<void>;
}

export interface WorkbenchOptions {
  /** Pools to configure (`xcpAdmin.pools`); the ones with a password also go to `xcpAdmin.demo.simulatorPasswords`. */
  pools?: PoolInfo[];
  /** Passwords by pool name, overriding the pools' own (e.g. a wrong one for a test). */
  passwords?: Record<string, string>;
  /** TLS fingerprints to pin, by host:port (`xcpAdmin.demo.simulatorCertificates`): pools that start trusted. */
  certificates?: Record<string, string>;
  /** Further user settings. */
  settings?: Record<string, unknown>;
  /**
   * Start with workspace trust on, as VS Code ships (the folder opens in Restricted Mode until trusted);
   * default off (`--disable-workspace-trust`), so the other tests see no trust prompt.
   */
  workspaceTrust?: boolean;
  /** The workspace folder's own `.vscode/settings.json` (e.g. pools a cloned folder lists). */
  workspaceSettings?: Record<string, unknown>;
  /** Folder for user data, extensions and the workspace; default: a fresh one under .code-server/run/. */
  runDir?: string;
  /** Port for code-server; default: a free one. */
  port?: number;
  /** Install this packaged .vsix (code-server --install-extension) instead of the unpacked build. */
  vsix?: string;
  /** Where code-server's output goes, besides the in-memory log. */
  onOutput?: (text: string) => void;
}

export interface Workbench {
  url: string;
  port: number;
  runDir: string;
  userDataDir: string;
  extensionsDir: string;
  workspace: string;
  /** code-server's output so far (the last 200 kB). */
  log(): string;
  stop(): Promise<void>;
}

/** What is missing to run a workbench here, or undefined. */
export function missingCodeServer(): string | undefined {
  if (!existsSync(codeServerEntry) || !existsSync(codeServerMarker)) {
    return 'code-server is not installed: run `node scripts/install-code-server.mjs` (needs: apt-get install -y ripgrep libkrb5-dev)';
  }
  return undefined;
}

export function missingExtensionBuild(): string | undefined {
  if (!existsSync(join(repoRoot, 'dist', 'extension.js'))) return 'dist/extension.js is missing: run `npm run build`';
  return undefined;
}

// ---- process bookkeeping: whatever we start is stopped when this process ends ----

const liveGroups = new Set<number>();
let exitHookInstalled = false;
function track(pid: number): void {
  liveGroups.add(pid);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const g of liveGroups) {
      try { process.kill(-g, 'SIGKILL'); } catch { /* gone */ }
    }
  });
}

/** Stops a detached child's whole process group: TERM, then KILL after `graceMs`. */
async function stopGroup(child: ChildProcess, graceMs = 3000): Promise<void> {
  const pid = child.pid;
  if (pid === undefined) return;
  liveGroups.delete(pid);
  if (child.exitCode !== null || child.signalCode !== null) {
    try { process.kill(-pid, 'SIGKILL'); } catch { /* gone */ }
    return;
  }
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  try { process.kill(-pid, 'SIGTERM'); } catch { /* gone */ }
  const timer = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), graceMs).unref());
  if ((await Promise.race([exited, timer])) === 'timeout') {
    try { process.kill(-pid, 'SIGKILL'); } catch { /* gone */ }
    await Promise.race([exited, new Promise((r) => setTimeout(r, 1000).unref())]);
  }
  // Children that left the group's leader behind (extension hosts) go with the group.
  try { process.kill(-pid, 'SIGKILL'); } catch { /* gone */ }
}

export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => res(port));
    });
  });
}

/** True when 127.0.0.1:port can be bound. */
export function portIsFree(port: number): Promise<boolean> {
  return new Promise((res) => {
    const srv = createServer();
    srv.once('error', () => res(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => res(true)));
  });
}

// ---- the simulator ----

/**
 * POSTs a body to the simulator (http or https on loopback) and returns the answer. The simulator's
 * certificate is self-signed: this test-side request alone skips the check (never process-wide).
 */
export function postToSimulator(url: string, body: string, contentType = 'application/json'): Promise<{ status: number; body: string }> {
  const u = new URL(url);
  if (!/^(127\.|localhost$|\[::1\]$)/.test(u.hostname)) return Promise.reject(new Error(`refusing to contact ${u.hostname}: only the simulator on loopback`));
  const request = u.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((res, rej) => {
    const req = request(u, {
      method: 'POST',
      headers: { 'content-type': contentType, 'content-length': Buffer.byteLength(body) },
      rejectUnauthorized: false,
      timeout: 30_000,
    }, (answer) => {
      const chunks: Buffer[] = [];
      answer.on('data', (c: Buffer) => chunks.push(c));
      answer.on('end', () => res({ status: answer.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      answer.on('error', rej);
    });
    req.on('timeout', () => req.destroy(new Error(`POST ${url}: no answer in 30 s`)));
    req.on('error', rej);
    req.end(body);
  });
}

/**
 * Starts `node out/simulator/main.js --port 0 …` in its own process group and reads the JSON line it
 * prints first: `{"pools":[{name,url,username,password,…}],"control":…}`.
 */
export async function startSimulatorProcess(args: string[] = [], timeoutMs = 30_000): Promise<SimulatorProcess> {
  const main = join(repoRoot, 'out', 'simulator', 'main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: run \`npm run build\``);
  const child = spawn(process.execPath, [main, '--port', '0', ...args], {
    cwd: repoRoot,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error('could not start the simulator');
  track(child.pid);
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-20_000); });
  const lines = createInterface({ input: child.stdout! });
  const first = await new Promise<string>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`the simulator printed nothing in ${timeoutMs} ms\n${stderr}`)), timeoutMs);
    lines.once('line', (l) => { clearTimeout(timer); res(l); });
    child.once('exit', (code) => { clearTimeout(timer); rej(new Error(`the simulator exited (${code}) before it was ready\n${stderr}`)); });
  });
  // Keep draining its output so it never blocks on a full pipe.
  lines.on('line', () => { /* ignored */ });
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(first) as Record<string, unknown>;
  } catch {
    await stopGroup(child);
    throw new Error(`the simulator's first line is not JSON: ${first}`);
  }
  const rawControl = parsed.control as unknown;
  const control = typeof rawControl === 'string' ? rawControl
    : rawControl && typeof rawControl === 'object' && typeof (rawControl as { url?: unknown }).url === 'string'
      ? (rawControl as { url: string }).url : '';
  const dom0 = parsed.dom0 as { port?: number } | undefined;
  // The simulated dom0s listen on one SSH port: each pool's entry carries it (xcpAdmin.pools[].sshPort).
  const pools = ((parsed.pools as PoolInfo[]) ?? []).map((p) => (dom0?.port ? { ...p, sshPort: dom0.port } : p));
  const info: SimulatorInfo = { ...parsed, pools, control };
  return {
    info,
    pid: child.pid,
    async control(path: string, body: unknown): Promise<unknown> {
      if (!info.control) throw new Error('the simulator announced no control URL');
      const url = info.control.replace(/\/$/, '') + '/' + path.replace(/^\//, '');
      const res = await postToSimulator(url, JSON.stringify(body));
      const text = res.body;
      if (res.status < 200 || res.status >= 300) throw new Error(`POST ${url} → ${res.status}: ${text}`);
      try { return JSON.parse(text) as unknown; } catch { return text; }
    },
    stop: () => stopGroup(child),
  };
}

/**
 * The simulator's certificate fingerprint for every host of every pool (`host:port` → SHA-256), as an
 * admin who confirmed each would have them pinned; empty when it serves plain http.
 */
export function simulatorCertificates(info: SimulatorInfo): Record<string, string> {
  const fingerprint = (info.tls as { fingerprint256?: string } | undefined)?.fingerprint256;
  const out: Record<string, string> = {};
  if (!fingerprint) return out;
  for (const pool of info.pools) {
    const port = new URL(pool.url).port;
    for (const host of (pool.hosts as { address: string }[] | undefined) ?? []) out[`${host.address}:${port}`] = fingerprint;
  }
  return out;
}

// ---- code-server ----

/** Copies the files a .vsix would hold into `<extensionsDir>/<publisher>.<name>-<version>`. */
export function installUnpackedExtension(extensionsDir: string): string {
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { publisher: string; name: string; version: string; icon?: string };
  const dir = join(extensionsDir, `${pkg.publisher}.${pkg.name}-${pkg.version}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  // Copies, not symlinks: a symlinked dist/extension.js would resolve require() from the repo's
  // node_modules and hide a dependency the bundle lacks.
  const entries = ['package.json', 'package.nls.json', 'l10n', 'dist', 'media', 'README.md', 'CHANGELOG.md', 'LICENSE'];
  if (pkg.icon) entries.push(pkg.icon);
  for (const e of entries) {
    const from = join(repoRoot, e);
    if (existsSync(from)) cpSync(from, join(dir, e), { recursive: true, dereference: true, filter: (src) => !src.endsWith('.map') });
  }
  return dir;
}

/** Installs a packaged .vsix the way an admin does ("Install from VSIX…"): code-server's own installer. */
export function installVsix(vsix: string, userDataDir: string, extensionsDir: string): void {
  const r = spawnSync(process.execPath, [codeServerEntry, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir, '--install-extension', vsix], {
    encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000,
    env: { ...process.env, XDG_CONFIG_HOME: join(userDataDir, '.xdg') },
  });
  if (r.status !== 0) throw new Error(`code-server --install-extension ${vsix} failed (${r.status}):\n${r.stdout}${r.stderr}`);
}

/** The user settings for a workbench: quiet defaults plus the pools. */
export function workbenchSettings(opts: WorkbenchOptions): Record<string, unknown> {
  const settings: Record<string, unknown> = {
    'workbench.startupEditor': 'none',
    'telemetry.telemetryLevel': 'off',
    'terminal.integrated.gpuAcceleration': 'off',
    'security.workspace.trust.enabled': opts.workspaceTrust === true,
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'update.mode': 'none',
    'workbench.tips.enabled': false,
    'workbench.enableExperiments': false,
    'chat.commandCenter.enabled': false,
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    // The run folders live inside the repository: no "open the parent repository?" prompt.
    'git.openRepositoryInParentFolders': 'never',
    'git.enabled': false,
  };
  if (opts.certificates && Object.keys(opts.certificates).length) settings['xcpAdmin.demo.simulatorCertificates'] = opts.certificates;
  if (opts.pools?.length) {
    settings['xcpAdmin.pools'] = opts.pools.map((p) => {
      const entry: Record<string, unknown> = { name: p.name, url: p.url, username: p.username };
      if (p.transport) entry.transport = p.transport;
      if (typeof p.sshPort === 'number') entry.sshPort = p.sshPort;
      return entry;
    });
    const passwords: Record<string, string> = {};
    for (const p of opts.pools) if (typeof p.password === 'string') passwords[p.name] = p.password;
    Object.assign(passwords, opts.passwords ?? {});
    if (Object.keys(passwords).length) settings['xcpAdmin.demo.simulatorPasswords'] = passwords;
  }
  return { ...settings, ...(opts.settings ?? {}) };
}

async function waitForHealth(url: string, child: ChildProcess, log: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`code-server exited (${child.exitCode}) before it was ready:\n${log()}`);
    try {
      const res = await fetch(url + '/healthz', { signal: AbortSignal.timeout(1000) });
      if (res.ok) return;
    } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`code-server did not answer /healthz in ${timeoutMs} ms:\n${log()}`);
}

/** Starts code-server on 127.0.0.1 with the built extension and the given pools; waits for /healthz. */
export async function startWorkbench(opts: WorkbenchOptions = {}): Promise<Workbench> {
  const missing = missingCodeServer() ?? missingExtensionBuild();
  if (missing) throw new Error(missing);
  mkdirSync(join(codeServerDir, 'run'), { recursive: true });
  const runDir = opts.runDir ?? mkdtempSync(join(codeServerDir, 'run', 'wb-'));
  const fresh = opts.runDir === undefined;
  const userDataDir = join(runDir, 'user-data');
  const extensionsDir = join(runDir, 'extensions');
  const workspace = join(runDir, 'workspace');
  for (const d of [join(userDataDir, 'User'), extensionsDir, workspace]) mkdirSync(d, { recursive: true });
  const settingsFile = join(userDataDir, 'User', 'settings.json');
  // A kept run folder (npm start) keeps the user's own settings; ours are written over them.
  let previous: Record<string, unknown> = {};
  if (!fresh && existsSync(settingsFile)) {
    try { previous = JSON.parse(readFileSync(settingsFile, 'utf8')) as Record<string, unknown>; } catch { /* JSONC or broken: start over */ }
  }
  delete previous['xcpAdmin.demo.simulatorPasswords'];
  delete previous['xcpAdmin.demo.simulatorCertificates'];
  writeFileSync(settingsFile, JSON.stringify({ ...previous, ...workbenchSettings(opts) }, null, 2) + '\n');
  if (opts.workspaceSettings) {
    mkdirSync(join(workspace, '.vscode'), { recursive: true });
    writeFileSync(join(workspace, '.vscode', 'settings.json'), JSON.stringify(opts.workspaceSettings, null, 2) + '\n');
  }
  if (opts.vsix) installVsix(opts.vsix, userDataDir, extensionsDir);
  else installUnpackedExtension(extensionsDir);

  const port = opts.port ?? (await freePort());
  const xdg = mkdtempSync(join(tmpdir(), 'xcp-cs-config-'));
  const child = spawn(process.execPath, [
    codeServerEntry,
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    ...(opts.workspaceTrust ? [] : ['--disable-workspace-trust']),
    '--disable-getting-started-override',
    '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir,
    workspace,
  ], {
    cwd: runDir,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, XDG_CONFIG_HOME: xdg, XDG_DATA_HOME: join(xdg, 'data'), VSCODE_PROXY_URI: '' },
  });
  if (child.pid === undefined) throw new Error('could not start code-server');
  track(child.pid);
  let output = '';
  const onData = (d: Buffer): void => {
    const s = d.toString();
    output = (output + s).slice(-200_000);
    opts.onOutput?.(s);
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const url = `http://127.0.0.1:${port}`;
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await stopGroup(child);
    rmSync(xdg, { recursive: true, force: true });
    if (fresh) rmSync(runDir, { recursive: true, force: true });
  };
  try {
    await waitForHealth(url, child, () => output, 30_000);
  } catch (e) {
    await stop();
    throw e;
  }
  return { url, port, runDir, userDataDir, extensionsDir, workspace, log: () => output, stop };
}
