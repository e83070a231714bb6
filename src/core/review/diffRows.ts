/**
 * From a zero-context diff to the data rows it touches. git numbers lines by `\n` only,
 * while the parser (like editors) also ends a line at a lone `\r`; line numbers are
 * converted between the two, and a row counts as changed when any of its lines is in a hunk
 * (a quoted CSV field may span lines) or when lines were deleted from inside it.
 */
import type { RowSpan } from '../data/types';

/** New-side changes of one file: 1-based git line ranges added or replaced, and points where lines were only deleted. */
export interface LineChanges {
  /** [first line, number of lines], 1-based, on the new side. */
  added: [number, number][];
  /** A deletion between new-side line `n` and `n + 1` (0 = before the first line). */
  deletedAfter: number[];
}

const HUNK = /^@@@* -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@/;

/** Parse `git diff -U0` output for one file. Only hunk headers are read: every content line starts with `+`, `-`, ` ` or `\`. */
export function parseZeroContextDiff(diff: string): LineChanges {
  const changes: LineChanges = { added: [], deletedAfter: [] };
  for (const line of diff.split('\n')) {
    if (!line.startsWith('@@')) continue;
    const m = HUNK.exec(line);
    if (!m) continue;
    const start = Number(m[1]);
    const count = m[2] === undefined ? 1 : Number(m[2]);
    if (count > 0) changes.added.push([start, count]);
    else changes.deletedAfter.push(start);
  }
  return changes;
}

/**
 * parserLineOfGitLine[g] = 0-based parser line where 1-based git line g starts
 * (index gitLines + 1 holds the total parser line count, for exclusive ends).
 */
function gitToParserLines(text: string): Int32Array {
  let gitLines = 1;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) gitLines++;
  const map = new Int32Array(gitLines + 2);
  let parserLine = 0;
  let g = 1;
  map[1] = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      parserLine++;
      map[++g] = parserLine;
    } else if (c === 13 && text.charCodeAt(i + 1) !== 10) {
      parserLine++;
    }
  }
  map[gitLines + 1] = parserLine + 1;
  return map;
}

/**
 * Indices of data rows touched by `changes` in `text` (the new-side content, decoded; a
 * leading BOM does not shift lines). `spans` are the parser's row positions, sorted by line.
 */
export function changedRowIndices(text: string, spans: readonly RowSpan[], changes: LineChanges): Set<number> {
  const map = gitToParserLines(text);
  const maxGit = map.length - 2;
  const startOf = (g: number): number => map[Math.min(Math.max(g, 1), maxGit + 1)];
  // Parser-line intervals [a, b] (inclusive) touched by added lines.
  const intervals: [number, number][] = [];
  for (const [start, count] of changes.added) {
    if (start > maxGit) continue;
    intervals.push([startOf(start), startOf(Math.min(start + count, maxGit + 1)) - 1]);
  }
  const rows = new Set<number>();
  for (const [a, b] of intervals) {
    for (let i = firstRowEndingAtOrAfter(spans, a); i < spans.length && spans[i].startLine <= b; i++) rows.add(i);
  }
  for (const after of changes.deletedAfter) {
    if (after < 1 || after >= maxGit) continue;
    // The boundary between git lines `after` and `after + 1`: a row spanning it lost lines.
    const boundary = startOf(after + 1);
    const i = firstRowEndingAtOrAfter(spans, boundary);
    if (i < spans.length && spans[i].startLine < boundary) rows.add(i);
  }
  return rows;
}

function firstRowEndingAtOrAfter(spans: readonly RowSpan[], line: number): number {
  let lo = 0, hi = spans.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (spans[mid].endLine < line) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
