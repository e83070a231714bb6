/**
 * The per-row state of forward-mode estimation behind one interface, so that the driver
 * (`runForward`: chunks, windows, snapshots, cancellation) is written once and the state
 * can be the generic stacked one (any model, `model.hvpStack`) or a structure-exploiting
 * one (`GlmForwardState` for softmax and linear regression).
 *
 * Slots 0..M−1 hold δ for the tracked rows of a chunk (slots m..2m−1 repeat rows 0..m−1
 * for the in-window state).
 */
import type { FeatureMatrix } from '../data/types';
import { selectRows } from '../linalg/features';
import { rowGradsWithL2 } from '../model/objective';
import type { Head } from '../model/head';
import { type Exclusions, type Model, type ParamLayout, stackAxpy, stackDotAll, stackGet, stackScaleAdd } from '../model/types';

/** Rows of the chunk present in the batch: δ_slot += (η/|S|)·∇ℓ_row(θ_t) for slot, slot + stride, … */
export interface Forcing {
  count: number;
  /** Batch positions of the rows. */
  pos: Int32Array;
  /** Their first slot (< stride). */
  slot: Int32Array;
  /** Slots per row (2 with in-window state). */
  slots: number;
  /** Distance between a row's slots (= rows in the chunk). */
  stride: number;
}

export interface StepInput {
  theta: Float64Array;
  Xb: FeatureMatrix;
  yb: Float64Array;
  /** η_t/|S_t|. */
  alpha: number;
  /** L2 shrinkage of a slot that keeps all |S_t| Hessian terms, and of one that drops its own. */
  shrinkAll: number;
  shrinkOne: number;
  l2: number;
  /** (slot, batch position) pairs whose Hessian term is left out (ACC's own-term correction). */
  ex: Exclusions;
  forcing: Forcing;
}

export interface ForwardState {
  readonly M: number;
  /** δ ← 0 for slots [from, to). */
  zero(from: number, to: number): void;
  /** out_j = ⟨q, δ_j⟩ for every slot (q in the tracked layout, starting at qOffset). */
  dotAll(q: Float64Array, qOffset: number, out: Float64Array): void;
  /** δ_j in the tracked layout. */
  get(j: number, out: Float64Array): Float64Array;
  /** out_j = ⟨∇ℓ_j^data(θ), δ_j⟩ for the rows of Xr (slot j = row j of Xr). */
  selfDots(theta: Float64Array, Xr: FeatureMatrix, yr: Float64Array, out: Float64Array): void;
  /**
   * Advance every slot through consecutive steps of the recursion (in order). `check` may be
   * called between parts of the work and throws to cancel.
   */
  advance(steps: StepInput[], check?: () => void): void;
  /** Release memory held outside the JS heap (an accelerator's tensors); the state is unusable after. */
  dispose?(): void;
}

/**
 * A faster, lower-precision home for the GLM state (e.g. float32 matrix products in tfjs's
 * wasm backend), injected by the host through `Hooks.accelerator` so that src/core never
 * loads it. Used only where `accelerates` says it pays (see forward.ts).
 */
export interface ForwardAccelerator {
  /** What it is, for result notes and the worker protocol: 'tfjs-wasm' or 'tfjs-node'. */
  readonly id: string;
  /** A short description for notes, e.g. "float32 matrix products on tfjs's wasm backend". */
  readonly description: string;
  glmState(model: Model, head: Head, M: number, maxBatch: number): ForwardState;
}

/** Any model: stacks of M parameter vectors, one stacked HVP per step. */
export class StackForwardState implements ForwardState {
  private readonly D: Float64Array;
  private readonly HD: Float64Array;
  private readonly coef: Float64Array;

  constructor(private readonly model: Model, private readonly lay: ParamLayout, private readonly off: number, private readonly lastOnly: boolean, readonly M: number) {
    this.D = new Float64Array(M * lay.size);
    this.HD = new Float64Array(M * lay.size);
    this.coef = new Float64Array(M);
  }

  zero(from: number, to: number): void {
    const { lay, D, M } = this;
    for (const b of lay.blocks) {
      const base = M * b.offset, w = M * b.cols;
      for (let r = 0; r < b.rows; r++) D.fill(0, base + r * w + from * b.cols, base + r * w + to * b.cols);
    }
  }

  dotAll(q: Float64Array, qOffset: number, out: Float64Array): void {
    stackDotAll(this.lay, this.D, this.M, q, out, qOffset);
  }

  get(j: number, out: Float64Array): Float64Array {
    return stackGet(this.lay, this.D, this.M, j, out);
  }

  selfDots(theta: Float64Array, Xr: FeatureMatrix, yr: Float64Array, out: Float64Array): void {
    const { model, off, lay } = this;
    const p = model.p, pd = lay.size, m = Xr.rows;
    const G = new Float64Array(m * p);
    model.rowGrads(theta, Xr, yr, G);
    const tmp = new Float64Array(pd);
    for (let j = 0; j < m; j++) {
      this.get(j, tmp);
      let s = 0;
      for (let a = 0; a < pd; a++) s += tmp[a] * G[j * p + off + a];
      out[j] = s;
    }
  }

  advance(steps: StepInput[], check?: () => void): void {
    for (const s of steps) { check?.(); this.step(s); }
  }

  private step(inp: StepInput): void {
    const { model, lay, off, D, HD, M, coef } = this;
    const { theta, Xb, yb, alpha, ex, forcing } = inp;
    model.hvpStack(theta, Xb, yb, D, M, ex, HD, this.lastOnly);
    coef.fill(inp.shrinkAll);
    for (let q = 0; q < ex.count; q++) coef[ex.model[q]] = inp.shrinkOne;
    stackScaleAdd(lay, D, M, coef, -alpha, HD);
    if (forcing.count === 0) return;
    const p = model.p;
    const pos = forcing.pos.subarray(0, forcing.count);
    const G = rowGradsWithL2(model, theta, selectRows(Xb, pos), Float64Array.from(pos, (s) => yb[s]), inp.l2, new Float64Array(pos.length * p));
    for (let f = 0; f < forcing.count; f++) {
      for (let r = 0; r < forcing.slots; r++) stackAxpy(lay, D, M, forcing.slot[f] + r * forcing.stride, alpha, G, f * p + off);
    }
  }
}
