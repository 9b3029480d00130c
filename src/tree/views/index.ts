// Which view a node gets: one file per row kind (pool.ts, host.ts, vm.ts, snapshot.ts, sr.ts, vdi.ts,
// folder.ts, notice.ts), each answering "what does this row say?". A row whose pool is not connected, or whose
// record went away, has no view (undefined). No vscode import.

import { modelOf, type TreeNode, type TreeSource } from '../nodes';
import { folderView } from './folder';
import { hostView } from './host';
import type { NodeView } from './nodeView';
import { noticeView } from './notice';
import { poolView } from './pool';
import { snapshotView } from './snapshot';
import { srView } from './sr';
import { vdiView } from './vdi';
import { vmView } from './vm';

export type { NodeView } from './nodeView';

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
