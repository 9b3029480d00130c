// The tree row a finding (or its fix) is about, as the pool tree's commands take it: the fix command
// runs on the same node the tree's menu would pass, so it opens the same plan behind the same guard.

import type { Finding, FindingObject } from '../../health/finding';
import { nodeId, poolNode, type TreeNode } from '../../tree/nodes';
import type { Ref } from '../../xapi/records';

export function nodeFor(pool: string, kind: FindingObject['kind'], ref: string | undefined): TreeNode | undefined {
  if (kind === 'pool') return poolNode(pool);
  if (!ref) return undefined;
  switch (kind) {
    case 'host': return { kind: 'host', id: nodeId.host(pool, ref), pool, ref: ref as Ref<'host'> };
    case 'SR': return { kind: 'sr', id: nodeId.sr(pool, ref), pool, ref: ref as Ref<'SR'> };
    case 'VDI': return { kind: 'vdi', id: nodeId.vdi(pool, ref), pool, ref: ref as Ref<'VDI'> };
    case 'VM': return { kind: 'vm', id: nodeId.vm(pool, ref), pool, ref: ref as Ref<'VM'> };
    default: return undefined;
  }
}

/** The row the finding marks in the pool tree. */
export function markedNode(pool: string, f: Finding): TreeNode | undefined {
  return nodeFor(pool, f.object.kind, f.object.ref);
}

/** The row the fix command runs on (its own target, else the finding's object). */
export function fixNode(pool: string, f: Finding): TreeNode | undefined {
  const t = f.fix?.target;
  return t ? nodeFor(pool, t.kind, t.ref) : markedNode(pool, f);
}
