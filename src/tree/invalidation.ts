// Which rows a batch of model changes touches, so the tree recomputes those and no others (no polling,
// no whole-folder refresh): each row kind declares the classes and fields its view and its list of
// children read (views/<kind>.ts, gathered in views/index.ts: ROW_READS); a change reaches a row only
// when the model says one of those fields changed (or the record came or went). No vscode import.

import type { ModelChange, PoolModel } from '../model/poolModel';
import type { XapiClass } from '../xapi/records';
import type { TreeNode } from './nodes';
import { ROW_READS } from './views';
import { changes as changesOf, type Reads } from './views/reads';

/** The rows one batch touches: `repaint` rows show something else now; `reshape` rows have other children. */
export interface Touched {
  repaint: TreeNode[];
  reshape: TreeNode[];
}

interface Entry {
  reads: Reads;
  into: 'repaint' | 'reshape';
}

/** Every declaration, by the class it reads: one lookup per change. */
const BY_CLASS: ReadonlyMap<XapiClass, readonly Entry[]> = (() => {
  const map = new Map<XapiClass, Entry[]>();
  const put = (reads: Reads, into: Entry['into']) => {
    let list = map.get(reads.cls);
    if (!list) map.set(reads.cls, (list = []));
    list.push({ reads, into });
  };
  for (const kind of Object.values(ROW_READS)) {
    for (const r of kind.view) put(r, 'repaint');
    for (const r of kind.children ?? []) put(r, 'reshape');
  }
  return map;
})();

/**
 * The rows to repaint and to ask for children again for one batch of changes of one pool (one
 * event.from answer or one resync). A `mod` that changed no field a row reads reaches no row.
 */
export function rowsTouchedBy(pool: string, changes: readonly ModelChange[], model: PoolModel): Touched {
  const repaint = new Map<string, TreeNode>();
  const reshape = new Map<string, TreeNode>();
  for (const change of changes) {
    if (change.op === 'mod' && change.fields?.length === 0) continue; // the same record again
    const entries = BY_CLASS.get(change.cls);
    if (!entries) continue;
    const ctx = { pool, model, change };
    for (const { reads, into } of entries) {
      if (!changesOf(change, reads.fields)) continue;
      const out = into === 'repaint' ? repaint : reshape;
      for (const n of reads.rows(ctx)) out.set(n.id, n);
    }
  }
  return { repaint: [...repaint.values()], reshape: [...reshape.values()] };
}
