// A real pool as an admin meets it: https with a self-signed certificate, VS Code with its default
// settings (proxy support on, which takes over node's https.request in the extension host), a fresh
// profile with no pool. Add Pool from the welcome view, trust the certificate in the first-contact
// dialog, and the tree shows the pool's master and hosts. A certificate changed afterwards is refused
// with the remedy that works (Forget Pinned Certificates).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withE2E, type E2E } from './harness';

const T = 30_000;

async function answerInput(e2e: E2E, title: RegExp, value: string): Promise<void> {
  const quick = e2e.page.locator('.quick-input-widget');
  await e2e.until(async () => (await quick.isVisible()) && title.test(await quick.innerText()), `the input ${title}`, T);
  const input = quick.locator('input').first();
  await input.fill(value);
  await input.press('Enter');
  await e2e.until(async () => !(await quick.isVisible()) || !title.test(await quick.innerText()), `the input ${title} to close`, T);
}

function fingerprintOf(e2e: E2E): string {
  const tls = e2e.simulator.info.tls as { fingerprint256?: string } | undefined;
  assert.ok(tls?.fingerprint256, 'the simulator runs with TLS');
  return tls.fingerprint256;
}

test('Add Pool on an https pool from an empty profile: trust the certificate, the tree shows its hosts; a changed certificate is refused', { timeout: 240_000 }, async (t) => {
  await withE2E(t, 'tls-first-contact', { pools: () => [], tlsPins: false }, async (e2e) => {
    const bl0 = e2e.simulator.info.pools.find((p) => p.name === 'BL0')!;
    assert.match(bl0.url, /^https:\/\//, 'the simulated pools are served over https');
    const settings = e2e.userSettings();
    assert.equal(settings['http.proxySupport'], undefined, 'the editor keeps its default proxy support');
    assert.equal(settings['xcpAdmin.pools'], undefined, 'no pool is configured');
    assert.equal(settings['xcpAdmin.demo.simulatorCertificates'], undefined, 'no certificate is pinned');

    await e2e.openXcpAdminView();
    const welcome = e2e.pane().getByRole('button', { name: 'Add Pool', exact: true });
    await welcome.waitFor({ timeout: T });
    await welcome.click();
    await answerInput(e2e, /Add a pool \(1\/4\)/, bl0.url);
    await answerInput(e2e, /Add a pool \(2\/4\)/, 'BL0');
    await answerInput(e2e, /Add a pool \(3\/4\)/, bl0.username);
    await answerInput(e2e, /Add a pool \(4\/4\)/, bl0.password!);

    // First contact: the dialog shows the certificate's SHA-256 fingerprint; the admin trusts it.
    const dialog = e2e.page.locator('.monaco-dialog-box');
    const shown = (await e2e.until(async () => ((await dialog.isVisible()) && /First connection to/.test(await dialog.innerText()) ? dialog.innerText() : undefined), 'the first-contact dialog', T))!;
    assert.ok(shown.includes(new URL(bl0.url).host), `the dialog names host:port: ${shown}`);
    assert.ok(shown.replace(/\s+/g, '').includes(fingerprintOf(e2e)), `the dialog shows the fingerprint ${fingerprintOf(e2e)}: ${shown}`);
    t.diagnostic(`screenshot: ${await e2e.screenshot('tls-first-contact-dialog')}`);
    await dialog.getByRole('button', { name: 'Trust and Connect' }).click();

    // Connected: the pool's hosts, the master among them, are in the tree.
    const pool = await e2e.expand(e2e.treeRow('BL0').first(), T);
    const hosts = await e2e.expand(await e2e.until(() => e2e.childRow(pool, 'Hosts'), 'BL0 → Hosts', T), T);
    const master = await e2e.until(() => e2e.childRow(hosts, 'vms-bl0-01'), 'the master vms-bl0-01', T);
    assert.match((await e2e.rowText(master)).all, /master/, 'the master row says so');
    assert.equal(await e2e.childCount(hosts), (bl0.hosts as unknown[]).length, 'every host of the pool is listed');
    t.diagnostic(`screenshot: ${await e2e.screenshot('tls-first-contact-tree')}`);

    // The host presents another certificate: the pool is refused, with the remedy that works.
    await e2e.simulator.control('tls/rotate', {});
    await e2e.contextMenu(e2e.treeRow('BL0').first(), 'Disconnect');
    await e2e.contextMenu(e2e.treeRow('BL0').first(), 'Connect / Retry');
    const poolRow = e2e.treeRow('BL0').first();
    const summary = await e2e.until(async () => {
      const text = (await e2e.rowText(poolRow)).all;
      return /certificate CHANGED/.test(text) ? text : undefined;
    }, 'the pool row to report the changed certificate', T);
    t.diagnostic(`pool row: ${summary}`);
    await e2e.expand(poolRow, T);
    const notice = await e2e.until(() => e2e.childRow(poolRow, /has changed/), 'the row with the full message', T);
    const message = (await e2e.rowText(notice)).all;
    assert.ok(message.includes(fingerprintOf(e2e).slice(0, 20)), `the message names the pinned fingerprint: ${message}`);
    assert.match(message, /Forget Pinned Certificates/, `the message names the remedy: ${message}`);
    // The row is too narrow for the whole message: its tooltip shows all of it, remedy included.
    const tooltip = await e2e.tooltip(notice, /has changed/, T);
    assert.match(tooltip.replace(/\s+/g, ' '), /Forget Pinned Certificates/, `the tooltip names the remedy: ${tooltip}`);
    t.diagnostic(`screenshot: ${await e2e.screenshot('tls-certificate-changed')}`);
  });
});
