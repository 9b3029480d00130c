// The view's Refresh action: a full resync, a new session and every record fetched again, of one pool
// (its row's menu) or of all pools (the view's title bar). For when the admin doubts what the tree
// shows; events keep it current otherwise.

import * as vscode from 'vscode';
import type { PoolRegistry } from '../../model/poolRegistry';
import type { TreeNode } from '../../tree/nodes';

export function registerRefresh(registry: PoolRegistry): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('xcpAdmin.view.refresh', async (node?: TreeNode) => {
      const pools = node?.pool ? [node.pool] : registry.names();
      await vscode.window.withProgress(
        { location: { viewId: 'xcpAdmin.pools' }, title: vscode.l10n.t('Refreshing {0} pool(s)…', pools.length) },
        () => Promise.all(pools.map((p) => registry.reconnect(p))),
      );
    }),
  ];
}
