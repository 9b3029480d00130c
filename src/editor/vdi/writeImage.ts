// S2's second plan from the editor: the image's bytes into a VDI (the dd relay or import_raw_vdi), with
// the dd webview following the run; and what is left behind when it did not finish: a VDI holding a
// partial image, or the empty VDI this import just created, is offered for removal.

import * as vscode from 'vscode';
import type { PoolModel } from '../../model/poolModel';
import type { ByteSource } from '../../procedures/plan';
import { leftBehind, planDestroyVdi, planHttpImport, planRawWrite } from '../../procedures/rawImport';
import type { SshExecutors } from '../../procedures/sshExecutor';
import { displayName } from '../../text/display';
import type { Ref } from '../../xapi/records';
import { runWithConfirmation, type PanelCommandDeps } from '../runProcedure';
import { DdPanel } from './ddPanel';
import type { WriteWay } from './writeWay';

export interface ImageWrite {
  source: ByteSource;
  bytes: number;
  way: WriteWay;
  /** The VDI was created by this import a moment ago (an unfinished write may leave it empty). */
  created: boolean;
}

/** Writes the image into `vdiRef`; true when every step passed. */
export async function writeImage(deps: PanelCommandDeps, ssh: SshExecutors, pool: string, model: PoolModel, vdiRef: Ref<'VDI'>, w: ImageWrite): Promise<boolean> {
  const plan = w.way.via === 'relay' ? planRawWrite(model, vdiRef, w.source, w.bytes, w.way.host!) : planHttpImport(model, vdiRef, w.source, w.bytes, w.way.host);
  const cancel = new AbortController();
  let panel: DdPanel | undefined;
  const result = await runWithConfirmation(deps, pool, plan, {
    ssh,
    signal: cancel.signal,
    started: () => void (panel = new DdPanel(deps.extensionUri, model.get('VDI', vdiRef)?.name_label ?? 'VDI', () => cancel.abort())),
    onStep: (...e) => panel?.onStep(...e),
    onProgress: (...e) => panel?.onProgress(...e),
  });
  panel?.ended(result, plan);
  const left = leftBehind(result, w.created);
  if (left) await offerRemoval(deps, pool, model, vdiRef, left, result?.message);
  return result?.status === 'done';
}

async function offerRemoval(deps: PanelCommandDeps, pool: string, model: PoolModel, vdiRef: Ref<'VDI'>, left: NonNullable<ReturnType<typeof leftBehind>>, runMessage: string | undefined): Promise<void> {
  const vdi = model.get('VDI', vdiRef);
  const name = vdi ? displayName(vdi.name_label) : vscode.l10n.t('the VDI');
  const destroy = vscode.l10n.t('Destroy the VDI');
  const answer = left.what === 'partial'
    ? await vscode.window.showWarningMessage(
      vscode.l10n.t('The import stopped ({0}): {1} holds a partial image.', left.status, name),
      { modal: true, detail: vscode.l10n.t('{0}\n\nDestroy it now? Keep it to try the write again.', displayName(runMessage ?? '', 1000)) },
      destroy)
    : await vscode.window.showWarningMessage(
      vscode.l10n.t('Nothing was written: {0}, created for this import, is empty.', name),
      { modal: true, detail: vscode.l10n.t('Destroy it now? Keep it to write an image into it later (Write Raw Image into this VDI).') },
      destroy);
  if (answer !== destroy) return;
  const why = left.what === 'empty' ? vscode.l10n.t('The import did not go ahead.')
    : left.status === 'cancelled' ? vscode.l10n.t('The import was cancelled.')
    : left.status === 'unknown' ? vscode.l10n.t('The import ended with an unknown outcome.')
    : vscode.l10n.t('The import failed.');
  await runWithConfirmation(deps, pool, planDestroyVdi(model, vdiRef, why, left.what));
}
