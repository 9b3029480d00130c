// S1 and S2 from the tree: copy a VDI's LV path; import a raw disk image into an LVM SR (or write one
// into an existing raw VDI) through the extension's relay, with the dd progress webview.

import { basename } from 'node:path';
import * as vscode from 'vscode';
import { displayName } from '../text/display';
import type { PoolModel } from '../model/poolModel';
import { apiVersionOf, hasImportRawVdi } from '../model/release';
import type { ByteSource, HostTarget } from '../procedures/plan';
import { planDestroyVdi, planHttpImport, planImportTarget, planRawWrite } from '../procedures/rawImport';
import type { RelayProgress } from '../storage/relay';
import { LVM_SR_TYPES } from '../model/storageLayout';
import { planSrReattach } from '../procedures/srReattach';
import { planSrRepair } from '../procedures/srRepair';
import { gridCell, HOST_STEPS, parseSizes, planSrResize, POOL_STEPS } from '../procedures/srResize';
import type { Executors } from '../procedures/runner';
import { sourceSize, sshExecutors, type SshExecutors } from '../procedures/sshExecutor';
import type { TreeNode } from '../tree/nodes';
import { lvDevicePath } from '../model/storageLayout';
import { describeError } from '../xapi/errors';
import type { Ref } from '../xapi/records';
import { formatBytesShort, initialDd, initialResize, reduceDd, reduceResize, type DdState, type DdToView, type ResizeState, type ResizeToView } from '../webviews/protocol';
import { ProgressPanel } from '../webviews/progressPanel';
import { runWithConfirmation, type ProcedureCommandDeps } from './runProcedure';
import { connectedTarget } from './target';
import { sshOptions } from './shellCommands';
import { makeVmWithDisk } from './vmFromDiskCommand';

export interface StorageCommandDeps extends ProcedureCommandDeps {
  extensionUri: vscode.Uri;
}

function connectedModel(deps: ProcedureCommandDeps, node: TreeNode | undefined, kind: 'sr' | 'vdi'): { pool: string; model: PoolModel } | undefined {
  return connectedTarget(deps.registry, node, kind);
}

/** Asks where the image is: a file on a host over SSH (any host; the pool's jump host applies) or on this machine. */
async function pickSource(): Promise<ByteSource | undefined> {
  const where = await vscode.window.showQuickPick(
    [
      { label: vscode.l10n.t('A file on a host, over SSH'), detail: vscode.l10n.t('Any host this machine (or the pool\'s jump host) reaches; it need not see the pool.'), where: 'ssh' as const },
      { label: vscode.l10n.t('A file on this machine'), where: 'local' as const },
    ],
    { title: vscode.l10n.t('Import a raw disk image: where is the image?') },
  );
  if (!where) return undefined;
  if (where.where === 'local') {
    const picked = await vscode.window.showOpenDialog({ title: vscode.l10n.t('The raw image to import'), canSelectMany: false, openLabel: vscode.l10n.t('Import') });
    return picked?.[0] ? { kind: 'local', path: picked[0].fsPath } : undefined;
  }
  const address = await vscode.window.showInputBox({
    title: vscode.l10n.t('Import a raw disk image: the source host'), prompt: vscode.l10n.t('Host name or address (SSH as root)'), ignoreFocusOut: true,
    validateInput: (v) => (/^[A-Za-z0-9._:-]+$/.test(v.trim()) ? undefined : vscode.l10n.t('A host name or an IP address')),
  });
  if (!address) return undefined;
  const path = await vscode.window.showInputBox({
    title: vscode.l10n.t('Import a raw disk image: the file on {0}', address.trim()), prompt: vscode.l10n.t('Absolute path of the image'), ignoreFocusOut: true,
    validateInput: (v) => (v.startsWith('/') && !v.includes('\n') ? undefined : vscode.l10n.t('An absolute path')),
  });
  if (!path) return undefined;
  const host: HostTarget = { name: address.trim(), uuid: '', address: address.trim(), outsidePool: true };
  return { kind: 'ssh', host, path };
}

