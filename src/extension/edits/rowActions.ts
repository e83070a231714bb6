/**
 * From a tracked scan row to the text edit of a quick fix. The row is looked up in a parse
 * of the current text by its current first line, and its content hash must still match the
 * scan, so an edit never lands on a different row. Pure (no `vscode`); the edit itself is
 * computed by the data layer (`removeRowEdit`, `relabelRowEdit`).
 */
import { relabelRowEdit, removeRowEdit, rowHash, type ParsedTable, type TextEdit } from '../../core/data/index';

export type RowAction = { kind: 'remove' } | { kind: 'relabel'; label: string };

/** Index of the table row starting on a 0-based line, or -1. */
export function tableRowAtLine(table: ParsedTable, startLine: number): number {
  let lo = 0;
  let hi = table.spans.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (table.spans[mid].startLine < startLine) lo = mid + 1; else hi = mid;
  }
  return lo < table.spans.length && table.spans[lo].startLine === startLine ? lo : -1;
}

export type PlannedEdit = { ok: true; edit: TextEdit; tableRow: number } | { ok: false; reason: string };

/**
 * The edit for `action` on the scanned row with content `hash` now starting at `startLine`.
 * `labelColumn` is the scan's label column name.
 */
export function planRowEdit(text: string, table: ParsedTable, hash: string, startLine: number, labelColumn: string, action: RowAction): PlannedEdit {
  const k = tableRowAtLine(table, startLine);
  if (k < 0 || rowHash(table.rows[k]) !== hash) {
    return { ok: false, reason: 'the row changed since the scan; compute again before editing it' };
  }
  if (action.kind === 'remove') return { ok: true, edit: removeRowEdit(text, table, k), tableRow: k };
  const labelIndex = table.columns.indexOf(labelColumn);
  if (labelIndex < 0) return { ok: false, reason: `the label column "${labelColumn}" is no longer in the file` };
  return { ok: true, edit: relabelRowEdit(text, table, k, labelIndex, action.label), tableRow: k };
}
