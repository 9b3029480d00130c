// The FC SR resize view: a host × step grid filling in live, the sizes of each path and map before and
// after, and the SR's physical_size read back from XAPI at the end. Toolkit components, theme colors,
// state kept with setState. Every word it shows comes from the page's labels (translated by the
// extension: labels.ts, resizeLabels); the pool steps named after commands (pvresize, SR.scan,
// physical_size) keep their names.

import { provideVSCodeDesignSystem, vsCodeButton, vsCodeDivider, vsCodeTag } from '@vscode/webview-ui-toolkit';
import type { ResizeLabels } from '../labels';
import { formatBytesShort, initialResize, reduceResize, type ResizeState, type ResizeToView } from '../protocol';
import { el, pageLabels, vscodeApi } from './vscodeApi';

provideVSCodeDesignSystem().register(vsCodeButton(), vsCodeDivider(), vsCodeTag());

const vscode = vscodeApi<ResizeState>();
let state: ResizeState = vscode.getState() ?? initialResize();
const L = pageLabels<ResizeLabels>();

const app = document.getElementById('app')!;
const title = el('h1', {}, L.title);
const summary = el('dl');
const grid = el('div');
const sizes = el('div');
const verdict = el('div', { class: 'verdict', id: 'verdict' });
const cancel = el('vscode-button', { appearance: 'secondary' }, L.cancel);
cancel.addEventListener('click', () => vscode.postMessage({ kind: 'cancel' }));
app.append(title, summary, el('vscode-divider'), grid, sizes, verdict, el('div', { class: 'actions' }, cancel));

const MARK: Record<string, string> = { pending: '·', running: '…', done: '✔', failed: '✖', unknown: '?', skipped: '–' };

function render(): void {
  summary.replaceChildren(
    el('dt', {}, L.sr), el('dd', {}, state.sr ? `${state.sr.name} (${state.sr.uuid})` : '…'),
    el('dt', {}, L.sizeBefore), el('dd', {}, state.sr ? formatBytesShort(state.sr.before) : '…'),
    el('dt', {}, L.sizeAfter), el('dd', { id: 'after' }, state.after !== undefined ? formatBytesShort(state.after) : '…'),
  );
  const head = el('tr', {}, el('th', {}, L.host), ...state.steps.map((s) => el('th', {}, L.steps[s] ?? s)));
  const rows = state.hosts.map((h) => el('tr', {}, el('th', {}, h.name), ...state.steps.map((s) => {
    const c = state.cells[h.key]?.[s] ?? { status: 'pending' };
    const td = el('td', { class: c.status, title: c.detail ?? L.statuses[c.status] ?? c.status }, `${MARK[c.status]} ${c.detail ?? ''}`.trim());
    return td;
  })));
  grid.replaceChildren(el('table', { class: 'grid', id: 'grid' }, el('thead', {}, head), el('tbody', {}, ...rows)));
  const nameOf = new Map(state.hosts.map((h) => [h.key, h.name]));
  const sizeRows = Object.entries(state.sizes).flatMap(([h, list]) => list.map((x) => el('tr', {}, el('td', {}, nameOf.get(h) ?? h), el('td', {}, x.name),
    el('td', {}, x.before !== undefined ? formatBytesShort(x.before) : '…'), el('td', {}, x.after !== undefined ? formatBytesShort(x.after) : '…'))));
  sizes.replaceChildren(sizeRows.length ? el('table', { class: 'grid' }, el('thead', {}, el('tr', {}, el('th', {}, L.host), el('th', {}, L.pathOrMap), el('th', {}, L.before), el('th', {}, L.after))), el('tbody', {}, ...sizeRows)) : '');
  verdict.replaceChildren();
  verdict.className = 'verdict';
  if (state.verdict) {
    verdict.classList.add(state.verdict.ok ? 'ok' : 'bad');
    verdict.append(el('vscode-tag', {}, state.verdict.ok ? L.grown : L.failedTag), ' ', state.verdict.message);
  }
  cancel.toggleAttribute('disabled', state.verdict !== undefined);
}

window.addEventListener('message', (e: MessageEvent<ResizeToView>) => {
  state = reduceResize(state, e.data);
  vscode.setState(state);
  render();
});
render();
vscode.postMessage({ kind: 'ready' });
