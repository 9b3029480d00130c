// "Copy UUID" on any row of a connected pool; on a multi-selection, one uuid per line.

import * as vscode from 'vscode';
import type { PoolModel } from '../../model/poolModel';
import type { PoolRegistry } from '../../model/poolRegistry';
import type { TreeNode } from '../../tree/nodes';
import { connectedRows } from '../target';

function uuidOf(m: PoolModel, node: TreeNode): string | undefined {
  switch (node.kind) {
    case 'host': return m.get('host', node.ref)?.uuid;
    case 'sr': return m.get('SR', node.ref)?.uuid;
    case 'vdi': return m.get('VDI', node.ref)?.uuid;
    case 'vm': return m.get('VM', node.ref)?.uuid;
    case 'pool': return m.all('pool')[0]?.record.uuid;
    default: return undefined;
  }
}

export function registerCopyUuid(deps: { registry: PoolRegistry }): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('xcpAdmin.copyUuid', async (node?: TreeNode, nodes?: readonly TreeNode[]) => {
      const t = connectedRows(deps.registry, node, nodes);
      if (!t) return;
      const uuids = t.nodes.map((n) => uuidOf(t.model, n)).filter((u): u is string => u !== undefined);
      if (uuids.length === 0) return;
      await vscode.env.clipboard.writeText(uuids.join('\n'));
      vscode.window.setStatusBarMessage(uuids.length === 1 ? vscode.l10n.t('Copied {0}', uuids[0]) : vscode.l10n.t('Copied {0} uuids', uuids.length), 3000);
    }),
  ];
}
