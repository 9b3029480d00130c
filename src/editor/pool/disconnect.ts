// "Disconnect" one or several pools: the event loop stops, the session is logged out.

import * as vscode from 'vscode';
import type { PoolRegistry } from '../../model/poolRegistry';
import type { TreeNode } from '../../tree/nodes';
import { pickedPools } from '../target';

export function registerDisconnectPool(deps: { registry: PoolRegistry }): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('xcpAdmin.pool.disconnect', async (node?: TreeNode, nodes?: readonly TreeNode[]) => {
      const pools = await pickedPools(deps.registry, node, nodes, vscode.l10n.t('Pool to disconnect'));
      await Promise.all(pools.map((p) => deps.registry.disconnect(p)));
    }),
  ];
}
