// The HTML shell of a webview: a strict Content-Security-Policy (nothing remote, scripts only with the
// page's nonce, styles from the extension), the theme's CSS variables, one script bundle, and the
// words the script shows in the admin's language (labels.ts) as an inert JSON data block, which the
// CSP does not need to allow: it is never run. No vscode import: the panel passes its webview's
// cspSource and resource URIs as strings.

import { randomBytes } from 'node:crypto';
import { labelsJson } from './labels';

/** The id of the page's JSON block of labels (read by ui/vscodeApi.ts: pageLabels). */
export const LABELS_ID = 'xcp-labels';

export function nonce(): string {
  return randomBytes(18).toString('base64').replace(/[+/=]/g, '');
}

export function webviewHtml(opts: { title: string; cspSource: string; scriptUri: string; styleUri: string; nonce: string; labels?: unknown; lang?: string }): string {
  const csp = [
    "default-src 'none'",
    `img-src ${opts.cspSource} data:`,
    `style-src ${opts.cspSource} 'nonce-${opts.nonce}'`,
    `font-src ${opts.cspSource}`,
    `script-src 'nonce-${opts.nonce}'`,
  ].join('; ');
  const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
  return `<!DOCTYPE html>
<html lang="${esc(opts.lang ?? 'en')}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${esc(opts.styleUri)}">
<title>${esc(opts.title)}</title>
</head>
<body>
<main id="app" aria-live="polite"></main>
<script type="application/json" id="${LABELS_ID}">${labelsJson(opts.labels ?? {})}</script>
<script nonce="${opts.nonce}" src="${esc(opts.scriptUri)}"></script>
</body>
</html>`;
}
