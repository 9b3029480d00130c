// "Connect / Retry" on one or several pools (a failed or disconnected pool is connected again; a
// connected one reconnects).

import * as vscode from 'vscode';
import type { PoolRegistry } from '../../model/poolRegistry';
import type { TreeNode } from '../../tree/nodes';
import { pickedPools } from '../target';

export function registerConnectPool(deps: { registry: PoolRegistry }): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('xcpAdmin.pool.connect', async (node?: TreeNode, nodes?: readonly TreeNode[]) => {
      const pools = await pickedPools(deps.registry, node, nodes, vscode.l10n.t('Pool to connect'));
      await Promise.all(pools.map((p) => deps.registry.reconnect(p)));
    }),
  ];
}
