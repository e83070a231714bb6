/**
 * Deterministic mini-batch SGD. One seed fixes θ_0 and every epoch's row order, so the
 * run can be replayed exactly with any rows removed. Records the trajectory the
 * estimators need and per-epoch train/validation metrics.
 */
import type { ForwardAccelerator } from '../influence/forwardState';
import type { RowWorkers } from '../influence/parallel';
import { InputError, type FeatureMatrix } from '../data/types';
import { allFinite } from '../linalg/dense';
import { selectRows } from '../linalg/features';
import { evaluate } from '../model/objective';
import type { Model } from '../model/types';
import { createRng } from '../rng';
import { type LrSchedule, learningRateAt, sgdStep, Trajectory } from './trajectory';

/** Thrown when `shouldCancel()` returns true between mini-batches. */
export class CancelledError extends Error {
  override readonly name = 'CancelledError';
  constructor(message = 'cancelled') {
    super(message);
  }
}

export interface Hooks {
  /** fraction in 0..1 of the current phase, and a short message. */
  onProgress?: (fraction: number, message: string) => void;
  /** Polled between mini-batches; true stops the work with CancelledError. */
  shouldCancel?: () => boolean;
  /** Other threads the estimators may split rows across (absent = this thread only). */
  workers?: RowWorkers;
  /** A float32 accelerator for the GLM forward state (absent = float64 JS only). */
  accelerator?: ForwardAccelerator;
}

export function checkCancel(hooks: Hooks | undefined): void {
  if (hooks?.shouldCancel?.()) throw new CancelledError();
}

export interface TrainOptions {
  epochs: number;
  batchSize: number;
  learningRate: number;
  lrSchedule: LrSchedule;
  l2: number;
  seed: number;
  /** Memory for stored θ_t in MiB; above it, checkpoints + exact recomputation. Default 256. */
  trajectoryBudgetMiB?: number;
  /** File name used in error messages. */
  file?: string;
}

/** Training rows (n × d) and validation rows, in the engine's own row order. */
export interface TrainData {
  X: FeatureMatrix;
  y: Float64Array;
  Xval: FeatureMatrix;
  yval: Float64Array;
}

export interface EpochMetrics {
  epoch: number;
  /** Mean data loss over training rows (no L2) at the end of the epoch. */
  trainLoss: number;
  valLoss: number;
  /** Accuracy (NaN for regression). */
  trainAccuracy: number;
  valAccuracy: number;
}

export interface TrainResult {
  theta0: Float64Array;
  thetaT: Float64Array;
  trajectory: Trajectory;
  epochs: EpochMetrics[];
}

/** The seeded streams: θ_0 from fork 1, epoch permutations from fork 2. */
export function seededStreams(seed: number) {
  const root = createRng(seed);
  return { init: root.fork(1), order: root.fork(2) };
}

/**
 * Train `model` on `data`. Throws InputError('diverged') on a non-finite parameter,
 * CancelledError when cancelled. Memory: the trajectory, see `Trajectory`.
 */
export function train(model: Model, data: TrainData, opts: TrainOptions, hooks?: Hooks): TrainResult {
  const n = data.X.rows;
  const { epochs, batchSize, l2 } = opts;
  const streams = seededStreams(opts.seed);
  const theta0 = model.init(streams.init);
  const orders = new Int32Array(epochs * n);
  for (let e = 0; e < epochs; e++) {
    const ord = orders.subarray(e * n, e * n + n);
    for (let i = 0; i < n; i++) ord[i] = i;
    streams.order.shuffle(ord);
  }
  const spe = Math.ceil(n / batchSize);
  const T = spe * epochs;
  const etas = new Float64Array(T);
  for (let t = 0; t < T; t++) etas[t] = learningRateAt(opts.lrSchedule, opts.learningRate, t, spe);
  const budget = (opts.trajectoryBudgetMiB ?? 256) * 1024 * 1024;
  const perTheta = model.p * 8;
  // Keep (T/c + c) θ's within budget: c = 1 when everything fits, else ≈ √T or more.
  let interval = 1;
  if ((T + 1) * perTheta > budget) {
    interval = Math.max(2, Math.ceil(Math.sqrt(T)));
    while ((Math.ceil(T / interval) + 1 + interval) * perTheta > budget && interval < T) interval *= 2;
  }
  const traj = new Trajectory({ model, X: data.X, y: data.y, l2 }, n, batchSize, epochs, orders, etas, interval);
  let theta = theta0.slice();
  traj.record(0, theta);
  const grad = new Float64Array(model.p);
  const metrics: EpochMetrics[] = [];
  for (let t = 0; t < T; t++) {
    checkCancel(hooks);
    const rows = traj.batch(t);
    const Xb = selectRows(data.X, rows);
    const yb = Float64Array.from(rows, (r) => data.y[r]);
    const next = new Float64Array(model.p);
    sgdStep(model, theta, Xb, yb, etas[t], l2, grad, next);
    if (!allFinite(next)) {
      throw new InputError(
        'diverged', opts.file ?? '', 0,
        `Training diverged at epoch ${traj.epochOf(t)} (step ${t + 1} of ${T}): the parameters became NaN or infinite with learning rate ${opts.learningRate}.`,
        0, 'Use a smaller learning rate (for example a tenth of it) or "auto".',
      );
    }
    theta = next;
    traj.record(t + 1, theta);
    if ((t + 1) % spe === 0) {
      const tr = evaluate(model, theta, data.X, data.y);
      const va = evaluate(model, theta, data.Xval, data.yval);
      metrics.push({ epoch: (t + 1) / spe, trainLoss: tr.loss, valLoss: va.loss, trainAccuracy: tr.accuracy, valAccuracy: va.accuracy });
      hooks?.onProgress?.((t + 1) / T, `epoch ${(t + 1) / spe}/${epochs}`);
    }
  }
  return { theta0, thetaT: theta, trajectory: traj, epochs: metrics };
}
