// The one guard every tree command starts with: "this row is of the kind the command acts on, and its
// pool is connected", else the admin is told which of the two is wrong. Commands offered on a
// multi-selection get every selected row of that kind (VS Code passes the clicked row and the selection).

import * as vscode from 'vscode';
import type { PoolRegistry } from '../model/poolRegistry';
import type { PoolModel } from '../model/poolModel';
import type { TreeNode } from '../tree/nodes';

export type NodeKind = TreeNode['kind'];
export type NodeOf<K extends NodeKind> = Extract<TreeNode, { kind: K }>;

/** A row of the wanted kind whose pool is connected, with the pool's live model. */
export interface Target<K extends NodeKind> {
  pool: string;
  model: PoolModel;
  node: NodeOf<K>;
}

function wrongRow(kind: NodeKind): string {
  switch (kind) {
    case 'host': return vscode.l10n.t('Run this command from a host in the XCP Admin view.');
    case 'sr': return vscode.l10n.t('Run this command from an SR in the XCP Admin view.');
    case 'vdi': return vscode.l10n.t('Run this command from a VDI in the XCP Admin view.');
    case 'vm': return vscode.l10n.t('Run this command from a VM in the XCP Admin view.');
    case 'snapshot': return vscode.l10n.t('Run this command from a snapshot (under its VM) in the XCP Admin view.');
    case 'pool': return vscode.l10n.t('Run this command from a pool in the XCP Admin view.');
    default: return vscode.l10n.t('Run this command from a row of the XCP Admin view.');
  }
}

/**
 * The target of a command run on `node`, or undefined after telling the admin why not (wrong row, or
 * its pool not connected: every plan is built from what XAPI says now).
 */
export function connectedTarget<K extends NodeKind>(registry: PoolRegistry, node: TreeNode | undefined, kind: K): Target<K> | undefined {
  if (node?.kind !== kind) {
    void vscode.window.showErrorMessage(wrongRow(kind));
    return undefined;
  }
  const state = registry.state(node.pool);
  if (state?.kind !== 'connected') {
    void vscode.window.showErrorMessage(vscode.l10n.t('Pool {0} is not connected: connect it first, XCP Admin acts on what XAPI says now.', node.pool));
    return undefined;
  }
  return { pool: node.pool, model: state.model, node: node as NodeOf<K> };
}

/**
 * The targets of a command offered on a multi-selection: the selected rows of `kind` (the clicked row
 * when nothing else is selected), all of one pool. Undefined after telling the admin why not.
 */
export function connectedTargets<K extends NodeKind>(registry: PoolRegistry, node: TreeNode | undefined, nodes: readonly TreeNode[] | undefined, kind: K): Target<K>[] | undefined {
  const picked = nodes && nodes.length > 0 ? nodes : node ? [node] : [];
  const first = connectedTarget(registry, picked[0], kind);
  if (!first) return undefined;
  const all: Target<K>[] = [first];
  for (const n of picked.slice(1)) {
    if (n.kind !== kind || n.pool !== first.pool) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Select rows of one kind in one pool for this command.'));
      return undefined;
    }
    all.push({ pool: first.pool, model: first.model, node: n as NodeOf<K> });
  }
  return all;
}

/** Any row of a connected pool (commands offered on several kinds of row: Copy UUID, Open Root Shell). */
export function connectedRow(registry: PoolRegistry, node: TreeNode | undefined): { pool: string; model: PoolModel; node: TreeNode } | undefined {
  if (!node) {
    void vscode.window.showErrorMessage(wrongRow('notice'));
    return undefined;
  }
  const state = registry.state(node.pool);
  if (state?.kind !== 'connected') {
    void vscode.window.showErrorMessage(vscode.l10n.t('Pool {0} is not connected: connect it first, XCP Admin acts on what XAPI says now.', node.pool));
    return undefined;
  }
  return { pool: node.pool, model: state.model, node };
}

/** The selected rows (the clicked row when nothing else is selected) of one connected pool, of any kind. */
export function connectedRows(registry: PoolRegistry, node: TreeNode | undefined, nodes: readonly TreeNode[] | undefined): { pool: string; model: PoolModel; nodes: TreeNode[] } | undefined {
  const picked = nodes && nodes.length > 0 ? nodes : node ? [node] : [];
  const first = connectedRow(registry, picked[0]);
  if (!first) return undefined;
  if (picked.some((n) => n.pool !== first.pool)) {
    void vscode.window.showErrorMessage(vscode.l10n.t('Select rows of one pool for this command.'));
    return undefined;
  }
  return { pool: first.pool, model: first.model, nodes: [...picked] };
}

/**
 * The configured pools a pool-list command acts on, connected or not: those of the selected rows, or,
 * run from the command palette, one the admin picks. Empty after telling the admin there is none.
 */
export async function pickedPools(registry: PoolRegistry, node: TreeNode | undefined, nodes: readonly TreeNode[] | undefined, placeHolder: string): Promise<string[]> {
  const picked = nodes && nodes.length > 0 ? nodes : node ? [node] : [];
  if (picked.length > 0) return [...new Set(picked.map((n) => n.pool))].filter((p) => registry.entry(p) !== undefined);
  const names = registry.names();
  if (names.length === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t('No pool is configured yet. Run "XCP Admin: Add Pool" first.'));
    return [];
  }
  const pool = await vscode.window.showQuickPick(names, { placeHolder });
  return pool ? [pool] : [];
}
