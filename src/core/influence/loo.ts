/**
 * Exact leave-one-out (and leave-a-set-out) replay, the ground truth (ALGORITHMS §2):
 * same θ_0, same batches, the removed rows skipped, the divisor |S_t| kept:
 *   θ^{-R}_{t+1} = θ^{-R}_t − (η_t/|S_t|) Σ_{i∈S_t∖R} ∇ℓ_i(θ^{-R}_t).
 * Many counterfactual models advance together as one stack (one batched gradient per
 * step). A model that removes nothing reproduces the recorded run bit for bit.
 */
import { selectRows } from '../linalg/features';
import { evaluateStack, rowLosses } from '../model/objective';
import { type ParamLayout, stackGet, stackScaleAdd } from '../model/types';
import { checkCancel, type Hooks } from '../train/trainer';
import { shrink } from '../train/trajectory';
import { allocateOutputs, chunkRowsFor, requestPlan } from './forward';
import { replayGlm } from './glmReplay';
import { estimateInParts } from './parallel';
import { queryValues } from './queries';
import type { EstimateRequest, EstimateResult, Estimator, InfluenceContext } from './types';

/** Write θ into model slots [from, to) of a stack of M models. */
function fillSlots(lay: ParamLayout, S: Float64Array, M: number, from: number, to: number, theta: Float64Array): void {
  for (const b of lay.blocks) {
    const base = M * b.offset, w = M * b.cols;
    for (let r = 0; r < b.rows; r++) {
      const src = b.offset + r * b.cols;
      for (let j = from; j < to; j++) {
        const dst = base + r * w + j * b.cols;
        for (let c = 0; c < b.cols; c++) S[dst + c] = theta[src + c];
      }
    }
  }
}

/** Train position → the models that remove it, as CSR: models who[cnt[r] … cnt[r+1]) remove r. */
export function removalIndex(removals: Int32Array[], n: number): { cnt: Int32Array; who: Int32Array } {
  const cnt = new Int32Array(n + 1);
  for (const R of removals) for (const r of R) cnt[r + 1]++;
  for (let i = 0; i < n; i++) cnt[i + 1] += cnt[i];
  const who = new Int32Array(cnt[n]);
  const fillAt = cnt.slice(0, n);
  removals.forEach((R, k) => { for (const r of R) who[fillAt[r]++] = k; });
  return { cnt, who };
}

/**
 * Replay M counterfactual models from θ_start to θ_end. Model k removes the train positions
 * in `removals[k]`. `visit(t, Θ)` is called before every step t (and at t = end) and may
 * read or reset slots of the stack Θ (M models, standard stack layout). With `events`,
 * only at those steps and at t = end, which lets softmax / linear models take the fused
 * path (glmReplay.ts, same numbers bit for bit).
 */
export function replay(
  ctx: InfluenceContext, removals: Int32Array[], start: number, end: number,
  visit: (t: number, thetas: Float64Array) => void, hooks?: Hooks, progress?: (t: number) => void,
  events?: ReadonlySet<number>,
): Float64Array {
  if (events && ctx.model.glmHead) return replayGlm(ctx, removals, start, end, events, visit, hooks, progress);
  const { model, traj, X, y, l2 } = ctx;
  const M = removals.length, lay = model.layout;
  const { cnt, who } = removalIndex(removals, X.rows);

  const Th = new Float64Array(M * model.p);
  fillSlots(lay, Th, M, 0, M, traj.theta(start));
  const G = new Float64Array(M * model.p);
  const coef = new Float64Array(M), removed = new Int32Array(M);
  for (let t = start; t <= end; t++) {
    visit(t, Th);
    if (t === end) break;
    checkCancel(hooks);
    const batch = traj.batch(t);
    const b = batch.length, eta = traj.etas[t];
    const exModel: number[] = [], exPos: number[] = [];
    removed.fill(0);
    for (let s = 0; s < b; s++) {
      const r = batch[s];
      for (let q = cnt[r]; q < cnt[r + 1]; q++) { exModel.push(who[q]); exPos.push(s); removed[who[q]]++; }
    }
    const Xb = selectRows(X, batch);
    const yb = Float64Array.from(batch, (r) => y[r]);
    model.gradStack(Th, M, Xb, yb, { model: Int32Array.from(exModel), pos: Int32Array.from(exPos), count: exModel.length }, G);
    for (let k = 0; k < M; k++) coef[k] = shrink(eta, b, l2, b - removed[k]);
    stackScaleAdd(lay, Th, M, coef, -eta / b, G);
    progress?.(t);
  }
  return Th;
}

/**
 * θ_end of one model per removal set (stack of sets.length models, standard stack layout).
 * Used by "verify" and cleansing: retrain without the rows by exact replay.
 */
