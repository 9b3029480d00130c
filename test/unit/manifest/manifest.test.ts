// What package.json declares about where the extension runs and what it trusts: checked here because
// VS Code reads these fields silently and a wrong one only shows on someone else's machine.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const repoRoot = resolve(__dirname, '..', '..', '..', '..');
const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));

test('runs on the UI side by preference (SSH keys, agent and route to the pools are there) and on the workspace side if need be', () => {
  assert.deepEqual(manifest.extensionKind, ['ui', 'workspace']);
});

test('untrusted workspaces: limited, and every setting a workspace could set (hosts, keys, commands) is restricted', () => {
  const untrusted = manifest.capabilities?.untrustedWorkspaces;
  assert.equal(untrusted?.supported, 'limited');
  assert.ok(typeof untrusted.description === 'string' && untrusted.description.length > 0);
  const properties = manifest.contributes.configuration.properties as Record<string, { scope?: string }>;
  // application- and machine-scoped settings are never read from a workspace; all others must be restricted.
  const workspaceReadable = Object.entries(properties).filter(([, p]) => p.scope !== 'application' && p.scope !== 'machine').map(([k]) => k).sort();
  assert.ok(workspaceReadable.includes('xcpAdmin.pools'));
  assert.deepEqual([...untrusted.restrictedConfigurations].sort(), workspaceReadable);
  assert.equal(manifest.capabilities.virtualWorkspaces, true);
});
