// End-to-end harness: the simulator, code-server with the built extension, and Debian's Chromium driven
// by playwright-core. Each test gets its own simulator and workbench (fresh user data, fresh browser
// context), so a test's faults and secrets never leak into another's.
//
// Missing tools (Chromium, code-server) fail the test with a message naming what to install; the test
// command (scripts/run-tests.mjs) installs code-server and checks the system packages before it starts.
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { decodeMethodResponse, encodeMethodCall, type XValue } from '../../simulator/xmlrpc-wire';
import {
  missingCodeServer, missingExtensionBuild, postToSimulator, repoRoot, simulatorCertificates, startSimulatorProcess, startWorkbench,
  type PoolInfo, type SimulatorProcess, type Workbench, type WorkbenchOptions,
} from './workbench';

export const chromiumPath = process.env.XCP_E2E_CHROMIUM ?? '/usr/bin/chromium';
export const artifactsDir = join(repoRoot, 'test', 'e2e', 'artifacts');

export interface E2EOptions {
  /** Extra arguments for the simulator CLI. */
  simulatorArgs?: string[];
  /** Serve the pools over https with a self-signed certificate, as real pools are (default true). */
  tls?: boolean;
  /** Start with the simulator's certificate pinned for every host, as if confirmed before (default true). */
  tlsPins?: boolean;
  /** Rewrites the simulator's pools before they go into the settings (e.g. a wrong password). */
  pools?: (pools: PoolInfo[]) => PoolInfo[];
  /** Further workbench options (settings, passwords). */
  workbench?: Omit<WorkbenchOptions, 'pools'>;
  /** Further workbench options made from all the simulator's pools (e.g. a workspace folder listing one of them). */
  workbenchFor?: (simulatorPools: PoolInfo[]) => Omit<WorkbenchOptions, 'pools'>;
}

/** What stops an e2e test from running here, or undefined. */
export function missingForE2E(): string | undefined {
  if (!existsSync(chromiumPath)) return `Chromium not found at ${chromiumPath}: apt-get install -y chromium`;
  return missingCodeServer() ?? missingExtensionBuild();
}

/**
 * Starts everything for one test; a missing tool fails it, naming what to install.
 * Always `await e2e.close()` (in a finally or t.after).
 */
export async function startE2E(_t: TestContext, options: E2EOptions = {}): Promise<E2E> {
  const missing = missingForE2E();
  if (missing) throw new Error(`e2e: ${missing}`);
  const e2e = new E2E();
  try {
    await e2e.start(options);
  } catch (e) {
    await e2e.close();
    throw e;
  }
  return e2e;
}

export class E2E {
  simulator!: SimulatorProcess;
  workbench!: Workbench;
  browser!: Browser;
  page!: Page;
  pools: PoolInfo[] = [];
  /** The browser console's errors, for diagnosis. */
  readonly consoleErrors: string[] = [];

  async start(options: E2EOptions): Promise<void> {
    this.simulator = await startSimulatorProcess([...(options.tls === false ? [] : ['--tls']), ...(options.simulatorArgs ?? [])]);
    this.pools = options.pools ? options.pools(this.simulator.info.pools) : this.simulator.info.pools;
    const certificates = options.tlsPins === false ? undefined : simulatorCertificates(this.simulator.info);
    const computed = options.workbenchFor?.(this.simulator.info.pools) ?? {};
    this.workbench = await startWorkbench({ certificates, ...(options.workbench ?? {}), ...computed, pools: this.pools });
    this.browser = await chromium.launch({
      executablePath: chromiumPath,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
    });
    const context = await this.browser.newContext({ viewport: { width: 1400, height: 1200 } });
    this.page = await context.newPage();
    this.page.on('console', (m) => { if (m.type() === 'error') this.consoleErrors.push(m.text()); });
    await this.page.goto(this.workbench.url + '/?folder=' + encodeURIComponent(this.workbench.workspace));
    await this.page.locator('.monaco-workbench').waitFor({ timeout: 30_000 });
    // The activity bar is there once the workbench has restored its parts.
    await this.page.locator('.part.activitybar').waitFor({ timeout: 30_000 });
  }

