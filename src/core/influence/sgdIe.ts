/**
 * SGD-IE (Hara et al. 2019) in reverse mode: for a query at step t_e,
 *   u(t_e) = ∇Q(θ_{t_e}),  u(t) = (I − η_t H_S(t)) u(t+1),
 *   I_j = Σ_{t < t_e, j∈S_t} (η_t/|S_t|) ⟨u(t+1), ∇ℓ_j(θ_t)⟩,
 * for ALL training rows in one backward sweep (cost ≈ one extra training pass per
 * direction). Every quantity that needs its own sweep — each query at each eval step,
 * the primary query at each window boundary (cumulative), and each window alone
 * (in-window: the sweep stops at the window start) — is one direction of a stack, so a
 * single sweep with one stacked HVP per step serves them all.
 *
 * Self-influence and δ_j need one direction per row: those come from the forward
 * recursion without correction (same cost as ACC) and only when requested.
 */
import type { FeatureMatrix } from '../data/types';
import { selectRows } from '../linalg/features';
import type { Head } from '../model/head';
import { rowGradsWithL2 } from '../model/objective';
import { NO_EXCLUSIONS, stackDotAll, stackGet, stackScaleAdd, stackSet } from '../model/types';
import { checkCancel, type Hooks } from '../train/trainer';
import { shrink } from '../train/trajectory';
import { runForward } from './forward';
import { byColumn, entries } from './glmState';
import { queryGrad } from './queries';
import type { EstimateRequest, EstimateResult, Estimator, InfluenceContext, Query } from './types';

interface Direction {
  query: Query;
  /** The sweep starts with u = ∇Q(θ_start) … */
  start: number;
  /** … and accumulates steps t with stop ≤ t < start. */
  stop: number;
  /** Influence of every train position (n). */
  out: Float64Array;
}