/** The dd relay into the LV (LVM SRs) or XAPI's import_raw_vdi (any SR, where the pool's release has it). */
async function pickWay(model: PoolModel, srType: string): Promise<'relay' | 'http' | undefined> {
  const http = { label: vscode.l10n.t('XAPI import_raw_vdi over HTTPS'), detail: vscode.l10n.t('XCP 1.x, XenServer 5.5+ and XCP-ng; any SR type, the storage manager writes the bytes.'), way: 'http' as const };
  const relayOnly = !hasImportRawVdi(model);
  if (!LVM_SR_TYPES.includes(srType)) {
    if (relayOnly) {
      const api = apiVersionOf(model);
      void vscode.window.showErrorMessage(api
        ? vscode.l10n.t('This pool (API {0}) has no import_raw_vdi, and a {1} SR has no LV for the dd relay: XCP Admin cannot write this image here. Use an LVM-based SR (lvm, lvmoiscsi, lvmohba).', `${api.major}.${api.minor}`, srType)
        : vscode.l10n.t('This pool (API version unknown) has no import_raw_vdi, and a {0} SR has no LV for the dd relay: XCP Admin cannot write this image here. Use an LVM-based SR (lvm, lvmoiscsi, lvmohba).', srType));
      return undefined;
    }
    return (await vscode.window.showQuickPick([http], { title: vscode.l10n.t('How are the bytes written?') }))?.way;
  }
  const relay = { label: vscode.l10n.t('dd into the LV, relayed by XCP Admin'), detail: vscode.l10n.t('As the runbook does it (XCP 1.x): raw VDIs on LVM SRs, SHA-256 of both ends compared.'), way: 'relay' as const };
  return (await vscode.window.showQuickPick(relayOnly ? [relay] : [relay, http], { title: vscode.l10n.t('How are the bytes written?') }))?.way;
}

