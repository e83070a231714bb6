/**
 * Which lines to decorate. Flagged rows are kept sorted by first line in typed arrays so
 * that the rows under the visible ranges are found by binary search: the cost of a
 * redraw depends on what is on screen, not on the size of the file. Pure (no `vscode`).
 */
import type { Severity } from './wording';

/** A 0-based, inclusive line interval (a visible range or a row's lines). */
export interface LineInterval { start: number; end: number }

/** Flagged rows in line order. Index i refers to the same row in every array. */
export interface FlaggedIndex {
  /** 0-based first line of each flagged row, ascending. */
  readonly startLines: Int32Array;
  /** 0-based last line of each flagged row. */
  readonly endLines: Int32Array;
  /** Position of each row in the caller's own list (e.g. into the result's rows). */
  readonly ids: Int32Array;
  readonly severities: readonly Severity[];
}

export interface FlaggedRowInput { id: number; startLine: number; endLine: number; severity: Severity }

/** Build the index; rows may come in any order. */
export function buildFlaggedIndex(rows: readonly FlaggedRowInput[]): FlaggedIndex {
  const order = rows.map((_, i) => i);
  // Callers usually pass rows in line order already; sort only when they did not.
  if (rows.some((r, i) => i > 0 && rows[i - 1].startLine > r.startLine)) {
    order.sort((a, b) => rows[a].startLine - rows[b].startLine || rows[a].id - rows[b].id);
  }
  const startLines = new Int32Array(order.length);
  const endLines = new Int32Array(order.length);
  const ids = new Int32Array(order.length);
  const severities: Severity[] = new Array(order.length);
  order.forEach((k, i) => {
    startLines[i] = rows[k].startLine;
    endLines[i] = Math.max(rows[k].startLine, rows[k].endLine);
    ids[i] = rows[k].id;
    severities[i] = rows[k].severity;
  });
  return { startLines, endLines, ids, severities };
}

/** First index whose start line is ≥ line (the length when none). */
export function lowerBound(sorted: Int32Array, line: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < line) lo = mid + 1; else hi = mid;
  }
  return lo;
}

export interface VisibleSelection {
  /** Indices into the FlaggedIndex, ascending, each at most once. */
  indices: number[];
  /** True when `cap` cut the selection short. */
  capped: boolean;
}

/**
 * Flagged rows that overlap any of the visible ranges (sorted, possibly overlapping),
 * extended by `margin` lines above and below so short scrolls need no redraw.
 * `maxRowLines` is the longest row in the index (so rows starting above a range but
 * reaching into it are found). At most `cap` rows are returned.
 */
export function selectVisible(index: FlaggedIndex, visible: readonly LineInterval[], maxRowLines: number, cap: number, margin = 0): VisibleSelection {
  const indices: number[] = [];
  const ranges = mergeIntervals(visible.map((v) => ({ start: Math.max(0, v.start - margin), end: v.end + margin })));
  let lastTaken = -1;
  for (const r of ranges) {
    let i = lowerBound(index.startLines, r.start - Math.max(0, maxRowLines - 1));
    for (; i < index.startLines.length && index.startLines[i] <= r.end; i++) {
      if (i <= lastTaken || index.endLines[i] < r.start) continue;
      if (indices.length >= cap) return { indices, capped: true };
      indices.push(i);
      lastTaken = i;
    }
  }
  return { indices, capped: false };
}

/** Sort and merge overlapping or touching intervals. */
export function mergeIntervals(intervals: readonly LineInterval[]): LineInterval[] {
  const sorted = [...intervals].filter((v) => v.end >= v.start).sort((a, b) => a.start - b.start);
  const out: LineInterval[] = [];
  for (const v of sorted) {
    const last = out[out.length - 1];
    if (last && v.start <= last.end + 1) last.end = Math.max(last.end, v.end);
    else out.push({ ...v });
  }
  return out;
}

/** The flagged row after (direction 1) or before (-1) a line, wrapping around; -1 when there is none. */
export function neighbourRow(index: FlaggedIndex, line: number, direction: 1 | -1): number {
  const n = index.startLines.length;
  if (n === 0) return -1;
  if (direction === 1) {
    const i = lowerBound(index.startLines, line + 1);
    return i < n ? i : 0;
  }
  const i = lowerBound(index.startLines, line) - 1;
  return i >= 0 ? i : n - 1;
}
