// The messages between the extension and its progress webviews, shared by both sides (the webview
// bundle imports this file too), and the pure reducers that turn them into what the views show.
// The extension keeps the same state, so a view that was hidden and shown again gets a snapshot.
// No vscode import, no DOM.

// ---- the dd relay (S2) ----

export interface DdEnds {
  /** Where the bytes come from, e.g. "vms-bl0-02:/root/images/disk.img". */
  source: string;
  /** The writing host and device, e.g. "vms-piet-02:/dev/VG_XenStorage-…/LV-…". */
  target: string;
  total: number;
}

export interface DdSample {
  /** ms since the start */
  t: number;
  bytes: number;
}

export interface DdState {
  ends?: DdEnds;
  bytes: number;
  elapsedMs: number;
  /** Throughput samples for the graph (at most MAX_SAMPLES, evenly thinned). */
  samples: DdSample[];
  phase: 'waiting' | 'copying' | 'verifying' | 'done' | 'failed' | 'cancelled';
  verdict?: { ok: boolean; message: string; source?: string; target?: string };
  /** elapsedMs when the byte count last grew (a stall is measured from it). */
  lastByteMs?: number;
}

export type DdToView =
  | { kind: 'start'; ends: DdEnds }
  | { kind: 'progress'; bytes: number; elapsedMs: number }
  /** The clock, every second while the stream runs: bytes or not, elapsed time goes on. */
  | { kind: 'tick'; elapsedMs: number }
  | { kind: 'phase'; phase: DdState['phase'] }
  | { kind: 'verdict'; ok: boolean; message: string; source?: string; target?: string }
  | { kind: 'snapshot'; state: DdState };

export type DdFromView = { kind: 'cancel' } | { kind: 'ready' };

/**
 * A message from a view as the extension receives it: anything (a view's script can be old, broken or
 * replaced). Only the exact shapes of the protocol pass; everything else is undefined and ignored.
 */
function fromView<K extends string>(kinds: readonly K[], raw: unknown): { kind: K } | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
  const keys = Object.keys(raw);
  const kind = (raw as { kind?: unknown }).kind;
  if (keys.length !== 1 || typeof kind !== 'string' || !(kinds as readonly string[]).includes(kind)) return undefined;
  return { kind: kind as K };
}

export const validDdFromView = (raw: unknown): DdFromView | undefined => fromView(['cancel', 'ready'] as const, raw);

export const MAX_SAMPLES = 240;
/** The least time between two rate samples. */
export const SAMPLE_MS = 50;

export function initialDd(): DdState {
  return { bytes: 0, elapsedMs: 0, samples: [], phase: 'waiting' };
}

export function reduceDd(state: DdState, msg: DdToView): DdState {
  switch (msg.kind) {
    case 'snapshot':
      return msg.state;
    case 'start':
      return { ...initialDd(), ends: msg.ends, phase: 'copying' };
    case 'progress': {
      // The extension reduces every chunk (a message per 32 KiB at hundreds of MiB/s): a sample at most
      // every SAMPLE_MS, so a chunk costs one small object, not a copy of the samples (16% of the relay's
      // time before, \`npm run bench -- relay\`). The view, behind the throttle, keeps each it gets.
      const last = state.samples[state.samples.length - 1];
      if (last !== undefined && msg.elapsedMs - last.t < SAMPLE_MS && msg.elapsedMs >= last.t) {
        return { ...state, bytes: msg.bytes, elapsedMs: Math.max(state.elapsedMs, msg.elapsedMs), lastByteMs: msg.bytes > state.bytes ? msg.elapsedMs : state.lastByteMs };
      }
      let samples = [...state.samples, { t: msg.elapsedMs, bytes: msg.bytes }];
      if (samples.length > MAX_SAMPLES) samples = samples.filter((_, i) => i % 2 === 0 || i === samples.length - 1);
      return { ...state, bytes: msg.bytes, elapsedMs: Math.max(state.elapsedMs, msg.elapsedMs), samples, lastByteMs: msg.bytes > state.bytes ? msg.elapsedMs : state.lastByteMs };
    }
    case 'tick':
      return state.phase === 'copying' ? { ...state, elapsedMs: Math.max(state.elapsedMs, msg.elapsedMs) } : state;
    case 'phase':
      return { ...state, phase: msg.phase };
    case 'verdict':
      return { ...state, phase: msg.ok ? 'done' : 'failed', verdict: { ok: msg.ok, message: msg.message, source: msg.source, target: msg.target } };
  }
}