export function replayWithout(ctx: InfluenceContext, sets: Int32Array[], end = ctx.traj.steps, hooks?: Hooks): Float64Array {
  return replay(ctx, sets, 0, end, () => undefined, hooks, undefined, new Set());
}

/** Validation loss and accuracy of every model of a stack. */
export function evaluateReplays(ctx: InfluenceContext, thetas: Float64Array, m: number): { loss: Float64Array; accuracy: Float64Array } {
  return evaluateStack(ctx.model, thetas, m, ctx.Xval, ctx.yval);
}

/**
 * Exact LOO for every row of `req.rows` (each removed alone): query changes at eval steps,
 * self-influence ℓ_j(θ^{-j}) − ℓ_j(θ) (data loss), δ_j = θ^{-j} − θ, the primary query at
 * boundaries, and in-window changes (replay restarted from the recorded θ at each
 * window start). Memory: rows per chunk × p doubles (× 2 with in-window).
 */
export const looEstimator: Estimator = {
  name: 'loo',
  estimate(ctx: InfluenceContext, req: EstimateRequest, hooks?: Hooks): EstimateResult {
    return estimateInParts({ kind: 'loo' }, ctx, req, hooks, (r, h) => looHere(ctx, r, h));
  },
};

/** Exact LOO on this thread only. */
export function looHere(ctx: InfluenceContext, req: EstimateRequest, hooks?: Hooks): EstimateResult {
  const { model, traj, X, y } = ctx;
  const p = model.p;
  const { queries, evalSteps, boundaries, wantIn, start, end } = requestPlan(req, traj.steps);
  const n = req.rows.length;
  const slots = wantIn ? 2 : 1;
  const chunk = chunkRowsFor(req, p, slots);

  const refB = boundaries.map((t) => queryValues(ctx, queries[0], traj.theta(t), 1)[0]);
  const refE = evalSteps.map((t) => queries.map((q) => queryValues(ctx, q, traj.theta(t), 1)[0]));
  const refLoss = evalSteps.map((t) => (req.self ? rowLosses(model, traj.theta(t), X, y) : null));
  const { bIndex, eIndex, snapshots, cumulative, inWindow } = allocateOutputs(req, boundaries, evalSteps, queries.length, n, p, wantIn);
  const events = new Set([...boundaries, ...evalSteps]);
  const tmp = new Float64Array(p);
  const total = Math.max(1, Math.ceil(n / chunk) * (end - start));
  let done = 0;

  for (let c0 = 0; c0 < n; c0 += chunk) {
    const rows = req.rows.subarray(c0, Math.min(n, c0 + chunk));
    const m = rows.length, M = m * slots;
    const removals = Array.from({ length: M }, (_, k) => rows.subarray(k % m, (k % m) + 1));
    replay(ctx, removals, start, end, (t, Th) => {
      const kb = bIndex.get(t);
      if (kb !== undefined) {
        const v = queryValues(ctx, queries[0], Th, M);
        for (let j = 0; j < m; j++) cumulative[kb][c0 + j] = v[j] - refB[kb];
        if (wantIn) {
          if (kb > 0) for (let j = 0; j < m; j++) inWindow![kb - 1][c0 + j] = v[m + j] - refB[kb];
          fillSlots(model.layout, Th, M, m, M, traj.theta(t));
        }
      }
      const ke = eIndex.get(t);
      if (ke !== undefined) {
        const snap = snapshots[ke];
        queries.forEach((q, qi) => {
          const v = queryValues(ctx, q, Th, M);
          for (let j = 0; j < m; j++) snap.queries[qi][c0 + j] = v[j] - refE[ke][qi];
        });
        const thetaT = traj.theta(t);
        for (let j = 0; j < m; j++) {
          if (!snap.self && !snap.deltas) break;
          stackGet(model.layout, Th, M, j, tmp);
          if (snap.self) {
            const r = rows[j];
            snap.self[c0 + j] = rowLosses(model, tmp, selectRows(X, [r]), y.subarray(r, r + 1))[0] - refLoss[ke]![r];
          }
          if (snap.deltas) for (let a = 0; a < p; a++) snap.deltas[(c0 + j) * p + a] = tmp[a] - thetaT[a];
        }
      }
    }, hooks, () => {
      done++;
      if (hooks?.onProgress && (done & 15) === 0) hooks.onProgress(done / total, `exact replay ${Math.min(n, c0 + m)}/${n} rows`);
    }, req.genericState ? undefined : events);
  }
  return { estimator: 'loo', rows: req.rows, snapshots, boundaries, cumulative, inWindow, chunkRows: chunk, notes: [] };
}