export const sgdIeEstimator: Estimator = {
  name: 'sgd-ie',
  estimate(ctx: InfluenceContext, req: EstimateRequest, hooks?: Hooks): EstimateResult {
    const { model, traj, X, y, l2 } = ctx;
    const T = traj.steps, n = X.rows, p = model.p;
    const queries = req.queries ?? [{ kind: 'val-loss' as const }];
    const evalSteps = [...(req.evalSteps ?? [T])].sort((a, b) => a - b);
    const boundaries = req.boundaries ?? [];
    const wantIn = !!req.inWindow && boundaries.length >= 2;
    const floor = req.startStep ?? 0;

    const dirs: Direction[] = [];
    const evalDirs = evalSteps.map((e) => queries.map((q) => { const d = { query: q, start: e, stop: floor, out: new Float64Array(n) }; dirs.push(d); return d; }));
    const cumDirs = boundaries.map((b) => { const d = { query: queries[0], start: b, stop: floor, out: new Float64Array(n) }; dirs.push(d); return d; });
    const inDirs = wantIn ? boundaries.slice(1).map((b, k) => { const d = { query: queries[0], start: b, stop: Math.max(floor, boundaries[k]), out: new Float64Array(n) }; dirs.push(d); return d; }) : [];

    // Only the directions active at step t (stop ≤ t < start) are carried: a cumulative
    // direction joins at its boundary, an in-window one leaves at its window's start, so the
    // stack is rebuilt only when that set changes.
    const tmax = Math.max(...dirs.map((d) => d.start));
    const tmin = Math.min(...dirs.map((d) => d.stop));
    let active: number[] = [];
    let D = 0;
    let U = new Float64Array(0), HU = new Float64Array(0), coef = new Float64Array(0), dots = new Float64Array(0), rowDots = new Float64Array(0);
    const tmp = new Float64Array(p);
    const scratch: ReverseScratch = { Y: new Float64Array(0), hu: new Float64Array(0), stamp: new Int32Array(model.d), gen: 0 };
    for (let t = tmax - 1; t >= tmin; t--) {
      checkCancel(hooks);
      const now = dirs.map((_, i) => i).filter((i) => dirs[i].stop <= t && t < dirs[i].start);
      if (now.length !== active.length || now.some((i, j) => active[j] !== i)) {
        const next = new Float64Array(now.length * p);
        now.forEach((i, j) => {
          const was = active.indexOf(i);
          if (was >= 0) stackSet(model.layout, next, now.length, j, stackGet(model.layout, U, D, was, tmp));
          else stackSet(model.layout, next, now.length, j, queryGrad(ctx, dirs[i].query, traj.theta(t + 1)));
        });
        active = now;
        D = now.length;
        U = next;
        HU = new Float64Array(D * p);
        coef = new Float64Array(D);
        dots = new Float64Array(D);
        rowDots = new Float64Array(traj.batchSize * D);
      }
      if (D === 0) continue;
      const theta = traj.theta(t);
      const batch = traj.batch(t);
      const b = batch.length, eta = traj.etas[t];
      const Xb = selectRows(X, batch);
      const yb = Float64Array.from(batch, (r) => y[r]);
      if (model.glmHead) {
        // One pass through the batch's features gives the row dots and the HVP together.
        glmReverseStep(model.glmHead, model.k, theta, Xb, yb, l2, eta, U, D, rowDots, scratch);
        for (let s = 0; s < b; s++) {
          for (let j = 0; j < D; j++) dirs[active[j]].out[batch[s]] += (eta / b) * rowDots[s * D + j];
        }
      } else {
        const G = rowGradsWithL2(model, theta, Xb, yb, l2, new Float64Array(b * p));
        for (let s = 0; s < b; s++) {
          stackDotAll(model.layout, U, D, G, dots, s * p);
          for (let j = 0; j < D; j++) dirs[active[j]].out[batch[s]] += (eta / b) * dots[j];
        }
        model.hvpStack(theta, Xb, yb, U, D, NO_EXCLUSIONS, HU);
        coef.fill(shrink(eta, b, l2, b));
        stackScaleAdd(model.layout, U, D, coef, -eta / b, HU);
      }
      if (hooks?.onProgress && (t & 15) === 0) hooks.onProgress((tmax - t) / Math.max(1, tmax - tmin), 'sgd-ie reverse sweep');
    }

    const pick = (a: Float64Array) => Float64Array.from(req.rows, (r) => a[r]);
    const notes: string[] = [];
    let fwd: EstimateResult | null = null;
    if (req.self || req.keepDeltas) {
      fwd = runForward(ctx, { ...req, queries: [queries[0]], boundaries: [], inWindow: false, lastLayerOnly: false }, 'none', 'sgd-ie', hooks);
      notes.push('self-influence and δ from the forward SGD-IE recursion (one HVP per row per step).', ...fwd.notes);
    }
    return {
      estimator: 'sgd-ie',
      rows: req.rows,
      snapshots: evalSteps.map((step, k) => ({
        step,
        queries: evalDirs[k].map((d) => pick(d.out)),
        self: fwd ? fwd.snapshots[k].self : null,
        deltas: fwd ? fwd.snapshots[k].deltas : null,
      })),
      boundaries,
      cumulative: cumDirs.map((d) => pick(d.out)),
      inWindow: wantIn ? inDirs.map((d) => pick(d.out)) : null,
      chunkRows: fwd ? fwd.chunkRows : req.rows.length,
      notes,
    };
  },
};

interface ReverseScratch { Y: Float64Array; hu: Float64Array; stamp: Int32Array; gen: number }

/**
 * One reverse step for a generalised linear model, for D directions u_i (stack U, d × D·K):
 *   rowDots[s·D + i] = ⟨u_i, ∇ℓ_s(θ)⟩ = Σ_c (x_s·u_i)_c e_sc + λ⟨u_i, θ⟩,
 *   u_i ← c·u_i − (η/|S|) Σ_s x_s ⊗ A_s (x_s·u_i),
 * sharing Y = X_S·U between the two. Sums run in the order of the stacked HVP (outputs over
 * a row's features, the product Xᵀ·W over the batch rows from zero), so U evolves exactly as
 * with `hvpStack` + `stackScaleAdd`; only the batch's features are visited besides c·U.
 */
