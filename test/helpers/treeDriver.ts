// Drives TreeRows the way VS Code drives the tree provider: rows are expanded by asking their
// children, and a refresh of a row asks its view again and, if it is expanded, its children and their
// views. Used by the tree's repaint tests and the events benchmark to count the views computed.

import type { PoolRegistry } from '../../src/model/poolRegistry';
import type { TreeNode, TreeSource } from '../../src/tree/nodes';
import { TreeRows } from '../../src/tree/treeRows';

export function sourceOf(registry: PoolRegistry): TreeSource {
  return { poolNames: () => registry.names(), state: (p) => registry.state(p), url: (p) => registry.entry(p)?.url };
}

export class TreeDriver {
  readonly rows: TreeRows;
  private readonly expanded = new Set<string>();
  /** How many refreshes (onDidChangeTreeData fires) the tree received. */
  refreshes = 0;

  constructor(readonly source: TreeSource) {
    this.rows = new TreeRows(source);
  }

  /** The roots drawn, with their views. */
  roots(): TreeNode[] {
    const roots = this.rows.children();
    for (const r of roots) this.rows.view(r);
    return roots;
  }

  /** The admin expands a row: its children are asked and drawn. */
  expand(node: TreeNode): TreeNode[] {
    this.expanded.add(node.id);
    const children = this.rows.children(node);
    for (const c of children) this.rows.view(c);
    return children;
  }

  /** VS Code's answer to onDidChangeTreeData(rows): each row's view again, an expanded row's children too. */
  refresh(rows: readonly TreeNode[]): void {
    if (rows.length === 0) return;
    this.refreshes++;
    const redraw = (n: TreeNode) => {
      this.rows.view(n);
      if (!this.expanded.has(n.id)) return;
      for (const c of this.rows.children(n)) redraw(c);
    };
    for (const n of rows) redraw(n);
  }

  /** Views computed since the last call. */
  takeComputed(): number {
    const n = this.rows.computed;
    this.rows.computed = 0;
    return n;
  }
}
