// A folder the admin has not trusted cannot point XCP Admin at other pools (issue 20), in the real UI:
// code-server with workspace trust on, as VS Code ships, opens a folder whose .vscode/settings.json
// lists a pool the admin's own settings do not have. In Restricted Mode the tree shows the admin's pools
// only and a row saying why the folder's pool is missing; once the admin trusts the folder (Manage
// Workspace Trust, from that row), VS Code hands the folder's settings over and its pool connects; and
// removing that pool then edits the folder's list, never the admin's own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { withE2E } from './harness';

const T = 30_000;
/** The admin's own pools (user settings) and the pool the folder lists, under a name the admin has not used. */
const USER_POOLS = ['Piet', 'Security'];
const WORKSPACE_POOL = 'Lab from this folder';
const NOTICE = 'Pools listed by this workspace are ignored until you trust it';
const CONNECTED = /^master .+ · \d+ hosts?/;

test('an untrusted folder\'s pools are ignored, and said to be, until the admin trusts it; then its pool connects', { timeout: 240_000 }, async (t) => {
  await withE2E(t, 'untrusted-workspace', {
    pools: (all) => all.filter((p) => USER_POOLS.includes(p.name)),
    workbenchFor: (all) => {
      const lab = all.find((p) => p.name === 'Lab');
      if (!lab) throw new Error(`the simulator has no pool Lab (it has ${all.map((p) => p.name).join(', ')})`);
      return {
        workspaceTrust: true,
        workspaceSettings: {
          'xcpAdmin.pools': [{ name: WORKSPACE_POOL, url: lab.url, username: lab.username, ...(typeof lab.sshPort === 'number' ? { sshPort: lab.sshPort } : {}) }],
        },
        // The admin's password for that pool (demo setting, user scope only): once trusted, it connects unasked.
        passwords: { [WORKSPACE_POOL]: String(lab.password) },
      };
    },
  }, async (e2e) => {
    // VS Code asks on the first opening of a folder; the admin does not trust it (Restricted Mode).
    const dialog = e2e.page.locator('.monaco-dialog-box');
    const asked = await dialog.filter({ hasText: /Do you trust the authors/ }).waitFor({ timeout: T }).then(() => true, () => false);
    if (asked) {
      t.diagnostic(`screenshot: ${await e2e.screenshot('untrusted-workspace-prompt')}`);
      await dialog.getByRole('button', { name: /No, I don.t trust the authors/ }).click();
      await dialog.waitFor({ state: 'hidden', timeout: T });
    }
    t.diagnostic(`the trust prompt was ${asked ? '' : 'not '}shown`);

    await e2e.openXcpAdminView();
    for (const pool of USER_POOLS) {
      await e2e.until(async () => CONNECTED.test((await e2e.rowText(e2e.treeRow(pool).first())).description), `${pool} connected`, T);
    }
    const notice = e2e.treeRow(NOTICE);
    await e2e.until(async () => (await notice.count()) === 1, 'the row saying the folder\'s pools are ignored', T);
    assert.equal(await e2e.treeRow(WORKSPACE_POOL).count(), 0, 'the folder\'s pool is not listed');
    const labels = await e2e.rows().locator('.label-name').allInnerTexts();
    assert.deepEqual(labels.map((l) => l.trim()).sort(), [NOTICE, ...USER_POOLS].sort(), 'the admin\'s pools and the notice, nothing else');
    t.diagnostic(`screenshot: ${await e2e.screenshot('untrusted-workspace-restricted')}`);

    // The row opens VS Code's Manage Workspace Trust; the admin trusts the folder there.
    await notice.first().click();
    const trustEditor = e2e.page.locator('.workspace-trust-editor');
    await trustEditor.waitFor({ timeout: T });
    t.diagnostic(`screenshot: ${await e2e.screenshot('untrusted-workspace-manage-trust')}`);
    await trustEditor.getByRole('button', { name: /^Trust( Folder)?$/ }).first().click();

    // VS Code hands the folder's settings over: its pool is listed and connects, and the notice goes.
    await e2e.until(async () => (await e2e.treeRow(WORKSPACE_POOL).count()) === 1, `the row ${WORKSPACE_POOL}`, T);
    await e2e.until(async () => CONNECTED.test((await e2e.rowText(e2e.treeRow(WORKSPACE_POOL).first())).description), `${WORKSPACE_POOL} connected`, T);
    await e2e.until(async () => (await notice.count()) === 0, 'the notice gone once trusted', T);
    // As with any VS Code setting, the folder's list replaces the user's while the folder is open.
    const after = (await e2e.rows().locator('.label-name').allInnerTexts()).map((l) => l.trim());
    assert.deepEqual(after, [WORKSPACE_POOL], 'a trusted folder\'s pool list is the list shown');
    await e2e.openXcpAdminView();
    t.diagnostic(`screenshot: ${await e2e.screenshot('untrusted-workspace-trusted')}`);

    // Removing the folder's pool edits the folder's list, where it came from; the admin's own list stays.
    await e2e.contextMenu(WORKSPACE_POOL, 'Remove Pool…');
    const confirm = e2e.page.locator('.monaco-dialog-box');
    await confirm.filter({ hasText: `Remove pool "${WORKSPACE_POOL}" from XCP Admin?` }).waitFor({ timeout: T });
    await confirm.getByRole('button', { name: 'Remove', exact: true }).click();
    const folderSettings = join(e2e.workbench.workspace, '.vscode', 'settings.json');
    await e2e.until(async () => {
      const pools = (JSON.parse(readFileSync(folderSettings, 'utf8')) as Record<string, unknown>)['xcpAdmin.pools'];
      return Array.isArray(pools) && pools.length === 0;
    }, 'the folder\'s settings without its pool', T);
    const userPools = (e2e.userSettings()['xcpAdmin.pools'] as { name: string }[]).map((p) => p.name);
    assert.deepEqual(userPools.sort(), [...USER_POOLS].sort(), 'the admin\'s own pools are untouched in the user settings');
  });
});