function glmReverseStep(head: Head, k: number, theta: Float64Array, Xb: FeatureMatrix, yb: Float64Array, l2: number, eta: number, U: Float64Array, D: number, rowDots: Float64Array, sc: ReverseScratch): void {
  const E = entries(Xb);
  const { idx, val, ptr } = E;
  const b = Xb.rows, w = D * k, d = sc.stamp.length;
  if (sc.Y.length < b * w) sc.Y = new Float64Array(b * w);
  if (sc.hu.length < w) sc.hu = new Float64Array(w);
  const { Y, hu } = sc;
  const o = new Float64Array(k), e = new Float64Array(k), curv = new Float64Array(b * k);
  const uTheta = new Float64Array(D);
  if (l2 !== 0) for (let a = 0; a < d; a++) for (let i = 0; i < D; i++) for (let c = 0; c < k; c++) uTheta[i] += U[a * w + i * k + c] * theta[a * k + c];
  Y.fill(0, 0, b * w);
  for (let s = 0; s < b; s++) {
    o.fill(0);
    const ys = s * w;
    for (let q = ptr[s]; q < ptr[s + 1]; q++) {
      const v = val[q], a = idx[q];
      for (let c = 0; c < k; c++) o[c] += v * theta[a * k + c];
      const ua = a * w;
      let j = 0;
      for (; j + 3 < w; j += 4) {
        Y[ys + j] += v * U[ua + j]; Y[ys + j + 1] += v * U[ua + j + 1];
        Y[ys + j + 2] += v * U[ua + j + 2]; Y[ys + j + 3] += v * U[ua + j + 3];
      }
      for (; j < w; j++) Y[ys + j] += v * U[ua + j];
    }
    head.lossGrad(o, 0, yb[s], e, 0);
    head.curvature(o, 0, curv, s * k);
    for (let i = 0; i < D; i++) {
      let t = 0;
      for (let c = 0; c < k; c++) t += Y[ys + i * k + c] * e[c];
      rowDots[s * D + i] = t + l2 * uTheta[i];
      head.hess(curv, s * k, Y, ys + i * k, Y, ys + i * k);
    }
  }
  // U ← c·U − (η/|S|)·Xᵀ·W: features of the batch get the product (summed from zero over the
  // batch rows in order), the others the shrink alone.
  const coef = shrink(eta, b, l2, b), alpha = eta / b;
  const C = byColumn(E, b);
  if (++sc.gen === 0x7fffffff) { sc.stamp.fill(0); sc.gen = 1; }
  for (let f = 0; f < C.count; f++) {
    const a = C.feat[f], ua = a * w;
    sc.stamp[a] = sc.gen;
    hu.fill(0, 0, w);
    for (let r = C.ptr[f]; r < C.ptr[f + 1]; r++) {
      const v = C.val[r], yr = C.row[r] * w;
      let j = 0;
      for (; j + 3 < w; j += 4) {
        hu[j] += v * Y[yr + j]; hu[j + 1] += v * Y[yr + j + 1];
        hu[j + 2] += v * Y[yr + j + 2]; hu[j + 3] += v * Y[yr + j + 3];
      }
      for (; j < w; j++) hu[j] += v * Y[yr + j];
    }
    for (let j = 0; j < w; j++) U[ua + j] = coef * U[ua + j] + -alpha * hu[j];
  }
  for (let a = 0; a < d; a++) {
    if (sc.stamp[a] === sc.gen) continue;
    const ua = a * w;
    // g = 0 here: c·u − (η/|S|)·0 is c·u exactly.
    for (let j = 0; j < w; j++) U[ua + j] = coef * U[ua + j];
  }
}
