// "Write Raw Image into this VDI" (S2 into an existing raw VDI): the same questions as an import, in the
// same order (source, then how and from which host), then the write with the dd webview.

import * as vscode from 'vscode';
import type { TreeNode } from '../../tree/nodes';
import type { PanelCommandDeps } from '../runProcedure';
import { connectedTarget } from '../target';
import { pickSource, readSize, withSsh } from './imageSource';
import { writeImage } from './writeImage';
import { pickWriteWay } from './writeWay';

export function registerWriteRawImage(deps: PanelCommandDeps): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('xcpAdmin.vdi.writeRawImage', async (node?: TreeNode) => {
      const t = connectedTarget(deps.registry, node, 'vdi');
      const vdi = t?.model.get('VDI', t.node.ref);
      if (!t || !vdi) return;
      const source = await pickSource();
      if (!source) return;
      await withSsh(deps, t.pool, async (ssh) => {
        const bytes = await readSize(ssh, source);
        if (bytes === undefined) return;
        const way = await pickWriteWay(t.model, vdi.SR);
        if (!way) return;
        await writeImage(deps, ssh, t.pool, t.model, t.node.ref, { source, bytes, way, created: false });
      });
    }),
  ];
}
