// The rows the tree has shown and what each said, so a change recomputes only the rows whose view
// reads what changed (invalidation.ts) and a parent asked for its children again hands back its
// unchanged children's views from here. A hidden tree only marks rows stale; what it owes is sent in
// one refresh when it is shown again. No vscode import: the provider (poolTreeProvider.ts) adapts it,
// and tests and the events benchmark drive it the way VS Code does.

import type { ModelChange, PoolModel } from '../model/poolModel';
import { rowsTouchedBy } from './invalidation';
import { keepsNode, nameMatches, type TreeFilter } from './filter';
import { childNodes, poolNode, rootNodes, type TreeNode, type TreeSource } from './nodes';
import { viewOf, type NodeView } from './views';

interface Shown {
  node: TreeNode;
  parent: TreeNode | undefined;
  /** The ids of the children last handed out for this row (undefined: never asked). */
  children?: string[];
  /**
   * Those children, handed out again until a change reshapes this row (invalidation.ts): VS Code asks
   * every expanded row below a refreshed one for its children, and the halted VMs' group alone holds
   * thousands of VM rows whose lists (their snapshots) did not change.
   */
  list?: TreeNode[];
}

export class TreeRows {
  private readonly shown = new Map<string, Shown>();
  private readonly views = new Map<string, NodeView | undefined>();
  /** Rows owed a refresh while the tree was hidden. */
  private readonly owed = new Map<string, TreeNode>();
  private visible = true;
  private filter: TreeFilter | undefined;
  /** How many row views were computed (cache misses), for tests and benchmarks. */
  computed = 0;

  constructor(private readonly source: TreeSource) {}

  /** The children of a row (or the roots), as the node objects already handed out for their ids. */
  children(node?: TreeNode): TreeNode[] {
    // A filter's verdict reads names, which reshape no row: with a filter every list is made anew.
    const cached = node && !this.filter ? this.shown.get(node.id)?.list : undefined;
    if (cached) return cached;
    const listed = node ? childNodes(node, this.source) : rootNodes(this.source);
    const matchedAbove = this.matchedAbove(node);
    const fresh = this.filter ? listed.filter((c) => keepsNode(this.filter, c, matchedAbove, this.source)) : listed;
    const out = fresh.map((c) => this.intern(c, node));
    if (node) {
      const entry = this.shown.get(node.id);
      if (entry) {
        const now = new Set(out.map((n) => n.id));
        // A child gone from this list is forgotten, unless it is shown under another row now (a VM that moved).
        for (const id of entry.children ?? []) if (!now.has(id) && this.shown.get(id)?.parent?.id === node.id) this.forget(id);
        entry.children = [...now];
        entry.list = out;
      }
    }
    return out;
  }

  /** Lists only the rows the filter keeps (filter.ts) from now on; undefined lists everything. */
  setFilter(filter: TreeFilter | undefined): void {
    this.filter = filter;
    this.reset();
  }

  /** Whether this row or one above it has a name the filter's text matches (then all below it stays). */
  private matchedAbove(node: TreeNode | undefined): boolean {
    if (!this.filter) return false;
    for (let n = node; n; n = this.shown.get(n.id)?.parent) if (nameMatches(this.filter, n, this.source)) return true;
    return false;
  }

  parent(node: TreeNode): TreeNode | undefined {
    return this.shown.get(node.id)?.parent;
  }

  /** What a row says: computed once, then kept until a change it reads comes. */
  view(node: TreeNode): NodeView | undefined {
    if (this.views.has(node.id)) return this.views.get(node.id);
    this.computed++;
    const view = viewOf(node, this.source);
    if (this.shown.has(node.id)) this.views.set(node.id, view);
    return view;
  }

  /**
   * One batch of model changes of a pool: the stale views are dropped and the rows to refresh returned
   * (the rows shown that read what changed; a child is left out when its parent is refreshed, which
   * redraws it). While the tree is hidden, nothing is returned and the rows are owed.
   */
  modelChanged(pool: string, changes: readonly ModelChange[], model: PoolModel): TreeNode[] {
    const { repaint, reshape } = rowsTouchedBy(pool, changes, model);
    for (const n of repaint) this.views.delete(n.id);
    const fire = new Map<string, TreeNode>();
    for (const n of reshape) {
      const known = this.shown.get(n.id);
      if (known) known.list = undefined;
      if (known?.children) fire.set(n.id, known.node); // a row never expanded has no children to ask again
    }
    for (const n of repaint) {
      const known = this.shown.get(n.id);
      if (!known) continue;
      if (known.parent && fire.has(known.parent.id)) continue;
      fire.set(n.id, known.node);
    }
    return this.deliver([...fire.values()]);
  }

  /** A pool's connection state changed: its row changes, its rows below are forgotten. */
  poolStateChanged(pool: string): TreeNode[] {
    const prefix = poolNode(pool).id + '/';
    for (const id of [...this.shown.keys()]) if (id.startsWith(prefix)) this.forget(id);
    for (const id of [...this.views.keys()]) if (id.startsWith(prefix)) this.views.delete(id);
    const row = poolNode(pool);
    this.views.delete(row.id);
    const known = this.shown.get(row.id);
    if (known) {
      known.children = undefined;
      known.list = undefined;
    }
    return this.deliver([known?.node ?? row]);
  }

  /** The list of pools changed: everything is drawn again. */
  reset(): void {
    this.shown.clear();
    this.views.clear();
    this.owed.clear();
  }

  /** The view was shown or hidden; returns the rows owed a refresh when it is shown. */
  setVisible(visible: boolean): TreeNode[] {
    this.visible = visible;
    if (!visible) return [];
    const owed = [...this.owed.values()].filter((n) => this.shown.has(n.id));
    this.owed.clear();
    return owed;
  }

  private deliver(nodes: TreeNode[]): TreeNode[] {
    if (this.visible) return nodes;
    for (const n of nodes) this.owed.set(n.id, n);
    return [];
  }

  private intern(node: TreeNode, parent: TreeNode | undefined): TreeNode {
    const known = this.shown.get(node.id);
    if (known) {
      known.parent = parent;
      return known.node;
    }
    this.shown.set(node.id, { node, parent });
    return node;
  }

  private forget(id: string): void {
    const entry = this.shown.get(id);
    if (!entry) return;
    this.shown.delete(id);
    this.views.delete(id);
    this.owed.delete(id);
    for (const child of entry.children ?? []) this.forget(child);
  }
}
