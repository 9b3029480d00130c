// The FC SR resize view: a host × step grid filling in live, the sizes of each path and map before and
// after, and the SR's physical_size read back from XAPI at the end. Toolkit components, theme colors,
// state kept with setState.

import { provideVSCodeDesignSystem, vsCodeButton, vsCodeDivider, vsCodeTag } from '@vscode/webview-ui-toolkit';
import { formatBytesShort, initialResize, reduceResize, type ResizeState, type ResizeToView } from '../protocol';
import { el, vscodeApi } from './vscodeApi';

provideVSCodeDesignSystem().register(vsCodeButton(), vsCodeDivider(), vsCodeTag());

const vscode = vscodeApi<ResizeState>();
let state: ResizeState = vscode.getState() ?? initialResize();

const app = document.getElementById('app')!;
const title = el('h1', {}, 'Grow an FC SR online');
const summary = el('dl');
const grid = el('div');
const sizes = el('div');
const verdict = el('div', { class: 'verdict', id: 'verdict' });
const cancel = el('vscode-button', { appearance: 'secondary' }, 'Cancel');
cancel.addEventListener('click', () => vscode.postMessage({ kind: 'cancel' }));
app.append(title, summary, el('vscode-divider'), grid, sizes, verdict, el('div', { class: 'actions' }, cancel));

const MARK: Record<string, string> = { pending: '·', running: '…', done: '✔', failed: '✖', unknown: '?', skipped: '–' };

function render(): void {
  summary.replaceChildren(
    el('dt', {}, 'SR'), el('dd', {}, state.sr ? `${state.sr.name} (${state.sr.uuid})` : '…'),
    el('dt', {}, 'physical_size before'), el('dd', {}, state.sr ? formatBytesShort(state.sr.before) : '…'),
    el('dt', {}, 'physical_size after'), el('dd', { id: 'after' }, state.after !== undefined ? formatBytesShort(state.after) : '…'),
  );
  const head = el('tr', {}, el('th', {}, 'host'), ...state.steps.map((s) => el('th', {}, s)));
  const rows = state.hosts.map((h) => el('tr', {}, el('th', {}, h.name), ...state.steps.map((s) => {
    const c = state.cells[h.key]?.[s] ?? { status: 'pending' };
    const td = el('td', { class: c.status, title: c.detail ?? c.status }, `${MARK[c.status]} ${c.detail ?? ''}`.trim());
    return td;
  })));
  grid.replaceChildren(el('table', { class: 'grid', id: 'grid' }, el('thead', {}, head), el('tbody', {}, ...rows)));
  const nameOf = new Map(state.hosts.map((h) => [h.key, h.name]));
  const sizeRows = Object.entries(state.sizes).flatMap(([h, list]) => list.map((x) => el('tr', {}, el('td', {}, nameOf.get(h) ?? h), el('td', {}, x.name),
    el('td', {}, x.before !== undefined ? formatBytesShort(x.before) : '…'), el('td', {}, x.after !== undefined ? formatBytesShort(x.after) : '…'))));
  sizes.replaceChildren(sizeRows.length ? el('table', { class: 'grid' }, el('thead', {}, el('tr', {}, el('th', {}, 'host'), el('th', {}, 'path / map'), el('th', {}, 'before'), el('th', {}, 'after'))), el('tbody', {}, ...sizeRows)) : '');
  verdict.replaceChildren();
  verdict.className = 'verdict';
  if (state.verdict) {
    verdict.classList.add(state.verdict.ok ? 'ok' : 'bad');
    verdict.append(el('vscode-tag', {}, state.verdict.ok ? 'grown' : 'FAILED'), ' ', state.verdict.message);
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
