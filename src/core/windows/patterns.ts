/**
 * Influence patterns over time windows (ALGORITHMS §5, after the DIT paper):
 * z-score every window across rows, then per row
 *  - sign-flip ratio r = (#sign changes between consecutive windows)/(W−1); r ≥ 0.5 → highly fluctuating;
 *  - else an ordinary least-squares line of z against the window index; a two-sided
 *    Student-t test of the slope (df = W−2): p < 0.05 and slope < 0 → early influencer,
 *    p < 0.05 and slope > 0 → late bloomer, otherwise stable.
 */
import tcdf from '@stdlib/stats-base-dists-t-cdf';
import type { Pattern } from '../report/types';

export const FLIP_RATIO_THRESHOLD = 0.5;
export const SLOPE_P_VALUE = 0.05;

export interface RowPattern {
  pattern: Pattern;
  flipRatio: number;
  slope: number;
  /** Two-sided p-value of the slope; 1 when it cannot be tested (fewer than 3 windows or zero residual and slope). */
  pValue: number;
}

/**
 * Z-scores per window across rows. `series[w]` holds one value per row (length n).
 * A window where every row has the same value gets z = 0 for all rows.
 */
export function zScoreWindows(series: readonly Float64Array[]): Float64Array[] {
  return series.map((w) => {
    const n = w.length;
    let mean = 0;
    for (let i = 0; i < n; i++) mean += w[i];
    mean /= Math.max(n, 1);
    let ss = 0;
    for (let i = 0; i < n; i++) ss += (w[i] - mean) ** 2;
    const sd = Math.sqrt(ss / Math.max(n, 1));
    const z = new Float64Array(n);
    if (sd > 0) for (let i = 0; i < n; i++) z[i] = (w[i] - mean) / sd;
    return z;
  });
}

/** Classify one row from its z-scores over W windows. */
export function classifyRow(z: ArrayLike<number>): RowPattern {
  const W = z.length;
  let flips = 0;
  for (let k = 1; k < W; k++) if ((z[k - 1] > 0 && z[k] < 0) || (z[k - 1] < 0 && z[k] > 0)) flips++;
  const flipRatio = W > 1 ? flips / (W - 1) : 0;
  const { slope, pValue } = slopeTest(z);
  let pattern: Pattern = 'stable';
  if (flipRatio >= FLIP_RATIO_THRESHOLD) pattern = 'highly-fluctuating';
  else if (pValue < SLOPE_P_VALUE) pattern = slope < 0 ? 'early-influencer' : slope > 0 ? 'late-bloomer' : 'stable';
  return { pattern, flipRatio, slope, pValue };
}

/** OLS slope of y against 0..W−1 and its two-sided p-value (Student t, W−2 degrees of freedom). */
export function slopeTest(y: ArrayLike<number>): { slope: number; pValue: number } {
  const W = y.length;
  if (W < 2) return { slope: 0, pValue: 1 };
  const xm = (W - 1) / 2;
  let ym = 0;
  for (let k = 0; k < W; k++) ym += y[k];
  ym /= W;
  let sxx = 0, sxy = 0;
  for (let k = 0; k < W; k++) {
    sxx += (k - xm) ** 2;
    sxy += (k - xm) * (y[k] - ym);
  }
  const slope = sxy / sxx;
  if (W < 3) return { slope, pValue: 1 };
  let sse = 0;
  for (let k = 0; k < W; k++) sse += (y[k] - ym - slope * (k - xm)) ** 2;
  const df = W - 2;
  const se = Math.sqrt(sse / df / sxx);
  if (se === 0) return { slope, pValue: slope === 0 ? 1 : 0 };
  const t = Math.abs(slope / se);
  return { slope, pValue: 2 * (1 - tcdf(t, df)) };
}

/** Patterns for every row from per-window series (series[w][row]). */
export function classifyPatterns(series: readonly Float64Array[]): RowPattern[] {
  const z = zScoreWindows(series);
  const n = series.length > 0 ? series[0].length : 0;
  const out: RowPattern[] = new Array(n);
  const buf = new Float64Array(series.length);
  for (let i = 0; i < n; i++) {
    for (let w = 0; w < series.length; w++) buf[w] = z[w][i];
    out[i] = classifyRow(buf);
  }
  return out;
}

export function countPatterns(rows: readonly { pattern: Pattern }[]): Record<Pattern, number> {
  const counts: Record<Pattern, number> = { 'highly-fluctuating': 0, 'early-influencer': 0, 'late-bloomer': 0, stable: 0 };
  for (const r of rows) counts[r.pattern]++;
  return counts;
}
