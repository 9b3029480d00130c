// At home from the first command (issue 20), in the real UI: a fresh profile with no pool starts the
// demo fleet from the welcome view and opens the walkthrough; the view's Filter, Show XAPI Record and
// the status bar item; and what ships: the packaged .vsix (minified bundle) installed into code-server
// opens the tree and a root shell.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withE2E, type E2E } from './harness';
import { repoRoot } from './workbench';

const T = 30_000;

/** Opens a root shell on a host row: trusts the host key in the dialog, waits for the prompt, runs hostname. */
async function rootShell(e2e: E2E, pool: string, host: string): Promise<void> {
  const poolRow = await e2e.expand(e2e.treeRow(pool).first(), T);
  const hosts = await e2e.expand(await e2e.until(() => e2e.childRow(poolRow, 'Hosts'), `${pool} → Hosts`, T), T);
  const row = await e2e.until(() => e2e.childRow(hosts, host), `host ${host}`, T);
  await e2e.contextMenu(row, 'Open Root Shell');
  const dialog = e2e.page.locator('.monaco-dialog-box');
  await dialog.waitFor({ timeout: T });
  assert.match(await dialog.innerText(), /SHA256:|fingerprint/i, 'the host key is shown before trusting it');
  await dialog.getByRole('button', { name: 'Trust and Connect' }).click();
  await e2e.until(async () => new RegExp(`\\[root@${host} [^\\]]*\\]#`).test(await e2e.terminalText()), `the ${host} prompt`, T);
  await e2e.page.locator('.terminal-wrapper .xterm').first().click();
  await e2e.page.keyboard.type('hostname');
  await e2e.page.keyboard.press('Enter');
  await e2e.until(async () => new RegExp(`^${host}$`, 'm').test(await e2e.terminalText()), `${host} printed by hostname`, T);
}

test('a fresh profile: the welcome view opens the walkthrough and starts the demo fleet, whose pools fill the tree and open a dom0 shell', { timeout: 240_000 }, async (t) => {
  await withE2E(t, 'home-demo-fleet', { tls: false, pools: () => [] }, async (e2e) => {
    await e2e.openXcpAdminView();
    const welcome = e2e.sideBar.locator('.welcome-view-content');
    await welcome.waitFor({ timeout: T });
    assert.match(await welcome.innerText(), /No pool is configured yet/);
    t.diagnostic(`screenshot: ${await e2e.screenshot('home-welcome')}`);

    // The walkthrough, from the welcome view's link.
    await welcome.getByRole('button', { name: 'Open the walkthrough' }).or(welcome.getByRole('link', { name: 'Open the walkthrough' })).first().click();
    const walkthrough = e2e.page.locator('.gettingStartedContainer');
    await e2e.until(async () => /Get started with XCP Admin/.test(await walkthrough.innerText().catch(() => '')), 'the walkthrough page', T);
    const text = await walkthrough.innerText();
    for (const step of ['Start the demo fleet or add a pool', 'Confirm a certificate', 'Explore the tree', 'Open a root shell', 'Preview a procedure without running it']) {
      assert.ok(text.includes(step), `the walkthrough lists "${step}"`);
    }
    t.diagnostic(`screenshot: ${await e2e.screenshot('home-walkthrough')}`);

    // Start Demo Fleet from the welcome view.
    await welcome.getByRole('button', { name: 'Start Demo Fleet' }).first().click();
    for (const pool of ['Piet (demo)', 'Generic (demo)', 'BL0 (demo)', 'Security (demo)', 'Lab (demo)']) {
      await e2e.until(async () => (await e2e.treeRow(pool).count()) > 0, `the row ${pool}`, T);
    }
    await e2e.until(async () => /master vms-gen-05 · 8 hosts/.test((await e2e.rowText(e2e.treeRow('Generic (demo)').first())).description), 'Generic (demo) connected', T);
    // The walkthrough's first step is done.
    const firstStep = e2e.page.locator('.getting-started-step', { hasText: 'Start the demo fleet or add a pool' }).first();
    await e2e.until(async () => (await firstStep.locator('[role="checkbox"][aria-checked="true"], .codicon.complete').count()) > 0, 'the first step checked', T);
    assert.equal(await e2e.page.locator('.getting-started-step', { hasText: 'Open a root shell' }).locator('[role="checkbox"][aria-checked="true"], .codicon.complete').count(), 0, 'a step not done yet is not checked');
    t.diagnostic(`screenshot: ${await e2e.screenshot('home-demo-fleet-tree')}`);

    await rootShell(e2e, 'Generic (demo)', 'vms-gen-03');
    t.diagnostic(`screenshot: ${await e2e.screenshot('home-demo-fleet-shell')}`);
  });
});