  /** The workbench's user settings as written for this test. */
  userSettings(): Record<string, unknown> {
    return JSON.parse(readFileSync(join(this.workbench.userDataDir, 'User', 'settings.json'), 'utf8')) as Record<string, unknown>;
  }

  async close(): Promise<void> {
    await this.browser?.close().catch(() => undefined);
    await this.workbench?.stop().catch(() => undefined);
    await this.simulator?.stop().catch(() => undefined);
  }

  /**
   * Copies code-server's logs (extension host, the extension's output channels) and its console
   * output to test/e2e/artifacts/<name>/; returns that folder.
   */
  saveLogs(name: string): string | undefined {
    if (!this.workbench) return undefined;
    const dest = join(artifactsDir, name.replace(/[^\w.-]+/g, '-'));
    rmSync(dest, { recursive: true, force: true });
    mkdirSync(dest, { recursive: true });
    const logs = join(this.workbench.userDataDir, 'logs');
    if (existsSync(logs)) cpSync(logs, join(dest, 'logs'), { recursive: true });
    writeFileSync(join(dest, 'code-server.out.txt'), this.workbench.log());
    writeFileSync(join(dest, 'browser-console-errors.txt'), this.consoleErrors.join('\n'));
    return dest;
  }

  /** The side bar part. */
  get sideBar(): Locator {
    return this.page.locator('.part.sidebar');
  }

  /** The activity bar entry of the extension's view container. */
  activityEntry(title = 'XCP Admin'): Locator {
    return this.page.locator(`.part.activitybar .action-item [aria-label^="${title}"], .part.activitybar .action-item[aria-label^="${title}"]`).first();
  }

  /** Shows the "XCP Admin" view container (clicking only when it is not shown: a second click hides it). */
  async openXcpAdminView(title = 'XCP Admin'): Promise<void> {
    const entry = this.activityEntry(title);
    await entry.waitFor({ timeout: 30_000 });
    const item = this.page.locator('.part.activitybar .action-item', { has: this.page.locator(`[aria-label^="${title}"]`) })
      .or(this.page.locator(`.part.activitybar .action-item[aria-label^="${title}"]`)).first();
    const checked = await item.evaluate((el) => el.classList.contains('checked') || el.getAttribute('aria-selected') === 'true'
      || el.querySelector('[aria-selected="true"], [aria-pressed="true"], [aria-expanded="true"]') !== null);
    const sideBarVisible = await this.sideBar.isVisible();
    if (!checked || !sideBarVisible) await entry.click();
    // The side bar's title reads "XCP ADMIN: POOLS" with one view, "XCP ADMIN" with several.
    await this.sideBar.locator('.composite.title', { hasText: new RegExp(escapeRegExp(title), 'i') }).first().waitFor({ timeout: 15_000 });
    await this.sideBar.locator('.pane-body').first().waitFor({ timeout: 15_000 });
    await this.sideBarWidth(480).catch(() => undefined);
  }

  /** Drags the side bar's edge so it is `width` px wide (long descriptions stay readable in screenshots). */
  async sideBarWidth(width: number): Promise<void> {
    const box = await this.sideBar.boundingBox();
    if (!box || Math.abs(box.width - width) < 2) return;
    const y = box.y + box.height / 2;
    await this.page.mouse.move(box.x + box.width, y);
    await this.page.mouse.down();
    await this.page.mouse.move(box.x + width, y, { steps: 5 });
    await this.page.mouse.up();
    await this.page.mouse.move(box.x + width + 400, y); // off the sash, or it stays highlighted
  }

  /** The name of the view whose tree the row helpers read. */
  viewName = 'Pools';

  /** The side bar pane of a view (its header is hidden, but present, when it is the only view). */
  pane(viewName = this.viewName): Locator {
    return this.sideBar.locator('.pane', { has: this.page.locator(`.pane-header[aria-label^="${viewName}"]`) }).first();
  }

  /** All rows of the view's tree. */
  rows(): Locator {
    return this.pane().locator('.monaco-list-row');
  }

  /** The tree row whose label is exactly `label` (a RegExp matches the label instead). */
  treeRow(label: string | RegExp): Locator {
    const re = typeof label === 'string' ? new RegExp(`^\\s*${escapeRegExp(label)}\\s*$`) : label;
    return this.rows().filter({ has: this.page.locator('.label-name', { hasText: re }) });
  }

