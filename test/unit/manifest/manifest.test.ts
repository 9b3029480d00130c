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

/** A contributed setting's schema, as far as these tests read it. */
interface SettingSchema {
  scope?: string;
  description?: string;
  markdownDescription?: string;
  properties?: Record<string, SettingSchema>;
  items?: SettingSchema;
  additionalProperties?: SettingSchema | boolean;
}

const nls = JSON.parse(readFileSync(join(repoRoot, 'package.nls.json'), 'utf8')) as Record<string, string>;
const text = (s: string | undefined): string => (s && /^%.+%$/.test(s) ? nls[s.slice(1, -1)] ?? s : s ?? '');

/**
 * What a setting speaks of, as a user reads it: its name, its fields' names (camelCase split) and, unless
 * `namesOnly`, every description.
 */
function settingWords(key: string, schema: SettingSchema, namesOnly = false): string {
  const out: string[] = [];
  const walk = (name: string, s: SettingSchema): void => {
    out.push(name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[._-]/g, ' '));
    if (!namesOnly) out.push(text(s.description), text(s.markdownDescription));
    for (const [k, p] of Object.entries(s.properties ?? {})) walk(k, p);
    if (s.items) walk('', s.items);
    if (s.additionalProperties && typeof s.additionalProperties === 'object') walk('', s.additionalProperties);
  };
  walk(key, schema);
  return out.join(' ');
}

/** Words that make a setting one a workspace could use to redirect the admin: where to connect, with what key, what to run, what to trust. */
const REDIRECTS = /\b(hosts?|address(es)?|urls?|uris?|ports?|keys?|certificates?|fingerprints?|passwords?|secrets?|commands?|paths?|proxy|ssh|tls)\b/i;
/** Names of a setting that pins trust or holds a secret: no workspace, trusted or not, has any business setting it. */
const PINS = /\b(certificates?|fingerprints?|passwords?|secrets?)\b/i;

function configurationProperties(m: typeof manifest): Record<string, SettingSchema> {
  const sections = ([] as { properties?: Record<string, SettingSchema> }[]).concat(m.contributes.configuration ?? []);
  return Object.assign({}, ...sections.map((c) => c.properties ?? {}));
}

/** The settings that name hosts, keys, commands or pins and that an untrusted workspace could still set. */
function redirectableFromWorkspace(m: typeof manifest): string[] {
  const restricted = new Set<string>(m.capabilities?.untrustedWorkspaces?.restrictedConfigurations ?? []);
  const userOnly = (s: SettingSchema) => s.scope === 'application' || s.scope === 'machine';
  return Object.entries(configurationProperties(m))
    .filter(([k, s]) => REDIRECTS.test(settingWords(k, s)) && !userOnly(s) && !restricted.has(k))
    .map(([k]) => k);
}

test('untrusted workspaces: limited, and every setting that names hosts, keys, commands or pins is restricted or user-only', () => {
  const untrusted = manifest.capabilities?.untrustedWorkspaces;
  assert.equal(untrusted?.supported, 'limited');
  assert.ok(typeof untrusted.description === 'string' && untrusted.description.length > 0);
  const properties = configurationProperties(manifest);
  // The words find today's settings of that kind (the test is not empty) ...
  for (const k of ['xcpAdmin.pools', 'xcpAdmin.ssh.privateKeyPath', 'xcpAdmin.demo.simulatorCertificates', 'xcpAdmin.demo.simulatorPasswords']) {
    assert.ok(properties[k], `${k} is contributed`);
    assert.match(settingWords(k, properties[k]), REDIRECTS, `${k} is recognised as naming hosts, keys or pins`);
  }
  // ... and each is kept from an untrusted workspace: restricted (VS Code then reads the user's value), or application/machine scoped.
  assert.deepEqual(redirectableFromWorkspace(manifest), []);
  // A pin or a password is never taken from a workspace, trusted or not (by the setting's names: the
  // pools' description says passwords are *not* kept there).
  assert.ok(PINS.test(settingWords('xcpAdmin.demo.simulatorCertificates', properties['xcpAdmin.demo.simulatorCertificates'], true)));
  for (const [k, s] of Object.entries(properties)) {
    if (PINS.test(settingWords(k, s, true))) assert.ok(s.scope === 'application' || s.scope === 'machine', `${k} (pins or passwords) is application or machine scoped, not only restricted`);
  }
  // Every restricted name is a contributed setting (a misspelt one restricts nothing).
  for (const k of untrusted.restrictedConfigurations) assert.ok(properties[k], `restrictedConfigurations: ${k} is a contributed setting`);
  assert.equal(manifest.capabilities.virtualWorkspaces, true);
});

test('a new setting that names a host, a key path or a command and is not restricted fails the manifest check', () => {
  const withSetting = (key: string, schema: SettingSchema) => ({
    ...manifest,
    contributes: { ...manifest.contributes, configuration: { properties: { ...configurationProperties(manifest), [key]: schema } } },
  });
  assert.deepEqual(redirectableFromWorkspace(withSetting('xcpAdmin.backup.target', { description: 'Host to copy the images to.' })), ['xcpAdmin.backup.target']);
  assert.deepEqual(redirectableFromWorkspace(withSetting('xcpAdmin.ssh.knownHostsFile', {})), ['xcpAdmin.ssh.knownHostsFile']);
  assert.deepEqual(redirectableFromWorkspace(withSetting('xcpAdmin.console.viewer', { properties: { command: { description: 'Program to start.' } } })), ['xcpAdmin.console.viewer']);
  assert.deepEqual(redirectableFromWorkspace(withSetting('xcpAdmin.ssh.knownHostsFile', { scope: 'machine' })), [], 'machine scoped: fine');
  assert.deepEqual(redirectableFromWorkspace(withSetting('xcpAdmin.tree.sortOrder', { description: 'Order of the rows.' })), [], 'a setting that redirects nothing may come from a workspace');
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
