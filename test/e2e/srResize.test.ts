// S4 in the real UI: the array grows the LUN behind BL0's FC SR (simulator control API); right-click the
// SR → Grow FC SR Online… → the resize webview's host × step grid fills in for the 5 hosts and the
// pool row, and ends with the SR's new physical_size read back from XAPI.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { XapiJson, withE2E } from './harness';

const T = 30_000;
const TiB = 1024 ** 4;

test('S4 from the tree: the resize grid completes with the new physical_size', { timeout: 300_000 }, async (t) => {
  await withE2E(t, 'sr-resize', {}, async (e2e) => {
    const info = e2e.pools.find((p) => p.name === 'BL0')!;
    const x = new XapiJson(info);
    const srs = await x.allRecords<{ name_label: string; uuid: string; physical_size: number | string }>('SR');
    const sr = Object.values(srs).find((s) => s.name_label === 'Compellent FC bl0')!;
    const before = Number(sr.physical_size);
    await e2e.simulator.control('lun/grow', { sr: sr.uuid, size: before + TiB });

    await e2e.openXcpAdminView();
    const bl0 = await e2e.expand(e2e.treeRow('BL0').first(), T);
    const storage = await e2e.expand(await e2e.until(() => e2e.childRow(bl0, 'Storage'), 'BL0 → Storage', T), T);
    const fc = await e2e.until(() => e2e.childRow(storage, 'Compellent FC bl0'), 'the FC SR', T);
    await e2e.contextMenu(fc, /Grow FC SR Online/);

    const dialog = e2e.page.locator('.monaco-dialog-box');
    const press = async (text: RegExp, button: string) => {
      await e2e.until(async () => (await dialog.isVisible()) && text.test(await dialog.innerText()), `a dialog ${text}`, T);
      await dialog.getByRole('button', { name: button }).click();
      await dialog.waitFor({ state: 'hidden', timeout: T }).catch(() => undefined);
    };
    await press(/been grown on the storage array/, 'It was grown');
    await press(/^Grow an FC SR online — /m, 'Run');

    const view = e2e.page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
    // First contact with each of the 5 dom0s asks about its host key; the grid fills in meanwhile.
    let shot = false;
    await e2e.until(async () => {
      if ((await dialog.isVisible()) && /SHA256:/.test(await dialog.innerText())) {
        if (!shot) {
          shot = true;
          t.diagnostic(`screenshot: ${await e2e.screenshot('sr-resize-running')}`);
        }
        await dialog.getByRole('button', { name: 'Trust and Connect' }).click();
        return undefined;
      }
      return /grown/i.test(await view.locator('#verdict').innerText().catch(() => '')) ? true : undefined;
    }, 'the grid to complete', 120_000);
    const grid = await view.locator('#grid').innerText();
    assert.equal((grid.match(/✔/g) ?? []).length, 5 * 3 + 3, `every cell of the 5 hosts and the pool row is done:\n${grid}`);
    assert.ok(!/✖/.test(grid));
    const after = await view.locator('#after').innerText();
    assert.match(after, /^3\.0 TiB$|^3 TiB$/, `physical_size after: ${after}`);
    t.diagnostic(`screenshot: ${await e2e.screenshot('sr-resize-done')}`);
    assert.equal(Number(await x.call('SR.get_physical_size', Object.keys(srs).find((k) => srs[k].uuid === sr.uuid))), before + TiB);
    await x.logout();
  });
});
