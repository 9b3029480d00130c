// The status bar item of XCP Admin: how many pools are connected and how many fail, at a glance from
// any editor; clicking it opens a quick pick of the pools (Connect, Disconnect, Reveal in the tree).
// The health work adds its own problem count item next to it.

import * as vscode from 'vscode';
import type { PoolRegistry } from '../model/poolRegistry';
import { displayName } from '../text/display';
import { poolNode, type TreeNode } from '../tree/nodes';

/** Counts for the item: connected (a silent master counts as failing), failing, and the rest. */
export function poolCounts(registry: PoolRegistry): { connected: number; failing: number; other: number } {
  let connected = 0, failing = 0, other = 0;
  for (const name of registry.names()) {
    const s = registry.state(name);
    if (s?.kind === 'connected' && !s.masterLost) connected++;
    else if (s?.kind === 'failed' || (s?.kind === 'connected' && s.masterLost)) failing++;
    else other++;
  }
  return { connected, failing, other };
}

function stateText(registry: PoolRegistry, pool: string): string {
  const s = registry.state(pool);
  switch (s?.kind) {
    case 'connected': return s.masterLost ? vscode.l10n.t('master not answering') : vscode.l10n.t('connected to {0}', s.masterAddress);
    case 'failed': return vscode.l10n.t('failing: {0}', displayName(s.message, 200));
    case 'connecting': return vscode.l10n.t('connecting…');
    default: return vscode.l10n.t('disconnected');
  }
}

export function registerStatusBar(registry: PoolRegistry, view: vscode.TreeView<TreeNode>): vscode.Disposable[] {
  const item = vscode.window.createStatusBarItem('xcpAdmin.pools', vscode.StatusBarAlignment.Left, 10);
  item.name = vscode.l10n.t('XCP Admin pools');
  item.command = 'xcpAdmin.statusBar.pickPool';
  const update = () => {
    const names = registry.names();
    if (names.length === 0) {
      item.hide();
      return;
    }
    const { connected, failing } = poolCounts(registry);
    item.text = failing
      ? vscode.l10n.t('$(server) {0}/{1} pools · $(warning) {2} failing', connected, names.length, failing)
      : vscode.l10n.t('$(server) {0}/{1} pools', connected, names.length);
    item.tooltip = vscode.l10n.t('XCP Admin: {0} connected, {1} failing of {2} pools. Click to connect, disconnect or reveal one.', connected, failing, names.length);
    item.backgroundColor = failing ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    item.show();
  };
  update();

  const pickPool = async () => {
    type PoolItem = vscode.QuickPickItem & { pool: string };
    const pools: PoolItem[] = registry.names().map((p) => ({ label: displayName(p), description: stateText(registry, p), pool: p }));
    const chosen = await vscode.window.showQuickPick(pools, { title: vscode.l10n.t('XCP Admin pools'), placeHolder: vscode.l10n.t('Pick a pool') });
    if (!chosen) return;
    const s = registry.state(chosen.pool);
    type Action = vscode.QuickPickItem & { run: () => Promise<unknown> };
    const actions: Action[] = [
      { label: vscode.l10n.t('$(list-tree) Reveal in the tree'), run: () => Promise.resolve(view.reveal(poolNode(chosen.pool), { select: true, focus: true, expand: true })) },
      { label: s?.kind === 'connected' ? vscode.l10n.t('$(refresh) Reconnect') : vscode.l10n.t('$(plug) Connect'), run: () => registry.reconnect(chosen.pool) },
      ...(s?.kind === 'connected' || s?.kind === 'connecting' ? [{ label: vscode.l10n.t('$(debug-disconnect) Disconnect'), run: () => registry.disconnect(chosen.pool) }] : []),
    ];
    const action = await vscode.window.showQuickPick(actions, { title: displayName(chosen.pool), placeHolder: stateText(registry, chosen.pool) });
    await action?.run();
  };

  return [
    item,
    registry.onDidChange((e) => {
      if (e.kind !== 'model') update();
    }),
    vscode.commands.registerCommand('xcpAdmin.statusBar.pickPool', pickPool),
  ];
}