  /** The row `label` below the row `parent` (the first one after it, one level deeper). */
  async childRow(parent: Locator, label: string | RegExp): Promise<Locator> {
    const level = Number(await parent.getAttribute('aria-level'));
    const index = Number(await parent.getAttribute('data-index'));
    const re = typeof label === 'string' ? new RegExp(`^\\s*${escapeRegExp(label)}\\s*$`) : label;
    const rows = this.rows().and(this.page.locator(`[aria-level="${level + 1}"]`))
      .filter({ has: this.page.locator('.label-name', { hasText: re }) });
    const n = await rows.count();
    let best: Locator | undefined;
    let bestIndex = Infinity;
    for (let i = 0; i < n; i++) {
      const idx = Number(await rows.nth(i).getAttribute('data-index'));
      if (idx > index && idx < bestIndex) { best = rows.nth(i); bestIndex = idx; }
    }
    if (!best) throw new Error(`no row ${String(label)} below ${await parent.innerText()}`);
    return this.rows().and(this.page.locator(`[data-index="${bestIndex}"]`));
  }

  /** The rows directly below `parent` (one level deeper, up to the next row at its level). */
  async children(parent: Locator): Promise<Locator[]> {
    const level = Number(await parent.getAttribute('aria-level'));
    const index = Number(await parent.getAttribute('data-index'));
    const all = await this.rows().evaluateAll((els) => els.map((e) => ({
      index: Number(e.getAttribute('data-index')), level: Number(e.getAttribute('aria-level')),
    })));
    all.sort((a, b) => a.index - b.index);
    const out: Locator[] = [];
    for (const r of all) {
      if (r.index <= index) continue;
      if (r.level <= level) break;
      if (r.level === level + 1) out.push(this.rows().and(this.page.locator(`[data-index="${r.index}"]`)));
    }
    return out;
  }

  /** Label and description of a row. */
  async rowText(row: Locator): Promise<{ label: string; description: string; all: string }> {
    const label = (await row.locator('.label-name').first().innerText()).trim();
    const d = row.locator('.label-description');
    const description = (await d.count()) ? (await d.first().innerText()).trim() : '';
    return { label, description, all: (await row.innerText()).replace(/\s+/g, ' ').trim() };
  }

  /** Expands a row (given by label or locator) and waits until its children are there. */
  async expand(row: string | RegExp | Locator, timeout = 15_000): Promise<Locator> {
    const r = typeof row === 'string' || row instanceof RegExp ? this.treeRow(row).first() : row;
    await r.waitFor({ timeout });
    await r.scrollIntoViewIfNeeded();
    if ((await r.getAttribute('aria-expanded')) !== 'true') {
      const twistie = r.locator('.monaco-tl-twistie');
      if (await twistie.count()) await twistie.click();
      else await r.click();
    }
    await this.until(async () => (await r.getAttribute('aria-expanded')) === 'true', 'the row to expand', timeout);
    // Children are rendered when the row after it is one level deeper (or a loading/error row).
    const level = Number(await r.getAttribute('aria-level'));
    const index = Number(await r.getAttribute('data-index'));
    await this.rows().and(this.page.locator(`[data-index="${index + 1}"][aria-level="${level + 1}"]`)).waitFor({ timeout });
    return r;
  }

  /** The entries of the open context menu (not the title bar's "Application Menu"). */
  contextMenuEntries(): Locator {
    return this.page.locator('.context-view').getByRole('menuitem');
  }

  /** Collapses a row (given by label or locator) if it is expanded. */
  async collapse(row: string | RegExp | Locator): Promise<void> {
    const r = typeof row === 'string' || row instanceof RegExp ? this.treeRow(row).first() : row;
    if ((await r.getAttribute('aria-expanded')) === 'true') {
      const twistie = r.locator('.monaco-tl-twistie');
      if (await twistie.count()) await twistie.click();
      else await r.click();
      await this.until(async () => (await r.getAttribute('aria-expanded')) !== 'true', 'the row to collapse', 10_000);
    }
  }

