// The dd progress view: the two ends, bytes / total, rate, ETA, elapsed, a throughput graph, and the
// verdict (checksums of both ends). Built with the webview UI toolkit's components; colors from the
// theme's CSS variables; state kept with setState, so the view survives being hidden. Every word it
// shows comes from the page's labels (translated by the extension: labels.ts, ddLabels).

import { provideVSCodeDesignSystem, vsCodeButton, vsCodeDivider, vsCodeProgressRing, vsCodeTag } from '@vscode/webview-ui-toolkit';
import type { DdLabels } from '../labels';
import { currentRate, etaSeconds, fillLabel, formatBytesShort, initialDd, reduceDd, stalledSeconds, type DdState, type DdToView } from '../protocol';
import { el, pageLabels, vscodeApi } from './vscodeApi';

provideVSCodeDesignSystem().register(vsCodeButton(), vsCodeDivider(), vsCodeProgressRing(), vsCodeTag());

const vscode = vscodeApi<DdState>();
let state: DdState = vscode.getState() ?? initialDd();
const L = pageLabels<DdLabels>();

const clock = (s: number) => {
  const t = Math.max(0, Math.round(s));
  const h = Math.floor(t / 3600);
  const m = Math.floor((t % 3600) / 60);
  const sec = t % 60;
  return `${h ? `${h}:` : ''}${String(m).padStart(h ? 2 : 1, '0')}:${String(sec).padStart(2, '0')}`;
};

const app = document.getElementById('app')!;
const title = el('h1', {}, L.title);
const ends = el('dl', { class: 'ends' });
const percent = el('div', { class: 'percent', id: 'percent' }, '0%');
const barFill = el('div', { class: 'bar-fill' });
const bar = el('div', { class: 'bar', role: 'progressbar', 'aria-valuemin': '0', 'aria-valuemax': '100', 'aria-valuenow': '0' }, barFill);
const stats = el('dl', { class: 'stats' });
const canvas = document.createElement('canvas');
canvas.className = 'graph';
canvas.height = 120;
const stall = el('div', { class: 'stall', id: 'stall', role: 'status' });
const verdict = el('div', { class: 'verdict', id: 'verdict' });
const cancel = el('vscode-button', { appearance: 'secondary', id: 'cancel' }, L.cancel);
cancel.addEventListener('click', () => vscode.postMessage({ kind: 'cancel' }));
app.append(title, ends, el('vscode-divider'), percent, bar, stats, canvas, stall, verdict, el('div', { class: 'actions' }, cancel));

function pair(dl: HTMLElement, rows: [string, string][]): void {
  dl.replaceChildren(...rows.flatMap(([k, v]) => [el('dt', {}, k), el('dd', { 'data-key': k }, v)]));
}

function drawGraph(): void {
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  canvas.width = canvas.clientWidth || 480;
  const styles = getComputedStyle(document.body);
  const line = styles.getPropertyValue('--vscode-charts-blue').trim() || styles.getPropertyValue('--vscode-focusBorder').trim() || '#3794ff';
  const grid = styles.getPropertyValue('--vscode-widget-border').trim() || styles.getPropertyValue('--vscode-panel-border').trim() || '#8884';
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  const s = state.samples;
  const rates: { t: number; r: number }[] = [];
  for (let i = 1; i < s.length; i++) {
    const dt = s[i].t - s[i - 1].t;
    if (dt > 0) rates.push({ t: s[i].t, r: ((s[i].bytes - s[i - 1].bytes) * 1000) / dt });
  }
  ctx.strokeStyle = grid;
  ctx.strokeRect(0.5, 0.5, canvas.width - 1, canvas.height - 1);
  if (rates.length < 2) return;
  const maxR = Math.max(...rates.map((x) => x.r)) || 1;
  const maxT = rates[rates.length - 1].t || 1;
  ctx.strokeStyle = line;
  ctx.lineWidth = 2;
  ctx.beginPath();
  rates.forEach((x, i) => {
    const px = (x.t / maxT) * (canvas.width - 4) + 2;
    const py = canvas.height - 4 - (x.r / maxR) * (canvas.height - 20);
    if (i === 0) ctx.moveTo(px, py);
    else ctx.lineTo(px, py);
  });
  ctx.stroke();
  ctx.fillStyle = styles.getPropertyValue('--vscode-descriptionForeground').trim() || '#888';
  ctx.font = `${styles.getPropertyValue('--vscode-font-size').trim() || '12px'} ${styles.getPropertyValue('--vscode-font-family').trim() || 'sans-serif'}`;
  ctx.fillText(fillLabel(L.peak, formatBytesShort(maxR)), 8, 16);
}

function render(): void {
  const total = state.ends?.total ?? 0;
  const pct = total ? Math.min(100, Math.floor((state.bytes / total) * 100)) : 0;
  percent.textContent = `${pct}%`;
  barFill.style.width = `${pct}%`;
  bar.setAttribute('aria-valuenow', String(pct));
  pair(ends, [
    [L.from, state.ends?.source ?? '…'],
    [L.to, state.ends?.target ?? '…'],
  ]);
  const eta = etaSeconds(state);
  pair(stats, [
    [L.copied, fillLabel(L.bytesOf, formatBytesShort(state.bytes), formatBytesShort(total))],
    [L.rate, fillLabel(L.perSecond, formatBytesShort(currentRate(state)))],
    [L.eta, state.phase === 'copying' && eta !== undefined ? clock(eta) : '—'],
    [L.elapsed, clock(state.elapsedMs / 1000)],
    [L.phase, L.phases[state.phase] ?? state.phase],
  ]);
  const stalled = stalledSeconds(state);
  stall.textContent = stalled === undefined ? '' : fillLabel(L.stalled, stalled);
  verdict.replaceChildren();
  verdict.className = 'verdict';
  if (state.phase === 'verifying') verdict.append(el('vscode-progress-ring'), ` ${L.comparing}`);
  if (state.verdict) {
    verdict.classList.add(state.verdict.ok ? 'ok' : 'bad');
    verdict.append(el('vscode-tag', {}, state.verdict.ok ? L.match : L.failedTag), ' ', state.verdict.message);
    if (state.verdict.source) verdict.append(el('div', { class: 'sha' }, fillLabel(L.sourceSum, state.verdict.source)));
    if (state.verdict.target) verdict.append(el('div', { class: 'sha' }, fillLabel(L.targetSum, state.verdict.target)));
  }
  (cancel as HTMLElement).toggleAttribute('disabled', state.phase !== 'copying' && state.phase !== 'verifying' && state.phase !== 'waiting');
  drawGraph();
}

window.addEventListener('message', (e: MessageEvent<DdToView>) => {
  state = reduceDd(state, e.data);
  vscode.setState(state);
  render();
});
window.addEventListener('resize', drawGraph);
render();
vscode.postMessage({ kind: 'ready' });
