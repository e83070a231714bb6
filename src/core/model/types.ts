/**
 * The narrow model interface the trainer and the estimators use: losses, gradients,
 * vector-Jacobian products and Hessian-vector products, all vectorised over batch rows
 * and over MANY parameter vectors at once ("stacks").
 *
 * Parameters are a list of matrix blocks (e.g. W ∈ R^{d×K}); one parameter vector θ
 * stores the blocks one after another, each row-major ("standard layout", length p).
 * A stack of m vectors stores, for each block of shape r × c, a matrix r × (m·c) in
 * which model j's block occupies columns j·c … j·c+c−1. Then X · (block stack) is ONE
 * matrix product with long rows for all m models together, which is what makes
 * batched leave-one-out replay and forward-mode influence fast. For m = 1 the stack
 * layout equals the standard layout.
 *
 * Every method returns DATA terms only (no L2): the per-row loss of the protocol is
 * ℓ_i(θ) = loss(f(x_i; θ), y_i) + (λ/2)‖θ‖², and callers add λ-terms themselves
 * (see `src/core/model/objective.ts`), so that queries and self-influence can use the
 * data loss alone as the protocol requires.
 */
import type { FeatureMatrix } from '../data/types';
import type { Rng } from '../rng';
import type { Head } from './head';

export type ModelKind = 'softmax' | 'mlp' | 'linear';

export interface ModelSpec {
  kind: ModelKind;
  /** Feature count incl. intercept. */
  d: number;
  /** Number of classes (ignored for 'linear'). */
  classes: number;
  task: 'classification' | 'regression';
  hiddenUnits?: number;
  activation?: 'tanh' | 'softplus';
}

export interface ParamBlock {
  readonly name: string;
  readonly rows: number;
  readonly cols: number;
  /** Offset in the standard layout of one vector. */
  readonly offset: number;
}

export interface ParamLayout {
  readonly blocks: readonly ParamBlock[];
  /** Total number of parameters p. */
  readonly size: number;
}

/** Pairs (model j, batch position s) whose row must be left out of a stacked sum. */
export interface Exclusions {
  readonly model: Int32Array;
  readonly pos: Int32Array;
  readonly count: number;
}

export const NO_EXCLUSIONS: Exclusions = Object.freeze({ model: new Int32Array(0), pos: new Int32Array(0), count: 0 });

export interface Model {
  readonly kind: ModelKind;
  readonly layout: ParamLayout;
  /** Number of parameters. */
  readonly p: number;
  /** Feature count d (incl. intercept column). */
  readonly d: number;
  /** Number of outputs K (classes, or 1 for regression). */
  readonly k: number;
  /** 'softmax' = cross-entropy over K classes; 'identity' = squared error, K = 1. */
  readonly head: 'softmax' | 'identity';
  /**
   * Layout of the "last layer" subset of parameters, which is a contiguous suffix of the
   * standard layout starting at `lastLayerOffset` (the whole vector for linear models).
   */
  readonly lastLayer: ParamLayout;
  readonly lastLayerOffset: number;
  /**
   * Generalised linear models only (outputs Wᵀx, W = the whole θ as d × K): the output head,
   * which lets estimators use the factored per-row Hessian x xᵀ ⊗ A.
   */
  readonly glmHead?: Head;
  /** What `createModel` built it from (absent for models made directly). */
  readonly spec?: ModelSpec;

  /** A fresh θ_0 (length p) drawn from `rng`. */
  init(rng: Rng): Float64Array;

  /** Logits (softmax head) or predictions (identity head) of m stacked models: out (rows × m·K). */
  outputsStack(thetas: Float64Array, m: number, X: FeatureMatrix, out?: Float64Array): Float64Array;

  /**
   * Stacked data gradients: out (stack of m) = Σ_{i ∈ rows of X, (j,i) not excluded} ∇ℓ_i^data(θ_j).
   * `losses` (rows × m, optional) receives every (row, model) data loss, excluded or not.
   */
  gradStack(thetas: Float64Array, m: number, X: FeatureMatrix, y: Float64Array, exclude: Exclusions, out: Float64Array, losses?: Float64Array): void;

  /**
   * Stacked data Hessian-vector products at ONE θ: for directions V (stack of m, in
   * `layout`, or in `lastLayer` when `lastLayerOnly`), out_j = Σ_{i, (j,i) not excluded} H_i^data v_j.
   * With `lastLayerOnly` the product is the last-layer block of the Hessian.
   */
  hvpStack(theta: Float64Array, X: FeatureMatrix, y: Float64Array, V: Float64Array, m: number, exclude: Exclusions, out: Float64Array, lastLayerOnly?: boolean): void;

  /** Per-row data gradients, standard layout: out (rows × p). */
  rowGrads(theta: Float64Array, X: FeatureMatrix, y: Float64Array, out: Float64Array): void;