test('Filter keeps the matching host and survives a reload, Clear Filter shows all; Show XAPI Record opens the record; the status bar counts pools', { timeout: 240_000 }, async (t) => {
  await withE2E(t, 'home-filter-record', {}, async (e2e) => {
    await e2e.openXcpAdminView();
    const statusItem = e2e.page.locator('.part.statusbar .statusbar-item', { hasText: /pools/ }).first();
    await e2e.until(async () => /5\/5 pools/.test(await statusItem.innerText().catch(() => '')), 'the status bar: 5/5 pools', T);

    const hostsOfGeneric = async (): Promise<string[]> => {
      const generic = await e2e.expand(e2e.treeRow('Generic').first(), T);
      const hosts = await e2e.expand(await e2e.until(() => e2e.childRow(generic, 'Hosts'), 'Generic → Hosts', T), T);
      return Promise.all((await e2e.children(hosts)).map(async (r) => (await e2e.rowText(r)).label));
    };
    await e2e.until(async () => (await hostsOfGeneric()).length === 8, 'Generic\'s 8 hosts', T);

    // Filter… in the view's title bar: name "GEN-05", no power state or SR type ticked.
    await e2e.sideBar.locator('[aria-label="Filter…"]').first().click();
    const input = e2e.page.locator('.quick-input-widget input');
    await input.waitFor({ timeout: T });
    await input.fill('GEN-05');
    await e2e.page.keyboard.press('Enter');
    await e2e.page.locator('.quick-input-widget', { hasText: 'power states and SR types' }).waitFor({ timeout: T });
    await e2e.page.keyboard.press('Enter');
    await e2e.until(async () => JSON.stringify(await hostsOfGeneric()) === '["vms-gen-05"]', 'only vms-gen-05 under Generic', T);
    assert.ok(await e2e.treeRow('Piet').count(), 'the other pools stay');
    t.diagnostic(`screenshot: ${await e2e.screenshot('home-filter')}`);

    // Remembered for this workspace: a reload shows the same filter.
    await e2e.page.reload();
    await e2e.page.locator('.part.activitybar').waitFor({ timeout: T });
    // The workbench restores the side bar by itself; opening it before that would toggle it shut.
    await e2e.sideBar.waitFor({ state: 'visible', timeout: 10_000 }).catch(() => undefined);
    await e2e.page.waitForTimeout(1500);
    await e2e.openXcpAdminView();
    await e2e.until(async () => JSON.stringify(await hostsOfGeneric().catch(() => [])) === '["vms-gen-05"]', 'the filter after a reload', T);

    // Show XAPI Record on the host: a read-only jsonc document with its name and its refs named.
    const generic = e2e.treeRow('Generic').first();
    const hosts = await e2e.until(() => e2e.childRow(generic, 'Hosts'), 'Hosts', T);
    await e2e.contextMenu(await e2e.childRow(hosts, 'vms-gen-05'), 'Show XAPI Record');
    const editor = e2e.page.locator('.editor-instance .monaco-editor .view-lines').first();
    const editorText = async () => (await editor.innerText().catch(() => '')).replace(/\u00a0/g, ' '); // Monaco draws spaces as NBSP
    await e2e.until(async () => /"name_label": "vms-gen-05"/.test(await editorText()), 'the record in an editor', T);
    assert.match(await editorText(), /\/\/ XAPI record of host OpaqueRef:/);
    assert.match(await editorText(), /"OpaqueRef:[^"]+",? \/\/ PIF of vms-gen-05/, 'a reference is followed by what it points to');
    const tab = await e2e.page.locator('.tabs-container .tab.active').first().innerText();
    assert.match(tab, /host [0-9a-f]{8}\.jsonc/, `the tab names the record: ${tab}`);
    t.diagnostic(`screenshot: ${await e2e.screenshot('home-record')}`);

    // Clear Filter, one click.
    await e2e.sideBar.locator('[aria-label="Clear Filter"]').first().click();
    await e2e.until(async () => (await hostsOfGeneric()).length === 8, 'Generic\'s 8 hosts again', T);

    // The status bar item: pick Security, Disconnect.
    await statusItem.click();
    await e2e.page.locator('.quick-input-widget').getByRole('option', { name: /Security/ }).first().click();
    await e2e.page.locator('.quick-input-widget').getByRole('option', { name: /Disconnect/ }).first().click();
    await e2e.until(async () => /4\/5 pools/.test(await statusItem.innerText()), 'the status bar: 4/5 pools', T);
  });
});

test('what ships is what runs: the packaged .vsix (minified bundle) installed into code-server opens the tree and a root shell', { timeout: 300_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'xcp-e2e-vsix-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const vsix = join(dir, 'xcp-admin.vsix');
  const r = spawnSync(process.execPath, [join(repoRoot, 'scripts', 'package-vsix.mjs'), '--out', vsix], { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  assert.equal(r.status, 0, `npm run package failed:\n${r.stdout}${r.stderr}`);
  await withE2E(t, 'home-vsix', { workbench: { vsix } }, async (e2e) => {
    const installed = readdirSync(e2e.workbench.extensionsDir).filter((d) => d.startsWith('xcp-admin.xcp-admin-'));
    assert.equal(installed.length, 1, `one installed copy: ${installed.join(', ')}`);
    const bundle = readFileSync(join(e2e.workbench.extensionsDir, installed[0], 'dist', 'extension.js'), 'utf8');
    assert.ok(!bundle.includes('sourceMappingURL') && bundle.length / bundle.split('\n').length > 2000, 'the installed bundle is the minified one (long lines, no source map)');
    await e2e.openXcpAdminView();
    await e2e.until(async () => /master vms-gen-05 · 8 hosts/.test((await e2e.rowText(e2e.treeRow('Generic').first())).description), 'Generic connected', T);
    await rootShell(e2e, 'Generic', 'vms-gen-03');
    t.diagnostic(`screenshot: ${await e2e.screenshot('home-vsix-shell')}`);
  });
});
