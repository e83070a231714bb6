/**
 * One measurement of `npm run bench`, run by bench/run.ts in its own child process so that
 * the peak memory it reports belongs to this phase alone:
 *
 *   node --expose-gc --import tsx bench/phase.ts '{"data":"spam-2k","phase":"acc","rows":64,...}'
 *
 * Loads (or generates) the data, trains when the phase needs a trajectory, collects the
 * garbage, resets the kernel's peak-RSS mark (/proc/self/clear_refs), then times the phase
 * through the public estimator interfaces and prints one JSON line on stdout.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { selectRows } from '../src/core/linalg/features';
import type { FeatureMatrix, LabelledData, Split } from '../src/core/data/types';
import { createModel } from '../src/core/model';
import { createRng } from '../src/core/rng';
import { train } from '../src/core/train';
import { accEstimator, type EstimateRequest, type InfluenceContext, looEstimator, sgdIeEstimator } from '../src/core/influence';
import { createRowWorkers } from '../src/parallel/rowWorkers';
import { loadDataset } from './datasets';

export type PhaseName = 'train' | 'sgd-ie' | 'acc' | 'loo';

export interface GeneratedSpec { rows: number; features: number; classes: number; seed: number }

export interface PhaseArgs {
  /** A shared dataset name, or a generated dense dataset. */
  data: string | { gen: GeneratedSpec };
  phase: PhaseName;
  /** Rows to estimate (evenly spaced train positions); omitted = all rows. */
  rows?: number;
  epochs: number;
  learningRate: number;
  batchSize: number;
  l2: number;
  seed: number;
  validationFraction: number;
  /** State memory budget for the estimators, MiB. */
  memoryBudgetMiB: number;
  /** Threads for the estimators (rows split over worker threads when > 1; results identical). Default 1. */
  threads?: number;
}

export interface PhaseOutput {
  nTrain: number; d: number; K: number; p: number; nnzX: number; sparse: boolean;
  T: number; epochs: number;
  rowsTimed: number;
  ms: number; cpuMs: number;
  peakRssMiB: number; startRssMiB: number;
  /** True when the peak-RSS mark could be reset before the phase (else it includes loading). */
  peakIsPhaseOnly: boolean;
  loadMs: number; trainMs: number;
  /** Sum of the phase's outputs: finite when nothing went NaN. */
  checksum: number;
  /** Threads the estimate actually ran on (its "rows split over N threads" note; 1 without it). */
  threadsUsed: number;
}

/**
 * A deterministic dense classification set: features N(0, 1), labels from a random linear
 * teacher with Gumbel noise (so classes overlap), an intercept column of ones last, and a
 * seeded 80/20 split.
 */
export function generateDataset(spec: GeneratedSpec, validationFraction: number): { data: LabelledData; split: Split } {
  const { rows, features, classes } = spec;
  const rng = createRng(spec.seed);
  const d = features + 1;
  const X = new Float64Array(rows * d);
  const W = Float64Array.from({ length: features * classes }, () => rng.normal());
  const y = new Float64Array(rows);
  const scale = 1 / Math.sqrt(features);
  for (let i = 0; i < rows; i++) {
    for (let a = 0; a < features; a++) X[i * d + a] = rng.normal();
    X[i * d + features] = 1;
    let best = 0, bestV = -Infinity;
    for (let c = 0; c < classes; c++) {
      let s = 0;
      for (let a = 0; a < features; a++) s += X[i * d + a] * W[a * classes + c];
      const v = 2 * scale * s - Math.log(-Math.log(Math.max(1e-300, rng.next())));
      if (v > bestV) { bestV = v; best = c; }
    }
    y[i] = best;
  }
  const order = rng.shuffle(Int32Array.from({ length: rows }, (_, i) => i));
  const nVal = Math.round(validationFraction * rows);
  const validation = Int32Array.from(order.subarray(0, nVal)).sort();
  const trainRows = Int32Array.from(order.subarray(nVal)).sort();
  const featureNames = [...Array.from({ length: features }, (_, a) => `x${a}`), '(intercept)'];
  return {
    data: { X: { kind: 'dense', rows, cols: d, data: X }, task: 'classification', y, classes: Array.from({ length: classes }, (_, c) => `c${c}`), featureNames, unlabelled: new Int32Array(0) },
    split: { train: trainRows, validation },
  };
}

export function nonzeros(X: FeatureMatrix): number {
  if (X.kind === 'sparse') return X.indptr[X.rows];
  let nz = 0;
  for (let i = 0; i < X.data.length; i++) if (X.data[i] !== 0) nz++;
  return nz;
}

