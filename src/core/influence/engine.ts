/**
 * The engine's front door: train a model with deterministic SGD on the training split,
 * then estimate for every training row its influence on the mean validation loss, its
 * self-influence, and both per time window; keep what is needed to verify any removal
 * by exact replay.
 */
import { InputError, type FeatureMatrix, type LabelledData, type Split } from '../data/types';
import { selectRows } from '../linalg/features';
import { createModel, type Activation } from '../model';
import { evaluate, predict, rowLosses } from '../model/objective';
import type { Model, ModelKind } from '../model/types';
import { type EpochMetrics, type Hooks, train } from '../train/trainer';
import { searchLearningRate } from '../train/lrSearch';
import type { LrSchedule } from '../train/trajectory';
import { accEstimator } from './acc';
import { accFlops, costShape, DEFAULT_COMPUTE_BUDGET_GFLOP } from './cost';
import { DEFAULT_STATE_BUDGET_MIB } from './forward';
import { evaluateReplays, looEstimator, replayWithout } from './loo';
import { sgdIeEstimator } from './sgdIe';
import { type Approximation, screenAndRefine } from './strategy';
import type { ForwardAccelerator } from './forwardState';
import type { RowWorkers } from './parallel';
import { type EstimateRequest, type EstimateResult, F64, type InfluenceContext } from './types';
import { cumulativeWindows, windowBoundaries } from './windows';

export interface EngineOptions {
  /** 'auto' = linear for a numeric label, softmax otherwise. */
  model: ModelKind | 'auto';
  epochs: number;
  batchSize: number;
  /** A fixed rate, or 'auto' (short deterministic search on validation loss). */
  learningRate: number | 'auto';
  lrSchedule: LrSchedule;
  l2: number;
  hiddenUnits: number;
  activation: Activation;
  seed: number;
  /**
   * 'auto' = ACC-SGD-IE when its state (n × p doubles, × 2 with in-window) fits
   * `memoryBudgetMiB` and its cost (cost.ts) fits `computeBudgetGflop`, else SGD-IE
   * screening of all rows + ACC refinement of as many top rows as the budget pays for.
   */
  estimator: 'acc' | 'sgd-ie' | 'loo' | 'auto';
  /** Compute budget for the estimators, GFLOP by the cost model of cost.ts (default DEFAULT_COMPUTE_BUDGET_GFLOP). */
  computeBudgetGflop?: number;
  /** 'off' keeps the float64 JS kernels even when `EngineHooks.accelerator` is given (default 'auto'). */
  accelerator?: 'auto' | 'off';
  /** Flags per ranking the caller will take (sizes the refinement's candidate set; default 10). */
  topK?: number;
  /** Time windows: 0 = one per epoch, N = N windows of equal step counts. */
  windows: number;
  /** Memory for per-row estimator state, MiB. */
  memoryBudgetMiB: number;
  /** Trusted validation rows (same feature columns); all its labelled rows are used. */
  validation?: LabelledData;
  /** Compute in-window influence too (doubles the forward state). Default true. */
  inWindow?: boolean;
  /** Memory for the stored trajectory, MiB (default 256; beyond: checkpoints + recomputation). */
  trajectoryBudgetMiB?: number;
  /** File name for error messages. */
  file?: string;
}

export interface EngineHooks {
  onProgress?: (fraction: number, message: string) => void;
  shouldCancel?: () => boolean;
  /** Other threads the estimators may split rows across (bit-identical results). */
  workers?: RowWorkers;
  /** Float32 accelerator for the GLM forward state, used where `shouldAccelerate` says it pays. */
  accelerator?: ForwardAccelerator;
}

export interface Metrics {
  valLoss: number;
  valAccuracy: number;
}

