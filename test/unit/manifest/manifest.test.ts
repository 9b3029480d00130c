// What package.json declares about where the extension runs and what it trusts: checked here because
// VS Code reads these fields silently and a wrong one only shows on someone else's machine.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
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

test('the walkthrough: five steps in order, each with an image that ships and a completion event that can happen', () => {
  const [walkthrough] = manifest.contributes.walkthroughs as { id: string; steps: { id: string; media: { image: string }; completionEvents: string[] }[] }[];
  assert.deepEqual(walkthrough.steps.map((s) => s.id), ['pools', 'certificate', 'tree', 'rootShell', 'preview']);
  const commands = new Set((manifest.contributes.commands as { command: string }[]).map((c) => c.command));
  const views = new Set(Object.values(manifest.contributes.views as Record<string, { id: string }[]>).flat().map((v) => v.id));
  for (const step of walkthrough.steps) {
    assert.ok(existsSync(join(repoRoot, step.media.image)), `${step.id}: ${step.media.image} exists`);
    assert.match(step.media.image, /^media\//, `${step.id}: the image is under media/, which the .vsix ships`);
    assert.ok(step.completionEvents.length > 0);
    for (const ev of step.completionEvents) {
      const [kind, arg] = ev.split(/:(.*)/s);
      if (kind === 'onCommand') assert.ok(commands.has(arg), `${step.id}: ${arg} is a contributed command`);
      else if (kind === 'onView') assert.ok(views.has(arg), `${step.id}: ${arg} is a contributed view`);
      else assert.equal(kind, 'onContext', `${step.id}: ${ev}`);
    }
  }
  // The context keys the steps wait for are set by the code that confirms and previews.
  const src = (f: string) => readFileSync(join(repoRoot, f), 'utf8');
  assert.match(src('src/editor/tlsTrustStore.ts'), /'xcpAdmin\.certificateConfirmed', true/);
  assert.match(src('src/editor/sshHostKeys.ts'), /'xcpAdmin\.certificateConfirmed', true/);
  assert.match(src('src/editor/runProcedure.ts'), /'xcpAdmin\.planPreviewed', true/);
});
