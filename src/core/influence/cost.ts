/**
 * Deterministic cost model of the estimators, in floating-point operations (a multiply-add
 * counts 2). The engine's automatic estimator choice and the number of rows it refines with
 * ACC-SGD-IE are decided from these counts and a budget, never from measured time, so the
 * same data and settings give the same choice (and the same numbers) on every machine.
 * The benchmarks reuse the same functions.
 *
 * Notation: T steps, b rows per batch, nnz_B = b · (mean stored entries per training row,
 * dense zeros excluded because the kernels skip them), K outputs, h hidden units, p
 * parameters (p_δ = the tracked ones: all, or the MLP's last layer).
 *
 * The counts follow the kernels as they are (update them with the kernels):
 *
 * One batch Hessian applied to one parameter vector (HVP, the stacked kernels of src/core/model):
 *   softmax / linear:  4·nnz_B·K + 4·b·K                     (X_S·v, the head's curvature, X_Sᵀ·u)
 *   MLP, all layers:   4·nnz_B·h + 10·b·(h+1)·K + 10·b·h + 4·b·K
 *   MLP, last layer:   4·b·(h+1)·K + 4·b·K
 * ACC-SGD-IE per tracked row and step:
 *   softmax / linear (fused state of glmState.ts: K−1 outputs for softmax, 1 for linear,
 *   lazy L2 scaling, so no pass over p):  4·nnz_B·K_s + 4·b·K
 *   MLP (stacked state):                  HVP + 3·p_δ (the state update)
 * × 2 with in-window state; × T steps; × rows.
 * SGD-IE in reverse mode per step: the batch's gradient terms (softmax / linear: 2·nnz_B·K for
 * the outputs; MLP: 4·nnz_B·h + 6·b·(h+1)·K + 2·b·p for dense row gradients) plus, per
 * direction, HVP + 3·p (the update) + the row-gradient dots (softmax / linear: 2·nnz_B·K + 2·p
 * through the stored features; MLP: 2·b·p). A sweep carries each direction only while it is
 * non-zero: the total over all T steps, the boundary t_k's direction over t_k steps, window
 * k's in-window direction over its own steps. The screening of strategy.ts is one such sweep
 * for the total, every boundary and (when asked) every window.
 */
import type { FeatureMatrix } from '../data/types';
import type { Model } from '../model/types';

/** Default compute budget for the estimators, GFLOP (10⁹ operations by this model). */
export const DEFAULT_COMPUTE_BUDGET_GFLOP = 60;

/** Everything the cost model reads, all deterministic functions of the data and settings. */
export interface CostShape {
  model: 'softmax' | 'linear' | 'mlp';
  /** Features including the intercept column. */
  d: number;
  /** Outputs: classes (softmax) or 1 (regression). */
  k: number;
  /** Hidden units (MLP), 0 for the linear models. */
  hidden: number;
  /** Parameters. */
  p: number;
  /** Parameters of the last layer (= p for the linear models). */
  pLast: number;
  /** SGD steps T. */
  steps: number;
  /** Rows per mini-batch. */
  batch: number;
  /** Mean stored nonzero entries per training row. */
  nnzPerRow: number;
}

/** Mean count of nonzero entries per row of X (dense zeros excluded). */
export function meanNonzeros(X: FeatureMatrix): number {
  if (X.rows === 0) return 0;
  if (X.kind === 'sparse') {
    let nz = 0;
    for (let q = 0; q < X.values.length; q++) if (X.values[q] !== 0) nz++;
    return nz / X.rows;
  }
  let nz = 0;
  for (let a = 0; a < X.data.length; a++) if (X.data[a] !== 0) nz++;
  return nz / X.rows;
}

/** The cost shape of a run: `model` on training rows X, `steps` SGD steps of `batchSize` rows. */
export function costShape(model: Model, X: FeatureMatrix, steps: number, batchSize: number): CostShape {
  const k = model.k;
  const hidden = model.kind === 'mlp' ? Math.round(model.lastLayer.size / k) - 1 : 0;
  return {
    model: model.kind, d: model.d, k, hidden, p: model.p, pLast: model.lastLayer.size,
    steps, batch: Math.max(1, Math.min(batchSize, X.rows)), nnzPerRow: meanNonzeros(X),
  };
}