  /**
   * How many children an expanded row has, from the first child's aria-setsize: right even when the
   * list renders only the rows in view.
   */
  async childCount(parent: Locator): Promise<number> {
    const level = Number(await parent.getAttribute('aria-level'));
    const index = Number(await parent.getAttribute('data-index'));
    const first = this.rows().and(this.page.locator(`[data-index="${index + 1}"][aria-level="${level + 1}"]`));
    if (!(await first.count())) return 0;
    return Number(await first.getAttribute('aria-setsize'));
  }

  /** Opens a row's context menu and returns the labels of its entries (then closes it). */
  async contextMenuItems(row: string | Locator): Promise<string[]> {
    const r = typeof row === 'string' ? this.treeRow(row).first() : row;
    await r.click({ button: 'right' });
    const items = this.contextMenuEntries();
    await items.first().waitFor({ timeout: 10_000 });
    await this.page.waitForTimeout(300);
    const names = (await items.evaluateAll((els) => els.map((e) => (e.getAttribute('aria-label') ?? e.textContent ?? '').trim())))
      .filter((n) => n.length > 0);
    await this.page.keyboard.press('Escape');
    await items.first().waitFor({ state: 'detached', timeout: 5_000 }).catch(() => undefined);
    return names;
  }

  /**
   * Runs a context-menu entry of a row. A plain click() right after the menu opens is unreliable in
   * the web workbench; waiting, hovering, then pressing and releasing the mouse works every time.
   */
  async contextMenu(row: string | Locator, itemName: string | RegExp): Promise<void> {
    const r = typeof row === 'string' ? this.treeRow(row).first() : row;
    await r.click({ button: 'right' });
    const item = this.page.locator('.context-view').getByRole('menuitem', { name: itemName }).first();
    await item.waitFor({ timeout: 10_000 });
    await this.page.waitForTimeout(300);
    await item.hover();
    await this.page.mouse.down();
    await this.page.mouse.up();
  }

  /**
   * The text of a row's tooltip as the admin sees it on hovering. A hover shows only after the pointer
   * moves onto the row and rests there; a pointer already resting on it (or a notification fading in
   * over it) shows none, so each try moves the pointer off the row and back.
   */
  async tooltip(row: Locator, text: RegExp, timeout = 30_000): Promise<string> {
    const hover = this.page.locator('.monaco-hover, .workbench-hover').filter({ hasText: text }).first();
    return this.until<string | undefined>(async () => {
      await this.page.mouse.move(0, 0);
      await row.hover();
      try {
        await hover.waitFor({ state: 'visible', timeout: 3_000 });
      } catch {
        return undefined;
      }
      return hover.innerText();
    }, `the tooltip ${text}`, timeout) as Promise<string>;
  }

  /**
   * Answers "Yes, do it" to one modal confirmation per name, in whatever order they come; each dialog
   * must name one of the names not yet confirmed (`question(name)`), so a confirmation that names the
   * wrong object, or one too many, fails the wait.
   */
  async confirmEach(names: readonly string[], question: (name: string) => string, timeout = 30_000): Promise<void> {
    const dialog = this.page.locator('.monaco-dialog-box');
    const left = new Set(names);
    while (left.size > 0) {
      const named = await this.until(async () => {
        if (!(await dialog.isVisible())) return undefined;
        const text = await dialog.innerText();
        return [...left].find((n) => text.includes(question(n)));
      }, `a confirmation naming one of ${[...left].join(', ')}`, timeout);
      left.delete(named!);
      await dialog.getByRole('button', { name: 'Yes, do it' }).click();
      await dialog.waitFor({ state: 'hidden', timeout }).catch(() => undefined);
    }
  }

  /** Saves a screenshot as test/e2e/artifacts/<name>.png and returns its path. */
  async screenshot(name: string): Promise<string> {
    mkdirSync(artifactsDir, { recursive: true });
    await this.page.waitForTimeout(250); // menus and hovers fade in
    const path = join(artifactsDir, `${name.replace(/[^\w.-]+/g, '-')}.png`);
    await this.page.screenshot({ path });
    return path;
  }