async function pickWriter(model: PoolModel, srRef: Ref<'SR'>): Promise<Ref<'host'> | undefined> {
  const hosts = model.pbdsOf(srRef).filter((p) => p.record.currently_attached && p.host && model.isHostLive(p.host.ref)).map((p) => p.host!);
  if (hosts.length === 0) {
    void vscode.window.showErrorMessage(vscode.l10n.t('No live host has this SR plugged: nobody can write into its LVs.'));
    return undefined;
  }
  const master = hosts.find((h) => model.isMaster(h.ref));
  const items = [...(master ? [master] : []), ...hosts.filter((h) => h !== master)].map((h) => ({ label: displayName(h.record.name_label), description: model.isMaster(h.ref) ? vscode.l10n.t('{0} · master', displayName(h.record.address)) : displayName(h.record.address), ref: h.ref }));
  if (items.length === 1) return items[0].ref;
  return (await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Which host writes into the LV?'), placeHolder: vscode.l10n.t('A host with the SR plugged') }))?.ref;
}

async function waitForVdi(deps: ProcedureCommandDeps, pool: string, ref: Ref<'VDI'>): Promise<PoolModel | undefined> {
  for (let i = 0; i < 50; i++) {
    const s = deps.registry.state(pool);
    if (s?.kind === 'connected' && s.model.get('VDI', ref)) return s.model;
    await new Promise((r) => setTimeout(r, 200));
  }
  return undefined;
}

/** The write (plan 2 of S2) with the dd webview following the stream and the checksums; true when every step passed. */
async function writeWithProgress(deps: StorageCommandDeps, ssh: SshExecutors, pool: string, model: PoolModel, vdiRef: Ref<'VDI'>, source: ByteSource, bytes: number, writer: Ref<'host'>, via: 'relay' | 'http'): Promise<boolean> {
  const plan = via === 'relay' ? planRawWrite(model, vdiRef, source, bytes, writer) : planHttpImport(model, vdiRef, source, bytes, writer);
  const cancel = new AbortController();
  let panel: ProgressPanel<DdState, DdToView> | undefined;
  /** The webview follows a stream (relay or upload) from start to end. */
  const streamed = async <R>(action: { source: ByteSource; bytes: number }, to: string, signal: AbortSignal | undefined, onProgress: (p: RelayProgress) => void, run: (p: (x: RelayProgress) => void) => Promise<R>): Promise<R> => {
    panel?.post({ kind: 'start', ends: { source: displayName(action.source.kind === 'ssh' ? `${action.source.host.name}:${action.source.path}` : vscode.l10n.t('this machine: {0}', action.source.path), 400), target: displayName(to, 400), total: action.bytes } });
    // The clock goes on while no byte comes, so the view can show a stall.
    const t0 = Date.now();
    const clock = setInterval(() => panel?.post({ kind: 'tick', elapsedMs: Date.now() - t0 }), 1000);
    try {
      return await run((p) => {
        onProgress(p);
        panel?.post({ kind: 'progress', bytes: p.bytes, elapsedMs: p.elapsedMs });
      });
    } catch (err) {
      panel?.post(signal?.aborted ? { kind: 'phase', phase: 'cancelled' } : { kind: 'verdict', ok: false, message: vscode.l10n.t('The copy failed: {0}', describeError(err)) });
      throw err;
    } finally {
      clearInterval(clock);
    }
  };
  const wrap = (ex: Executors): Executors => ({
    ...ex,
    relay: (action, signal, onProgress) => streamed(action, `${action.target.host.name}:${action.target.device}`, signal, onProgress, (p) => ex.relay!(action, signal, p)),
    upload: (action, signal, onProgress) => streamed(action, vscode.l10n.t('VDI {0} (import_raw_vdi)', action.vdi.name), signal, onProgress, (p) => ex.upload!(action, signal, p)),
    checksum: async (action, signal) => {
      panel?.post({ kind: 'phase', phase: 'verifying' });
      try {
        const c = await ex.checksum!(action, signal);
        panel?.post({ kind: 'verdict', ok: c.source === c.target, message: c.source === c.target ? vscode.l10n.t('The LV holds exactly the source\'s bytes.') : vscode.l10n.t('The checksums DIFFER: the LV does not hold the source\'s bytes.'), source: c.source, target: c.target });
        return c;
      } catch (err) {
        panel?.post({ kind: 'verdict', ok: false, message: vscode.l10n.t('The checksums could not be compared: {0}', describeError(err)) });
        throw err;
      }
    },
  });
  const result = await runWithConfirmation(deps, pool, plan, {
    ssh,
    wrap,
    signal: cancel.signal,
    started: () => {
      panel = new ProgressPanel<DdState, DdToView>({
        viewType: 'xcpAdmin.ddProgress', title: vscode.l10n.t('dd → {0}', displayName(model.get('VDI', vdiRef)?.name_label ?? 'VDI', 40)), extensionUri: deps.extensionUri, script: 'ddProgress.js',
        initial: initialDd(), reduce: reduceDd, snapshot: (state) => ({ kind: 'snapshot', state }), onCancel: () => cancel.abort(),
      });
    },
  });
  if (result && result.status !== 'done' && result.steps.find((s) => s.id === 'copy')?.status !== 'not run') {
    const destroy = vscode.l10n.t('Destroy the VDI');
    const vdi = model.get('VDI', vdiRef);
    const answer = await vscode.window.showWarningMessage(
      vdi
        ? vscode.l10n.t('The import stopped ({0}): {1} holds a partial image.', result.status, displayName(vdi.name_label))
        : vscode.l10n.t('The import stopped ({0}): the VDI holds a partial image.', result.status),
      { modal: true, detail: vscode.l10n.t('{0}\n\nDestroy it now? Keep it to try the write again.', displayName(result.message, 1000)) },
      destroy,
    );
    if (answer === destroy) await runWithConfirmation(deps, pool, planDestroyVdi(model, vdiRef, result.status === 'cancelled' ? vscode.l10n.t('The import was cancelled.') : result.status === 'unknown' ? vscode.l10n.t('The import ended with an unknown outcome.') : vscode.l10n.t('The import failed.')));
  }
  return result?.status === 'done';
}

/** S4 with the resize webview: a host × step grid filled from the run's step events. */
async function growWithGrid(deps: StorageCommandDeps, pool: string, model: PoolModel, srRef: Ref<'SR'>): Promise<void> {
  const plan = planSrResize(model, srRef);
  const sr = model.get('SR', srRef)!;
  const cancel = new AbortController();
  let panel: ProgressPanel<ResizeState, ResizeToView> | undefined;
  const sizes = new Map<string, Map<string, { before?: number; after?: number }>>();
  const result = await runWithConfirmation(deps, pool, plan, {
    signal: cancel.signal,
    started: () => {
      panel = new ProgressPanel<ResizeState, ResizeToView>({
        viewType: 'xcpAdmin.srResize', title: vscode.l10n.t('Grow {0}', displayName(sr.name_label, 40)), extensionUri: deps.extensionUri, script: 'resizeGrid.js',
        initial: initialResize(), reduce: reduceResize, snapshot: (state) => ({ kind: 'snapshot', state }), onCancel: () => cancel.abort(),
      });
      // Rows keyed by host uuid; the pool's once-only steps get their own row.
      const nameOf = (uuid: string) => displayName(model.hosts().find((h) => h.record.uuid === uuid)?.record.name_label ?? uuid, 60);
      const hostRows = [...new Set(plan.steps.map(gridCell).filter((c) => c && !c.once).map((c) => c!.host))];
      const onceOn = plan.steps.map(gridCell).find((c) => c?.once)?.host;
      const poolRow = `once:${onceOn ?? ''}`;
      panel.post({ kind: 'start', sr: { name: displayName(sr.name_label), uuid: sr.uuid, before: sr.physical_size }, hosts: [...hostRows.map((h) => ({ key: h, name: nameOf(h) })), { key: poolRow, name: onceOn ? vscode.l10n.t('once, on {0}', nameOf(onceOn)) : vscode.l10n.t('once, on the master') }], steps: [...HOST_STEPS, ...POOL_STEPS] });
      for (const h of hostRows) for (const c of POOL_STEPS) panel.post({ kind: 'cell', host: h, step: c, cell: { status: 'skipped' } });
      for (const c of HOST_STEPS) panel.post({ kind: 'cell', host: poolRow, step: c, cell: { status: 'skipped' } });
    },
    onStep: (step, status, output) => {
      const cell = gridCell(step);
      if (!cell || !panel) return;
      const row = cell.once ? `once:${cell.host}` : cell.host;
      const found = parseSizes(output ?? '');
      if (found.length && status === 'done') {
        const m = sizes.get(row) ?? new Map<string, { before?: number; after?: number }>();
        for (const f of found) m.set(f.name, { ...m.get(f.name), [cell.column === 'find map' ? 'before' : 'after']: f.bytes });
        sizes.set(row, m);
        panel.post({ kind: 'sizes', host: row, sizes: [...m].map(([name, v]) => ({ name, ...v })) });
      }
      const detail = status === 'failed' || status === 'unknown' ? (output ?? '').trim().split('\n').pop() : cell.column === 'physical_size' && status === 'done' ? formatBytesShort(Number(output)) : undefined;
      panel.post({ kind: 'cell', host: row, step: cell.column, cell: { status: status === 'running' ? 'running' : status === 'done' ? 'done' : status === 'not run' ? 'pending' : status === 'unknown' ? 'unknown' : 'failed', detail } });
      if (cell.column === 'physical_size' && status === 'done') panel.post({ kind: 'verdict', ok: true, message: vscode.l10n.t('{0} grew to {1} (physical_size, read back from XAPI).', displayName(sr.name_label), formatBytesShort(Number(output))), after: Number(output) });
    },
  });
  if (result && result.status !== 'done') panel?.post({ kind: 'verdict', ok: false, message: result.message });
}

async function readSize(ssh: SshExecutors, source: ByteSource): Promise<number | undefined> {
  try {
    return await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Reading the size of the image…') }, () => sourceSize(ssh, source));
  } catch (err) {
    void vscode.window.showErrorMessage(vscode.l10n.t('Cannot read the image\'s size: {0}', describeError(err)));
    return undefined;
  }
}

/** One set of SSH connections for a whole import (size, create, write): each host is asked for once. */
async function withSsh(deps: ProcedureCommandDeps, pool: string, fn: (ssh: SshExecutors) => Promise<void>): Promise<void> {
  const ssh = sshExecutors((host) => sshOptions(deps.ssh, pool, host.address, host.outsidePool));
  try {
    await fn(ssh);
  } finally {
    ssh.close();
  }
}

export function registerStorageCommands(deps: StorageCommandDeps): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('xcpAdmin.vdi.copyDevicePath', async (node?: TreeNode) => {
      const t = connectedModel(deps, node, 'vdi');
      if (!t || node?.kind !== 'vdi') return;
      const vdi = t.model.get('VDI', node.ref);
      const sr = vdi ? t.model.get('SR', vdi.SR) : undefined;
      const path = vdi && sr ? lvDevicePath(sr, vdi, t.model.vdiFormat(node.ref)) : undefined;
      if (!path) return void vscode.window.showErrorMessage(vscode.l10n.t('This VDI has no device path (not on an LVM or file SR, or of unknown format).'));
      await vscode.env.clipboard.writeText(path);
      vscode.window.setStatusBarMessage(vscode.l10n.t('Copied {0}', path), 3000);
    }),
    vscode.commands.registerCommand('xcpAdmin.sr.importRawImage', async (node?: TreeNode) => {
      const t = connectedModel(deps, node, 'sr');
      if (!t || node?.kind !== 'sr') return;
      const source = await pickSource();
      if (!source) return;
      await withSsh(deps, t.pool, async (ssh) => {
        const bytes = await readSize(ssh, source);
        if (bytes === undefined) return;
        const name = await vscode.window.showInputBox({ title: vscode.l10n.t('Name of the new VDI'), value: basename(source.path), ignoreFocusOut: true });
        if (!name) return;
        const via = await pickWay(t.model, t.model.get('SR', node.ref)?.type ?? '');
        if (!via) return;
        const writer = await pickWriter(t.model, node.ref);
        if (!writer) return;
        const created = await runWithConfirmation(deps, t.pool, planImportTarget(t.model, node.ref, name, bytes, source, via), { ssh });
        if (created?.status !== 'done') return;
        const vdiRef = created.steps[0].output as Ref<'VDI'>;
        const model = await waitForVdi(deps, t.pool, vdiRef);
        if (!model) return void vscode.window.showErrorMessage(vscode.l10n.t('The new VDI ({0}) did not show up in the pool; nothing was written.', vdiRef));
        if (!(await writeWithProgress(deps, ssh, t.pool, model, vdiRef, source, bytes, writer, via))) return;
        const make = vscode.l10n.t('Make a VM…');
        const answer = await vscode.window.showInformationMessage(vscode.l10n.t('{0} is imported. Make a VM with it as its boot disk (PV, pygrub)?', name), make);
        if (answer === make) await makeVmWithDisk(deps, t.pool, model, vdiRef);
      });
    }),
    vscode.commands.registerCommand('xcpAdmin.vdi.makeVm', async (node?: TreeNode) => {
      const t = connectedModel(deps, node, 'vdi');
      if (t && node?.kind === 'vdi') await makeVmWithDisk(deps, t.pool, t.model, node.ref);
    }),
    vscode.commands.registerCommand('xcpAdmin.sr.repair', async (node?: TreeNode) => {
      const t = connectedModel(deps, node, 'sr');
      if (!t || node?.kind !== 'sr') return;
      const connection = deps.registry.connection(t.pool);
      if (!connection) return;
      // The scan's own error names the LV it chokes on.
      const scanError = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Scanning the SR to see what fails…') }, () =>
        connection.call('SR.scan', [node.ref]).then(() => undefined, (err: unknown) => describeError(err)));
      const repair = planSrRepair(t.model, node.ref, scanError, await deps.journal.entries());
      const run = await runWithConfirmation(deps, t.pool, repair);
      // The runbook's last resort when the scan still fails (or names no single culprit): forget and re-attach.
      const stillFails = run?.status === 'failed' && run.steps.find((s) => s.status === 'failed')?.id === 'scan';
      if (!stillFails && !(repair.refusal && scanError)) return;
      const srName = t.model.get('SR', node.ref)?.name_label;
      const sr = srName === undefined ? undefined : displayName(srName);
      const reattach = vscode.l10n.t('Forget and Re-attach…');
      const answer = await vscode.window.showWarningMessage(
        sr === undefined ? vscode.l10n.t('The scan of the SR still fails.') : vscode.l10n.t('The scan of {0} still fails.', sr),
        {
          modal: true,
          detail: sr === undefined
            ? vscode.l10n.t('The runbook\'s last resort: forget the SR and attach it again under the same uuid, without formatting it. The plan shows every step first.')
            : vscode.l10n.t('The runbook\'s last resort: forget {0} and attach it again under the same uuid, without formatting it. The plan shows every step first.', sr),
        },
        reattach,
      );
      if (answer === reattach) await vscode.commands.executeCommand('xcpAdmin.sr.reattach', node);
    }),
    vscode.commands.registerCommand('xcpAdmin.sr.reattach', async (node?: TreeNode) => {
      const t = connectedModel(deps, node, 'sr');
      if (!t || node?.kind !== 'sr') return;
      await runWithConfirmation(deps, t.pool, planSrReattach(t.model, node.ref));
    }),
    vscode.commands.registerCommand('xcpAdmin.sr.growOnline', async (node?: TreeNode) => {
      const t = connectedModel(deps, node, 'sr');
      if (!t || node?.kind !== 'sr') return;
      const sr = t.model.get('SR', node.ref);
      if (!sr) return;
      const grown = vscode.l10n.t('It was grown');
      const ok = await vscode.window.showWarningMessage(vscode.l10n.t('Has the LUN behind {0} been grown on the storage array?', displayName(sr.name_label)),
        { modal: true, detail: vscode.l10n.t('This procedure makes the hosts see a size the array already has; it cannot grow the LUN itself.') }, grown);
      if (ok !== grown) return;
      await growWithGrid(deps, t.pool, t.model, node.ref);
    }),
    vscode.commands.registerCommand('xcpAdmin.vdi.writeRawImage', async (node?: TreeNode) => {
      const t = connectedModel(deps, node, 'vdi');
      if (!t || node?.kind !== 'vdi') return;
      const vdi = t.model.get('VDI', node.ref);
      if (!vdi) return;
      const source = await pickSource();
      if (!source) return;
      await withSsh(deps, t.pool, async (ssh) => {
        const bytes = await readSize(ssh, source);
        if (bytes === undefined) return;
        const writer = await pickWriter(t.model, vdi.SR);
        if (!writer) return;
        const via = await pickWay(t.model, t.model.get('SR', vdi.SR)?.type ?? '');
        if (!via) return;
        await writeWithProgress(deps, ssh, t.pool, t.model, node.ref, source, bytes, writer, via);
      });
    }),
  ];
}