/** FLOPs of one batch HVP on one parameter vector. */
export function hvpFlops(s: CostShape, lastLayerOnly = false): number {
  const nnzB = s.batch * s.nnzPerRow, b = s.batch, k = s.k, h = s.hidden;
  if (s.model !== 'mlp') return 4 * nnzB * k + 4 * b * k;
  if (lastLayerOnly) return 4 * b * (h + 1) * k + 4 * b * k;
  return 4 * nnzB * h + 10 * b * (h + 1) * k + 10 * b * h + 4 * b * k;
}

/** FLOPs per step of an SGD-IE sweep that do not depend on the number of directions. */
export function batchGradFlops(s: CostShape): number {
  const nnzB = s.batch * s.nnzPerRow, b = s.batch;
  return s.model === 'mlp' ? 4 * nnzB * s.hidden + 6 * b * (s.hidden + 1) * s.k + 2 * b * s.p : 2 * nnzB * s.k;
}

/** FLOPs per step and direction of the row-gradient dot products of an SGD-IE sweep. */
function rowDotFlops(s: CostShape): number {
  return s.model === 'mlp' ? 2 * s.batch * s.p : 2 * s.batch * s.nnzPerRow * s.k + 2 * s.p;
}

/** FLOPs of ACC-SGD-IE for ONE tracked row over the whole run (× 2 with in-window state). */
export function accRowFlops(s: CostShape, opts: { inWindow?: boolean; lastLayerOnly?: boolean } = {}): number {
  const slots = opts.inWindow ? 2 : 1;
  if (s.model !== 'mlp') {
    const kState = s.model === 'softmax' ? Math.max(1, s.k - 1) : 1;
    return slots * s.steps * (4 * s.batch * s.nnzPerRow * kState + 4 * s.batch * s.k);
  }
  const last = !!opts.lastLayerOnly;
  return slots * s.steps * (hvpFlops(s, last) + 3 * (last ? s.pLast : s.p));
}

/** FLOPs of ACC-SGD-IE for `rows` tracked rows over the whole run. */
export function accFlops(s: CostShape, rows: number, opts: { inWindow?: boolean; lastLayerOnly?: boolean } = {}): number {
  return rows * accRowFlops(s, opts);
}

/**
 * FLOPs of a reverse-mode SGD-IE sweep for all rows over `steps` steps (default T) that
 * carries its directions through `directionSteps` steps in all (one direction over the whole
 * run: directionSteps = T).
 */
export function sgdIeFlops(s: CostShape, directionSteps: number, steps = s.steps): number {
  return steps * batchGradFlops(s) + directionSteps * (hvpFlops(s) + 3 * s.p + rowDotFlops(s));
}

/**
 * FLOPs of the strategy's SGD-IE screening with window boundaries t_0 < … < t_W = T: one
 * sweep for the total (T steps), every boundary (t_k steps each) and, with in-window values,
 * every window (T steps together); without them, one more sweep over the last window for
 * the last-window ranking.
 */
export function screenFlops(s: CostShape, boundaries: readonly number[], inWindow: boolean): number {
  const W = Math.max(0, boundaries.length - 1);
  if (W === 0) return sgdIeFlops(s, s.steps);
  const span = boundaries[W] - boundaries[0];
  const main = sgdIeFlops(s, s.steps + boundaries.reduce((a, t) => a + t, 0) + (inWindow ? span : 0), s.steps - boundaries[0]);
  const last = boundaries[W] - boundaries[W - 1];
  return inWindow ? main : main + sgdIeFlops(s, last, last);
}

/** FLOPs of one training run (a forward and backward pass over every batch, and the update). */
export function trainFlops(s: CostShape): number {
  const nnzB = s.batch * s.nnzPerRow;
  const pass = s.model === 'mlp' ? 4 * nnzB * s.hidden + 6 * s.batch * (s.hidden + 1) * s.k : 4 * nnzB * s.k;
  return s.steps * (pass + 3 * s.p);
}

/** GFLOP, rounded to 3 significant digits for reports. */
export function gflop(flops: number): number {
  return Number((flops / 1e9).toPrecision(3));
}
