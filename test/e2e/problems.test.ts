// The Problems view: a host dies (HA says so too) and a multipath path is lost in the simulator; the
// view lists both under the pool with their severity, the tooltip carries the evidence, the status
// bar counts them, the pool tree marks the rows; Run Fix on the dead host's finding opens H6's plan,
// which runs, and the finding turns into "forget it" (no VMs left on the host).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { XapiJson, withE2E } from './harness';

// Runs in the page (evaluate); the extension-host tsconfig has no DOM types.
declare const getComputedStyle: (el: unknown, pseudo: string) => { content: string };

const T = 30_000;

test('Problems view: a dead host and a multipath alert, evidence in the tooltip, the fix run from the finding\'s menu', { timeout: 240_000 }, async (t) => {
  await withE2E(t, 'problems', {}, async (e2e) => {
    const info = e2e.pools.find((p) => p.name === 'Generic')!;
    const x = new XapiJson(info);
    await x.login();
    const hosts = await x.allRecords<{ name_label: string; uuid: string; resident_VMs: string[] }>('host');
    const vms = await x.allRecords<{ name_label: string; is_control_domain: boolean }>('VM');
    const srs = await x.allRecords<{ name_label: string; uuid: string; shared: boolean; type: string }>('SR');
    const victim = Object.values(hosts).find((h) => h.name_label !== 'vms-gen-05' && h.resident_VMs.some((v) => !vms[v]?.is_control_domain))!;
    const other = Object.values(hosts).find((h) => h.name_label !== 'vms-gen-05' && h.uuid !== victim.uuid)!;
    const sr = Object.values(srs).find((s) => s.shared && s.type === 'lvmoiscsi')!;

    await e2e.openXcpAdminView();
    await e2e.expand(e2e.treeRow('Generic').first(), T);
    await e2e.simulator.control('fault/ha-host-failed', { host: victim.uuid });
    await e2e.simulator.control('fault/multipath', { sr: sr.uuid, host: other.uuid, current: 1, max: 2 });

    // The pool tree marks the pool (its multipath alert) and the dead host.
    const generic0 = e2e.treeRow('Generic').first();
    // A decoration's badge is CSS ::after content on the row's label, not text.
    await e2e.until(() => generic0.evaluate((el) => [el, ...Array.from(el.querySelectorAll('*'))].some((n) => getComputedStyle(n, '::after').content.includes('⚠'))), 'the pool row marked', T);
    t.diagnostic(`screenshot: ${await e2e.screenshot('problems-tree-marks')}`);

    // The Problems view (folded at first, below the pools): the pools folded away to give it room.
    const poolsHeader = e2e.page.locator('.pane-header[aria-label^="Pools"]').first();
    const header = e2e.page.locator('.pane-header[aria-label^="Problems"]').first();
    await header.waitFor({ timeout: T });
    if ((await header.getAttribute('aria-expanded')) !== 'true') await header.click();
    if ((await poolsHeader.getAttribute('aria-expanded')) === 'true') await poolsHeader.click();
    e2e.viewName = 'Problems';
    await e2e.until(async () => (await e2e.treeRow('Piet').count()) > 0, 'the Piet group', T);
    await e2e.collapse(e2e.treeRow('Piet').first());
    const generic = await e2e.until(async () => ((await e2e.treeRow('Generic').count()) ? e2e.treeRow('Generic').first() : undefined), 'the Generic group', T);
    assert.match((await e2e.rowText(generic!)).description, /\d+ errors, \d+ warnings/);
    const dead = await e2e.until(async () => {
      const r = e2e.rows().filter({ hasText: `Host ${victim.name_label} is dead` });
      return (await r.count()) ? r.first() : undefined;
    }, 'the dead-host finding', T);
    const mpath = await e2e.until(async () => {
      const r = e2e.rows().filter({ hasText: `Host ${other.name_label} sees 1 of 2 paths` });
      return (await r.count()) ? r.first() : undefined;
    }, 'the multipath finding', T);
    await e2e.until(async () => (await e2e.rows().filter({ hasText: /Multipath: .* sees 1 of 2 paths/ }).count()) > 0, 'the MULTIPATH_PERIODIC_ALERT finding', T);
    await e2e.until(async () => (await e2e.rows().filter({ hasText: new RegExp(`HA reported host ${victim.name_label} failed`) }).count()) > 0, 'the HA_HOST_FAILED finding', T);
    assert.ok(await dead!.locator('.codicon-error').count(), 'the dead host with VMs is an error');
    assert.ok(await mpath!.locator('.codicon-warning').count(), 'one path lost is a warning');

    const tip = await e2e.tooltip(mpath!, /other_config/, T);
    assert.match(tip, /\[1, 2\]/);
    t.diagnostic(`screenshot: ${await e2e.screenshot('problems-view')}`);

    const status = e2e.page.locator('.statusbar-item', { hasText: 'XCP' }).first();
    assert.match(await status.innerText(), /\d+\s+\d+\s+XCP/);

    // Run Fix on the dead host's finding: H6's plan, as from the tree.
    await e2e.contextMenu(dead!, /Run Fix/);
    const dialog = e2e.page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: T });
    assert.match(await dialog.innerText(), new RegExp(`^Declare the VMs of a dead host halted — .*${victim.name_label}`, 'm'));
    await dialog.getByRole('button', { name: 'Run' }).click();
    await e2e.confirmEach(victim.resident_VMs.filter((v) => !vms[v].is_control_domain).map((v) => vms[v].name_label), (n) => `Declare ${n} halted?`, T);
    await e2e.until(async () => /H6 done/.test(await e2e.terminalText()), 'H6 done in the terminal', T);
    await e2e.until(async () => (await e2e.rows().filter({ hasText: `Host ${victim.name_label} is dead and runs no VMs` }).count()) > 0, 'the finding now says forget it', T);
    t.diagnostic(`screenshot: ${await e2e.screenshot('problems-after-fix')}`);
    await x.logout();
  });
});
