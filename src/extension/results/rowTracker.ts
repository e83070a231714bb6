/**
 * Follows the rows of one scan result through edits of its document, so that
 * decorations stay on the rows they describe. Two mechanisms:
 *  - `applyChanges`: cheap and immediate on every edit. Rows after an edit shift by the
 *    number of lines inserted or removed; rows the edit touches lose their place (and so
 *    their flag) until a rematch finds their content again.
 *  - `rematch`: debounced. Rows of the re-parsed document are matched to scanned rows by
 *    content hash, so reordering, inserting or deleting rows never moves a flag onto a
 *    different row, and an edit that is undone brings the flag back.
 * Pure (no `vscode`): positions are 0-based line numbers.
 */
import type { RowRecord } from '../../core/report/types';

/** A text change in old-document lines (inclusive) and the number of line breaks it inserts. */
export interface LineChange {
  startLine: number;
  endLine: number;
  insertedLineBreaks: number;
  /**
   * The change replaces whole lines: it starts and ends at column 0 and inserts nothing or
   * text ending in a line break (pasting or deleting full lines, Enter at a line's end once
   * rewritten by `lineChangeOf`). Then the row starting at `endLine` is untouched.
   */
  wholeLines?: boolean;
}

/**
 * The LineChange for an editor change. `lineLengthAfter(line)` is the length of a line of
 * the document after the edit (for recognising Enter at the end of a line).
 */
export function lineChangeOf(
  range: { start: { line: number; character: number }; end: { line: number; character: number } },
  text: string,
  lineLengthAfter: (line: number) => number,
): LineChange {
  const breaks = countLineBreaks(text);
  const empty = range.start.line === range.end.line && range.start.character === range.end.character;
  const endsWithBreak = /[\r\n]$/.test(text);
  if (range.start.character === 0 && range.end.character === 0 && (text === '' || endsWithBreak)) {
    return { startLine: range.start.line, endLine: range.end.line, insertedLineBreaks: breaks, wholeLines: true };
  }
  // Text starting with a line break inserted at the end of a line = whole lines inserted before the next line.
  if (empty && /^(\r\n|\n|\r)/.test(text) && range.start.character === lineLengthAfter(range.start.line)) {
    return { startLine: range.start.line + 1, endLine: range.start.line + 1, insertedLineBreaks: breaks, wholeLines: true };
  }
  return { startLine: range.start.line, endLine: range.end.line, insertedLineBreaks: breaks };
}

/** A row of the current document: its content hash and 0-based lines. */
export interface CurrentRow { hash: string; startLine: number; endLine: number }

export class RowTracker {
  /** By record index (position in `records`). */
  private readonly start: Int32Array;
  private readonly end: Int32Array;
  private readonly aliveFlags: Uint8Array;
  /** Record indices of rows with a known place, ascending by line. */
  private order: Int32Array;

  constructor(readonly records: readonly RowRecord[], public version: number) {
    const n = records.length;
    this.start = new Int32Array(n);
    this.end = new Int32Array(n);
    this.aliveFlags = new Uint8Array(n).fill(1);
    for (let i = 0; i < n; i++) {
      this.start[i] = records[i].line - 1;
      this.end[i] = Math.max(records[i].line, records[i].endLine) - 1;
    }
    this.order = sortedByStart(Int32Array.from({ length: n }, (_, i) => i), this.start);
  }

  get size(): number { return this.records.length; }
  /** Number of rows that still have a place in the document. */
  get aliveCount(): number { return this.order.length; }
  isAlive(i: number): boolean { return this.aliveFlags[i] === 1; }
  startLine(i: number): number { return this.start[i]; }
  endLine(i: number): number { return this.end[i]; }

  /** Record indices with a place in the document, in line order. */
  orderedAlive(): Int32Array { return this.order; }

  /** Record index of the row covering a 0-based line, or -1. */
  rowAtLine(line: number): number {
    const order = this.order;
    let lo = 0;
    let hi = order.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.end[order[mid]] < line) lo = mid + 1; else hi = mid;
    }
    if (lo < order.length && this.start[order[lo]] <= line) return order[lo];
    return -1;
  }

  /**
   * Apply the changes of one document edit (ranges in the document as it was before the
   * edit; any order). Returns the number of rows that lost their place.
   */
  applyChanges(changes: readonly LineChange[], newVersion: number): number {
    // From the bottom up, so every range still refers to the unchanged lines above it.
    const sorted = [...changes].sort((a, b) => b.startLine - a.startLine);
    let lost = 0;
    for (const c of sorted) lost += this.applyOne(c);
    this.version = newVersion;
    return lost;
  }

  private applyOne(c: LineChange): number {
    const order = this.order;
    const delta = c.insertedLineBreaks - (c.endLine - c.startLine);
    // Rows starting before this line and reaching the change's first line are touched.
    const touchedBefore = c.wholeLines ? c.endLine : c.endLine + 1;
    // First row reaching the change, first row wholly below it.
    let i0 = 0;
    let hi = order.length;
    while (i0 < hi) {
      const mid = (i0 + hi) >>> 1;
      if (this.end[order[mid]] < c.startLine) i0 = mid + 1; else hi = mid;
    }
    let i1 = i0;
    while (i1 < order.length && this.start[order[i1]] < touchedBefore) {
      this.aliveFlags[order[i1]] = 0;
      i1++;
    }
    if (delta !== 0) {
      for (let k = i1; k < order.length; k++) {
        const r = order[k];
        this.start[r] += delta;
        this.end[r] += delta;
      }
    }
    if (i1 > i0) {
      const next = new Int32Array(order.length - (i1 - i0));
      next.set(order.subarray(0, i0), 0);
      next.set(order.subarray(i1), i0);
      this.order = next;
    }
    return i1 - i0;
  }

  /**
   * Match scanned rows to the rows of the current document by content hash. Equal rows
   * (duplicates) are paired in order of appearance. Rows whose content is gone lose their place.
   */
  rematch(current: readonly CurrentRow[], version: number): void {
    const byHash = new Map<string, number[]>();
    for (let j = current.length - 1; j >= 0; j--) {
      const list = byHash.get(current[j].hash);
      if (list) list.push(j); else byHash.set(current[j].hash, [j]);
    }
    // Scanned rows in their original order so duplicates pair up first-with-first.
    const byOriginalLine = Int32Array.from({ length: this.records.length }, (_, i) => i)
      .sort((a, b) => this.records[a].line - this.records[b].line);
    const placed: number[] = [];
    for (const i of byOriginalLine) {
      const j = byHash.get(this.records[i].hash)?.pop();
      if (j === undefined) {
        this.aliveFlags[i] = 0;
        continue;
      }
      this.aliveFlags[i] = 1;
      this.start[i] = current[j].startLine;
      this.end[i] = Math.max(current[j].startLine, current[j].endLine);
      placed.push(i);
    }
    this.order = sortedByStart(Int32Array.from(placed), this.start);
    this.version = version;
  }
}

function sortedByStart(indices: Int32Array, start: Int32Array): Int32Array {
  for (let k = 1; k < indices.length; k++) {
    if (start[indices[k - 1]] > start[indices[k]]) return indices.sort((a, b) => start[a] - start[b]);
  }
  return indices;
}

/** Count line breaks (\n, \r\n or a lone \r) in inserted text. */
export function countLineBreaks(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 10) n++;
    else if (ch === 13) {
      n++;
      if (text.charCodeAt(i + 1) === 10) i++;
    }
  }
  return n;
}
