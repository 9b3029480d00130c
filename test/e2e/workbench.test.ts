// The harness itself: the workbench opens in Chromium with the extension installed, and its view
// container is in the activity bar.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withE2E } from './harness';

test('the workbench opens with the XCP Admin view container', { timeout: 120_000 }, async (t) => {
  const started = Date.now();
  await withE2E(t, 'workbench-open', {}, async (e2e) => {
    const loaded = Date.now() - started;
    await e2e.openXcpAdminView();
    assert.ok(await e2e.sideBar.isVisible(), 'the side bar shows the XCP Admin container');
    t.diagnostic(`screenshot: ${await e2e.screenshot('workbench-open')}`);
    t.diagnostic(`simulator + code-server + Chromium + workbench: ${loaded} ms; view shown after ${Date.now() - started} ms`);
  });
});