  /**
   * Vector-Jacobian product of the outputs: out (p) = Σ_i J_i(θ)ᵀ e_i with E (rows × K),
   * J_i = ∂(outputs of row i)/∂θ. Gradients of logits and of losses are special cases.
   */
  vjp(theta: Float64Array, X: FeatureMatrix, E: Float64Array, out: Float64Array): void;
}

export function makeLayout(blocks: { name: string; rows: number; cols: number }[]): ParamLayout {
  let off = 0;
  const out: ParamBlock[] = [];
  for (const b of blocks) {
    out.push({ ...b, offset: off });
    off += b.rows * b.cols;
  }
  return { blocks: out, size: off };
}

/** Copy model j of a stack into `out` (standard layout). */
export function stackGet(layout: ParamLayout, stack: Float64Array, m: number, j: number, out: Float64Array): Float64Array {
  for (const b of layout.blocks) {
    const base = m * b.offset, w = m * b.cols;
    for (let r = 0; r < b.rows; r++) {
      const src = base + r * w + j * b.cols, dst = b.offset + r * b.cols;
      for (let c = 0; c < b.cols; c++) out[dst + c] = stack[src + c];
    }
  }
  return out;
}

/** Write v (standard layout) into model slot j of a stack. */
export function stackSet(layout: ParamLayout, stack: Float64Array, m: number, j: number, v: Float64Array, vOffset = 0): void {
  for (const b of layout.blocks) {
    const base = m * b.offset, w = m * b.cols;
    for (let r = 0; r < b.rows; r++) {
      const dst = base + r * w + j * b.cols, src = vOffset + b.offset + r * b.cols;
      for (let c = 0; c < b.cols; c++) stack[dst + c] = v[src + c];
    }
  }
}

/** stack_j += alpha · v (v in standard layout). */
export function stackAxpy(layout: ParamLayout, stack: Float64Array, m: number, j: number, alpha: number, v: Float64Array, vOffset = 0): void {
  for (const b of layout.blocks) {
    const base = m * b.offset, w = m * b.cols;
    for (let r = 0; r < b.rows; r++) {
      const dst = base + r * w + j * b.cols, src = vOffset + b.offset + r * b.cols;
      for (let c = 0; c < b.cols; c++) stack[dst + c] += alpha * v[src + c];
    }
  }
}

/** Set every model of the stack to θ (standard layout). */
export function stackBroadcast(layout: ParamLayout, theta: Float64Array, m: number, out: Float64Array): Float64Array {
  for (const b of layout.blocks) {
    const base = m * b.offset, w = m * b.cols;
    for (let r = 0; r < b.rows; r++) {
      const src = b.offset + r * b.cols;
      for (let j = 0; j < m; j++) {
        const dst = base + r * w + j * b.cols;
        for (let c = 0; c < b.cols; c++) out[dst + c] = theta[src + c];
      }
    }
  }
  return out;
}

/** out_j = ⟨stack_j, v⟩ for every model j (v in standard layout, starting at vOffset). */
export function stackDotAll(layout: ParamLayout, stack: Float64Array, m: number, v: Float64Array, out: Float64Array, vOffset = 0): Float64Array {
  out.fill(0, 0, m);
  for (const b of layout.blocks) {
    const base = m * b.offset, w = m * b.cols;
    for (let r = 0; r < b.rows; r++) {
      const vr = vOffset + b.offset + r * b.cols;
      for (let j = 0; j < m; j++) {
        const sr = base + r * w + j * b.cols;
        let s = 0;
        for (let c = 0; c < b.cols; c++) s += stack[sr + c] * v[vr + c];
        out[j] += s;
      }
    }
  }
  return out;
}

/** ⟨stack_j, v⟩ for one model j. */
export function stackDot(layout: ParamLayout, stack: Float64Array, m: number, j: number, v: Float64Array, vOffset = 0): number {
  let s = 0;
  for (const b of layout.blocks) {
    const base = m * b.offset, w = m * b.cols;
    for (let r = 0; r < b.rows; r++) {
      const sr = base + r * w + j * b.cols, vr = vOffset + b.offset + r * b.cols;
      for (let c = 0; c < b.cols; c++) s += stack[sr + c] * v[vr + c];
    }
  }
  return s;
}

/**
 * stack_j ← coef_j · stack_j + alpha · other_j for every model j (both stacks of m in `layout`).
 * The update of every batched replay: coef carries the L2 shrinkage of each model.
 */
export function stackScaleAdd(layout: ParamLayout, stack: Float64Array, m: number, coef: Float64Array, alpha: number, other: Float64Array): void {
  for (const b of layout.blocks) {
    const base = m * b.offset, w = m * b.cols;
    for (let r = 0; r < b.rows; r++) {
      for (let j = 0; j < m; j++) {
        const s0 = base + r * w + j * b.cols, cj = coef[j];
        for (let c = 0; c < b.cols; c++) stack[s0 + c] = cj * stack[s0 + c] + alpha * other[s0 + c];
      }
    }
  }
}
