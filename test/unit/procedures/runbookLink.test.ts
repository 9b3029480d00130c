// The runbook link next to a procedure's code (issue 16): the team's page comes from the setting
// xcpAdmin.runbook.url, which the editor reads and hands down; the preview, the journal document and the
// exported runbook link each code to its section there, or, without a page, name the section unlinked.
// And the byte steps' export per the pool's release (XCP 1.5's xe cannot read a pipe).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { preview, type Plan } from '../../../src/procedures/plan';
import { journalDocument } from '../../../src/procedures/journalDocument';
import type { JournalEntry } from '../../../src/procedures/journal';
import { exportRunbook, uploadLine } from '../../../src/procedures/runbookExport';
import { DEFAULT_RUNBOOK_URL, runbookReference, runbookUrlFrom } from '../../../src/procedures/runbookSections';

const ROOT = join(__dirname, '..', '..', '..', '..');
const VDI = '0f3d1c5e-9b1a-4c6e-8f6a-2d2f1c0b9a77';
const SR = '5a1e7f2c-3b4d-4e5f-8a9b-0c1d2e3f4a5b';

const plan = (xe?: 'vdi-import' | 'curl'): Plan => ({
  procedure: 'H5',
  title: 'Forget a dead host',
  target: { kind: 'host', name: 'vms-gen-04', uuid: VDI },
  summary: 'Forgets the host.',
  facts: [],
  steps: [
    { id: 'forget', title: 'Forget vms-gen-04', why: 'It is gone.', destructive: true, action: { kind: 'xapi', method: 'SR.scan', args: ['OpaqueRef:x'], xe: `xe sr-scan uuid=${SR}` } },
    ...(xe ? [{
      id: 'copy', title: 'Send the image', why: 'import_raw_vdi', destructive: true,
      action: { kind: 'upload' as const, source: { kind: 'ssh' as const, host: { name: 'old', uuid: SR, address: '127.0.0.9' }, path: "/root/old disk's.img" }, vdi: { ref: 'OpaqueRef:v', uuid: VDI, name: 'disk' }, bytes: 8388608, xe },
    }] : []),
  ],
});

const entry: JournalEntry = {
  procedure: 'H5', title: 'Forget a dead host', target: { kind: 'host', name: 'vms-gen-04', uuid: VDI },
  started: '2026-12-02T10:00:00.000Z', ended: '2026-12-02T10:01:00.000Z', status: 'done', message: 'done', steps: [],
};

test('with the runbook page set, the preview, the journal and the export link the code to its section (MediaWiki anchor)', () => {
  const url = 'https://wiki.example.org/ops/index.php?title=Our_Xen_runbook';
  const link = `[Incinerated VM servers](${url}#Incinerated_VM_servers)`;
  assert.ok(preview(plan(), url).includes(`From the runbook H5, ${link}.`), preview(plan(), url));
  assert.ok(journalDocument([entry], url).includes(`From the runbook H5, ${link}.`));
  const r = exportRunbook(plan(), new Date(0), undefined, url);
  assert.ok(r.markdown.includes(`Procedure H5 of the runbook, ${link}.`));
  assert.ok(r.script.includes(`# Procedure H5 of the runbook: Incinerated VM servers, ${url}#Incinerated_VM_servers\n`));
  // A title with parentheses: the anchor stays inside the Markdown link.
  assert.equal(runbookReference('S1', url), `runbook S1, [Where are the VM disk images (VDIs)](${url}#Where_are_the_VM_disk_images_%28VDIs%29)`);
});

test('without a runbook page, they name the code and the section, with no link', () => {
  for (const url of [undefined, '', '   ']) {
    assert.ok(preview(plan(), url).includes('From the runbook H5, *Incinerated VM servers*.'));
    assert.ok(journalDocument([entry], url).includes('From the runbook H5, *Incinerated VM servers*.'));
    const r = exportRunbook(plan(), new Date(0), undefined, url);
    assert.ok(r.markdown.includes('Procedure H5 of the runbook, *Incinerated VM servers*.'));
    assert.ok(r.script.includes('# Procedure H5 of the runbook: Incinerated VM servers\n'));
    for (const doc of [preview(plan(), url), journalDocument([entry], url), r.markdown, r.script]) assert.doesNotMatch(doc, /https?:/, 'no address anywhere');
  }
});