  /** The text of the visible terminal (needs terminal.integrated.gpuAcceleration off, as set). */
  async terminalText(): Promise<string> {
    // The active terminal's rows (with several terminals open, the others are in the DOM but hidden).
    const active = this.page.locator('.terminal-wrapper.active .xterm-rows');
    const rows = (await active.count()) > 0 ? active.first() : this.page.locator('.xterm-rows').first();
    await rows.waitFor({ state: 'attached', timeout: 10_000 });
    // Runs in the page; the tests compile without DOM types, so the element's shape is spelled out.
    return rows.evaluate((el: { children: ArrayLike<{ textContent: string | null }> }) => Array.from(el.children).map((c) => (c.textContent ?? '').replace(/\s+$/, '')).join('\n').replace(/\n+$/, ''));
  }

  /** Polls `fn` until it returns true (or a truthy value), for UI that updates by itself. */
  async until<T>(fn: () => Promise<T>, what: string, timeout = 15_000): Promise<T> {
    const deadline = Date.now() + timeout;
    let last: unknown;
    for (;;) {
      try {
        const v = await fn();
        if (v) return v;
      } catch (e) { last = e; }
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
      await this.page.waitForTimeout(200);
    }
  }
}

/**
 * Runs `fn` with a started E2E, saves a screenshot
 * `<name>-FAILED.png` when it throws, and always closes everything.
 */
export async function withE2E(t: TestContext, name: string, options: E2EOptions, fn: (e2e: E2E) => Promise<void>): Promise<void> {
  const e2e = await startE2E(t, options);
  try {
    await fn(e2e);
  } catch (e) {
    const shot = await e2e.screenshot(`${name}-FAILED`).catch(() => undefined);
    if (shot) t.diagnostic(`screenshot: ${shot}`);
    if (e2e.consoleErrors.length) t.diagnostic(`browser console errors:\n${e2e.consoleErrors.slice(-10).join('\n')}`);
    const logs = e2e.saveLogs(`${name}-FAILED-logs`);
    if (logs) t.diagnostic(`code-server and extension host logs: ${logs}`);
    throw e;
  } finally {
    await e2e.close();
  }
}

export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// ---- the extension's manifest, read at test time so the tests follow it ----

export interface MenuEntry { command: string; when?: string; group?: string }

export function manifest(): {
  contributes?: {
    commands?: { command: string; title: string; category?: string }[];
    menus?: Record<string, MenuEntry[]>;
    views?: Record<string, { id: string; name: string }[]>;
    viewsContainers?: Record<string, { id: string; title: string }[]>;
  };
} {
  return JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
}

/** A manifest text as the UI shows it: a `%key%` placeholder resolved from package.nls.json (English). */
export function localized(text: string): string {
  const m = /^%(.+)%$/.exec(text);
  if (!m) return text;
  const nlsPath = join(repoRoot, 'package.nls.json');
  const nls = existsSync(nlsPath) ? (JSON.parse(readFileSync(nlsPath, 'utf8')) as Record<string, string | { message: string }>) : {};
  const v = nls[m[1]];
  return typeof v === 'string' ? v : v?.message ?? text;
}

/** A command's title as the UI shows it (resolving %key% from package.nls.json). */
export function commandTitle(command: string): string | undefined {
  const c = manifest().contributes?.commands?.find((x) => x.command === command);
  return c ? localized(c.title) : undefined;
}

/**
 * Evaluates the subset of when-clauses that menus of tree items use: `view == x`, `viewItem == x`,
 * `!=`, `=~ /re/flags`, `key` (truthy), `!key`, `&&`, `||`, parentheses. Unknown keys are false.
 */
