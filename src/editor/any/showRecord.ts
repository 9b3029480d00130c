// Show XAPI Record (any row with a record): the row's record as a read-only jsonc document, a virtual
// document of the `xcp-record` scheme that follows the model (recordDocument.ts writes the text).
// Copy as `xe` Command: the `xe <class>-param-list uuid=…` line that shows the same record on dom0.

import * as vscode from 'vscode';
import type { PoolRegistry } from '../../model/poolRegistry';
import type { TreeNode } from '../../tree/nodes';
import type { XapiClass } from '../../xapi/records';
import { recordDocument } from './recordDocument';

const SCHEME = 'xcp-record';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The XAPI class and ref a row stands for, if it has a record. */
function recordOf(registry: PoolRegistry, node: TreeNode | undefined): { cls: XapiClass; ref: string; uuid?: string } | undefined {
  if (!node) return undefined;
  const state = registry.state(node.pool);
  if (state?.kind !== 'connected') return undefined;
  const m = state.model;
  const target =
    node.kind === 'pool' ? { cls: 'pool' as const, ref: m.all('pool')[0]?.ref as string | undefined }
    : node.kind === 'host' ? { cls: 'host' as const, ref: node.ref as string }
    : node.kind === 'sr' ? { cls: 'SR' as const, ref: node.ref as string }
    : node.kind === 'vdi' ? { cls: 'VDI' as const, ref: node.ref as string }
    : node.kind === 'vm' ? { cls: 'VM' as const, ref: node.ref as string }
    : undefined;
  if (!target?.ref) return undefined;
  const uuid = (m.get(target.cls, target.ref) as { uuid?: string } | undefined)?.uuid;
  return { cls: target.cls, ref: target.ref, uuid };
}

function recordUri(pool: string, cls: XapiClass, ref: string, uuid: string | undefined): vscode.Uri {
  const label = uuid && UUID.test(uuid) ? uuid.slice(0, 8) : 'record';
  // The path names the tab; the query says what to read (all parts encoded: names come from XAPI).
  return vscode.Uri.from({ scheme: SCHEME, path: `/${cls} ${label}.jsonc`, query: new URLSearchParams({ pool, cls, ref }).toString() });
}

export function registerShowRecord(registry: PoolRegistry): vscode.Disposable[] {
  const changed = new vscode.EventEmitter<vscode.Uri>();
  const provider: vscode.TextDocumentContentProvider = {
    onDidChange: changed.event,
    provideTextDocumentContent(uri) {
      const q = new URLSearchParams(uri.query);
      const pool = q.get('pool') ?? '';
      const state = registry.state(pool);
      if (state?.kind !== 'connected') return vscode.l10n.t('// Pool {0} is not connected: the record cannot be read.', JSON.stringify(pool));
      return recordDocument(state.model, (q.get('cls') ?? '') as XapiClass, q.get('ref') ?? '', pool) ?? vscode.l10n.t('// This object is gone from the pool.');
    },
  };
  return [
    changed,
    vscode.workspace.registerTextDocumentContentProvider(SCHEME, provider),
    // An open record follows the pool's events.
    registry.onDidChange((e) => {
      if (e.kind === 'pools') return;
      for (const doc of vscode.workspace.textDocuments) {
        if (doc.uri.scheme === SCHEME && new URLSearchParams(doc.uri.query).get('pool') === e.pool) changed.fire(doc.uri);
      }
    }),
    vscode.commands.registerCommand('xcpAdmin.any.showRecord', async (node?: TreeNode) => {
      const target = recordOf(registry, node);
      if (!node || !target) return;
      const doc = await vscode.workspace.openTextDocument(recordUri(node.pool, target.cls, target.ref, target.uuid));
      await vscode.window.showTextDocument(doc, { preview: true });
    }),
    vscode.commands.registerCommand('xcpAdmin.any.copyXeCommand', async (node?: TreeNode) => {
      const target = recordOf(registry, node);
      if (!target?.uuid || !UUID.test(target.uuid)) return;
      const line = `xe ${target.cls.toLowerCase()}-param-list uuid=${target.uuid}`;
      await vscode.env.clipboard.writeText(line);
      vscode.window.setStatusBarMessage(vscode.l10n.t('Copied {0}', line), 3000);
    }),
  ];
}
