// The webview side's handle on VS Code (acquireVsCodeApi may be called once per page), and the words
// the extension wrote into the page for it (there is no vscode.l10n in a webview).

interface VsCodeApi<S> {
  postMessage(msg: unknown): void;
  getState(): S | undefined;
  setState(state: S): void;
}
declare function acquireVsCodeApi<S>(): VsCodeApi<S>;

let api: VsCodeApi<unknown> | undefined;
export function vscodeApi<S>(): VsCodeApi<S> {
  api ??= acquireVsCodeApi<unknown>();
  return api as VsCodeApi<S>;
}

/** Creates an element with attributes and children (text is set as text, never as HTML). */
export function el(tag: string, attrs: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElement {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  for (const c of children) e.append(typeof c === 'string' ? document.createTextNode(c) : c);
  return e;
}

/** The page's labels (html.ts writes them as a JSON data block, translated on the extension side). */
export function pageLabels<L>(): L {
  return JSON.parse(document.getElementById('xcp-labels')?.textContent || '{}') as L;
}

