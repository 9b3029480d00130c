// The XCP Admin tree in a real VS Code UI (code-server + Chromium) against the simulator's fleet.
// Each test has its own simulator and workbench. The expected values come from the simulator itself
// (through XAPI JSON-RPC) and from package.json's menus, so the tests follow both.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Locator } from 'playwright-core';
import {
  type E2E, XapiJson, expectedContextMenu, localized, manifest, withE2E,
} from './harness';
import type { PoolInfo } from './workbench';
import { CONTEXT_VALUES, srContextValue } from '../../src/tree/contextValues';

// The seed's four XCP 1.5 pools (XML-RPC) and Lab, an XCP-ng 8 pool (JSON-RPC).
const POOLS = ['Piet', 'Generic', 'BL0', 'Security', 'Lab'];
const SIZE = /\d+(\.\d+)?\s?(B|KiB|MiB|GiB|TiB|PiB|kB|KB|MB|GB|TB)\b/;
const FORMAT = /\b(raw|vhd)\b/i;
const T = 20_000; // how long the tree may take to show what XAPI knows

interface SrRec { uuid: string; name_label: string; type: string; shared: boolean; VDIs: string[] }
interface VdiRec { uuid: string; name_label: string; SR: string; is_a_snapshot: boolean; virtual_size: number | string; sm_config: Record<string, string> }
interface HostRec { uuid: string; name_label: string; address: string }

/** The view id of the "Pools" view, from the manifest. */
function poolsViewId(): string {
  for (const views of Object.values(manifest().contributes?.views ?? {})) {
    const v = views.find((x) => /^pools$/i.test(localized(x.name)));
    if (v) return v.id;
  }
  throw new Error('package.json contributes no "Pools" view');
}

function pool(e2e: E2E, name: string): PoolInfo {
  const p = e2e.pools.find((x) => x.name === name);
  if (!p) throw new Error(`the simulator has no pool ${name} (it has ${e2e.pools.map((x) => x.name).join(', ')})`);
  return p;
}

/** Reads the simulator's state of a pool, independently of the extension. */
async function xapi(e2e: E2E, name: string): Promise<XapiJson> {
  const x = new XapiJson(pool(e2e, name));
  await x.login();
  return x;
}

/** The first FC (lvmohba) SR of Piet that has VDIs, with them (snapshots left out). */
async function fcSrOfPiet(e2e: E2E): Promise<{ sr: SrRec; vdis: VdiRec[] }> {
  const x = await xapi(e2e, 'Piet');
  try {
    const srs = Object.entries(await x.allRecords<SrRec>('SR'))
      .filter(([, r]) => r.type === 'lvmohba')
      .sort(([, a], [, b]) => a.name_label.localeCompare(b.name_label));
    const vdis = await x.allRecords<VdiRec>('VDI');
    for (const [ref, sr] of srs) {
      const own = Object.values(vdis).filter((v) => v.SR === ref && !v.is_a_snapshot);
      if (own.length) return { sr, vdis: own };
    }
    throw new Error('Piet has no lvmohba SR with VDIs');
  } finally {
    await x.logout();
  }
}

/** Pool → folder ("Hosts" / "Storage") → row, expanding on the way. */
async function open(e2e: E2E, poolName: string, folder: 'Hosts' | 'Storage'): Promise<Locator> {
  const p = await e2e.expand(e2e.treeRow(poolName).first(), T);
  return e2e.expand(await e2e.until(() => e2e.childRow(p, folder), `${poolName} → ${folder}`, T), T);
}

async function topLevelLabels(e2e: E2E): Promise<string[]> {
  return e2e.rows().and(e2e.page.locator('[aria-level="1"]')).locator('.label-name').allInnerTexts();
}