export function evalWhen(when: string | undefined, ctx: Record<string, string | boolean | undefined>): boolean {
  if (!when || !when.trim()) return true;
  const tokens = when.match(/\s*(\/(?:\\.|[^/])+\/[a-z]*|&&|\|\||==|!=|=~|!|\(|\)|'[^']*'|"[^"]*"|[^\s()!=&|~]+)\s*/g)?.map((t) => t.trim()) ?? [];
  let pos = 0;
  const peek = (): string | undefined => tokens[pos];
  const value = (tok: string): string => tok.replace(/^['"]|['"]$/g, '');
  const primary = (): boolean => {
    const t = tokens[pos++];
    if (t === '!') return !primary();
    if (t === '(') { const v = or(); pos++; return v; }
    const key = t ?? '';
    const op = peek();
    const ctxVal = ctx[key];
    if (op === '==' || op === '!=') {
      pos++;
      const rhs = value(tokens[pos++] ?? '');
      const eq = String(ctxVal ?? '') === rhs;
      return op === '==' ? eq : !eq;
    }
    if (op === '=~') {
      pos++;
      const m = /^\/(.*)\/([a-z]*)$/.exec(tokens[pos++] ?? '');
      return m ? new RegExp(m[1], m[2]).test(String(ctxVal ?? '')) : false;
    }
    if (key === 'true') return true;
    if (key === 'false') return false;
    return Boolean(ctxVal);
  };
  const and = (): boolean => { let v = primary(); while (peek() === '&&') { pos++; const r = primary(); v = v && r; } return v; };
  const or = (): boolean => { let v = and(); while (peek() === '||') { pos++; const r = and(); v = v || r; } return v; };
  return or();
}

/** Literal values that the menus compare `viewItem` with, to find a row's context value. */
export function viewItemValues(): string[] {
  const out = new Set<string>();
  for (const e of manifest().contributes?.menus?.['view/item/context'] ?? []) {
    for (const m of (e.when ?? '').matchAll(/viewItem\s*==\s*['"]?([^\s'")&|]+)/g)) out.add(m[1]);
  }
  return [...out];
}

/**
 * The titles the context menu of an item with this view id and context value shows, by the manifest
 * (inline entries are buttons on the row, not menu entries).
 */
export function expectedContextMenu(view: string, viewItem: string): string[] {
  const entries = manifest().contributes?.menus?.['view/item/context'] ?? [];
  return entries
    .filter((e) => !(e.group ?? '').startsWith('inline'))
    .filter((e) => evalWhen(e.when, { view, viewItem }))
    .map((e) => commandTitle(e.command) ?? e.command);
}

// ---- a minimal XAPI client, so the tests read the simulator's state independently ----

/**
 * JSON-RPC where the pool has it; XML-RPC (through the simulator's own wire module, not the
 * extension's client) on the XCP 1.5 pools, which have no JSON-RPC. XML-RPC gives int64 values as strings.
 */
export class XapiJson {
  private session = '';
  private id = 0;
  constructor(private readonly pool: PoolInfo) {}

  private async rpc(method: string, params: unknown[]): Promise<unknown> {
    if ((this.pool.release as { jsonRpc?: boolean } | undefined)?.jsonRpc === false) return this.xmlRpc(method, params);
    const url = this.pool.url.replace(/\/$/, '') + '/jsonrpc';
    const res = await postToSimulator(url, JSON.stringify({ jsonrpc: '2.0', method, params, id: ++this.id }));
    const body = JSON.parse(res.body) as { result?: unknown; error?: unknown };
    if (body.error !== undefined && body.error !== null) throw new Error(`${method}: ${JSON.stringify(body.error)}`);
    // Some servers wrap results the XML-RPC way.
    const r = body.result as { Status?: string; Value?: unknown; ErrorDescription?: unknown } | undefined;
    if (r && typeof r === 'object' && 'Status' in r) {
      if (r.Status !== 'Success') throw new Error(`${method}: ${JSON.stringify(r.ErrorDescription)}`);
      return r.Value;
    }
    return body.result;
  }

  private async xmlRpc(method: string, params: unknown[]): Promise<unknown> {
    const res = await postToSimulator(this.pool.url, encodeMethodCall(method, params as XValue[]), 'text/xml');
    const r = decodeMethodResponse(res.body) as { Status?: string; Value?: unknown; ErrorDescription?: unknown };
    if (r.Status !== 'Success') throw new Error(`${method}: ${JSON.stringify(r.ErrorDescription)}`);
    return r.Value;
  }

  async login(password = this.pool.password ?? ''): Promise<void> {
    this.session = String(await this.rpc('session.login_with_password', [this.pool.username, password, '1.0', 'xcp-admin-e2e']));
  }

  async call<T = unknown>(method: string, ...params: unknown[]): Promise<T> {
    if (!this.session) await this.login();
    return (await this.rpc(method, [this.session, ...params])) as T;
  }

  async allRecords<T = Record<string, unknown>>(cls: string): Promise<Record<string, T>> {
    return this.call<Record<string, T>>(`${cls}.get_all_records`);
  }

  async logout(): Promise<void> {
    if (this.session) await this.rpc('session.logout', [this.session]).catch(() => undefined);
    this.session = '';
  }
}
