// The XCP Admin tree as a VS Code TreeDataProvider. Which rows there are comes from nodes.ts, what each
// says from views/, which an event touches from invalidation.ts, and the rows shown with their views
// from treeRows.ts (node objects stay stable: VS Code refreshes a row by object identity); this file
// forwards the registry's events, one refresh per event.from answer, and the view's visibility. No polling.

import * as vscode from 'vscode';
import type { PoolRegistry, RegistryEvent } from '../model/poolRegistry';
import type { TreeFilter } from './filter';
import type { TreeNode, TreeSource } from './nodes';
import { TreeRows } from './treeRows';

export class PoolTreeProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TreeNode | TreeNode[] | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly rows: TreeRows;
  private readonly source: TreeSource;
  private readonly subscription: { dispose(): void };
  /** Pools whose row has been drawn in a settled state (connected or failed), until all have. */
  private readonly settledRows = new Set<string>();
  private firstSettledListener: (() => void) | undefined;
  private workspaceNotice: string | undefined;

  constructor(private readonly registry: PoolRegistry) {
    this.source = {
      poolNames: () => registry.names(),
      state: (pool) => registry.state(pool),
      url: (pool) => registry.entry(pool)?.url,
      workspaceNotice: () => this.workspaceNotice,
    };
    this.rows = new TreeRows(this.source);
    this.subscription = registry.onDidChange((e) => this.onRegistryEvent(e));
  }

  /** The tree view was shown or hidden: a hidden tree is refreshed once, when it is shown again. */
  setVisible(visible: boolean): void {
    const owed = this.rows.setVisible(visible);
    if (owed.length) this.changed.fire(owed);
  }

  /** Calls `listener` once, the first time every configured pool's row has been drawn connected or failed. */
  onFirstSettledRender(listener: () => void): void {
    this.firstSettledListener = listener;
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    if (node.kind === 'pool' && this.firstSettledListener) this.noteSettled(node.pool);
    const view = this.rows.view(node);
    if (!view) {
      // The object went away between the refresh and this call; its parent's refresh is on its way.
      const item = new vscode.TreeItem(vscode.l10n.t('(removed)'), vscode.TreeItemCollapsibleState.None);
      item.id = node.id;
      return item;
    }
    const item = new vscode.TreeItem(view.label, view.collapsible ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    item.id = node.id;
    item.description = view.description;
    if (view.tooltip) {
      const tip = new vscode.MarkdownString(view.tooltip);
      tip.supportHtml = false;
      tip.isTrusted = false;
      item.tooltip = tip;
    }
    item.contextValue = view.contextValue;
    item.resourceUri = nodeUri(node); // for decorations (the health marks, src/editor/health/treeMarks.ts)
    item.iconPath = new vscode.ThemeIcon(view.icon, view.iconColor ? new vscode.ThemeColor(view.iconColor) : undefined);
    if (view.command) item.command = { command: view.command.id, title: view.command.title, arguments: [node] };
    return item;
  }

  getChildren(node?: TreeNode): TreeNode[] {
    return this.rows.children(node);
  }

  /** The row above the pools (src/editor/workspaceTrust.ts: a workspace's pools ignored until trusted); undefined hides it. */
  setWorkspaceNotice(text: string | undefined): void {
    if (text === this.workspaceNotice) return;
    this.workspaceNotice = text;
    this.rows.reset();
    this.changed.fire(undefined);
  }

  /** Shows only the rows the filter keeps (filter.ts); undefined shows everything. */
  setFilter(filter: TreeFilter | undefined): void {
    this.rows.setFilter(filter);
    this.changed.fire(undefined);
  }

  getParent(node: TreeNode): TreeNode | undefined {
    return this.rows.parent(node);
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }

  private onRegistryEvent(e: RegistryEvent): void {
    switch (e.kind) {
      case 'pools':
        this.rows.reset();
        this.changed.fire(undefined);
        break;
      case 'state': {
        // The pool's subtree changes shape (notice ↔ folders): refresh the pool row and forget its rows.
        const rows = this.rows.poolStateChanged(e.pool);
        if (rows.length) this.changed.fire(rows);
        break;
      }
      case 'model': {
        const state = this.registry.state(e.pool);
        if (state?.kind !== 'connected') return;
        const rows = this.rows.modelChanged(e.pool, e.changes, state.model); // one answer, one refresh
        if (rows.length) this.changed.fire(rows);
        break;
      }
    }
  }

  private noteSettled(pool: string): void {
    const kind = this.registry.state(pool)?.kind;
    if (kind === 'connected' || kind === 'failed') this.settledRows.add(pool);
    const names = this.registry.names();
    if (names.length > 0 && names.every((n) => this.settledRows.has(n))) {
      const listener = this.firstSettledListener;
      this.firstSettledListener = undefined;
      listener?.();
    }
  }
}

/** The scheme of the rows' resourceUri: decorations (health marks) find their row by it. */
export const NODE_URI_SCHEME = 'xcp-admin-node';
export function nodeUri(node: TreeNode): vscode.Uri {
  return vscode.Uri.from({ scheme: NODE_URI_SCHEME, path: '/' + encodeURIComponent(node.id) });
}
