/**
 * Shared types of the estimators. Rows are identified by TRAIN POSITION (0..n−1, the
 * order of `Split.train`), steps by t = 0..T (θ_t is the state before step t).
 *
 * Sign convention: every value is the change of a quantity when the row is removed,
 * Q(θ^{-j}) − Q(θ) (or its estimate ⟨∇Q, δ_j⟩ with δ_j ≈ θ^{-j} − θ). For the mean
 * validation loss, negative = harmful.
 */
import type { FeatureMatrix } from '../data/types';
import type { Model } from '../model/types';
import type { Hooks } from '../train/trainer';
import type { Trajectory } from '../train/trajectory';

/** Everything an estimator reads: the model, the recorded run, the data. */
export interface InfluenceContext {
  model: Model;
  traj: Trajectory;
  /** Training rows (n × d) in train-position order, and their labels. */
  X: FeatureMatrix;
  y: Float64Array;
  /** Validation rows (split or trusted file) and labels. */
  Xval: FeatureMatrix;
  yval: Float64Array;
  l2: number;
}

/**
 * A query Q(θ) whose change is measured.
 * - 'val-loss': mean data loss over the validation rows (the default).
 * - 'val-row': data loss of validation row `index`.
 * - 'logit': output `cls` of the model on the one-row matrix `x` (e.g. a row's predicted-class logit).
 */
export type Query =
  | { kind: 'val-loss' }
  | { kind: 'val-row'; index: number }
  | { kind: 'logit'; x: FeatureMatrix; cls: number };

export interface EstimateRequest {
  /** Train positions to estimate (sorted or not; results follow this order). */
  rows: Int32Array;
  /** Queries; the first is the primary one (used for windows). Default [{kind:'val-loss'}]. */
  queries?: Query[];
  /** Steps at which to report query values, self-influence and deltas. Default [T]. */
  evalSteps?: number[];
  /** Window boundaries (ascending steps, ≥ 2 entries) for cumulative / in-window values; [] = none. */
  boundaries?: number[];
  /** Also compute in-window influence (state restarted at every boundary). */
  inWindow?: boolean;
  /** Self-influence ⟨∇ℓ_j^data(θ), δ_j⟩ at every eval step. */
  self?: boolean;
  /** Return δ_j at every eval step (rows × p; for accuracy measurement). */
  keepDeltas?: boolean;
  /** Memory for per-row state in MiB (rows are processed in chunks that fit). Default 512. */
  memoryBudgetMiB?: number;
  /** Force a chunk size (rows per chunk); overrides the budget. */
  chunkRows?: number;
  /** ACC only: restrict δ to the last layer (MLP; no effect on linear models). */
  lastLayerOnly?: boolean;
  /** ACC only: 'full' (default) or 'random' (own-term correction applied with probability 1/2). */
  correction?: 'full' | 'random';
  /** Seed for the random correction. */
  seed?: number;
  /** Use the generic stacked state even where a structured one exists (tests, benchmarks). */
  genericState?: boolean;
  /**
   * Run the GLM state on `Hooks.accelerator` (float32). Set by `runForward` from the whole
   * request before it is split over threads, so the path never depends on the thread count.
   */
  accelerated?: boolean;
  /** Step at which the state starts at zero (default 0); used for last-window-only runs. */
  startStep?: number;
}

/** Values at one evaluation step; arrays are aligned with `EstimateRequest.rows`. */
export interface Snapshot {
  step: number;
  /** Per query: influence of each row. */
  queries: Float64Array[];
  /** Self-influence, or null when not requested / not available. */
  self: Float64Array | null;
  /** δ_j (rows × pδ, standard layout of the tracked parameters), or null. */
  deltas: Float64Array | null;
}

export interface EstimateResult {
  estimator: 'acc' | 'sgd-ie' | 'loo';
  rows: Int32Array;
  snapshots: Snapshot[];
  boundaries: number[];
  /**
   * Primary query at each boundary t_k: ⟨q(t_k), δ_j(t_k)⟩ (exact: Q(θ^{-j}_{t_k}) − Q(θ_{t_k})).
   * Window k's cumulative influence is cumulative[k+1] − cumulative[k].
   */
  cumulative: Float64Array[];
  /** Per window k (between boundaries k and k+1): in-window influence, or null. */
  inWindow: Float64Array[] | null;
  /** Rows per chunk actually used. */
  chunkRows: number;
  /** Notes on what was (not) computed. */
  notes: string[];
  /** Id of the float32 accelerator that ran (part of) the estimate; absent = float64 throughout. */
  accelerator?: string;
}

export interface Estimator {
  readonly name: 'acc' | 'sgd-ie' | 'loo';
  estimate(ctx: InfluenceContext, req: EstimateRequest, hooks?: Hooks): EstimateResult;
}

/** Bytes of one float64. */
export const F64 = 8;
