// The row above the pools in Restricted Mode (src/editor/workspaceTrust.ts sets its sentence): first in
// the tree, says why the workspace's pools are missing, opens VS Code's Manage Workspace Trust when
// clicked, and is not hidden by a filter; without a sentence the tree is the pools alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CONTEXT_VALUES } from '../../../src/tree/contextValues';
import { rootNodes, type TreeSource } from '../../../src/tree/nodes';
import { TreeRows } from '../../../src/tree/treeRows';
import { viewOf } from '../../../src/tree/views';

const SENTENCE = 'Pools listed by this workspace are ignored until you trust it';

function source(notice: string | undefined): TreeSource {
  return { poolNames: () => ['Piet', 'Security'], state: () => undefined, url: () => 'https://127.0.0.1:8443', workspaceNotice: () => notice };
}

test('Restricted Mode: the notice row comes first, says why, and opens Manage Workspace Trust', () => {
  const src = source(SENTENCE);
  const [first, ...pools] = rootNodes(src);
  assert.deepEqual(pools.map((p) => p.pool), ['Piet', 'Security']);
  const view = viewOf(first, src)!;
  assert.equal(view.label, SENTENCE);
  assert.equal(view.command?.id, 'workbench.trust.manage');
  assert.ok(CONTEXT_VALUES.includes(view.contextValue), `${view.contextValue} is a known context value (no pool menu applies)`);
  assert.equal(view.collapsible, false);
  assert.match(view.tooltip ?? '', /trust/i);
});

test('a filter does not hide the notice; without a sentence there is no notice row', () => {
  const rows = new TreeRows(source(SENTENCE));
  rows.setFilter({ name: 'no such name', powerStates: ['Running'] });
  assert.equal(rows.children()[0].kind, 'notice');
  assert.deepEqual(rootNodes(source(undefined)).map((n) => n.kind), ['pool', 'pool']);
});
