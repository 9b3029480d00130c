// S2 in the real UI: right-click Piet's FC SR → Import Raw Disk Image… → a 16 MiB image on a BL0 host
// (another pool) → the target VDI is created, the bytes are relayed by the extension, and the dd
// webview reaches 100% with the verdict "checksums match"; the new VDI shows in the tree.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connectSsh, exec, MemoryHostKeyStore } from '../../src/ssh';
import { XapiJson, withE2E, type E2E } from './harness';

const T = 30_000;

type FleetHost = { name: string; address: string; ssh: { port: number; hostKeySha256: string } };

async function modalButton(e2e: E2E, text: RegExp, button: string): Promise<string> {
  const dialog = e2e.page.locator('.monaco-dialog-box');
  const shown = await e2e.until(async () => ((await dialog.isVisible()) && text.test(await dialog.innerText()) ? await dialog.innerText() : undefined), `a dialog ${text}`, T);
  await dialog.getByRole('button', { name: button }).click();
  await dialog.waitFor({ state: 'hidden', timeout: T }).catch(() => undefined);
  return shown!;
}

async function quickInput(e2e: E2E, title: RegExp, value: string | undefined): Promise<void> {
  const quick = e2e.page.locator('.quick-input-widget');
  await e2e.until(async () => (await quick.isVisible()) && title.test(await quick.innerText()), `the input ${title}`, T);
  const input = quick.locator('input').first();
  if (value !== undefined) await input.fill(value);
  await input.press('Enter');
  await e2e.until(async () => !(await quick.isVisible()) || !title.test(await quick.innerText()), `the input ${title} to close`, T);
}

test('S2 from the tree: the dd webview reaches 100% and shows the checksum verdict', { timeout: 300_000 }, async (t) => {
  await withE2E(t, 'raw-import', {}, async (e2e) => {
    const bl0 = e2e.simulator.info.pools.find((p) => p.name === 'BL0')!;
    const src = (bl0.hosts as FleetHost[])[1];
    const password = bl0.password!;
    // The image, made on the source host over SSH (as the admin would have it there).
    const c = await connectSsh({
      host: src.address, port: src.ssh.port, auth: { username: 'root', agent: false, password: async () => password },
      hostKeys: { store: new MemoryHostKeyStore(), knownHostsFiles: [], confirm: async ({ key }) => key.fingerprint === src.ssh.hostKeySha256 },
    });
    const made = await exec(c, "mkdir -p /root/images && dd if=/dev/urandom of=/root/images/legacy.img bs=1M count=16 2>/dev/null && sha256sum /root/images/legacy.img");
    c.close();
    assert.equal(made.code, 0, made.stderr);
    const sha = made.stdout.split(' ')[0];

    await e2e.openXcpAdminView();
    const piet = await e2e.expand(e2e.treeRow('Piet').first(), T);
    const storage = await e2e.expand(await e2e.until(() => e2e.childRow(piet, 'Storage'), 'Piet → Storage', T), T);
    const fc = await e2e.until(() => e2e.childRow(storage, 'Compellent FC piet-1'), 'the FC SR', T);
    await e2e.contextMenu(fc, /Import Raw Disk Image/);

    await quickInput(e2e, /where is the image/, 'over SSH');
    await quickInput(e2e, /the source host/, src.address);
    await quickInput(e2e, /the file on/, '/root/images/legacy.img');
    const keyDialog = await modalButton(e2e, /SHA256:/, 'Trust and Connect');
    assert.ok(keyDialog.includes(src.ssh.hostKeySha256), 'the source host\'s key is shown before anything is sent');
    await quickInput(e2e, /SSH password for root@/, password);
    await quickInput(e2e, /Name of the new VDI/, 'legacy disk');
    await quickInput(e2e, /How are the bytes written/, 'dd into the LV');
    await quickInput(e2e, /Which host writes into the LV/, undefined);

    await modalButton(e2e, /S2: Import a raw disk image: create the target VDI/, 'Run');
    await e2e.until(async () => /S2 done/.test(await e2e.terminalText()), 'the VDI is created', T);
    await modalButton(e2e, /S2: Import a raw disk image: write the bytes/, 'Run');
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
    await modalButton(e2e, /S2: Make a VM with this disk/, 'Run');
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
