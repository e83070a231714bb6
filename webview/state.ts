/**
 * What the page persists with `vscode.setState` (restored after a reload or when the panel
 * is shown again): the dataset URI for the serializer and small UI choices — never the scan.
 * Read back defensively: the stored object may come from an older version of the page.
 */
import type { Pattern } from '../src/shared/webviewMessages';
import { PATTERNS } from '../src/shared/webviewMessages';
import { TOP_N_DEFAULT, TOP_N_MAX, TOP_N_MIN, type HeatmapMetric, type HeatmapMode } from './model/heatmapModel';
import { DEFAULT_QUERY, type SortKey, type TableQuery } from './model/tableModel';

export interface UiState {
  docUri?: string;
  selected?: number;
  topN: number;
  mode: HeatmapMode;
  metric: HeatmapMetric;
  query: TableQuery;
  verifyChoice: string;
}

export const DEFAULT_UI: UiState = { topN: TOP_N_DEFAULT, mode: 'influential', metric: 'cumulative', query: DEFAULT_QUERY, verifyChoice: '10' };

const SORT_KEYS: SortKey[] = ['row', 'influence', 'looLoss', 'label', 'predicted', 'confidence', 'pattern', 'reviewed'];

function pick<T>(v: unknown, allowed: readonly T[], fallback: T): T {
  return allowed.includes(v as T) ? (v as T) : fallback;
}

export function readUiState(raw: unknown): UiState {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return DEFAULT_UI;
  const o = raw as Record<string, unknown>;
  const q = (typeof o.query === 'object' && o.query !== null ? o.query : {}) as Record<string, unknown>;
  const topN = Number.isSafeInteger(o.topN) ? Math.max(TOP_N_MIN, Math.min(TOP_N_MAX, o.topN as number)) : TOP_N_DEFAULT;
  return {
    docUri: typeof o.docUri === 'string' ? o.docUri : undefined,
    selected: Number.isSafeInteger(o.selected) && (o.selected as number) >= 0 ? (o.selected as number) : undefined,
    topN,
    mode: pick(o.mode, ['influential', 'harmful', 'helpful'] as const, 'influential'),
    metric: pick(o.metric, ['cumulative', 'inWindow'] as const, 'cumulative'),
    query: {
      scope: pick(q.scope, ['flagged', 'all'] as const, DEFAULT_QUERY.scope),
      label: typeof q.label === 'string' ? q.label : null,
      pattern: pick<Pattern | null>(q.pattern, [...PATTERNS, null], null),
      review: pick(q.review, ['all', 'unreviewed', 'reviewed'] as const, 'all'),
      sortKey: pick(q.sortKey, SORT_KEYS, DEFAULT_QUERY.sortKey),
      sortDir: pick(q.sortDir, ['asc', 'desc'] as const, DEFAULT_QUERY.sortDir),
    },
    verifyChoice: pick(o.verifyChoice, ['5', '10', '20', 'selected'], '10'),
  };
}
