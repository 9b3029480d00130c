// "Copy Device Path" (S1): a VDI's LV path as dom0 sees it (/dev/VG_XenStorage-<sr>/LV-<vdi> or VHD-…);
// on a multi-selection, one path per line.

import * as vscode from 'vscode';
import { lvDevicePath } from '../../model/storageLayout';
import type { PoolRegistry } from '../../model/poolRegistry';
import type { TreeNode } from '../../tree/nodes';
import { connectedTargets } from '../target';

export function registerCopyDevicePath(deps: { registry: PoolRegistry }): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('xcpAdmin.vdi.copyDevicePath', async (node?: TreeNode, nodes?: readonly TreeNode[]) => {
      const targets = connectedTargets(deps.registry, node, nodes, 'vdi');
      if (!targets) return;
      const paths = targets.map(({ model, node: n }) => {
        const vdi = model.get('VDI', n.ref);
        const sr = vdi ? model.get('SR', vdi.SR) : undefined;
        return vdi && sr ? lvDevicePath(sr, vdi, model.vdiFormat(n.ref)) : undefined;
      });
      if (paths.some((p) => p === undefined)) return void vscode.window.showErrorMessage(vscode.l10n.t('This VDI has no device path (not on an LVM or file SR, or of unknown format).'));
      const text = paths.join('\n');
      await vscode.env.clipboard.writeText(text);
      vscode.window.setStatusBarMessage(paths.length === 1 ? vscode.l10n.t('Copied {0}', text) : vscode.l10n.t('Copied {0} device paths', paths.length), 3000);
    }),
  ];
}
