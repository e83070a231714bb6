/**
 * Match stored decisions to the rows of the dataset as it is now, by content hash.
 * Reordering or inserting rows keeps every decision; a decision whose row was edited is
 * reported as outdated (not dropped, not applied to the edited row).
 */
import type { ReviewDecision, StaleDecision } from './types';

export interface MatchedDecisions {
  /** Data-row index → the decision on its content. */
  byRow: Map<number, { hash: string; decision: ReviewDecision }>;
  stale: StaleDecision[];
}

/**
 * `rowHashes[i]` is the content hash of data row i. Rows with identical content share one
 * decision (the decision is about the content). A decision with no matching row is
 * 'outdated' when the row at its hinted index is not covered by any decision (the likely
 * edit of that row), else 'missing' (the row was removed).
 */
export function matchDecisions(decisions: ReadonlyMap<string, ReviewDecision>, rowHashes: readonly string[]): MatchedDecisions {
  const byRow = new Map<number, { hash: string; decision: ReviewDecision }>();
  const present = new Set<string>();
  rowHashes.forEach((h, i) => {
    const d = decisions.get(h);
    if (d) {
      byRow.set(i, { hash: h, decision: d });
      present.add(h);
    }
  });
  const stale: StaleDecision[] = [];
  for (const [hash, decision] of [...decisions].sort((a, b) => a[1].row - b[1].row || (a[0] < b[0] ? -1 : 1))) {
    if (present.has(hash)) continue;
    const at = decision.row;
    if (at < rowHashes.length && !decisions.has(rowHashes[at])) {
      stale.push({ hash, decision, state: 'outdated', nowRow: at, nowHash: rowHashes[at] });
    } else {
      stale.push({ hash, decision, state: 'missing' });
    }
  }
  return { byRow, stale };
}

