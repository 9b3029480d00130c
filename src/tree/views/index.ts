// Which view a node gets: one file per row kind (pool.ts, host.ts, vm.ts, snapshot.ts, sr.ts, vdi.ts, folder.ts,
// notice.ts), each answering "what does this row say?" and declaring what it reads (ROW_READS, for the
// invalidation). A row whose pool is not connected, or whose record went away, has no view (undefined).
// No vscode import.

import { modelOf, type TreeNode, type TreeSource } from '../nodes';
import { folderReads, folderView } from './folder';
import { hostReads, hostView } from './host';
import type { NodeView } from './nodeView';
import { noticeView } from './notice';
import { poolReads, poolView } from './pool';
import type { RowReads } from './reads';
import { srReads, srView } from './sr';
import { vdiReads, vdiView } from './vdi';
import { vmReads, vmView } from './vm';
import { snapshotReads, snapshotView } from './snapshot';

export type { NodeView } from './nodeView';

/**
 * What each row kind reads. A new kind of row adds its entry here (the type wants one per TreeNode kind):
 * the invalidation needs nothing else to repaint it when, and only when, what it shows changes.
 */
export const ROW_READS: Record<TreeNode['kind'], RowReads> = {
  pool: poolReads,
  folder: folderReads,
  host: hostReads,
  sr: srReads,
  vdi: vdiReads,
  vm: vmReads,
  snapshot: snapshotReads,
  notice: { view: [] }, // says what the connection state says: redrawn with the pool's state
};

export function viewOf(node: TreeNode, source: TreeSource): NodeView | undefined {
  switch (node.kind) {
    case 'pool':
      return poolView(node.pool, source);
    case 'notice':
      return noticeView(node);
    case 'folder': {
      const model = modelOf(source, node.pool);
      return model ? folderView(node.folder, model) : undefined;
    }
    case 'host': {
      const s = source.state(node.pool);
      return s?.kind === 'connected' ? hostView(s.model, node.ref, s.masterLost) : undefined;
    }
    case 'sr': {
      const model = modelOf(source, node.pool);
      return model ? srView(model, node.ref) : undefined;
    }
    case 'vdi': {
      const model = modelOf(source, node.pool);
      return model ? vdiView(model, node.ref) : undefined;
    }
    case 'vm': {
      const model = modelOf(source, node.pool);
      return model ? vmView(model, node.ref) : undefined;
    }
    case 'snapshot': {
      const model = modelOf(source, node.pool);
      return model ? snapshotView(model, node.ref) : undefined;
    }
  }
}
