/**
 * What to draw for one editor: from the tracked rows of a scan and the visible line ranges
 * to tinted intervals, first-line heads with their after-text, and overview-ruler marks,
 * grouped by severity. Pure (no `vscode`): the controller turns it into ranges; the
 * benchmark times it.
 */
import type { RowRecord } from '../../core/report/types';
import type { RowTracker } from '../results/rowTracker';
import { buildFlaggedIndex, maxRowLines, overviewIntervals, selectVisible, type FlaggedIndex, type LineInterval } from './rowRanges';
import { afterText, severityOf, severityScale, SEVERITIES, type Severity } from './wording';

/** Lines above and below the viewport decorated too, so short scrolls need no redraw. */
export const VISIBLE_MARGIN_LINES = 50;

/** The flagged rows of a tracked scan that still have a place, in line order. */
export interface FlaggedRows {
  index: FlaggedIndex;
  maxLines: number;
  records: readonly RowRecord[];
}

export function flaggedRows(tracker: RowTracker): FlaggedRows {
  const records = tracker.records;
  const scale = severityScale(records);
  const order = tracker.orderedAlive();
  const rows: { id: number; startLine: number; endLine: number; severity: Severity }[] = [];
  for (let k = 0; k < order.length; k++) {
    const i = order[k];
    if (!records[i].flagged) continue;
    rows.push({ id: i, startLine: tracker.startLine(i), endLine: tracker.endLine(i), severity: severityOf(records[i], scale) });
  }
  const index = buildFlaggedIndex(rows);
  return { index, maxLines: maxRowLines(index), records };
}

export interface Head { line: number; text: string; id: number }

export interface DecorationPlan {
  tint: Record<Severity, LineInterval[]>;
  heads: Record<Severity, Head[]>;
  /** True when maxDecoratedRows cut the visible rows short. */
  capped: boolean;
}

export function planVisible(rows: FlaggedRows, visible: readonly LineInterval[], cap: number): DecorationPlan {
  const tint: Record<Severity, LineInterval[]> = { high: [], medium: [], low: [] };
  const heads: Record<Severity, Head[]> = { high: [], medium: [], low: [] };
  const { indices, capped } = selectVisible(rows.index, visible, rows.maxLines, cap, VISIBLE_MARGIN_LINES);
  for (const i of indices) {
    const sev = rows.index.severities[i];
    const id = rows.index.ids[i];
    const start = rows.index.startLines[i];
    tint[sev].push({ start, end: rows.index.endLines[i] });
    heads[sev].push({ line: start, text: afterText(rows.records[id]), id });
  }
  return { tint, heads, capped };
}

/** Overview-ruler marks: strongly flagged rows and the rest, each capped. */
export function planOverview(rows: FlaggedRows, cap: number): { high: LineInterval[]; other: LineInterval[] } {
  const split = (keep: (s: Severity) => boolean): LineInterval[] => {
    const rowsOf = [];
    for (let i = 0; i < rows.index.startLines.length; i++) {
      if (keep(rows.index.severities[i])) rowsOf.push({ id: i, startLine: rows.index.startLines[i], endLine: rows.index.endLines[i], severity: rows.index.severities[i] });
    }
    return overviewIntervals(buildFlaggedIndex(rowsOf), cap);
  };
  return { high: split((s) => s === 'high'), other: split((s) => s !== 'high') };
}

export { SEVERITIES };
