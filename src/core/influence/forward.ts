/**
 * Forward-mode propagation of per-row parameter perturbations δ_j(t) ≈ θ^{-j}_t − θ_t
 * along the recorded run, for many rows at once (a stack of δ's, one batch HVP per step):
 *
 *   δ_j(t+1) = δ_j(t) − (η_t/|S_t|) Σ_{i∈S_t, i∉E_j(t)} H_i(θ_t) δ_j(t) + [j∈S_t] (η_t/|S_t|) ∇ℓ_j(θ_t)
 *
 * with H_i including λI. E_j(t) = {j} when j ∈ S_t for ACC-SGD-IE (its own term removed,
 * divisor |S_t| kept), ∅ for SGD-IE, and {j} with probability ½ for the randomized
 * correction. Rows are processed in chunks that fit the memory budget; chunking does not
 * change any number (each row's recursion is independent).
 */
import { selectRows } from '../linalg/features';
import type { ParamLayout } from '../model/types';
import { checkCancel, type Hooks } from '../train/trainer';
import { shrink } from '../train/trajectory';
import { type ForwardAccelerator, type ForwardState, StackForwardState, type StepInput } from './forwardState';
import { GlmForwardState } from './glmState';
import { estimateInParts, trackingWork } from './parallel';
import { queryGrad } from './queries';
import { type EstimateRequest, type EstimateResult, F64, type InfluenceContext, type Query, type Snapshot } from './types';

export type Correction = 'full' | 'none' | 'random';

/** Default per-row state budget in MiB. */
export const DEFAULT_STATE_BUDGET_MIB = 512;

/** Deterministic coin for the randomized correction: independent of chunking. */
function coin(seed: number, t: number, row: number): boolean {
  let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(t + 1, 0xc2b2ae35) ^ Math.imul(row + 1, 0x27d4eb2d);
  h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
  h = Math.imul(h ^ (h >>> 12), 0x297a2d39);
  return ((h ^ (h >>> 15)) & 1) === 1;
}

/** Features stored per row / columns at least this for the dense float32 accelerator to beat the sparse float64 kernels. */
export const ACCEL_MIN_DENSITY = 0.25;
/** Multiply-adds (`trackingWork`) of one part at least this for the accelerator's per-step overhead to pay. */
export const ACCEL_MIN_WORK = 1e9;
/** Largest float32 tensor footprint of one accelerated chunk (about three state-sized tensors at once), MiB. */
export const ACCEL_MAX_STATE_MIB = 768;

/**
 * Whether tracking `rows` rows of a GLM should run on the accelerator: dense enough and enough
 * work. A pure function of the data's shape and the request (never of measured time), so the
 * same inputs always take the same path and give the same bits.
 */
export function shouldAccelerate(ctx: InfluenceContext, rows: number, req: EstimateRequest, accel: ForwardAccelerator | undefined): boolean {
  if (!accel || !ctx.model.glmHead || req.genericState || req.lastLayerOnly) return false;
  const X = ctx.X;
  const nnz = X.kind === 'sparse' ? X.indptr[X.rows] : X.rows * X.cols;
  const density = X.rows > 0 && X.cols > 0 ? nnz / (X.rows * X.cols) : 0;
  return density >= ACCEL_MIN_DENSITY && trackingWork(ctx, rows, req.startStep) >= ACCEL_MIN_WORK;
}

/** Rows per chunk for `slots` state stacks of p doubles per row (state + HVP output ≈ 2×). */
export function chunkRowsFor(req: EstimateRequest, p: number, slots: number): number {
  if (req.chunkRows && req.chunkRows > 0) return Math.min(req.chunkRows, Math.max(1, req.rows.length));
  const budget = (req.memoryBudgetMiB ?? DEFAULT_STATE_BUDGET_MIB) * 1024 * 1024;
  return Math.max(1, Math.min(req.rows.length, Math.floor(budget / (2 * slots * p * F64))));
}

/**
 * Run the forward recursion for `req.rows` with the given correction. Returns snapshots at
 * the eval steps (query values, self-influence, deltas), primary-query values at every
 * boundary, and in-window values when requested. Softmax and linear models use the fused
 * GLM state (same numbers up to rounding; `req.genericState` forces the stacked one).
 */
export function runForward(ctx: InfluenceContext, req: EstimateRequest, correction: Correction, estimator: 'acc' | 'sgd-ie', hooks?: Hooks): EstimateResult {
  const accelerated = shouldAccelerate(ctx, req.rows.length, req, hooks?.accelerator);
  return estimateInParts({ kind: 'forward', correction, estimator }, ctx, { ...req, accelerated }, hooks, (r, h) => runForwardHere(ctx, r, correction, estimator, h));
}

