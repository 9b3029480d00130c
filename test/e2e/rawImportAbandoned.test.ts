// S2 abandoned before a byte is written (issue 16, point 4): the target VDI is created, then the admin
// dismisses the write plan's confirmation; the empty VDI is offered for removal, and removing it leaves
// no trace in XAPI.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { XapiJson, withE2E } from './harness';
import { answerImport, imageOnBl0, modalButton, T } from './rawImportSteps';

test('S2 dismissed at the write: the empty VDI just created is offered for removal, and removed', { timeout: 300_000 }, async (t) => {
  await withE2E(t, 'raw-import-abandoned', {}, async (e2e) => {
    const image = await imageOnBl0(e2e, 'small.img', 4, 'zero');
    const x = new XapiJson(e2e.pools.find((p) => p.name === 'Piet')!);
    const named = async () => Object.values(await x.allRecords<{ name_label: string }>('VDI')).filter((v) => v.name_label === 'abandoned disk').length;
    await answerImport(e2e, image, 'abandoned disk');
    await modalButton(e2e, /^Import a raw disk image: create the target VDI — /m, 'Run');
    await e2e.until(async () => (await named()) === 1 || undefined, 'the new VDI in XAPI', T);

    // The admin changes their mind at the write's confirmation.
    await modalButton(e2e, /^Import a raw disk image: write the bytes/m, 'Cancel');
    const offer = await modalButton(e2e, /Nothing was written: abandoned disk, created for this import, is empty/, 'Destroy the VDI');
    assert.match(offer, /Destroy it now\?/);
    t.diagnostic(`screenshot: ${await e2e.screenshot('raw-import-abandoned-destroy-plan')}`);
    await modalButton(e2e, /^Destroy the empty VDI/m, 'Run');
    await modalButton(e2e, /Destroy abandoned disk/, 'Yes, do it');
    await e2e.until(async () => (await named()) === 0 || undefined, 'the empty VDI gone from XAPI', T);
    await x.logout();
  });
});
