/**
 * Shaping for the heatmap of rows × time windows: which rows (top-N), in what order,
 * which values, hit-testing of pointer positions, and which windows count as "late". Pure.
 */
import type { ViewRow, WindowFaithfulness } from '../../src/shared/webviewMessages';
import { robustMaxAbs } from './colorScale';
import { formatNumber } from './format';

export type HeatmapMode = 'influential' | 'harmful' | 'helpful';
export type HeatmapMetric = 'cumulative' | 'inWindow';

/** Smallest and largest N the user can ask for. */
export const TOP_N_MIN = 1;
export const TOP_N_MAX = 500;
export const TOP_N_DEFAULT = 30;

/** Clamps a user-entered N (text) to [TOP_N_MIN, TOP_N_MAX]; falls back to the default. */
export function parseTopN(text: string): number {
  const n = Number.parseInt(text, 10);
  if (!Number.isFinite(n)) return TOP_N_DEFAULT;
  return Math.max(TOP_N_MIN, Math.min(TOP_N_MAX, n));
}

/**
 * Positions (into `rows`) of the N rows to draw, sorted by total influence ascending
 * (most harmful first). `influential` picks by |influence|, `harmful` the most negative,
 * `helpful` the most positive. Ties break by row index, so the order is deterministic.
 */
export function selectTopRows(rows: readonly ViewRow[], n: number, mode: HeatmapMode): number[] {
  const idx = rows.map((_, i) => i);
  const byRow = (a: number, b: number) => rows[a].row - rows[b].row;
  const key = mode === 'influential' ? (i: number) => -Math.abs(rows[i].influence)
    : mode === 'harmful' ? (i: number) => rows[i].influence
      : (i: number) => -rows[i].influence;
  idx.sort((a, b) => key(a) - key(b) || byRow(a, b));
  const top = idx.slice(0, Math.max(0, n));
  top.sort((a, b) => rows[a].influence - rows[b].influence || byRow(a, b));
  return top;
}

export interface HeatmapData {
  /** Positions into the result's rows, top to bottom. */
  positions: number[];
  windows: number;
  /** Row-major values: values[r * windows + w]. */
  values: Float64Array;
  /** |value| that receives the full colour. */
  maxAbs: number;
}

export function heatmapData(rows: readonly ViewRow[], positions: number[], windows: number, metric: HeatmapMetric): HeatmapData {
  const values = new Float64Array(positions.length * windows);
  positions.forEach((p, r) => {
    const src = metric === 'cumulative' ? rows[p].windows : rows[p].inWindow;
    for (let w = 0; w < windows; w++) values[r * windows + w] = src[w] ?? 0;
  });
  return { positions, windows, values, maxAbs: robustMaxAbs(values) };
}

/** Geometry of the drawn grid in CSS pixels. */
export interface HeatmapLayout {
  left: number;
  top: number;
  cellWidth: number;
  cellHeight: number;
  rows: number;
  windows: number;
}

/** The cell under a point, or undefined outside the grid. */
export function cellAt(x: number, y: number, l: HeatmapLayout): { r: number; w: number } | undefined {
  const c = Math.floor((x - l.left) / l.cellWidth);
  const r = Math.floor((y - l.top) / l.cellHeight);
  if (x < l.left || y < l.top || c >= l.windows || r >= l.rows) return undefined;
  return { r, w: c };
}

/** Column width that fills `width` after the label column, never below `min` pixels. */
export function fitCellWidth(width: number, labelWidth: number, windows: number, min = 6, max = 64): number {
  if (windows <= 0) return min;
  return Math.max(min, Math.min(max, Math.floor((width - labelWidth) / windows)));
}

/**
 * Index of the first "late" window: the last third of training (at least the last window
 * when there are two or more). Estimates there are less faithful (ALGORITHMS.md §4).
 */
export function lateWindowStart(windows: number): number {
  return windows < 2 ? windows : Math.floor((windows * 2) / 3);
}

/** The caveat shown next to late windows, with the measured correlation when the scan has it. */
export function lateWindowCaveat(labels: readonly string[], faithfulness?: WindowFaithfulness): string {
  const start = lateWindowStart(labels.length);
  if (start >= labels.length) return '';
  const span = start === labels.length - 1 ? `window ${labels[start]}` : `windows ${labels[start]}–${labels[labels.length - 1]}`;
  const head = `Estimates in late ${span} are less faithful than the full-training figure.`;
  const mean = (xs: (number | null)[]) => {
    const v = xs.filter((x): x is number => x !== null);
    return v.length ? v.reduce((a, b) => a + b, 0) / v.length : undefined;
  };
  if (faithfulness) {
    const late = mean(faithfulness.perWindow.slice(start));
    const early = mean(faithfulness.perWindow.slice(0, start));
    if (late !== undefined) {
      const earlyText = early !== undefined ? ` (${formatNumber(early, 2)} in earlier windows)` : '';
      return `${head} Measured ${faithfulness.method} correlation with exact windowed leave-one-out: ${formatNumber(late, 2)}${earlyText}.`;
    }
  }
  return `${head} Not measured for this scan; the method's source reports correlations of about 0.2–0.35 with exact windowed leave-one-out there.`;
}
