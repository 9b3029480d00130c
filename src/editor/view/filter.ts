// The view's Filter and Clear Filter actions: which rows the tree shows (by name, VM power state, SR
// type; src/tree/filter.ts decides), remembered per workspace, shown in the view's description, and
// cleared in one click from the view's title bar.

import * as vscode from 'vscode';
import type { PoolModel } from '../../model/poolModel';
import type { PoolRegistry } from '../../model/poolRegistry';
import { describeFilter, isFilterActive, parseFilter, srTypesOf, type TreeFilter } from '../../tree/filter';
import type { PoolTreeProvider } from '../../tree/poolTreeProvider';

const STATE_KEY = 'xcpAdmin.treeFilter';
const CONTEXT_KEY = 'xcpAdmin.filterActive';
/** XAPI's VM power states. */
const POWER_STATES = ['Running', 'Halted', 'Suspended', 'Paused'];

export interface FilterDeps {
  registry: PoolRegistry;
  tree: PoolTreeProvider;
  view: vscode.TreeView<unknown>;
  workspaceState: vscode.Memento;
}

function apply(deps: FilterDeps, filter: TreeFilter | undefined): void {
  const active = isFilterActive(filter) ? filter : undefined;
  deps.tree.setFilter(active);
  deps.view.description = active ? vscode.l10n.t('filtered: {0}', describeFilter(active)) : undefined;
  void vscode.commands.executeCommand('setContext', CONTEXT_KEY, !!active);
}

async function askFilter(deps: FilterDeps, current: TreeFilter | undefined): Promise<TreeFilter | undefined> {
  const name = await vscode.window.showInputBox({
    title: vscode.l10n.t('Filter the pools tree (1/2): name'),
    prompt: vscode.l10n.t('Show hosts, VMs, SRs and VDIs whose name holds this text (any case). Empty: any name.'),
    value: current?.name ?? '',
  });
  if (name === undefined) return undefined;
  const models = deps.registry.names().map((n) => deps.registry.state(n)).flatMap((s) => (s?.kind === 'connected' ? [s.model as PoolModel] : []));
  const srTypes = [...new Set([...srTypesOf(models), ...(current?.srTypes ?? [])])];
  type Item = vscode.QuickPickItem & { power?: string; srType?: string };
  const items: Item[] = [
    { label: vscode.l10n.t('VM power state'), kind: vscode.QuickPickItemKind.Separator },
    ...POWER_STATES.map((p) => ({ label: p, power: p, picked: current?.powerStates?.includes(p) ?? false })),
    { label: vscode.l10n.t('SR type'), kind: vscode.QuickPickItemKind.Separator },
    ...srTypes.map((t) => ({ label: t, srType: t, picked: current?.srTypes?.includes(t) ?? false })),
  ];
  const picked = await vscode.window.showQuickPick(items, {
    title: vscode.l10n.t('Filter the pools tree (2/2): power states and SR types'),
    placeHolder: vscode.l10n.t('Tick the VM power states and SR types to show (none ticked: all), then press Enter'),
    canPickMany: true,
  });
  if (picked === undefined) return undefined;
  return {
    name: name.trim() || undefined,
    powerStates: picked.flatMap((i) => (i.power ? [i.power] : [])),
    srTypes: picked.flatMap((i) => (i.srType ? [i.srType] : [])),
  };
}

export function registerFilter(deps: FilterDeps): vscode.Disposable[] {
  apply(deps, parseFilter(deps.workspaceState.get(STATE_KEY)));
  return [
    vscode.commands.registerCommand('xcpAdmin.view.filter', async () => {
      const filter = await askFilter(deps, parseFilter(deps.workspaceState.get(STATE_KEY)));
      if (!filter) return;
      const active = isFilterActive(filter) ? filter : undefined;
      await deps.workspaceState.update(STATE_KEY, active);
      apply(deps, active);
    }),
    vscode.commands.registerCommand('xcpAdmin.view.clearFilter', async () => {
      await deps.workspaceState.update(STATE_KEY, undefined);
      apply(deps, undefined);
    }),
  ];
}