test('the tree lists the five pools, Generic\'s 8 hosts with its master, Lab\'s 3 (over JSON-RPC), and the VDIs of an FC SR', { timeout: 180_000 }, async (t) => {
  await withE2E(t, 'tree-pools', {}, async (e2e) => {
    await e2e.openXcpAdminView();
    const expected = e2e.pools.map((p) => p.name);
    for (const name of POOLS) assert.ok(expected.includes(name), `the simulator serves pool ${name}`);
    await e2e.until(async () => {
      const shown = (await topLevelLabels(e2e)).map((s) => s.trim());
      return expected.every((n) => shown.includes(n));
    }, `pool rows ${expected.join(', ')}`, T);
    assert.deepEqual((await topLevelLabels(e2e)).map((s) => s.trim()).sort(), [...expected].sort());

    // Lab, the XCP-ng 8 pool, loads over JSON-RPC like the others over XML-RPC.
    assert.equal(await e2e.childCount(await open(e2e, 'Lab', 'Hosts')), 3, 'Lab has 3 hosts');
    await e2e.collapse(e2e.treeRow('Lab').first());

    // Generic → Hosts: 8 hosts, vms-gen-05 is the master.
    const hosts = await open(e2e, 'Generic', 'Hosts');
    assert.equal(await e2e.childCount(hosts), 8, 'Generic has 8 hosts');
    const rows = await e2e.children(hosts);
    const texts = await Promise.all(rows.map((r) => e2e.rowText(r)));
    const x = await xapi(e2e, 'Generic');
    const simHosts = Object.values(await x.allRecords<HostRec>('host'));
    await x.logout();
    assert.deepEqual(texts.map((r) => r.label).sort(), simHosts.map((h) => h.name_label).sort(), 'the host rows are the pool\'s hosts');
    for (const r of texts) {
      const h = simHosts.find((s) => s.name_label === r.label)!;
      assert.ok(r.description.includes(h.address), `${r.label}'s description "${r.description}" holds its address ${h.address}`);
      if (r.label === 'vms-gen-05') assert.match(r.description, /master/i, 'vms-gen-05 is marked master');
      else assert.doesNotMatch(r.description, /master/i, `${r.label} is not marked master`);
    }
    t.diagnostic(`screenshot: ${await e2e.screenshot('tree-generic-hosts')}`);
    await e2e.collapse(e2e.treeRow('Generic').first());

    // Piet → Storage → an FC SR → its VDIs with sizes and formats.
    const { sr, vdis } = await fcSrOfPiet(e2e);
    const storage = await open(e2e, 'Piet', 'Storage');
    const srRow = await e2e.until(() => e2e.childRow(storage, sr.name_label), `SR ${sr.name_label}`, T);
    assert.match((await e2e.rowText(srRow)).all, /lvmohba|\bFC\b|fibre/i, 'the SR row shows its type');
    await e2e.expand(srRow, T);
    assert.equal(await e2e.childCount(srRow), vdis.length, `${sr.name_label} shows its ${vdis.length} VDIs`);
    const vdiRows = await Promise.all((await e2e.children(srRow)).map((r) => e2e.rowText(r)));
    assert.ok(vdiRows.length > 0);
    for (const v of vdiRows) {
      assert.ok(vdis.some((d) => d.name_label === v.label), `VDI row ${v.label} is a VDI of ${sr.name_label}`);
      assert.match(v.all, SIZE, `VDI row "${v.all}" shows a size`);
      assert.match(v.all, FORMAT, `VDI row "${v.all}" shows raw or VHD`);
    }
    await srRow.scrollIntoViewIfNeeded();
    t.diagnostic(`screenshot: ${await e2e.screenshot('tree-piet-fc-vdis')}`);
  });
});

test('the tree follows XAPI events: a VDI renamed and a host taken down show without a refresh', { timeout: 180_000 }, async (t) => {
  await withE2E(t, 'tree-live', {}, async (e2e) => {
    await e2e.openXcpAdminView();
    const { sr, vdis } = await fcSrOfPiet(e2e);
    const vdi = vdis.sort((a, b) => a.name_label.localeCompare(b.name_label))[0];
    const storage = await open(e2e, 'Piet', 'Storage');
    const srRow = await e2e.expand(await e2e.until(() => e2e.childRow(storage, sr.name_label), `SR ${sr.name_label}`, T), T);
    await e2e.until(() => e2e.childRow(srRow, vdi.name_label), `VDI ${vdi.name_label}`, T);

    const newName = `renamed-by-e2e-${Date.now() % 100000}`;
    await e2e.simulator.control('rename', { uuid: vdi.uuid, name_label: newName });
    await e2e.treeRow(newName).first().waitFor({ timeout: T });
    assert.equal(await e2e.treeRow(vdi.name_label).count(), 0, `the old name ${vdi.name_label} is gone`);
    t.diagnostic(`screenshot: ${await e2e.screenshot('tree-live-rename')}`);
    await e2e.collapse(e2e.treeRow('Piet').first());

    // A live, non-master host of Generic goes down.
    const hosts = await open(e2e, 'Generic', 'Hosts');
    const victim = 'vms-gen-03';
    const row = await e2e.until(() => e2e.childRow(hosts, victim), `host ${victim}`, T);
    assert.doesNotMatch((await e2e.rowText(row)).all, /dead/i, `${victim} starts live`);
    const x = await xapi(e2e, 'Generic');
    const host = Object.values(await x.allRecords<HostRec>('host')).find((h) => h.name_label === victim);
    await x.logout();
    assert.ok(host, `the simulator has host ${victim}`);
    await e2e.simulator.control('host/down', { host: host.uuid });
    await e2e.until(async () => /dead/i.test((await e2e.rowText(e2e.treeRow(victim).first())).all), `${victim} shown dead`, T);
    t.diagnostic(`screenshot: ${await e2e.screenshot('tree-live-host-down')}`);
  });
});

