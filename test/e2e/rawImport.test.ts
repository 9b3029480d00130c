// S2 in the real UI: right-click Piet's FC SR → Import Raw Disk Image… → a 16 MiB image on a BL0 host
// (another pool) → the target VDI is created, the bytes are relayed by the extension, and the dd
// webview reaches 100% with the verdict "checksums match"; the new VDI shows in the tree.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { XapiJson, withE2E } from './harness';
import { answerImport, imageOnBl0, modalButton, quickInput, T } from './rawImportSteps';

test('S2 from the tree: the dd webview reaches 100% and shows the checksum verdict', { timeout: 300_000 }, async (t) => {
  await withE2E(t, 'raw-import', {}, async (e2e) => {
    // The image, made on the source host over SSH (as the admin would have it there).
    const image = await imageOnBl0(e2e, 'legacy.img', 16, 'urandom');
    const { password, sha256: sha } = image;
    const { piet, storage } = await answerImport(e2e, image, 'legacy disk');

    await modalButton(e2e, /^Import a raw disk image: create the target VDI — /m, 'Run');
    await e2e.until(async () => /S2 done/.test(await e2e.terminalText()), 'the VDI is created', T);
    await modalButton(e2e, /^Import a raw disk image: write the bytes/m, 'Run');
    // The writer (a Piet dom0) is contacted for the first time: its key is confirmed; then the write.
    let confirm = '';
    for (let i = 0; i < 6 && !confirm; i++) {
      const dialog = e2e.page.locator('.monaco-dialog-box');
      const quick = e2e.page.locator('.quick-input-widget');
      const next = await e2e.until(async () => {
        if ((await dialog.isVisible()) && /SHA256:/.test(await dialog.innerText())) return 'key';
        if ((await quick.isVisible()) && /SSH password/.test(await quick.innerText())) return 'password';
        if ((await dialog.isVisible()) && /Write the image into/.test(await dialog.innerText())) return 'confirm';
        return undefined;
      }, 'a host key, a password or the write confirmation', T);
      if (next === 'key') await modalButton(e2e, /SHA256:/, 'Trust and Connect');
      else if (next === 'password') await quickInput(e2e, /SSH password/, password);
      else confirm = await modalButton(e2e, /Write the image into/, 'Yes, do it');
    }
    assert.match(confirm, /\/dev\/VG_XenStorage-[0-9a-f-]{36}\/LV-[0-9a-f-]{36}/, 'the confirmation shows the device path');

    const view = e2e.page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
    await e2e.until(async () => (await view.locator('#percent').innerText().catch(() => '')) === '100%', 'the webview at 100%', T);
    await e2e.until(async () => /checksums match/i.test(await view.locator('#verdict').innerText().catch(() => '')), 'the verdict in the webview', T);
    const verdict = await view.locator('#verdict').innerText();
    assert.ok(verdict.includes(sha), 'the verdict shows the source\'s checksum');
    t.diagnostic(`screenshot: ${await e2e.screenshot('dd-webview-done')}`);
    await e2e.until(async () => /S2 done/.test(await e2e.terminalText()), 'the run ends done', T);
    // XAPI has the new raw VDI, sized in whole 4 MiB extents.
    const x = new XapiJson(e2e.pools.find((p) => p.name === 'Piet')!);
    const vdis = await x.allRecords<{ name_label: string; sm_config: Record<string, string>; virtual_size: number | string }>('VDI');
    const made2 = Object.values(vdis).find((v) => v.name_label === 'legacy disk');
    assert.equal(made2?.sm_config.type, 'raw');
    assert.equal(Number(made2?.virtual_size), 16 * 1024 * 1024);

    // The optional last step: a VM with this disk, made and started from the notification's button.
    const toast = e2e.page.locator('.notification-toast').filter({ hasText: 'Make a VM with it' });
    await e2e.until(() => toast.isVisible(), 'the offer to make a VM', T);
    await toast.getByRole('button', { name: 'Make a VM…' }).click();
    await quickInput(e2e, /Make a VM with this disk: its name/, undefined);
    await quickInput(e2e, /Memory \(MiB\)/, '512');
    await quickInput(e2e, /vCPUs/, undefined);
    await quickInput(e2e, /start it once made/, 'Make it and start it');
    await modalButton(e2e, /^Make a VM with this disk/m, 'Run');
    await e2e.until(async () => /S2 done: all 11 steps done/.test(await e2e.terminalText()), 'the VM is made and started', T);
    const vms = await x.allRecords<{ name_label: string; power_state: string; resident_on: string; PV_bootloader: string; is_a_template: boolean }>('VM');
    const vm = Object.values(vms).find((v) => v.name_label === 'legacy disk' && !v.is_a_template);
    assert.equal(vm?.power_state, 'Running');
    assert.equal(vm?.PV_bootloader, 'pygrub');
    const hosts = await x.allRecords<{ name_label: string }>('host');
    const hostName = hosts[vm!.resident_on].name_label;
    // The tree shows it running under its host.
    await e2e.collapse(storage);
    const hostsFolder = await e2e.expand(await e2e.until(() => e2e.childRow(piet, 'Hosts'), 'Piet → Hosts', T), T);
    const host = await e2e.expand(await e2e.until(() => e2e.childRow(hostsFolder, new RegExp(`^${hostName}`)), hostName, T), T);
    const row = await e2e.until(() => e2e.childRow(host, 'legacy disk'), 'the new VM under its host', T);
    assert.match((await e2e.rowText(row)).all, /Running/);
    t.diagnostic(`screenshot: ${await e2e.screenshot('vm-from-disk-running')}`);
    await x.logout();
  });
});
