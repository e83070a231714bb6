/**
 * Rows found in one version of a file (the staged blob) placed on another (the editor's
 * text) by content hash, so the editor never highlights a row that only looks like the
 * one that was scanned.
 */
import type { ParsedTable } from '../data/types';
import type { RowRecord } from '../report/types';

export interface RemappedRows {
  /** Records with `row`, `line` and `endLine` of the target text. */
  rows: RowRecord[];
  /** Records whose content no longer occurs in the target text (edited after staging). */
  lost: RowRecord[];
}

/**
 * Place `records` on `target` (its parsed table and row hashes). Among identical rows the one
 * nearest the original index is taken, each target row at most once.
 */
export function remapRows(records: readonly RowRecord[], target: { table: ParsedTable; hashes: readonly string[] }): RemappedRows {
  const where = new Map<string, number[]>();
  target.hashes.forEach((h, i) => {
    const list = where.get(h);
    if (list) list.push(i);
    else where.set(h, [i]);
  });
  const used = new Set<number>();
  const rows: RowRecord[] = [];
  const lost: RowRecord[] = [];
  for (const r of records) {
    let best = -1;
    for (const i of where.get(r.hash) ?? []) {
      if (!used.has(i) && (best < 0 || Math.abs(i - r.row) < Math.abs(best - r.row))) best = i;
    }
    if (best < 0) {
      lost.push(r);
      continue;
    }
    used.add(best);
    const span = target.table.spans[best];
    rows.push({ ...r, row: best, line: span.startLine + 1, endLine: span.endLine + 1 });
  }
  return { rows, lost };
}
