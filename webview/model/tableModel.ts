/** Filtering and sorting of the flagged-rows table. Pure; returns positions into the result's rows. */
import type { Pattern, ViewRow } from '../../src/shared/webviewMessages';

export type SortKey = 'row' | 'influence' | 'looLoss' | 'label' | 'predicted' | 'confidence' | 'pattern' | 'reviewed';
export type SortDir = 'asc' | 'desc';
export type ReviewFilter = 'all' | 'unreviewed' | 'reviewed';

export interface TableQuery {
  scope: 'flagged' | 'all';
  /** null = any label. */
  label: string | null;
  /** null = any pattern. */
  pattern: Pattern | null;
  review: ReviewFilter;
  sortKey: SortKey;
  sortDir: SortDir;
}

export const DEFAULT_QUERY: TableQuery = { scope: 'flagged', label: null, pattern: null, review: 'all', sortKey: 'influence', sortDir: 'asc' };

/** The direction a column sorts in when first clicked: the most interesting rows first. */
const FIRST_DIR: Record<SortKey, SortDir> = {
  row: 'asc', influence: 'asc', looLoss: 'desc', label: 'asc', predicted: 'asc', confidence: 'desc', pattern: 'asc', reviewed: 'asc',
};

/** Clicking a column header: same column flips the direction, another column starts at its natural one. */
export function nextSort(q: TableQuery, key: SortKey): TableQuery {
  if (q.sortKey === key) return { ...q, sortDir: q.sortDir === 'asc' ? 'desc' : 'asc' };
  return { ...q, sortKey: key, sortDir: FIRST_DIR[key] };
}

const cmpStr = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Positions of the rows that pass the filters, in sorted order. Ties break by row index
 * ascending whatever the direction, so the order is total and deterministic.
 */
export function queryTable(rows: readonly ViewRow[], reviewed: ReadonlySet<number>, q: TableQuery): number[] {
  const out: number[] = [];
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    if (q.scope === 'flagged' && !r.flagged) continue;
    if (q.label !== null && r.label !== q.label) continue;
    if (q.pattern !== null && r.pattern !== q.pattern) continue;
    if (q.review === 'reviewed' && !reviewed.has(r.row)) continue;
    if (q.review === 'unreviewed' && reviewed.has(r.row)) continue;
    out.push(i);
  }
  const sign = q.sortDir === 'asc' ? 1 : -1;
  const key = q.sortKey;
  const cmp = (a: ViewRow, b: ViewRow): number => {
    switch (key) {
      case 'row': return a.row - b.row;
      case 'influence': return a.influence - b.influence;
      case 'looLoss': return a.looLoss - b.looLoss;
      case 'confidence': return a.confidence - b.confidence;
      case 'label': return cmpStr(a.label, b.label);
      case 'predicted': return cmpStr(a.predicted, b.predicted);
      case 'pattern': return cmpStr(a.pattern, b.pattern);
      case 'reviewed': return Number(reviewed.has(a.row)) - Number(reviewed.has(b.row));
    }
  };
  // A leave-one-out loss that was not estimated (NaN: screened by SGD-IE only) sorts last either way.
  const missing = (r: ViewRow): number => (key === 'looLoss' && Number.isNaN(r.looLoss) ? 1 : 0);
  out.sort((i, j) => missing(rows[i]) - missing(rows[j]) || sign * cmp(rows[i], rows[j]) || rows[i].row - rows[j].row);
  return out;
}

/** Distinct labels in first-seen order of sorted text (for the label filter). */
export function distinctLabels(rows: readonly ViewRow[]): string[] {
  return [...new Set(rows.map((r) => r.label))].sort(cmpStr);
}