test('the setting\'s value: only http(s) addresses, fragment dropped, nothing that could end a Markdown link', () => {
  assert.equal(runbookUrlFrom('https://wiki.example.org/Runbook#Old_section'), 'https://wiki.example.org/Runbook');
  assert.equal(runbookUrlFrom('javascript:alert(1)'), undefined);
  assert.equal(runbookUrlFrom('file:///etc/passwd'), undefined);
  assert.equal(runbookUrlFrom('not a url'), undefined);
  assert.equal(runbookUrlFrom(42), undefined);
  const odd = runbookUrlFrom('https://wiki.example.org/a page)(x)[y]<z>"q\'r`s')!;
  assert.doesNotMatch(odd, /[()<>\[\]\s"'`]/, odd);
  const md = preview(plan(), 'https://wiki.example.org/a)](javascript:x)');
  assert.doesNotMatch(md, /\]\(javascript:/, 'the value cannot close our link and open its own');
});

test('the setting is declared with the verified default, machine-overridable, and restricted in untrusted workspaces', () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const setting = pkg.contributes.configuration.properties['xcpAdmin.runbook.url'];
  assert.equal(setting.default, DEFAULT_RUNBOOK_URL);
  assert.equal(setting.scope, 'machine-overridable');
  assert.ok(pkg.capabilities.untrustedWorkspaces.restrictedConfigurations.includes('xcpAdmin.runbook.url'));
  assert.equal(runbookUrlFrom(DEFAULT_RUNBOOK_URL), DEFAULT_RUNBOOK_URL, 'the default passes its own check unchanged');
});

test('an upload exports as xe vdi-import where the pool\'s xe reads a pipe, else curl to import_raw_vdi; both parse as POSIX sh', () => {
  const from = "ssh 'root@127.0.0.9' 'dd if=/x bs=4M 2>/dev/null'";
  const xe = uploadLine(from, (plan('vdi-import').steps[1].action as Extract<Plan['steps'][number]['action'], { kind: 'upload' }>));
  assert.equal(xe, `${from} | xe vdi-import uuid=${VDI} filename=/dev/stdin format=raw`);
  const curl = uploadLine(from, (plan('curl').steps[1].action as Extract<Plan['steps'][number]['action'], { kind: 'upload' }>));
  assert.doesNotMatch(curl, /xe vdi-import/, 'XCP 1.5\'s xe reads no pipe');
  assert.match(curl, /\| curl .*--user root .*--upload-file - .*--header 'Transfer-Encoding:' --header 'Content-Length: 8388608' /, 'root\'s password is asked by curl; the length given, no chunked body');
  assert.match(curl, new RegExp(`'http://127\\.0\\.0\\.1/import_raw_vdi\\?vdi=${VDI}&format=raw'\\)" = 200 \\] \\|\\| fail `), 'on the master\'s loopback; anything but 200 stops the script');
  for (const xeOf of ['vdi-import', 'curl'] as const) {
    const r = exportRunbook(plan(xeOf));
    execFileSync('sh', ['-n'], { input: r.script });
    assert.ok(r.script.includes(`\n${r.steps[1].command}\n`), 'the script runs the line as exported');
    assert.doesNotMatch(r.script, /--user root:/, 'no password in the script');
  }
  assert.throws(() => uploadLine(from, { ...(plan('curl').steps[1].action as Extract<Plan['steps'][number]['action'], { kind: 'upload' }>), vdi: { ref: 'x', uuid: "'; rm -rf / #", name: 'x' } }), /not a uuid/);
});
