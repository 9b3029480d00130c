// What the S2 e2e tests do alike, as an admin would: answer a modal dialog or a quick input, put an
// image on a BL0 host (another pool, reached over SSH), and answer Import Raw Disk Image's questions on
// Piet's FC SR up to the first plan's preview.
import assert from 'node:assert/strict';
import { connectSsh, exec, MemoryHostKeyStore } from '../../src/ssh';
import type { Locator } from 'playwright-core';
import type { E2E } from './harness';

export const T = 30_000;

type FleetHost = { name: string; address: string; ssh: { port: number; hostKeySha256: string } };

/** Waits for a modal dialog whose text matches, clicks `button`; the dialog's text. */
export async function modalButton(e2e: E2E, text: RegExp, button: string): Promise<string> {
  const dialog = e2e.page.locator('.monaco-dialog-box');
  const shown = await e2e.until(async () => ((await dialog.isVisible()) && text.test(await dialog.innerText()) ? await dialog.innerText() : undefined), `a dialog ${text}`, T);
  await dialog.getByRole('button', { name: button, exact: true }).click();
  await dialog.waitFor({ state: 'hidden', timeout: T }).catch(() => undefined);
  return shown!;
}

/** Waits for the quick input titled `title`, types `value` (or keeps what it offers) and presses Enter. */
export async function quickInput(e2e: E2E, title: RegExp, value: string | undefined): Promise<void> {
  const quick = e2e.page.locator('.quick-input-widget');
  await e2e.until(async () => (await quick.isVisible()) && title.test(await quick.innerText()), `the input ${title}`, T);
  const input = quick.locator('input').first();
  if (value !== undefined) await input.fill(value);
  await input.press('Enter');
  await e2e.until(async () => !(await quick.isVisible()) || !title.test(await quick.innerText()), `the input ${title} to close`, T);
}

export interface ImageOnHost {
  address: string;
  password: string;
  path: string;
  sha256: string;
  hostKeySha256: string;
}

/** An image of `mib` MiB from `/dev/<from>` at /root/images/<file> on BL0's second host, made over SSH. */
export async function imageOnBl0(e2e: E2E, file: string, mib: number, from: 'urandom' | 'zero'): Promise<ImageOnHost> {
  const bl0 = e2e.simulator.info.pools.find((p) => p.name === 'BL0')!;
  const src = (bl0.hosts as FleetHost[])[1];
  const password = bl0.password!;
  const c = await connectSsh({
    host: src.address, port: src.ssh.port, auth: { username: 'root', agent: false, password: async () => password },
    hostKeys: { store: new MemoryHostKeyStore(), knownHostsFiles: [], confirm: async ({ key }) => key.fingerprint === src.ssh.hostKeySha256 },
  });
  const path = `/root/images/${file}`;
  const made = await exec(c, `mkdir -p /root/images && dd if=/dev/${from} of=${path} bs=1M count=${mib} 2>/dev/null && sha256sum ${path}`);
  c.close();
  assert.equal(made.code, 0, made.stderr);
  return { address: src.address, password, path, sha256: made.stdout.split(' ')[0], hostKeySha256: src.ssh.hostKeySha256 };
}

/**
 * Right-click Piet's FC SR → Import Raw Disk Image…, the image over SSH (its host key confirmed and
 * checked against the fleet's), the new VDI's name, the dd relay, the offered writer. Leaves the first
 * plan's Run dialog open. The pool's and its Storage folder's rows.
 */
export async function answerImport(e2e: E2E, image: ImageOnHost, vdiName: string): Promise<{ piet: Locator; storage: Locator }> {
  await e2e.openXcpAdminView();
  const piet = await e2e.expand(e2e.treeRow('Piet').first(), T);
  const storage = await e2e.expand(await e2e.until(() => e2e.childRow(piet, 'Storage'), 'Piet → Storage', T), T);
  const fc = await e2e.until(() => e2e.childRow(storage, 'Compellent FC piet-1'), 'the FC SR', T);
  await e2e.contextMenu(fc, /Import Raw Disk Image/);
  await quickInput(e2e, /where is the image/, 'over SSH');
  await quickInput(e2e, /the source host/, image.address);
  await quickInput(e2e, /the file on/, image.path);
  const keyDialog = await modalButton(e2e, /SHA256:/, 'Trust and Connect');
  assert.ok(keyDialog.includes(image.hostKeySha256), 'the source host\'s key is shown before anything is sent');
  await quickInput(e2e, /SSH password for root@/, image.password);
  await quickInput(e2e, /Name of the new VDI/, vdiName);
  await quickInput(e2e, /How are the bytes written/, 'dd into the LV');
  await quickInput(e2e, /Which host writes into the LV/, undefined);
  return { piet, storage };
}