test('the context menus of a host and an SR offer the commands package.json contributes for them', { timeout: 180_000 }, async (t) => {
  await withE2E(t, 'tree-menus', {}, async (e2e) => {
    const view = poolsViewId();
    const contributed = manifest().contributes?.menus?.['view/item/context'] ?? [];
    assert.ok(contributed.length > 0, 'package.json contributes view/item/context menus');
    await e2e.openXcpAdminView();

    /** The menu titles package.json gives rows with this context value (the tree's own contract, src/tree/contextValues.ts). */
    const predicted = (contextValue: string): string[] => {
      assert.ok(CONTEXT_VALUES.includes(contextValue), `${contextValue} is one of the tree's context values`);
      return expectedContextMenu(view, contextValue).sort();
    };

    // A host (not the master, which may have master-only entries) of Generic.
    const hosts = await open(e2e, 'Generic', 'Hosts');
    const hostRow = await e2e.until(() => e2e.childRow(hosts, 'vms-gen-03'), 'host vms-gen-03', T);
    const hostMenu = await e2e.contextMenuItems(hostRow);
    t.diagnostic(`host menu: ${hostMenu.join(' | ')}`);
    assert.ok(hostMenu.length > 0, 'a host row has a context menu');
    // Generic runs XCP 1.5 and its hosts do not present 6.0.99 yet: Present is offered, its Undo is not.
    assert.deepEqual([...hostMenu].sort(), predicted('host.live.slave.toPresent'), 'a live slave host offers what package.json gives host.live.slave.toPresent');
    assert.ok(hostMenu.some((m) => /^Present as XenServer 6\.0\.99 to XenCenter…$/.test(m)) && !hostMenu.some((m) => /Undo/.test(m)), `only what applies: ${hostMenu.join(' | ')}`);
    assert.ok(hostMenu.every((m) => !/\([HS]\d/.test(m)), `titles in plain words, no runbook codes: ${hostMenu.join(' | ')}`);
    await e2e.screenshot('tree-menus-host-rows');
    // Show the menu open for the screenshot, then close it.
    await hostRow.click({ button: 'right' });
    await e2e.contextMenuEntries().first().waitFor();
    t.diagnostic(`screenshot: ${await e2e.screenshot('tree-menus-host')}`);
    await e2e.page.keyboard.press('Escape');
    await e2e.collapse(e2e.treeRow('Generic').first());

    // An SR of Piet.
    const { sr } = await fcSrOfPiet(e2e);
    const storage = await open(e2e, 'Piet', 'Storage');
    const srRow = await e2e.until(() => e2e.childRow(storage, sr.name_label), `SR ${sr.name_label}`, T);
    const srMenu = await e2e.contextMenuItems(srRow);
    t.diagnostic(`SR menu: ${srMenu.join(' | ')}`);
    assert.ok(srMenu.length > 0, 'an SR row has a context menu');
    assert.deepEqual([...srMenu].sort(), predicted(srContextValue('lvmohba')), 'an FC SR offers what package.json gives an lvmohba SR');
    assert.ok(srMenu.every((m) => !/\([HS]\d/.test(m)), `titles in plain words, no runbook codes: ${srMenu.join(' | ')}`);
    await srRow.click({ button: 'right' });
    await e2e.contextMenuEntries().first().waitFor();
    t.diagnostic(`screenshot: ${await e2e.screenshot('tree-menus-sr')}`);
    await e2e.page.keyboard.press('Escape');
  });
});

test('a wrong password shows on its pool\'s node and the other pools still expand', { timeout: 180_000 }, async (t) => {
  const wrong = 'BL0';
  await withE2E(t, 'tree-wrong-password', {
    pools: (pools) => pools.map((p) => (p.name === wrong ? { ...p, password: 'not-the-password' } : p)),
  }, async (e2e) => {
    await e2e.openXcpAdminView();
    const bad = e2e.treeRow(wrong).first();
    await bad.waitFor({ timeout: T });
    // The error is on the node itself (description / tooltip) or on the row under it once expanded.
    const AUTH = /auth|password|credential|denied|log ?in|rejected/i;
    const errorText = async (): Promise<string | undefined> => {
      const own = (await e2e.rowText(bad)).all + ' ' + ((await bad.getAttribute('aria-label')) ?? '');
      if (AUTH.test(own)) return own;
      if ((await bad.getAttribute('aria-expanded')) === 'false') await e2e.expand(bad, T).catch(() => undefined);
      if ((await bad.getAttribute('aria-expanded')) === 'true') {
        for (const c of await e2e.children(bad)) {
          const s = (await e2e.rowText(c)).all + ' ' + ((await c.getAttribute('aria-label')) ?? '');
          if (AUTH.test(s)) return s;
        }
      }
      return undefined;
    };
    const shown = await e2e.until(errorText, `an authentication error on ${wrong}`, T);
    t.diagnostic(`${wrong} shows: ${shown}`);
    t.diagnostic(`screenshot: ${await e2e.screenshot('tree-wrong-password')}`);

    for (const other of POOLS.filter((p) => p !== wrong)) {
      const hosts = await open(e2e, other, 'Hosts');
      assert.ok((await e2e.childCount(hosts)) > 0, `${other} → Hosts lists hosts`);
      await e2e.collapse(e2e.treeRow(other).first());
    }
    t.diagnostic(`screenshot: ${await e2e.screenshot('tree-wrong-password-others')}`);
  });
});