/** Bytes per second over the last `windowMs` of samples (the rate an admin reads, not the average). */
export function currentRate(state: DdState, windowMs = 3000): number {
  const s = state.samples;
  if (s.length < 2) return 0;
  const last = s[s.length - 1];
  if (state.elapsedMs - last.t > windowMs) return 0; // nothing came in the window: the stream stands still
  const first = s.find((x) => x.t >= last.t - windowMs) ?? s[0];
  const dt = last.t - first.t;
  return dt > 0 ? ((last.bytes - first.bytes) * 1000) / dt : 0;
}

/** Seconds left at the current rate, or undefined when unknown. */
export function etaSeconds(state: DdState): number | undefined {
  const total = state.ends?.total ?? 0;
  const rate = currentRate(state);
  if (!total || rate <= 0 || state.bytes >= total) return undefined;
  return (total - state.bytes) / rate;
}

/** No byte for this long while copying is worth telling the admin. */
export const STALL_AFTER_MS = 10_000;

/** Seconds without a byte while copying, once that is STALL_AFTER_MS or more; else undefined. */
export function stalledSeconds(state: DdState): number | undefined {
  if (state.phase !== 'copying') return undefined;
  const idle = state.elapsedMs - (state.lastByteMs ?? 0);
  return idle >= STALL_AFTER_MS ? Math.floor(idle / 1000) : undefined;
}

// ---- the FC SR resize (S4) ----

/** `unknown`: the connection was lost after an XAPI call was sent; it may or may not have run. */
export type GridCell = { status: 'pending' | 'running' | 'done' | 'failed' | 'unknown' | 'skipped'; detail?: string };

/** A row of the grid: keyed by the host's uuid (names may repeat or hold anything), shown by its name. */
export interface GridRow {
  key: string;
  name: string;
}

export interface ResizeState {
  sr?: { name: string; uuid: string; before: number };
  hosts: GridRow[];
  steps: string[];
  /** cells[row key][step] */
  cells: Record<string, Record<string, GridCell>>;
  /** Sizes per row key: each path and the map, before and after (bytes). */
  sizes: Record<string, { name: string; before?: number; after?: number }[]>;
  after?: number;
  verdict?: { ok: boolean; message: string };
}

export type ResizeToView =
  | { kind: 'start'; sr: { name: string; uuid: string; before: number }; hosts: GridRow[]; steps: string[] }
  | { kind: 'cell'; host: string; step: string; cell: GridCell }
  | { kind: 'sizes'; host: string; sizes: { name: string; before?: number; after?: number }[] }
  | { kind: 'verdict'; ok: boolean; message: string; after?: number }
  | { kind: 'snapshot'; state: ResizeState };

export type ResizeFromView = { kind: 'cancel' } | { kind: 'ready' };

export const validResizeFromView = (raw: unknown): ResizeFromView | undefined => fromView(['cancel', 'ready'] as const, raw);

export function initialResize(): ResizeState {
  return { hosts: [], steps: [], cells: {}, sizes: {} };
}

export function reduceResize(state: ResizeState, msg: ResizeToView): ResizeState {
  switch (msg.kind) {
    case 'snapshot':
      return msg.state;
    case 'start': {
      const cells: ResizeState['cells'] = {};
      for (const h of msg.hosts) cells[h.key] = Object.fromEntries(msg.steps.map((s) => [s, { status: 'pending' } as GridCell]));
      return { sr: msg.sr, hosts: msg.hosts, steps: msg.steps, cells, sizes: {} };
    }
    case 'cell':
      return { ...state, cells: { ...state.cells, [msg.host]: { ...(state.cells[msg.host] ?? {}), [msg.step]: msg.cell } } };
    case 'sizes':
      return { ...state, sizes: { ...state.sizes, [msg.host]: msg.sizes } };
    case 'verdict':
      return { ...state, after: msg.after ?? state.after, verdict: { ok: msg.ok, message: msg.message } };
  }
}

export function formatBytesShort(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v >= 100 || i === 0 ? v.toFixed(0) : v.toFixed(1)} ${units[i]}`;
}

/** A label's {n} placeholders (labels.ts) replaced by the values, in one pass (a value holding "{1}" stays as it is). */
export function fillLabel(template: string, ...values: (string | number)[]): string {
  return template.replace(/\{(\d+)\}/g, (whole, i: string) => (Number(i) < values.length ? String(values[Number(i)]) : whole));
}
