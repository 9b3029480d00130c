// Right-click a host → Open Root Shell: the host key is confirmed in VS Code's dialog, the terminal
// connects to the simulated dom0 over SSH, and `hostname` prints the simulated host's name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withE2E } from './harness';

const T = 20_000;

test('Open Root Shell on a host: the terminal runs a shell on that host', { timeout: 180_000 }, async (t) => {
  await withE2E(t, 'root-shell', {}, async (e2e) => {
    await e2e.openXcpAdminView();
    const generic = await e2e.expand(e2e.treeRow('Generic').first(), T);
    const hosts = await e2e.expand(await e2e.until(() => e2e.childRow(generic, 'Hosts'), 'Generic → Hosts', T), T);
    const host = 'vms-gen-03';
    const row = await e2e.until(() => e2e.childRow(hosts, host), `host ${host}`, T);
    await e2e.contextMenu(row, 'Open Root Shell');

    // First contact: VS Code's modal shows the host key; the admin trusts it.
    const dialog = e2e.page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: T });
    const dialogText = await dialog.innerText();
    const fingerprint = e2e.simulator.info.pools.find((p) => p.name === 'Generic')!.hosts as { name: string; ssh: { hostKeySha256: string } }[];
    const expected = fingerprint.find((h) => h.name === host)!.ssh.hostKeySha256;
    assert.ok(dialogText.includes(expected), `the dialog shows ${host}'s key fingerprint ${expected}: ${dialogText}`);
    t.diagnostic(`screenshot: ${await e2e.screenshot('root-shell-host-key')}`);
    await dialog.getByRole('button', { name: 'Trust and Connect' }).click();

    const prompt = new RegExp(`\\[root@${host} [^\\]]*\\]#`);
    await e2e.until(async () => prompt.test(await e2e.terminalText()), `the ${host} prompt in the terminal`, T);
    await e2e.page.locator('.terminal-wrapper .xterm').first().click();
    await e2e.page.keyboard.type('hostname');
    await e2e.page.keyboard.press('Enter');
    await e2e.until(async () => new RegExp(`^${host}$`, 'm').test(await e2e.terminalText()), `${host} printed by hostname`, T);
    const tabs = await e2e.page.locator('.terminal-tabs-entry, .single-terminal-tab, .terminal-tab').allInnerTexts().catch(() => []);
    t.diagnostic(`terminal tabs: ${tabs.join(' | ')}`);
    t.diagnostic(`screenshot: ${await e2e.screenshot('root-shell-hostname')}`);

    await e2e.page.keyboard.type('exit 3');
    await e2e.page.keyboard.press('Enter');
    await e2e.until(async () => /ended: exit status 3/.test(await e2e.terminalText()), 'the exit status shown', T);
    t.diagnostic(`screenshot: ${await e2e.screenshot('root-shell-exit')}`);
  });
});
