/**
 * Splitting an estimate over rows across threads. Every tracked row's numbers come from
 * its own recursion (forward mode) or its own replay (LOO), so a split never changes a
 * result: the parts are merged back in row order, bit-identical to one thread.
 *
 * The core only splits and merges; running a part on another thread is the host's job
 * (`RowWorkers`, implemented with worker_threads in src/parallel), injected through the
 * estimators' hooks so that src/core stays free of Node APIs.
 */
import type { FeatureMatrix } from '../data/types';
import { createModel } from '../model';
import type { ModelSpec } from '../model/types';
import type { Hooks, TrainData, TrainOptions } from '../train/trainer';
import { Trajectory, type TrajectoryState } from '../train/trajectory';
import type { Correction } from './forward';
import type { EstimateRequest, EstimateResult, InfluenceContext } from './types';

/** Which computation a part runs. */
export type PartTask = { kind: 'forward'; correction: Correction; estimator: 'acc' | 'sgd-ie' } | { kind: 'loo' };

/** What a thread needs to score learning-rate candidates (lrSearch.ts). */
export interface LrShared {
  spec: ModelSpec;
  data: TrainData;
  opts: Omit<TrainOptions, 'learningRate'>;
}

/** InfluenceContext as plain data for another thread. */
export interface ContextState {
  spec: ModelSpec;
  X: FeatureMatrix;
  y: Float64Array;
  Xval: FeatureMatrix;
  yval: Float64Array;
  l2: number;
  traj: TrajectoryState;
}

export interface RowWorkers {
  /** Threads available besides the caller's. */
  readonly extra: number;
  /** Smallest work (multiply-adds, see `trackingWork`) worth splitting; default MIN_SPLIT_WORK. */
  readonly minWork?: number;
  /**
   * Run `task` on parts[1..] (at most `extra` of them) on other threads while `here`
   * computes parts[0] on this thread; return every part's result in order. Blocks until all
   * are done; honours `hooks.shouldCancel` (throws CancelledError) and reports progress.
   * `here` also computes any part another thread could not.
   */
  run(task: PartTask, ctx: ContextState, parts: EstimateRequest[], here: (req: EstimateRequest, hooks: Hooks) => EstimateResult, hooks?: Hooks): EstimateResult[];
  /** The same for learning-rate candidates: parts[i] is a list of rates, the result their validation losses. */
  runCandidates(shared: LrShared, parts: number[][], here: (rates: number[], hooks: Hooks) => number[], hooks?: Hooks): number[][];
}

/** Below this many multiply-adds a split costs more (thread start, data copy) than it saves. */
export const MIN_SPLIT_WORK = 2e8;
/** Each part keeps at least this many rows. */
const MIN_PART_ROWS = 16;

export function contextState(ctx: InfluenceContext): ContextState | null {
  const spec = ctx.model.spec;
  if (!spec) return null;
  return { spec, X: ctx.X, y: ctx.y, Xval: ctx.Xval, yval: ctx.yval, l2: ctx.l2, traj: ctx.traj.exportState() };
}

export function contextFromState(st: ContextState): InfluenceContext {
  const model = createModel(st.spec);
  const traj = Trajectory.fromState({ model, X: st.X, y: st.y, l2: st.l2 }, st.traj);
  return { model, traj, X: st.X, y: st.y, Xval: st.Xval, yval: st.yval, l2: st.l2 };
}

/** Rough multiply-adds of tracking `rows` rows through the run (one HVP or gradient per row per step). */
export function trackingWork(ctx: InfluenceContext, rows: number, startStep = 0): number {
  const X = ctx.X;
  const nnz = X.kind === 'sparse' ? X.indptr[X.rows] : X.rows * X.cols;
  const perRow = X.rows > 0 ? nnz / X.rows : 0;
  return 2 * (ctx.traj.steps - startStep) * ctx.traj.batchSize * perRow * ctx.model.k * rows;
}

/**
 * Run `local` on a share of `req.rows` and the rest on other threads when `hooks.workers`
 * is present and the work is large enough; otherwise just `local(req)`.
 */
export function estimateInParts(task: PartTask, ctx: InfluenceContext, req: EstimateRequest, hooks: Hooks | undefined, local: (r: EstimateRequest, h?: Hooks) => EstimateResult): EstimateResult {
  const workers = hooks?.workers;
  const n = req.rows.length;
  const parts = Math.min(1 + (workers?.extra ?? 0), Math.floor(n / MIN_PART_ROWS));
  if (!workers || parts < 2 || trackingWork(ctx, n, req.startStep) < (workers.minWork ?? MIN_SPLIT_WORK)) return local(req, hooks);
  const st = contextState(ctx);
  if (!st) return local(req, hooks);
  // Contiguous, nearly equal shares; this thread takes the first.
  const bounds = Array.from({ length: parts + 1 }, (_, i) => Math.round((i * n) / parts));
  const reqs = bounds.slice(0, parts).map((a, i) => ({ ...req, rows: req.rows.slice(a, bounds[i + 1]) }));
  return mergeParts(req.rows, workers.run(task, st, reqs, (r, h) => local(r, { ...h, workers: undefined, accelerator: hooks?.accelerator }), hooks));
}

/** Concatenate per-row outputs of consecutive parts. */
export function mergeParts(rows: Int32Array, parts: EstimateResult[]): EstimateResult {
  const first = parts[0];
  const cat = (get: (r: EstimateResult) => Float64Array | null): Float64Array | null => {
    const arrays = parts.map(get);
    if (arrays.some((a) => a === null)) return null;
    const out = new Float64Array(arrays.reduce((s, a) => s + a!.length, 0));
    let at = 0;
    for (const a of arrays) { out.set(a!, at); at += a!.length; }
    return out;
  };
  return {
    estimator: first.estimator,
    rows,
    snapshots: first.snapshots.map((s, k) => ({
      step: s.step,
      queries: s.queries.map((_, qi) => cat((r) => r.snapshots[k].queries[qi])!),
      self: cat((r) => r.snapshots[k].self),
      deltas: cat((r) => r.snapshots[k].deltas),
    })),
    boundaries: first.boundaries,
    cumulative: first.cumulative.map((_, k) => cat((r) => r.cumulative[k])!),
    inWindow: first.inWindow ? first.inWindow.map((_, k) => cat((r) => r.inWindow![k])!) : null,
    chunkRows: Math.max(...parts.map((p) => p.chunkRows)),
    notes: [...new Set(parts.flatMap((p) => p.notes)), `rows split over ${parts.length} threads.`],
    ...(parts.some((p) => p.accelerator) ? { accelerator: parts.find((p) => p.accelerator)!.accelerator } : {}),
  };
}
