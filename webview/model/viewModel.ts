/**
 * The view-model built once when a scan arrives: lookups and derived figures every view
 * shares. Pure (no DOM), so it is unit-tested in node and timed by bench/webview.ts.
 */
import type { Pattern, ViewResult } from '../../src/shared/webviewMessages';
import { PATTERNS } from '../../src/shared/webviewMessages';
import { lateWindowCaveat, lateWindowStart } from './heatmapModel';
import { distinctLabels } from './tableModel';

export interface PatternBar {
  pattern: Pattern;
  count: number;
  /** count / largest count, 0..1 (bar length). */
  fraction: number;
  /** count / total, 0..1. */
  share: number;
}

export interface ViewModel {
  result: ViewResult;
  /** Data-row index → position in result.rows. */
  positionOf: Map<number, number>;
  labels: string[];
  windows: number;
  lateStart: number;
  caveat: string;
  patternBars: PatternBar[];
}

/** Bars for the four patterns, in a fixed order. */
export function patternBars(counts: Record<Pattern, number>): PatternBar[] {
  const max = Math.max(1, ...PATTERNS.map((p) => counts[p]));
  const total = PATTERNS.reduce((s, p) => s + counts[p], 0);
  return PATTERNS.map((p) => ({ pattern: p, count: counts[p], fraction: counts[p] / max, share: total ? counts[p] / total : 0 }));
}

export function buildViewModel(result: ViewResult): ViewModel {
  const positionOf = new Map<number, number>();
  result.rows.forEach((r, i) => positionOf.set(r.row, i));
  const windows = result.windowLabels.length;
  return {
    result,
    positionOf,
    labels: distinctLabels(result.rows),
    windows,
    lateStart: lateWindowStart(windows),
    caveat: lateWindowCaveat(result.windowLabels, result.windowFaithfulness),
    patternBars: patternBars(result.patterns),
  };
}

/** Labels a row can be relabelled to: the classes other than its own (or its prediction for regression). */
export function relabelTargets(result: ViewResult, label: string, predicted: string): string[] {
  if (result.task === 'regression') return predicted !== label ? [predicted] : [];
  const others = result.classes.filter((c) => c !== label);
  // The model's prediction first: it is the likeliest fix.
  return others.includes(predicted) ? [predicted, ...others.filter((c) => c !== predicted)] : others;
}