export interface EngineResult {
  /** Per training row, aligned with `split.train` (train position i = data row split.train[i]). */
  influence: Float64Array;
  /** Change of the row's own data loss when removed (NaN where not computed, see notes). */
  selfInfluence: Float64Array;
  /** Data loss of the row under θ_T. */
  trainLoss: Float64Array;
  /** Predicted class index (or value for regression) under θ_T. */
  predicted: Float64Array;
  /** Probability of the predicted class (0 for regression). */
  confidence: Float64Array;
  /** Per window k: cumulative (additive) influence; Σ_k windowCumulative[k] = influence. */
  windowCumulative: Float64Array[];
  /** Per window k: in-window influence (state restarted at the window start); [] if off. */
  inWindow: Float64Array[];
  /**
   * In-window influence of the LAST window only (the DIT "convergence window" ranking,
   * issue 5 item 4): inWindow[W−1] when in-window values were computed, otherwise from a
   * forward ACC pass over the last window alone (about 1/W of the full cost).
   */
  lastWindow: Float64Array;
  /** Window boundaries as steps, t_0 = 0 < … < t_W = T. */
  boundaries: number[];
  stepsPerEpoch: number;
  epochs: EpochMetrics[];
  valLoss: number;
  valAccuracy: number;
  trainAccuracy: number;
  /** Share of validation rows carrying the most frequent training label (NaN for regression). */
  majorityRate: number;
  /** Validation accuracy > majority rate (classification); validation loss below the mean-predictor's (regression). */
  beatsMajority: boolean;
  learningRate: number;
  /** Candidates of the automatic search with their validation losses ([] when fixed). */
  lrSearch: { learningRate: number; valLoss: number }[];
  modelUsed: ModelKind;
  estimatorUsed: 'acc' | 'sgd-ie' | 'loo' | 'sgd-ie+acc';
  /** The float32 accelerator that computed (part of) the estimate, or null (float64 throughout). */
  acceleratorUsed: string | null;
  /** Present when not every row got ACC-SGD-IE (the 'sgd-ie+acc' strategy). */
  approximation?: Approximation;
  notes: string[];
  warnings: string[];
  /** Wall-clock milliseconds per phase. */
  timings: { lrSearch: number; train: number; influence: number };
  /** Retained state: the model, the recorded run and the data, for replay and further queries. */
  context: InfluenceContext;
  /**
   * Retrain without the given TRAIN POSITIONS by exact replay (same θ_0, same batches,
   * divisor kept) and report validation loss and accuracy before and after.
   */
  verifyWithout(rows: Int32Array, hooks?: EngineHooks): { before: Metrics; after: Metrics };
}

/** Bytes of ACC state for n rows of p parameters with `slots` stacks (state + HVP output). */
function accBytes(n: number, p: number, slots: number): number {
  return 2 * slots * n * p * F64;
}

/** 1 where the model under θ assigns row i to another class than its label. */
function misclassifiedRows(model: Model, theta: Float64Array, X: FeatureMatrix, y: Float64Array): Uint8Array {
  const pred = predict(model, theta, X).predicted;
  return Uint8Array.from(pred, (c, i) => (c !== y[i] ? 1 : 0));
}

function rowsOf(data: LabelledData, rows: Int32Array): { X: FeatureMatrix; y: Float64Array } {
  return { X: selectRows(data.X, rows), y: Float64Array.from(rows, (r) => data.y[r]) };
}

/**
 * Train and estimate. Shapes: every per-row array has split.train.length entries; window
 * arrays have W entries of that length. Throws InputError (bad-setting, diverged) and
 * CancelledError.
 */
