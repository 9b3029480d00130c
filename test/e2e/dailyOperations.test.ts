// The daily operations from the tree's menus, in the real UI (issue 18): a live migration from
// vms-gen-03 to vms-gen-04 with its progress notification, the VM moving in the tree; maintenance mode
// on a slave with VMs, which ends empty and shown in maintenance; a snapshot taken, then reverted to.
// XAPI (the simulator, read over its own API) agrees each time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { XapiJson, withE2E, type E2E } from './harness';

const T = 30_000;
const GiB = 1024 ** 3;

type VmRec = { name_label: string; resident_on: string; power_state: string; snapshots: string[]; parent: string };
type HostRec = { name_label: string; uuid: string; enabled: boolean; other_config: Record<string, string>; resident_VMs: string[] };

async function xapiOf(e2e: E2E): Promise<XapiJson> {
  const x = new XapiJson(e2e.pools.find((p) => p.name === 'Generic')!);
  await x.login();
  return x;
}

async function hostsFolder(e2e: E2E) {
  await e2e.openXcpAdminView();
  const generic = await e2e.expand(e2e.treeRow('Generic').first(), T);
  return e2e.expand(await e2e.until(() => e2e.childRow(generic, 'Hosts'), 'Hosts', T), T);
}

/** The toast whose text matches, once it shows. */
function toast(e2e: E2E, text: RegExp) {
  return e2e.page.locator('.notifications-toasts .notification-toast').filter({ hasText: text }).first();
}

async function confirmDialog(e2e: E2E, text: RegExp, button: string): Promise<string> {
  const dialog = e2e.page.locator('.monaco-dialog-box');
  const shown = await e2e.until(async () => ((await dialog.isVisible()) && text.test(await dialog.innerText()) ? dialog.innerText() : undefined), `a dialog ${text}`, T);
  await dialog.getByRole('button', { name: button }).click();
  await dialog.waitFor({ state: 'hidden', timeout: T }).catch(() => undefined);
  return shown!;
}

test('Migrate to Host… moves mail-01 from vms-gen-03 to vms-gen-04 live, with the task\'s progress in a notification', { timeout: 240_000 }, async (t) => {
  await withE2E(t, 'vm-migrate', {}, async (e2e) => {
    const x = await xapiOf(e2e);
    const hosts = await x.allRecords<HostRec>('host');
    const ref = (name: string) => Object.entries(hosts).find(([, h]) => h.name_label === name)![0];
    // 4 GiB at 400 MiB/s: about ten seconds, long enough to see the progress.
    await e2e.simulator.control('migration', { bytesPerSecond: 400 * 1024 * 1024 });

    const folder = await hostsFolder(e2e);
    const gen03 = await e2e.expand(await e2e.until(() => e2e.childRow(folder, 'vms-gen-03'), 'vms-gen-03', T), T);
    const row = await e2e.until(() => e2e.childRow(gen03, 'mail-01'), 'mail-01 under vms-gen-03', T);
    assert.match((await e2e.rowText(row)).description, /^Running/);
    await e2e.contextMenu(row, /Migrate to Host/);

    const quick = e2e.page.locator('.quick-input-widget');
    await e2e.until(async () => (await quick.isVisible()) && /Migrate mail-01 to which host\?/.test(await quick.innerText()), 'the host pick', T);
    assert.match(await quick.innerText(), /vms-gen-08[\s\S]*HOST_NOT_ENOUGH_FREE_MEMORY|HOST_NOT_ENOUGH_FREE_MEMORY[\s\S]*vms-gen-08/, 'a host without the memory says why');
    t.diagnostic(`screenshot: ${await e2e.screenshot('vm-migrate-pick')}`);
    await quick.locator('input').fill('vms-gen-04');
    await e2e.page.waitForTimeout(300);
    await quick.locator('input').press('Enter');

    const note = toast(e2e, /Migrating mail-01 to vms-gen-04/);
    await note.waitFor({ timeout: T });
    await e2e.until(async () => /\d+%/.test(await note.innerText()) ? true : undefined, 'the notification shows the task\'s progress', T);
    t.diagnostic(`progress: ${(await note.innerText()).replace(/\s+/g, ' ')}`);
    t.diagnostic(`screenshot: ${await e2e.screenshot('vm-migrate-progress')}`);

    const mail = Object.entries(await x.allRecords<VmRec>('VM')).find(([, v]) => v.name_label === 'mail-01')![0];
    await e2e.until(async () => (await x.call<string>('VM.get_resident_on', mail)) === ref('vms-gen-04') ? true : undefined, 'XAPI has mail-01 on vms-gen-04', 60_000);
    await toast(e2e, /Done: Migrate mail-01 to vms-gen-04\./).waitFor({ timeout: T });
    // vms-gen-04 is collapsed: the only mail-01 row left would be under vms-gen-03.
    await e2e.until(async () => ((await e2e.treeRow('mail-01').count()) === 0 ? true : undefined), 'mail-01 gone from vms-gen-03', T);
    const gen04 = await e2e.expand(e2e.treeRow('vms-gen-04').first(), T);
    await e2e.until(() => e2e.childRow(gen04, 'mail-01').catch(() => undefined), 'mail-01 under vms-gen-04 in the tree', T);
    t.diagnostic(`screenshot: ${await e2e.screenshot('vm-migrate-done')}`);
    await x.logout();
  });
});