/** `runForward` on this thread only. */
export function runForwardHere(ctx: InfluenceContext, req: EstimateRequest, correction: Correction, estimator: 'acc' | 'sgd-ie', hooks?: Hooks): EstimateResult {
  const { model, traj, X, y, l2 } = ctx;
  const { queries, evalSteps, boundaries, wantIn, start, end } = requestPlan(req, traj.steps);
  const lastOnly = !!req.lastLayerOnly;
  const lay: ParamLayout = lastOnly ? model.lastLayer : model.layout;
  const off = lastOnly ? model.lastLayerOffset : 0;
  const pd = lay.size;
  const n = req.rows.length;
  const slotsPerRow = wantIn ? 2 : 1;
  const glm = model.glmHead && !req.genericState ? model.glmHead : null;
  const accel = glm && req.accelerated ? hooks?.accelerator ?? null : null;
  // The accelerator's tensors live in a wasm heap of at most a few GiB (state + a product + a
  // difference at once): its chunks stay within ACCEL_MAX_STATE_MIB (chunking changes no number).
  const accelRows = Math.max(1, Math.floor((ACCEL_MAX_STATE_MIB * 1024 * 1024) / (3 * 4 * pd * slotsPerRow)));
  const chunk = accel ? Math.min(chunkRowsFor(req, pd, slotsPerRow), accelRows) : chunkRowsFor(req, pd, slotsPerRow);
  const seed = req.seed ?? 0;
  // Steps handed to the state at once: the GLM state runs each panel of rows through all of
  // them while it is in cache. Cancellation is still checked between panels.
  const group = 32;

  // Query gradients at boundaries and eval steps, computed once for all chunks.
  const qB = boundaries.map((t) => queryGrad(ctx, queries[0], traj.theta(t)));
  const qE = evalSteps.map((t) => queries.map((q) => queryGrad(ctx, q, traj.theta(t))));
  const { bIndex, eIndex, snapshots, cumulative, inWindow } = allocateOutputs(req, boundaries, evalSteps, queries.length, n, pd, wantIn);

  const rowSlot = new Int32Array(X.rows).fill(-1);
  const events = [...new Set([...boundaries, ...evalSteps])].sort((a, b) => a - b);
  const totalWork = Math.max(1, Math.ceil(n / chunk) * (end - start));
  let done = 0;
  for (let c0 = 0; c0 < n; c0 += chunk) {
    const rows = req.rows.subarray(c0, Math.min(n, c0 + chunk));
    const m = rows.length, M = m * slotsPerRow;
    rows.forEach((r, j) => { rowSlot[r] = j; });
    const st: ForwardState = accel ? accel.glmState(model, glm!, M, traj.batchSize)
      : glm ? new GlmForwardState(model, glm, M, traj.batchSize) : new StackForwardState(model, lay, off, lastOnly, M);
    try {
    const dots = new Float64Array(M);
    const tmp = new Float64Array(pd);

    /** The recursion's inputs at step t for a chunk of m rows. */
    const stepInput = (t: number, m: number): StepInput => {
      const batch = traj.batch(t);
      const b = batch.length, eta = traj.etas[t];
      // Which batch positions belong to rows of this chunk, and which get the own-term removed.
      const fPos: number[] = [], fSlot: number[] = [];
      const exModel: number[] = [], exPos: number[] = [];
      for (let s = 0; s < b; s++) {
        const j = rowSlot[batch[s]];
        if (j < 0) continue;
        fPos.push(s); fSlot.push(j);
        const apply = correction === 'full' || (correction === 'random' && coin(seed, t, batch[s]));
        if (apply) {
          exModel.push(j); exPos.push(s);
          if (wantIn) { exModel.push(j + m); exPos.push(s); }
        }
      }
      return {
        theta: traj.theta(t), Xb: selectRows(X, batch), yb: Float64Array.from(batch, (r) => y[r]),
        alpha: eta / b, shrinkAll: shrink(eta, b, l2, b), shrinkOne: shrink(eta, b, l2, b - 1), l2,
        ex: { model: Int32Array.from(exModel), pos: Int32Array.from(exPos), count: exModel.length },
        forcing: { count: fPos.length, pos: Int32Array.from(fPos), slot: Int32Array.from(fSlot), slots: slotsPerRow, stride: m },
      };
    };

    for (let t = start; t <= end; t++) {
      const kb = bIndex.get(t);
      if (kb !== undefined) {
        st.dotAll(qB[kb], off, dots);
        for (let j = 0; j < m; j++) cumulative[kb][c0 + j] = dots[j];
        if (wantIn) {
          if (kb > 0) for (let j = 0; j < m; j++) inWindow![kb - 1][c0 + j] = dots[m + j];
          // Restart the in-window state (slots m..2m−1).
          st.zero(m, M);
        }
      }
      const ke = eIndex.get(t);
      if (ke !== undefined) {
        const snap = snapshots[ke];
        queries.forEach((_, qi) => {
          st.dotAll(qE[ke][qi], off, dots);
          for (let j = 0; j < m; j++) snap.queries[qi][c0 + j] = dots[j];
        });
        if (snap.self) {
          st.selfDots(traj.theta(t), selectRows(X, rows), Float64Array.from(rows, (r) => y[r]), dots);
          for (let j = 0; j < m; j++) snap.self[c0 + j] = dots[j];
        }
        if (snap.deltas) for (let j = 0; j < m; j++) snap.deltas.set(st.get(j, tmp), (c0 + j) * pd);
      }
      if (t === end) break;
      checkCancel(hooks);
      // Steps up to the next event (boundary or eval step), at most `group`, in one call.
      const stop = Math.min(end, t + group, ...events.filter((e) => e > t).slice(0, 1));
      const steps: StepInput[] = [];
      for (let s = t; s < stop; s++) steps.push(stepInput(s, m));
      st.advance(steps, () => checkCancel(hooks));
      done += stop - t;
      t = stop - 1;
      if (hooks?.onProgress) hooks.onProgress(done / totalWork, `${estimator} ${Math.min(n, c0 + m)}/${n} rows`);
    }
    } finally {
      st.dispose?.();
    }
    rows.forEach((r) => { rowSlot[r] = -1; });
  }
  const notes: string[] = [];
  if (lastOnly && model.kind === 'mlp') notes.push('δ restricted to the last layer (W2); influence through W1 is ignored.');
  if (correction === 'random') notes.push('own-term correction applied with probability 1/2 per appearance.');
  if (req.accelerated && !accel && glm) notes.push('the float32 accelerator was not available on this thread; its rows were computed in float64.');
  if (accel) notes.push(`${estimator === 'acc' ? 'ACC-SGD-IE' : 'SGD-IE'} state in ${accel.description} (float32; float64 elsewhere).`);
  return { estimator, rows: req.rows, snapshots, boundaries, cumulative, inWindow, chunkRows: chunk, notes, ...(accel ? { accelerator: accel.id } : {}) };
}

