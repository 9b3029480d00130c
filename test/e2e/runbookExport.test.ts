// Issue 16 in the real UI. Piet's Storage folder: the shared SRs first, then one "Local storage"
// group whose rows lead with the host. A host dies in Generic; its VM rows offer "Declare Halted": the
// plan opens read-only, titled after the procedure and target (no "Untitled" that asks to be saved),
// headed with the runbook's code and section; the run is not started; "Export Plan as Runbook" from
// the preview's title bar saves the Markdown and the sh script into the workspace, and the script
// holds the same xe command the runner would send.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { XapiJson, withE2E } from './harness';

const T = 20_000;

test('Piet\'s storage folder, a read-only plan preview from a dead host\'s VM, and the plan exported as a runbook', { timeout: 240_000 }, async (t) => {
  await withE2E(t, 'runbook-export', {}, async (e2e) => {
    await e2e.openXcpAdminView();

    // Piet → Storage: shared SRs, then the local-storage group led by host names.
    const piet = await e2e.expand(e2e.treeRow('Piet').first(), T);
    const storage = await e2e.expand(await e2e.until(() => e2e.childRow(piet, 'Storage'), 'Piet → Storage', T), T);
    const rows = await Promise.all((await e2e.children(storage)).map((r) => e2e.rowText(r)));
    t.diagnostic(`Piet storage: ${rows.map((r) => r.all).join(' | ')}`);
    assert.equal(rows.at(-1)?.label, 'Local storage', 'the local-storage group comes after the shared SRs');
    assert.match(rows.at(-1)!.description, /^16 SRs on 16 hosts$/);
    assert.ok(rows.slice(0, -1).every((r) => /· shared$/.test(r.description)), 'the shared SRs come first');
    const local = await e2e.expand(await e2e.childRow(storage, 'Local storage'), T);
    const first = await e2e.rowText((await e2e.children(local))[0]);
    assert.equal(first.label, 'vms-piet-01');
    assert.match(first.description, /^Local storage · lvm · .* \/ 552 GiB · local$/);
    t.diagnostic(`screenshot: ${await e2e.screenshot('runbook-piet-storage')}`);
    await e2e.collapse(e2e.treeRow('Piet').first());

    // A dead host of Generic, its VM row, "Declare Halted".
    const info = e2e.pools.find((p) => p.name === 'Generic')!;
    const x = new XapiJson(info);
    await x.login();
    const hosts = await x.allRecords<{ name_label: string; uuid: string; resident_VMs: string[] }>('host');
    const vms = await x.allRecords<{ name_label: string; uuid: string; is_control_domain: boolean }>('VM');
    const [, victim] = Object.entries(hosts).find(([, h]) => h.name_label !== 'vms-gen-05' && h.resident_VMs.some((v) => !vms[v]?.is_control_domain))!;
    const vm = vms[victim.resident_VMs.find((v) => !vms[v].is_control_domain)!];
    const generic = await e2e.expand(e2e.treeRow('Generic').first(), T);
    const folder = await e2e.expand(await e2e.until(() => e2e.childRow(generic, 'Hosts'), 'Hosts', T), T);
    await e2e.simulator.control('host/down', { host: victim.uuid });
    const hostRow = await e2e.until(async () => {
      const r = await e2e.childRow(folder, victim.name_label);
      return r && /DEAD/.test((await e2e.rowText(r)).all) ? r : undefined;
    }, `${victim.name_label} shown dead`, T);
    await e2e.expand(hostRow!, T);
    const vmRow = await e2e.until(async () => {
      const r = await e2e.childRow(hostRow!, vm.name_label);
      return /host dead/.test((await e2e.rowText(r)).all) ? r : undefined;
    }, `${vm.name_label} shown on a dead host`, T);
    await e2e.contextMenu(vmRow!, /Declare Halted \(its host is dead\)/);

    // The Run dialog: not run. The preview stays, read-only.
    const dialog = e2e.page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: T });
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden', timeout: T });
    const title = `Declare the VMs of a dead host halted — ${victim.name_label}.md`;
    const tab = e2e.page.locator('.tabs-container .tab').filter({ hasText: title });
    await tab.waitFor({ timeout: T });
    assert.equal(await e2e.page.locator('.tabs-container .tab').filter({ hasText: /^Untitled/ }).count(), 0, 'no Untitled editor');
    const editor = e2e.page.locator('.editor-instance .monaco-editor').first();
    // The editor draws spaces as no-break spaces.
    const text = async () => (await editor.innerText()).replace(/\u00a0/g, ' ');
    assert.match(await text(), /# H6: Declare the VMs of a dead host halted — /);
    assert.match(await text(), /From the runbook H6, \[VMs on a dead server\]/);
    await editor.click();
    await e2e.page.keyboard.type('typed into the plan');
    assert.doesNotMatch(await text(), /typed into the plan/, 'the preview cannot be edited');
    assert.doesNotMatch((await tab.getAttribute('class')) ?? '', /\bdirty\b/, 'the preview is never dirty');
    t.diagnostic(`screenshot: ${await e2e.screenshot('runbook-plan-preview-readonly')}`);

    // Export Plan as Runbook from the preview's title bar; the save dialog's default is the workspace.
    await e2e.page.locator('.editor-actions .action-label[aria-label^="Export Plan as Runbook"]').first().click();
    const input = e2e.page.locator('.quick-input-widget input');
    await input.waitFor({ timeout: T });
    await e2e.page.keyboard.press('Enter');
    const workspace = e2e.workbench.workspace;
    const saved = await e2e.until(async () => readdirSync(workspace).find((f) => f.endsWith('.sh') && f.startsWith('Declare')), 'the exported script in the workspace', T);
    const script = readFileSync(join(workspace, saved!), 'utf8');
    assert.ok(existsSync(join(workspace, saved!.replace(/\.sh$/, '.md'))), 'the Markdown next to it');
    assert.match(script, /\nset -eu\n/);
    assert.ok(script.includes(`\nxe vm-reset-powerstate uuid=${vm.uuid} --force\n`), 'the xe command of the reset the runner would send');
    assert.ok(script.includes(`confirm '1. Declare ${vm.name_label} halted? VM ${vm.name_label} (${vm.uuid}). Type yes' 'yes'`), 'the confirmation it asks, naming the VM');
    await e2e.until(async () => /Procedure H6 of the runbook/.test((await e2e.page.locator('.editor-instance .monaco-editor').first().innerText()).replace(/\u00a0/g, ' ')), 'the exported Markdown open', T);
    t.diagnostic(`screenshot: ${await e2e.screenshot('runbook-exported-markdown')}`);
    assert.equal(await x.call('VM.get_power_state', Object.keys(vms).find((r) => vms[r].uuid === vm.uuid)), 'Running', 'nothing ran');
    await x.logout();
  });
});
