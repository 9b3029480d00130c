// "Grow FC SR Online" (S4, srResize.ts): after the admin says the LUN was grown on the array, every
// host's paths and map are rescanned and resized, pvresize and an SR scan run once, with the resize
// webview following the run.

import * as vscode from 'vscode';
import { planSrResize } from '../../procedures/srResize';
import { displayName } from '../../text/display';
import type { TreeNode } from '../../tree/nodes';
import { runWithConfirmation, type PanelCommandDeps } from '../runProcedure';
import { connectedTarget } from '../target';
import { ResizeGrid } from './resizeGrid';

export function registerGrowOnline(deps: PanelCommandDeps): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('xcpAdmin.sr.growOnline', async (node?: TreeNode) => {
      const t = connectedTarget(deps.registry, node, 'sr');
      const sr = t?.model.get('SR', t.node.ref);
      if (!t || !sr) return;
      const grown = vscode.l10n.t('It was grown');
      const ok = await vscode.window.showWarningMessage(vscode.l10n.t('Has the LUN behind {0} been grown on the storage array?', displayName(sr.name_label)),
        { modal: true, detail: vscode.l10n.t('This procedure makes the hosts see a size the array already has; it cannot grow the LUN itself.') }, grown);
      if (ok !== grown) return;
      const plan = planSrResize(t.model, t.node.ref);
      const cancel = new AbortController();
      let grid: ResizeGrid | undefined;
      const result = await runWithConfirmation(deps, t.pool, plan, {
        signal: cancel.signal,
        started: () => void (grid = new ResizeGrid(deps.extensionUri, t.model, t.node.ref, plan, () => cancel.abort())),
        onStep: (...e) => grid?.onStep(...e),
      });
      grid?.ended(result);
    }),
  ];
}
