/**
 * The recorded SGD run: per-epoch row orders, the learning rate of every step, and θ_t
 * for t = 0..T. Memory: stored in full, (T+1)·p doubles; when that exceeds the budget,
 * only every c-th θ is kept (checkpoints) and the rest is recomputed exactly from the
 * nearest checkpoint with the same step function (bit-identical), one segment of c
 * steps cached at a time, so (T/c + c)·p doubles in all.
 */
import type { FeatureMatrix } from '../data/types';
import { selectRows } from '../linalg/features';
import type { Model } from '../model/types';

export type LrSchedule = 'constant' | 'inverse-sqrt';

/**
 * Learning rate of step t: constant η, or η/√(1 + t/stepsPerEpoch) (decays by √2 after
 * one epoch, 1/√(E+1) at the end).
 */
export function learningRateAt(schedule: LrSchedule, eta: number, t: number, stepsPerEpoch: number): number {
  return schedule === 'constant' ? eta : eta / Math.sqrt(1 + t / stepsPerEpoch);
}

/**
 * One SGD step with the mean over the batch: θ' = θ − (η/|S|) Σ_i (∇ℓ_i^data(θ) + λθ),
 * evaluated as (1 − (η/|S|)·λ·|S|)·θ − (η/|S|)·Σ_i ∇ℓ_i^data so that the batched replay
 * (`stackScaleAdd` with the same coefficients) reproduces it bit for bit.
 * `grad` is scratch (p). Writes θ' into `out` (may alias `theta`).
 */
export function sgdStep(model: Model, theta: Float64Array, Xb: FeatureMatrix, yb: Float64Array, eta: number, l2: number, grad: Float64Array, out: Float64Array): void {
  model.gradStack(theta, 1, Xb, yb, { model: new Int32Array(0), pos: new Int32Array(0), count: 0 }, grad);
  const b = Xb.rows, step = eta / b, coef = shrink(eta, b, l2, b);
  for (let a = 0; a < theta.length; a++) out[a] = coef * theta[a] - step * grad[a];
}

/** L2 shrinkage factor of one step for a model that keeps `count` of the batch's b rows. */
export function shrink(eta: number, b: number, l2: number, count: number): number {
  return 1 - (eta / b) * l2 * count;
}

export interface TrajectorySource {
  model: Model;
  /** Training rows (n × d), in train-position order. */
  X: FeatureMatrix;
  y: Float64Array;
  l2: number;
}

/** The recorded run as plain data (structured-clone friendly). */
export interface TrajectoryState {
  n: number;
  batchSize: number;
  epochs: number;
  orders: Int32Array;
  etas: Float64Array;
  interval: number;
  stored: Float64Array[];
}

export class Trajectory {
  /** Steps per epoch: ceil(n / batchSize). */
  readonly stepsPerEpoch: number;
  /** Total steps T. */
  readonly steps: number;
  /** Checkpoint interval (1 = every θ_t stored). */
  readonly interval: number;
  private readonly stored: Float64Array[] = [];
  private segStart = -1;
  private segment: Float64Array[] = [];

  constructor(
    readonly src: TrajectorySource,
    /** Rows per epoch n. */
    readonly n: number,
    readonly batchSize: number,
    readonly epochs: number,
    /** epochs × n train positions, epoch e's order at e·n. */
    readonly orders: Int32Array,
    /** Learning rate of each step (T). */
    readonly etas: Float64Array,
    interval: number,
  ) {
    this.stepsPerEpoch = Math.ceil(n / batchSize);
    this.steps = this.stepsPerEpoch * epochs;
    this.interval = Math.max(1, interval);
  }

  /** Train positions in the batch of step t (a view). */
  batch(t: number): Int32Array {
    const e = Math.floor(t / this.stepsPerEpoch), k = t - e * this.stepsPerEpoch;
    const a = k * this.batchSize, b = Math.min(this.n, a + this.batchSize);
    return this.orders.subarray(e * this.n + a, e * this.n + b);
  }

  /** Epoch (1-based) that step t belongs to. */
  epochOf(t: number): number {
    return Math.floor(t / this.stepsPerEpoch) + 1;
  }

  /** What another thread needs to rebuild this run (with its own copy of the source). */
  exportState(): TrajectoryState {
    return { n: this.n, batchSize: this.batchSize, epochs: this.epochs, orders: this.orders, etas: this.etas, interval: this.interval, stored: this.stored };
  }

  static fromState(src: TrajectorySource, st: TrajectoryState): Trajectory {
    const t = new Trajectory(src, st.n, st.batchSize, st.epochs, st.orders, st.etas, st.interval);
    t.stored.push(...st.stored);
    return t;
  }

  /** Called by the trainer in step order with θ_0, θ_1, …, θ_T. */
  record(t: number, theta: Float64Array): void {
    if (t % this.interval === 0 || t === this.steps) this.stored[Math.ceil(t / this.interval)] = theta.slice();
  }

  /** Bytes held by stored parameters. */
  get memoryBytes(): number {
    return (this.stored.length + this.segment.length) * this.src.model.p * 8;
  }

  /** θ_t (0 ≤ t ≤ T). Do not modify the returned array. */
  theta(t: number): Float64Array {
    if (t === this.steps) return this.stored[this.stored.length - 1];
    if (this.interval === 1) return this.stored[t];
    const c = this.interval, s = Math.floor(t / c) * c;
    if (t === s) return this.stored[s / c];
    if (this.segStart !== s) this.recompute(s);
    return this.segment[t - s];
  }

  private recompute(s: number): void {
    const { model, X, y, l2 } = this.src;
    const grad = new Float64Array(model.p);
    const end = Math.min(this.steps, s + this.interval);
    const seg: Float64Array[] = [this.stored[s / this.interval]];
    for (let t = s; t < end - 1; t++) {
      const rows = this.batch(t);
      const Xb = selectRows(X, rows);
      const yb = Float64Array.from(rows, (r) => y[r]);
      const next = new Float64Array(model.p);
      sgdStep(model, seg[seg.length - 1], Xb, yb, this.etas[t], l2, grad, next);
      seg.push(next);
    }
    this.segment = seg;
    this.segStart = s;
  }
}
