// The Generic pool's master dies in the simulator; the tree says the master does not answer while the
// slaves do; right-click the pool → "Recover Pool onto a Slave…" → pick vms-gen-03 → the plan, one
// confirmation naming it, the run in a terminal; the tree follows the new master; XAPI agrees.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { XapiJson, withE2E } from './harness';

const T = 30_000;

test('a dead master: the pool is recovered onto a chosen slave from the tree, and the tree follows', { timeout: 240_000 }, async (t) => {
  await withE2E(t, 'dead-master', {}, async (e2e) => {
    const info = e2e.pools.find((p) => p.name === 'Generic')!;
    const x = new XapiJson(info);
    await x.login();
    const hosts = await x.allRecords<{ name_label: string; uuid: string; address: string }>('host');
    const byName = (n: string) => Object.values(hosts).find((h) => h.name_label === n)!;
    const oldMaster = byName('vms-gen-05');
    const chosen = byName('vms-gen-03');
    await x.logout();

    await e2e.openXcpAdminView();
    const generic = await e2e.expand(e2e.treeRow('Generic').first(), T);
    await e2e.expand(await e2e.until(() => e2e.childRow(generic, 'Hosts'), 'Hosts', T), T);
    await e2e.simulator.control('host/down', { host: oldMaster.uuid });

    const poolRow = await e2e.until(async () => {
      const r = e2e.treeRow('Generic').first();
      return /master vms-gen-05 not answering/.test((await e2e.rowText(r)).all) ? r : undefined;
    }, 'the pool row says the master does not answer', T);
    const masterRow = e2e.treeRow('vms-gen-05').first();
    assert.match((await e2e.rowText(masterRow)).all, /NOT ANSWERING/);
    t.diagnostic(`screenshot: ${await e2e.screenshot('dead-master-tree')}`);

    await e2e.contextMenu(poolRow!, /Recover Pool onto a Slave/);
    const quick = e2e.page.locator('.quick-input-widget');
    await quick.waitFor({ timeout: T });
    await quick.locator('input').fill('vms-gen-03');
    await e2e.until(async () => /answers as a slave/.test(await quick.innerText()), 'the pick shows which hosts answer', T);
    t.diagnostic(`screenshot: ${await e2e.screenshot('dead-master-pick')}`);
    await quick.locator('input').press('Enter');

    const dialog = e2e.page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: T });
    assert.match(await dialog.innerText(), /^Move the pool master — vms-gen-03\?/m, 'the Run dialog speaks plain words (no runbook code)');
    t.diagnostic(`screenshot: ${await e2e.screenshot('dead-master-plan')}`);
    await dialog.getByRole('button', { name: 'Run' }).click();
    await e2e.until(async () => (await dialog.isVisible()) && /emergency transition/.test(await dialog.innerText()), 'the confirmation of the emergency transition', T);
    assert.match(await dialog.innerText(), new RegExp(chosen.uuid), 'the confirmation names the host by uuid');
    await dialog.getByRole('button', { name: 'Yes, do it' }).click();

    await e2e.until(async () => /H4 done/.test(await e2e.terminalText()), 'the run ends done in the terminal', T);
    const term = await e2e.terminalText();
    assert.match(term, /\[root@vms-gen-03\]# xe pool-emergency-transition-to-master/);
    assert.match(term, /xe pool-recover-slaves/);
    await e2e.until(async () => /master vms-gen-03/.test((await e2e.rowText(e2e.treeRow('Generic').first())).all), 'the tree follows the new master', T);
    t.diagnostic(`screenshot: ${await e2e.screenshot('dead-master-recovered')}`);

    const y = new XapiJson({ ...info, url: info.url.replace(oldMaster.address, chosen.address) });
    await y.login();
    const pools = await y.call<string[]>('pool.get_all');
    const master = await y.call<string>('pool.get_master', pools[0]);
    assert.equal(await y.call('host.get_name_label', master), 'vms-gen-03');
    await y.logout();
  });
});