export function runInfluence(data: LabelledData, split: Split, opts: EngineOptions, hooks: EngineHooks = {}): EngineResult {
  const file = opts.file ?? '';
  if (split.train.length === 0) throw new InputError('too-few-rows', file, 0, 'There are no training rows.');
  const regression = data.task === 'regression';
  const kind: ModelKind = opts.model === 'auto' ? (regression ? 'linear' : 'softmax') : opts.model;
  if (kind === 'softmax' && regression) throw new InputError('bad-setting', file, 0, 'The softmax model needs a categorical label; this label is numeric.', 0, 'Use model "linear" or "auto".');
  if (kind === 'linear' && !regression) throw new InputError('bad-setting', file, 0, 'The linear model needs a numeric label; this label is categorical.', 0, 'Use model "softmax", "mlp" or "auto".');

  const tr = rowsOf(data, split.train);
  let Xval: FeatureMatrix, yval: Float64Array;
  if (opts.validation) {
    const v = opts.validation;
    if (v.X.cols !== data.X.cols) throw new InputError('bad-setting', file, 0, `The validation data has ${v.X.cols} features, the training data ${data.X.cols}.`, 0, 'Featurize the validation file with the training file\'s statistics.');
    const labelled = Int32Array.from([...v.y.keys()].filter((i) => Number.isFinite(v.y[i])));
    ({ X: Xval, y: yval } = rowsOf(v, labelled));
  } else {
    ({ X: Xval, y: yval } = rowsOf(data, split.validation));
  }
  const model: Model = createModel({ kind, d: data.X.cols, classes: data.classes.length, task: data.task, hiddenUnits: opts.hiddenUnits, activation: opts.activation });
  const trainData = { X: tr.X, y: tr.y, Xval, yval };
  const base = { epochs: opts.epochs, batchSize: opts.batchSize, lrSchedule: opts.lrSchedule, l2: opts.l2, seed: opts.seed, file, trajectoryBudgetMiB: opts.trajectoryBudgetMiB };
  const progress = (from: number, to: number) => (f: number, msg: string) => hooks.onProgress?.(from + (to - from) * Math.min(1, Math.max(0, f)), msg);

  let t0 = Date.now();
  let learningRate: number;
  let lrSearch: { learningRate: number; valLoss: number }[] = [];
  if (opts.learningRate === 'auto') {
    const s = searchLearningRate(model, trainData, base, { shouldCancel: hooks.shouldCancel, onProgress: progress(0, 0.1), workers: hooks.workers });
    learningRate = s.learningRate;
    lrSearch = s.candidates;
  } else {
    learningRate = opts.learningRate;
  }
  const tLr = Date.now() - t0;
  t0 = Date.now();
  const run = train(model, trainData, { ...base, learningRate }, { shouldCancel: hooks.shouldCancel, onProgress: progress(0.1, 0.2) });
  const tTrain = Date.now() - t0;
  const ctx: InfluenceContext = { model, traj: run.trajectory, X: tr.X, y: tr.y, Xval, yval, l2: opts.l2 };
  const T = run.trajectory.steps, spe = run.trajectory.stepsPerEpoch;
  const n = tr.X.rows;

  // Baselines: the majority class (classification) or the mean predictor (regression).
  const final = evaluate(model, run.thetaT, Xval, yval);
  const trainEval = evaluate(model, run.thetaT, tr.X, tr.y);
  // Finite parameters can still give an infinite loss (e.g. targets near 1e300 squared):
  // every influence would then be NaN, so refuse rather than rank NaNs.
  if (!Number.isFinite(trainEval.loss) || (yval.length > 0 && !Number.isFinite(final.loss))) {
    throw new InputError(
      'diverged', file, 0,
      `Training gave a non-finite loss with learning rate ${learningRate}: the label or feature values are too large for the loss to be represented.`,
      0, regression ? 'Rescale the label column (for example to thousands instead of raw units) and scan again.' : 'Use a smaller learning rate or check for extreme values.',
    );
  }
  let majorityRate = NaN, beatsMajority: boolean;
  const warnings: string[] = [];
  if (!regression) {
    const counts = new Float64Array(data.classes.length);
    for (const v of tr.y) counts[v]++;
    let maj = 0;
    for (let c = 1; c < counts.length; c++) if (counts[c] > counts[maj]) maj = c;
    majorityRate = yval.length > 0 ? yval.reduce((s, v) => s + (v === maj ? 1 : 0), 0) / yval.length : NaN;
    beatsMajority = final.accuracy > majorityRate;
    if (!beatsMajority) warnings.push(`The model's validation accuracy (${(100 * final.accuracy).toFixed(1)}%) does not beat always predicting the most frequent class (${(100 * majorityRate).toFixed(1)}%): influence scores of a model that has not learned mean little. Try more epochs or another learning rate.`);
  } else {
    const mean = tr.y.reduce((s, v) => s + v, 0) / n;
    const baseLoss = yval.reduce((s, v) => s + 0.5 * (v - mean) ** 2, 0) / Math.max(1, yval.length);
    beatsMajority = final.loss < baseLoss;
    if (!beatsMajority) warnings.push('The model\'s validation loss is not below that of predicting the mean target: influence scores mean little.');
  }

  if (yval.length === 0) warnings.push('There are no validation rows: the validation-loss influence is zero for every row; only self-influence (label suspects) is informative.');

  // Estimation.
  t0 = Date.now();
  const boundaries = windowBoundaries({ windows: opts.windows }, spe, opts.epochs);
  const wantIn = opts.inWindow ?? true;
  const budget = opts.memoryBudgetMiB ?? DEFAULT_STATE_BUDGET_MIB;
  const allRows = Int32Array.from({ length: n }, (_, i) => i);
  const baseReq: EstimateRequest = { rows: allRows, boundaries, inWindow: wantIn, self: true, memoryBudgetMiB: budget, seed: opts.seed };
  const est = progress(0.2, 1);
  const accelerator = opts.accelerator === 'off' ? undefined : hooks.accelerator;
  const estHooks: Hooks = { shouldCancel: hooks.shouldCancel, onProgress: est, workers: hooks.workers, accelerator };
  const fits = accBytes(n, model.p, wantIn ? 2 : 1) <= budget * 1024 * 1024;
  // Deterministic compute budget: FLOPs by the cost model, never measured time.
  const computeBudget = opts.computeBudgetGflop ?? DEFAULT_COMPUTE_BUDGET_GFLOP;
  const shape = costShape(model, tr.X, T, opts.batchSize);
  const affordable = accFlops(shape, n, { inWindow: wantIn }) <= computeBudget * 1e9;
  const notes: string[] = [];
  let estimatorUsed: EngineResult['estimatorUsed'];
  let approximation: EngineResult['approximation'];
  let strategyLastWindow: Float64Array | null = null;
  let r: EstimateResult;
  const choice = opts.estimator === 'auto' ? (fits && affordable ? 'acc' : 'sgd-ie+acc') : opts.estimator;
  if (choice === 'acc') {
    r = accEstimator.estimate(ctx, baseReq, estHooks);
    estimatorUsed = 'acc';
  } else if (choice === 'loo') {
    r = looEstimator.estimate(ctx, baseReq, estHooks);
    estimatorUsed = 'loo';
  } else if (choice === 'sgd-ie') {
    // Self-influence needs the forward recursion (one state per row, ACC's cost without in-window).
    const over = [
      accBytes(n, model.p, 1) > budget * 1024 * 1024 ? 'the memory budget' : '',
      accFlops(shape, n) > computeBudget * 1e9 ? 'the compute budget' : '',
    ].filter(Boolean);
    const selfFits = over.length === 0;
    r = sgdIeEstimator.estimate(ctx, { ...baseReq, self: selfFits }, estHooks);
    if (!selfFits) notes.push(`Self-influence was not computed: the forward SGD-IE recursion (one state per row) exceeds ${over.join(' and ')}; selfInfluence is NaN.`);
    estimatorUsed = 'sgd-ie';
  } else {
    // Screen every row by reverse-mode SGD-IE, then refine the most harmful and the most
    // label-suspect rows with ACC, as many as the compute budget pays for (strategy.ts).
    const losses = rowLosses(model, run.thetaT, tr.X, tr.y);
    const misclassified = regression ? null : misclassifiedRows(model, run.thetaT, tr.X, tr.y);
    const s = screenAndRefine(ctx, {
      shape, req: baseReq, computeBudgetGflop: computeBudget, memoryBudgetMiB: budget, topK: opts.topK ?? 10,
      trainLoss: losses, misclassified, overCompute: !affordable, overMemory: !fits,
    }, estHooks);
    r = s.result;
    strategyLastWindow = s.lastWindow;
    estimatorUsed = 'sgd-ie+acc';
    approximation = s.approximation;
  }
  notes.push(...r.notes);
  const tInfl = Date.now() - t0;

  let lastWindow: Float64Array;
  if (r.inWindow && r.inWindow.length > 0) {
    lastWindow = r.inWindow[r.inWindow.length - 1];
  } else if (strategyLastWindow) {
    lastWindow = strategyLastWindow;
  } else {
    const W = boundaries.length - 1;
    lastWindow = accEstimator.estimate(ctx, { rows: allRows, startStep: boundaries[W - 1], evalSteps: [T], memoryBudgetMiB: budget }, { shouldCancel: hooks.shouldCancel, workers: hooks.workers, accelerator }).snapshots[0].queries[0];
  }
  const pred = predict(model, run.thetaT, tr.X);
  const snap = r.snapshots[0];
  return {
    influence: snap.queries[0],
    selfInfluence: snap.self ?? new Float64Array(n).fill(NaN),
    trainLoss: rowLosses(model, run.thetaT, tr.X, tr.y),
    predicted: pred.predicted,
    confidence: pred.confidence,
    windowCumulative: cumulativeWindows(r.cumulative),
    inWindow: r.inWindow ?? [],
    lastWindow,
    boundaries,
    stepsPerEpoch: spe,
    epochs: run.epochs,
    valLoss: final.loss,
    valAccuracy: final.accuracy,
    trainAccuracy: trainEval.accuracy,
    majorityRate,
    beatsMajority,
    learningRate,
    lrSearch,
    modelUsed: kind,
    estimatorUsed,
    acceleratorUsed: r.accelerator ?? null,
    approximation,
    notes,
    warnings,
    timings: { lrSearch: tLr, train: tTrain, influence: tInfl },
    context: ctx,
    verifyWithout(rows: Int32Array, vh?: EngineHooks) {
      for (const r0 of rows) if (!(r0 >= 0 && r0 < n)) throw new InputError('bad-setting', file, 0, `Row position ${r0} is not a training row (0..${n - 1}).`);
      const th = replayWithout(ctx, [rows], T, { shouldCancel: vh?.shouldCancel, onProgress: vh?.onProgress });
      const after = evaluateReplays(ctx, th, 1);
      return { before: { valLoss: final.loss, valAccuracy: final.accuracy }, after: { valLoss: after.loss[0], valAccuracy: after.accuracy[0] } };
    },
  };
}
