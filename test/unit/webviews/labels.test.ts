// The progress panels speak the admin's language: the extension translates their words (labels.ts)
// and writes them into the page as an inert JSON block that the CSP does not have to allow, escaped so
// that no translation can end the block; the webview scripts take every word from that block.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { english, useTranslator, type Translator } from '../../../src/text/l10n';
import { LABELS_ID, webviewHtml } from '../../../src/webviews/html';
import { ddLabels, resizeLabels } from '../../../src/webviews/labels';
import { fillLabel } from '../../../src/webviews/protocol';

const repoRoot = resolve(__dirname, '..', '..', '..', '..');

/** A translator that marks every message, so a word that did not go through it shows. */
const marking: Translator = { t: (message, ...args) => `⟦${english.t(message, ...args)}⟧` };

const page = (labels: unknown) => webviewHtml({ title: 't', cspSource: 'vscode-resource:', scriptUri: 'x.js', styleUri: 'x.css', nonce: 'N0NCE', labels });

/** The JSON block of the page, parsed. */
function labelsOf(html: string): unknown {
  const m = new RegExp(`<script type="application/json" id="${LABELS_ID}">([^<]*)</script>`).exec(html);
  assert.ok(m, 'the page holds the labels block');
  return JSON.parse(m[1]);
}

/** Every string of a labels object, with its path. */
function strings(v: unknown, path = ''): [string, string][] {
  if (typeof v === 'string') return [[path, v]];
  return Object.entries(v as Record<string, unknown>).flatMap(([k, x]) => strings(x, `${path}.${k}`));
}

test('each panel page carries its words, translated when the panel opens, and the CSP is the same as without them', () => {
  const restore = useTranslator(marking);
  try {
    for (const labels of [ddLabels(), resizeLabels()]) {
      const html = page(labels);
      assert.deepEqual(labelsOf(html), labels, 'the block holds the labels as computed');
      const unmarked = strings(labels).filter(([, s]) => !/^⟦[^]*⟧$/.test(s));
      assert.deepEqual(unmarked, [], 'every word went through the translator');
      const csp = (h: string) => /Content-Security-Policy" content="([^"]*)"/.exec(h)![1];
      assert.equal(csp(html), csp(page({})), 'the labels need no CSP change');
      assert.match(csp(html), /script-src 'nonce-N0NCE'/);
    }
  } finally {
    restore();
  }
  // Back to English after the translator is restored: computed at call time, not at load.
  assert.equal(ddLabels().title, 'Raw disk import');
  assert.equal(resizeLabels().grown, 'grown');
});

test('a translation that tries to end the block or inject markup stays data', () => {
  const hostile = '</script><script>alert(1)</script><!-- & \u2028';
  const restore = useTranslator({ t: () => hostile });
  try {
    const html = page(ddLabels());
    assert.equal((html.match(/<script/g) ?? []).length, 2, 'only the JSON block and the nonce script');
    assert.doesNotMatch(html.slice(html.indexOf(LABELS_ID)), /alert\(1\)<\/script>/);
    assert.equal((labelsOf(html) as { title: string }).title, hostile, 'the script reads the text back exactly');
  } finally {
    restore();
  }
});

test('placeholders survive the translation for the script to fill, once', () => {
  const restore = useTranslator({ t: (message, ...args) => english.t(message.replace('{0} of {1}', '{0} von {1}'), ...args) });
  try {
    const l = ddLabels();
    assert.equal(l.bytesOf, '{0} von {1}');
    assert.equal(fillLabel(l.bytesOf, '1 GiB', '4 GiB'), '1 GiB von 4 GiB');
    assert.equal(fillLabel(l.stalled, 12).startsWith('No bytes for 12 s'), true);
    assert.equal(fillLabel('{0} of {1}', '{1}', 'x'), '{1} of x', 'a value holding a placeholder is not filled again');
  } finally {
    restore();
  }
});

test('the webview scripts hold no English word of their own: every label they show comes from the page', () => {
  // element ids and classes (id: 'after') are names for the styles and the e2e tests, never shown
  const sources = ['ddProgress.ts', 'resizeGrid.ts'].map((f) => readFileSync(join(repoRoot, 'src', 'webviews', 'ui', f), 'utf8').replace(/\b(id|class): '[^']*'/g, ''));
  const words = [...strings(ddLabels()), ...strings(resizeLabels())]
    // phases, statuses and steps are keyed by their ids, which the script compares (and never shows)
    .filter(([path]) => !/^\.(phases|statuses|steps)\./.test(path))
    .map(([, s]) => s);
  for (const src of sources) {
    const literals = [...src.matchAll(/'([^'\\\n]*)'|`([^`\\]*)`/g)].map((m) => m[1] ?? m[2]);
    const english = literals.filter((l) => words.some((w) => w.length > 2 && (l === w || (w.length > 12 && l.includes(w.replace(/\{\d\}/g, '').trim())))));
    assert.deepEqual(english, [], 'no label written in the script');
    assert.match(src, /pageLabels</, 'the script reads the page\'s labels');
  }
});
