// A host dies in the simulator; the tree shows it dead; right-click → "Declare Its VMs Halted": the
// plan opens in an editor, each VM is confirmed by name, the terminal shows the run, XAPI agrees.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { XapiJson, withE2E } from './harness';

const T = 20_000;

test('a dead host\'s VMs are declared halted from its context menu', { timeout: 180_000 }, async (t) => {
  await withE2E(t, 'dead-host-vms', {}, async (e2e) => {
    const info = e2e.pools.find((p) => p.name === 'Generic')!;
    const x = new XapiJson(info);
    await x.login();
    const hosts = await x.allRecords<{ name_label: string; uuid: string; resident_VMs: string[] }>('host');
    const vms = await x.allRecords<{ name_label: string; is_control_domain: boolean; power_state: string }>('VM');
    const victim = Object.entries(hosts).find(([, h]) => h.name_label !== 'vms-gen-05' && h.resident_VMs.some((v) => !vms[v]?.is_control_domain))!;
    const victimVms = victim[1].resident_VMs.filter((v) => !vms[v].is_control_domain);
    const name = victim[1].name_label;

    await e2e.openXcpAdminView();
    const generic = await e2e.expand(e2e.treeRow('Generic').first(), T);
    const folder = await e2e.expand(await e2e.until(() => e2e.childRow(generic, 'Hosts'), 'Hosts', T), T);
    await e2e.simulator.control('host/down', { host: victim[1].uuid });
    const row = await e2e.until(async () => {
      const r = await e2e.childRow(folder, name);
      return r && /DEAD/.test((await e2e.rowText(r)).all) ? r : undefined;
    }, `${name} shown dead`, T);
    await e2e.contextMenu(row!, /Declare Its VMs Halted/);

    const dialog = e2e.page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: T });
    assert.match(await dialog.innerText(), new RegExp(`^Declare the VMs of a dead host halted — .*${name}`, 'm'), 'the Run dialog speaks plain words (no runbook code)');
    t.diagnostic(`screenshot: ${await e2e.screenshot('dead-host-plan')}`);
    await dialog.getByRole('button', { name: 'Run' }).click();
    // One confirmation per VM, each naming its VM (in the plan's order).
    await e2e.confirmEach(victimVms.map((v) => vms[v].name_label), (n) => `Declare ${n} halted?`, T);
    await e2e.until(async () => /H6 done/.test(await e2e.terminalText()), 'the run ends done in the terminal', T);
    t.diagnostic(`screenshot: ${await e2e.screenshot('dead-host-done')}`);
    for (const vm of victimVms) assert.equal(await x.call('VM.get_power_state', vm), 'Halted', `${vms[vm].name_label} is halted in XAPI`);
    await x.logout();
  });
});