/** `count` evenly spaced positions in 0..n−1 (all of them when count ≥ n). */
export function spacedRows(n: number, count: number | undefined): Int32Array {
  if (count === undefined || count >= n) return Int32Array.from({ length: n }, (_, i) => i);
  return Int32Array.from({ length: count }, (_, i) => Math.floor((i * n) / count));
}

const MiB = 1024 * 1024;

function resetPeakRss(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

/** Peak RSS since start or the last reset, MiB (VmHWM on Linux, else resourceUsage). */
function peakRssMiB(): number {
  try {
    const m = /VmHWM:\s+(\d+)\s+kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]) / 1024;
  } catch { /* not Linux */ }
  return process.resourceUsage().maxRSS / 1024;
}

const cpuNow = () => { const u = process.resourceUsage(); return (u.userCPUTime + u.systemCPUTime) / 1000; };

function sum(a: Float64Array | null | undefined): number {
  let s = 0;
  if (a) for (let i = 0; i < a.length; i++) s += a[i];
  return s;
}

export function runPhase(args: PhaseArgs): PhaseOutput {
  const gc = (globalThis as { gc?: () => void }).gc;
  let t0 = performance.now();
  const { data, split } = typeof args.data === 'string'
    ? loadDataset(args.data, { validationFraction: args.validationFraction, seed: args.seed })
    : generateDataset(args.data.gen, args.validationFraction);
  const X = selectRows(data.X, split.train), y = Float64Array.from(split.train, (r) => data.y[r]);
  const Xval = selectRows(data.X, split.validation), yval = Float64Array.from(split.validation, (r) => data.y[r]);
  const loadMs = performance.now() - t0;
  const model = createModel({ kind: 'softmax', d: X.cols, classes: data.classes.length, task: 'classification', hiddenUnits: 16, activation: 'tanh' });
  const trainData = { X, y, Xval, yval };
  const opts = { epochs: args.epochs, batchSize: args.batchSize, learningRate: args.learningRate, lrSchedule: 'constant' as const, l2: args.l2, seed: args.seed, trajectoryBudgetMiB: 1024 };
  const n = X.rows;
  const rows = spacedRows(n, args.rows);
  const req: EstimateRequest = { rows, self: true, memoryBudgetMiB: args.memoryBudgetMiB };

  let ctx: InfluenceContext | null = null;
  let trainMs = 0;
  if (args.phase !== 'train') {
    t0 = performance.now();
    const run = train(model, trainData, opts);
    trainMs = performance.now() - t0;
    ctx = { model, traj: run.trajectory, X, y, Xval, yval, l2: args.l2 };
  }
  gc?.();
  const startRssMiB = process.memoryUsage().rss / MiB;
  const peakIsPhaseOnly = resetPeakRss();
  const c0 = cpuNow();
  t0 = performance.now();
  let checksum: number;
  let T: number;
  let threadsUsed = 1;
  if (args.phase === 'train') {
    const run = train(model, trainData, opts);
    checksum = sum(run.thetaT);
    T = run.trajectory.steps;
  } else {
    const est = args.phase === 'acc' ? accEstimator : args.phase === 'loo' ? looEstimator : sgdIeEstimator;
    // Worker threads through the estimators' public hooks; small work stays on one thread.
    const workers = (args.threads ?? 1) > 1 ? createRowWorkers(args.threads) : undefined;
    // SGD-IE: the reverse sweep for the validation-loss influence of every row (its
    // self-influence would need the forward recursion, which costs as much as ACC).
    const r = est.estimate(ctx!, args.phase === 'sgd-ie' ? { ...req, self: false } : req, workers ? { workers } : undefined);
    const split = /rows split over (\d+) threads/.exec(r.notes.join(' '));
    threadsUsed = split ? Number(split[1]) : 1;
    checksum = sum(r.snapshots[0].queries[0]) + sum(r.snapshots[0].self);
    T = ctx!.traj.steps;
  }
  const ms = performance.now() - t0;
  const cpuMs = cpuNow() - c0;
  return {
    nTrain: n, d: X.cols, K: data.classes.length, p: model.p, nnzX: nonzeros(X), sparse: X.kind === 'sparse',
    T, epochs: args.epochs, rowsTimed: args.phase === 'train' || args.phase === 'sgd-ie' ? n : rows.length,
    ms, cpuMs, peakRssMiB: peakRssMiB(), startRssMiB, peakIsPhaseOnly, loadMs, trainMs, checksum, threadsUsed,
  };
}

if (process.argv[1] && /phase\.ts$/.test(process.argv[1])) {
  const args = JSON.parse(process.argv[2]) as PhaseArgs;
  process.stdout.write(`${JSON.stringify(runPhase(args))}\n`);
}