test('Enter Maintenance Mode… on a slave with VMs leaves it empty, disabled and shown in maintenance', { timeout: 240_000 }, async (t) => {
  await withE2E(t, 'host-maintenance', {}, async (e2e) => {
    const x = await xapiOf(e2e);
    await e2e.simulator.control('migration', { bytesPerSecond: 4 * GiB });
    const hosts = await x.allRecords<HostRec>('host');
    const [gen03Ref] = Object.entries(hosts).find(([, h]) => h.name_label === 'vms-gen-03')!;

    const folder = await hostsFolder(e2e);
    const row = await e2e.until(() => e2e.childRow(folder, 'vms-gen-03'), 'vms-gen-03', T);
    await e2e.contextMenu(row, /Enter Maintenance Mode/);
    await confirmDialog(e2e, /Enter maintenance mode — vms-gen-03\?/, 'Run');
    t.diagnostic(`screenshot: ${await e2e.screenshot('host-maintenance-plan')}`);
    const asked = await confirmDialog(e2e, /Disable vms-gen-03\?/, 'Yes, do it');
    assert.match(asked, /host vms-gen-03/, 'the confirmation names the host');
    await toast(e2e, /vms-gen-03 entering maintenance mode/).waitFor({ timeout: T }).then(async () => t.diagnostic(`screenshot: ${await e2e.screenshot('host-maintenance-progress')}`)).catch(() => undefined);

    await e2e.until(async () => {
      const h = await x.call<HostRec>('host.get_record', gen03Ref);
      const guests = [];
      for (const v of h.resident_VMs) if (!(await x.call<boolean>('VM.get_is_control_domain', v))) guests.push(v);
      return !h.enabled && h.other_config.MAINTENANCE_MODE === 'true' && guests.length === 0 ? true : undefined;
    }, 'XAPI: vms-gen-03 disabled, marked, with no VM', 90_000);
    const shown = await e2e.until(async () => {
      const r = e2e.treeRow('vms-gen-03').first();
      return /maintenance mode/.test((await e2e.rowText(r)).all) ? r : undefined;
    }, 'the row says maintenance mode', T);
    assert.notEqual(await shown!.getAttribute('aria-expanded'), 'true', 'no VM under it any more');
    const menu = await e2e.contextMenuItems(shown!);
    assert.ok(menu.some((m) => /Exit Maintenance Mode/.test(m)) && !menu.some((m) => /Enter Maintenance Mode/.test(m)), `the menu offers Exit, not Enter: ${menu.join(' | ')}`);
    t.diagnostic(`screenshot: ${await e2e.screenshot('host-maintenance-done')}`);
    await x.logout();
  });
});

test('Take Snapshot… then Revert to Snapshot… from the tree: the snapshot shows under its VM, the revert is confirmed naming both', { timeout: 240_000 }, async (t) => {
  await withE2E(t, 'vm-snapshot', {}, async (e2e) => {
    const x = await xapiOf(e2e);
    const vms = await x.allRecords<VmRec>('VM');
    const [jenkins, before] = Object.entries(vms).find(([, v]) => v.name_label === 'jenkins-01')!;
    const hostName = (await x.call<string>('host.get_name_label', before.resident_on));

    const folder = await hostsFolder(e2e);
    const host = await e2e.expand(await e2e.until(() => e2e.childRow(folder, hostName), hostName, T), T);
    const row = await e2e.until(() => e2e.childRow(host, 'jenkins-01'), 'jenkins-01', T);
    await e2e.contextMenu(row, /Take Snapshot/);
    const quick = e2e.page.locator('.quick-input-widget');
    await e2e.until(async () => (await quick.isVisible()) && /Snapshot of jenkins-01/.test(await quick.innerText()), 'the name box', T);
    await quick.locator('input').fill('before upgrade');
    await quick.locator('input').press('Enter');

    await e2e.until(async () => ((await x.call<string[]>('VM.get_snapshots', jenkins)).length === 1 ? true : undefined), 'XAPI has the snapshot', T);
    const vmRow = await e2e.until(async () => {
      const r = await e2e.childRow(host, 'jenkins-01').catch(() => undefined);
      return r && (await r.getAttribute('aria-expanded')) !== null ? r : undefined;
    }, 'jenkins-01 expandable', T);
    await e2e.expand(vmRow!, T);
    const snapRow = await e2e.until(() => e2e.childRow(vmRow!, 'before upgrade'), 'the snapshot under jenkins-01', T);
    assert.match((await e2e.rowText(snapRow)).description, /^\d{4}-\d\d-\d\d \d\d:\d\d UTC/, 'with the time it was taken');
    t.diagnostic(`screenshot: ${await e2e.screenshot('vm-snapshot-taken')}`);

    await e2e.contextMenu(snapRow, /Revert to Snapshot/);
    await confirmDialog(e2e, /Revert a VM to a snapshot — jenkins-01\?/, 'Run');
    const asked = await confirmDialog(e2e, /Revert jenkins-01 to before upgrade\?/, 'Yes, do it');
    assert.match(asked, /jenkins-01 → snapshot before upgrade/, 'the confirmation names the VM and the snapshot');
    const [snapRef] = await x.call<string[]>('VM.get_snapshots', jenkins);
    await e2e.until(async () => {
      const v = await x.call<VmRec>('VM.get_record', jenkins);
      return v.parent === snapRef && v.power_state === 'Running' ? true : undefined;
    }, 'XAPI: jenkins-01 reverted to the snapshot and running again', 60_000);
    t.diagnostic(`screenshot: ${await e2e.screenshot('vm-snapshot-reverted')}`);
    await x.logout();
  });
});