/** What a request asks for, with defaults: queries, sorted eval steps, boundaries, and the steps run. */
export function requestPlan(req: EstimateRequest, T: number): {
  queries: Query[]; evalSteps: number[]; boundaries: number[]; wantIn: boolean; start: number; end: number;
} {
  const queries = req.queries ?? [{ kind: 'val-loss' as const }];
  const evalSteps = [...(req.evalSteps ?? [T])].sort((a, b) => a - b);
  const boundaries = req.boundaries ?? [];
  const start = req.startStep ?? 0;
  const end = Math.max(evalSteps[evalSteps.length - 1] ?? start, boundaries[boundaries.length - 1] ?? start);
  return { queries, evalSteps, boundaries, wantIn: !!req.inWindow && boundaries.length >= 2, start, end };
}

/**
 * Per-row output buffers shared by the forward estimators and LOO replay: a snapshot per
 * evaluation step (queries, optional self-influence and δ rows of width `width`), cumulative
 * window values per boundary, in-window values per window, and step → index maps.
 */
export function allocateOutputs(
  req: Pick<EstimateRequest, 'self' | 'keepDeltas'>,
  boundaries: readonly number[],
  evalSteps: readonly number[],
  nQueries: number,
  n: number,
  width: number,
  wantIn: boolean,
): {
  bIndex: Map<number, number>;
  eIndex: Map<number, number>;
  snapshots: Snapshot[];
  cumulative: Float64Array[];
  inWindow: Float64Array[] | null;
} {
  return {
    bIndex: new Map<number, number>(boundaries.map((t, k) => [t, k])),
    eIndex: new Map<number, number>(evalSteps.map((t, k) => [t, k])),
    snapshots: evalSteps.map((step) => ({
      step,
      queries: Array.from({ length: nQueries }, () => new Float64Array(n)),
      self: req.self ? new Float64Array(n) : null,
      deltas: req.keepDeltas ? new Float64Array(n * width) : null,
    })),
    cumulative: boundaries.map(() => new Float64Array(n)),
    inWindow: wantIn ? boundaries.slice(1).map(() => new Float64Array(n)) : null,
  };
}
