/**
 * Time windows over the recorded run (DIT): boundaries as steps t_0 < t_1 < … < t_W.
 * Cumulative window influence I_j[t_k, t_{k+1}] = ⟨q(t_{k+1}), δ_j(t_{k+1})⟩ − ⟨q(t_k), δ_j(t_k)⟩
 * from the values at boundaries only (n × (W+1) numbers); windows telescope to the total.
 */
import { InputError } from '../data/types';

export type WindowSpec =
  /** 0 = one window per epoch; N > 0 = N windows of (nearly) equal step counts. */
  | { windows: number }
  /** Explicit boundaries (steps, ascending, first ≥ 0, last ≤ T). */
  | { steps: number[] };

/** Boundaries for a run of `epochs` epochs of `stepsPerEpoch` steps, up to step `end` (default T). */
export function windowBoundaries(spec: WindowSpec, stepsPerEpoch: number, epochs: number, end = stepsPerEpoch * epochs): number[] {
  if ('steps' in spec) {
    const s = spec.steps;
    const ok = s.length >= 2 && s.every((v, i) => Number.isInteger(v) && v >= 0 && v <= end && (i === 0 || v > s[i - 1]));
    if (!ok) throw new InputError('bad-setting', '', 0, `Window boundaries must be at least two increasing steps between 0 and ${end}.`);
    return [...s];
  }
  if (spec.windows === 0) {
    const out = [0];
    for (let e = 1; e * stepsPerEpoch <= end; e++) out.push(e * stepsPerEpoch);
    if (out[out.length - 1] !== end) out.push(end);
    return out;
  }
  const w = Math.min(spec.windows, end);
  const out: number[] = [];
  for (let k = 0; k <= w; k++) out.push(Math.round((k * end) / w));
  return out;
}

/** Window values from boundary values: out[k] = cum[k+1] − cum[k]. */
export function cumulativeWindows(cum: Float64Array[]): Float64Array[] {
  const out: Float64Array[] = [];
  for (let k = 0; k + 1 < cum.length; k++) out.push(cum[k + 1].map((v, j) => v - cum[k][j]));
  return out;
}
