// "Import Raw Disk Image" on an SR (S2): where the image is and its size, the new VDI's name, how the
// bytes go in and from which host (vdi/writeWay.ts), then plan 1 (the raw VDI), plan 2 (the write, with
// the dd webview), and the offer of a VM with the new disk.

import { basename } from 'node:path';
import * as vscode from 'vscode';
import { whenRecordArrives } from '../../model/recordArrival';
import { planImportTarget } from '../../procedures/rawImport';
import { displayName } from '../../text/display';
import type { TreeNode } from '../../tree/nodes';
import type { Ref } from '../../xapi/records';
import { runWithConfirmation, type PanelCommandDeps } from '../runProcedure';
import { connectedTarget } from '../target';
import { pickSource, readSize, withSsh } from '../vdi/imageSource';
import { makeVmWithDisk } from '../vdi/makeVm';
import { writeImage } from '../vdi/writeImage';
import { pickWriteWay } from '../vdi/writeWay';

export function registerImportRawImage(deps: PanelCommandDeps): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('xcpAdmin.sr.importRawImage', async (node?: TreeNode) => {
      const t = connectedTarget(deps.registry, node, 'sr');
      if (!t) return;
      const source = await pickSource();
      if (!source) return;
      await withSsh(deps, t.pool, async (ssh) => {
        const bytes = await readSize(ssh, source);
        if (bytes === undefined) return;
        const name = await vscode.window.showInputBox({ title: vscode.l10n.t('Name of the new VDI'), value: basename(source.path), ignoreFocusOut: true });
        if (!name) return;
        const way = await pickWriteWay(t.model, t.node.ref);
        if (!way) return;
        const created = await runWithConfirmation(deps, t.pool, planImportTarget(t.model, t.node.ref, name, bytes, source, way.via), { ssh });
        if (created?.status !== 'done') return;
        const vdiRef = created.steps[0].output as Ref<'VDI'>;
        const model = await whenRecordArrives(deps.registry, t.pool, 'VDI', vdiRef);
        if (!model) {
          const sr = t.model.get('SR', t.node.ref);
          return void vscode.window.showErrorMessage(vscode.l10n.t('The new VDI "{0}" did not show up in {1} within 10 s; nothing was written into it. Rescan the SR and look for it there; remove it if you do not retry.', displayName(name), displayName(sr?.name_label ?? t.pool)));
        }
        if (!(await writeImage(deps, ssh, t.pool, model, vdiRef, { source, bytes, way, created: true }))) return;
        const make = vscode.l10n.t('Make a VM…');
        const answer = await vscode.window.showInformationMessage(vscode.l10n.t('{0} is imported. Make a VM with it as its boot disk (PV, pygrub)?', displayName(name)), make);
        if (answer === make) await makeVmWithDisk(deps, t.pool, model, vdiRef);
      });
    }),
  ];
}
