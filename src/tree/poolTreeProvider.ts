// The XCP Admin tree as a VS Code TreeDataProvider. Which rows there are comes from nodes.ts, what each
// says from views/, which an event touches from invalidation.ts; this file only keeps node objects
// stable (VS Code refreshes a row by object identity) and forwards the registry's events as refreshes
// of the rows they touch. No polling anywhere.

import * as vscode from 'vscode';
import type { PoolRegistry, RegistryEvent } from '../model/poolRegistry';
import { nodesTouchedBy } from './invalidation';
import { keepsNode, nameMatches, type TreeFilter } from './filter';
import { childNodes, poolNode, rootNodes, type TreeNode, type TreeSource } from './nodes';
import { viewOf } from './views';

export class PoolTreeProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TreeNode | TreeNode[] | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  /** The node object VS Code holds for each id, and the parent it was shown under. */
  private readonly shown = new Map<string, { node: TreeNode; parent: TreeNode | undefined }>();
  private readonly source: TreeSource;
  private readonly subscription: { dispose(): void };
  /** Pools whose row has been drawn in a settled state (connected or failed), until all have. */
  private readonly settledRows = new Set<string>();
  private firstSettledListener: (() => void) | undefined;
  private filter: TreeFilter | undefined;

  constructor(private readonly registry: PoolRegistry) {
    this.source = {
      poolNames: () => registry.names(),
      state: (pool) => registry.state(pool),
      url: (pool) => registry.entry(pool)?.url,
    };
    this.subscription = registry.onDidChange((e) => this.onRegistryEvent(e));
  }

  /** Calls `listener` once, the first time every configured pool's row has been drawn connected or failed. */
  onFirstSettledRender(listener: () => void): void {
    this.firstSettledListener = listener;
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    if (node.kind === 'pool' && this.firstSettledListener) this.noteSettled(node.pool);
    const view = viewOf(node, this.source);
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
    const children = node ? childNodes(node, this.source) : rootNodes(this.source);
    const matchedAbove = this.matchedAbove(node);
    return children.filter((c) => keepsNode(this.filter, c, matchedAbove, this.source)).map((c) => this.intern(c, node));
  }

  /** Shows only the rows the filter keeps (filter.ts); undefined shows everything. */
  setFilter(filter: TreeFilter | undefined): void {
    this.filter = filter;
    this.shown.clear();
    this.changed.fire(undefined);
  }

  /** Whether this row or one above it has a name the filter's text matches (then all below it stays). */
  private matchedAbove(node: TreeNode | undefined): boolean {
    for (let n = node; n; n = this.shown.get(n.id)?.parent) if (nameMatches(this.filter, n, this.source)) return true;
    return false;
  }

  getParent(node: TreeNode): TreeNode | undefined {
    return this.shown.get(node.id)?.parent;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }

  /** Returns the object VS Code already holds for this id (so a refresh of it reaches the row). */
  private intern(node: TreeNode, parent: TreeNode | undefined): TreeNode {
    const known = this.shown.get(node.id);
    if (known) {
      known.parent = parent;
      return known.node;
    }
    this.shown.set(node.id, { node, parent });
    return node;
  }

  private onRegistryEvent(e: RegistryEvent): void {
    switch (e.kind) {
      case 'pools':
        this.shown.clear();
        this.changed.fire(undefined);
        break;
      case 'state':
        // The pool's subtree changes shape (notice ↔ folders): refresh the pool row and forget its rows.
        this.forgetPool(e.pool);
        this.changed.fire(this.known(poolNode(e.pool)));
        break;
      case 'model': {
        const state = this.registry.state(e.pool);
        if (state?.kind !== 'connected') return;
        const touched = nodesTouchedBy(e.pool, e.changes, state.model, (id) => this.shown.get(id)?.parent)
          .filter((n) => this.shown.has(n.id)) // rows never shown need no refresh
          .map((n) => this.known(n));
        if (touched.length) this.changed.fire(touched);
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

  private known(node: TreeNode): TreeNode {
    return this.shown.get(node.id)?.node ?? node;
  }

  private forgetPool(pool: string): void {
    const prefix = poolNode(pool).id + '/';
    for (const id of [...this.shown.keys()]) if (id.startsWith(prefix)) this.shown.delete(id);
  }
}

/** The scheme of the rows' resourceUri: decorations (health marks) find their row by it. */
export const NODE_URI_SCHEME = 'xcp-admin-node';
export function nodeUri(node: TreeNode): vscode.Uri {
  return vscode.Uri.from({ scheme: NODE_URI_SCHEME, path: '/' + encodeURIComponent(node.id) });
}
