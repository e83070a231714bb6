/**
 * What to draw for one editor: from the tracked rows of a scan and the visible line ranges
 * to tinted intervals, first-line heads with their after-text, and overview-ruler marks,
 * grouped by severity. Pure (no `vscode`): the controller turns it into ranges; the
 * benchmark times it.
 */
import type { RowRecord } from '../../core/report/types';
import type { RowTracker } from '../results/rowTracker';
import { selectVisible, type FlaggedIndex, type LineInterval } from './rowRanges';
import { afterText, severityOf, severityScale, SEVERITIES, type Severity } from './wording';

/** Lines above and below the viewport decorated too, so short scrolls need no redraw. */
export const VISIBLE_MARGIN_LINES = 50;

/** The flagged rows of a tracked scan that still have a place, in line order. */
export interface FlaggedRows {
  index: FlaggedIndex;
  maxLines: number;
  records: readonly RowRecord[];
}

/** Which records are flagged and how severe, computed once per result (not per edit). */
export interface FlaggedBase {
  /** Record indices of flagged rows, in scan order. */
  ids: Int32Array;
  severities: Severity[];
}

export function flaggedBase(records: readonly RowRecord[]): FlaggedBase {
  const scale = severityScale(records);
  const ids: number[] = [];
  const severities: Severity[] = [];
  records.forEach((r, i) => {
    if (!r.flagged) return;
    ids.push(i);
    severities.push(severityOf(r, scale));
  });
  return { ids: Int32Array.from(ids), severities };
}

/**
 * The flagged rows at their current lines. Linear in the number of flagged rows; a sort
 * happens only when a content rematch reordered rows.
 */
export function flaggedRows(tracker: RowTracker, base: FlaggedBase): FlaggedRows {
  let n = 0;
  for (let k = 0; k < base.ids.length; k++) if (tracker.isAlive(base.ids[k])) n++;
  let order = new Int32Array(n);
  for (let k = 0, j = 0; k < base.ids.length; k++) if (tracker.isAlive(base.ids[k])) order[j++] = k;
  for (let j = 1; j < n; j++) {
    if (tracker.startLine(base.ids[order[j - 1]]) > tracker.startLine(base.ids[order[j]])) {
      order = order.sort((a, b) => tracker.startLine(base.ids[a]) - tracker.startLine(base.ids[b]));
      break;
    }
  }
  const startLines = new Int32Array(n);
  const endLines = new Int32Array(n);
  const ids = new Int32Array(n);
  const severities: Severity[] = new Array(n);
  let maxLines = 1;
  for (let j = 0; j < n; j++) {
    const k = order[j];
    const id = base.ids[k];
    startLines[j] = tracker.startLine(id);
    endLines[j] = tracker.endLine(id);
    ids[j] = id;
    severities[j] = base.severities[k];
    maxLines = Math.max(maxLines, endLines[j] - startLines[j] + 1);
  }
  return { index: { startLines, endLines, ids, severities }, maxLines, records: tracker.records };
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

/** Overview-ruler marks: strongly flagged rows and the rest, each merged and capped. */
export function planOverview(rows: FlaggedRows, cap: number): { high: LineInterval[]; other: LineInterval[] } {
  const high: LineInterval[] = [];
  const other: LineInterval[] = [];
  const { startLines, endLines, severities } = rows.index;
  let highCount = 0;
  let otherCount = 0;
  for (let i = 0; i < startLines.length; i++) {
    const isHigh = severities[i] === 'high';
    if (isHigh ? highCount++ >= cap : otherCount++ >= cap) continue;
    const list = isHigh ? high : other;
    const last = list[list.length - 1];
    if (last && startLines[i] <= last.end + 1) last.end = Math.max(last.end, endLines[i]);
    else list.push({ start: startLines[i], end: endLines[i] });
  }
  return { high, other };
}

export { SEVERITIES };
