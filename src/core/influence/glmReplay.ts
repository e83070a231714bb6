/**
 * Exact replay of many counterfactual softmax / linear models at once, the fast path of
 * `replay` (loo.ts). The arithmetic of every model is exactly that of the recorded run's
 * step (`sgdStep`: outputs summed over a row's features in order, gradient summed over the
 * batch rows in order from zero, then c·θ − (η/|S|)·g), so a model that removes nothing
 * reproduces the run bit for bit, as the stacked path does.
 *
 * Speed comes from the layout and the loop order: the models are stored panel by panel (a
 * contiguous d × PANEL·K block each) and each panel runs through a group of steps while it
 * is in cache; only the batch's features take the sparse products, the rest get the L2
 * shrink alone.
 */
import { selectRows } from '../linalg/features';
import { checkCancel, type Hooks } from '../train/trainer';
import { shrink } from '../train/trajectory';
import { byColumn, entries, gatherRows, type RowEntries } from './glmState';
import { removalIndex } from './loo';
import type { InfluenceContext } from './types';

/** Columns per panel row (models × K). */
const PANEL_COLS = 64;
/** Steps run per panel while it is in cache. */
const GROUP = 32;

interface ReplayStep {
  b: number;
  rows: RowEntries;
  cols: ReturnType<typeof byColumn>;
  yb: Float64Array;
  alpha: number;
  eta: number;
  /** (model, batch position) pairs removed at this step. */
  exModel: Int32Array;
  exPos: Int32Array;
  /** Touched features (1) of this batch. */
  touched: Uint8Array;
}

/**
 * Replay M models from θ_start to θ_end; model k removes train positions removals[k].
 * `visit(t, Θ)` runs at every step in `events` and at t = end with Θ in the standard stack
 * layout (M models); changes it makes to Θ are kept.
 */
export function replayGlm(
  ctx: InfluenceContext, removals: Int32Array[], start: number, end: number, events: ReadonlySet<number>,
  visit: (t: number, thetas: Float64Array) => void, hooks?: Hooks, progress?: (t: number) => void,
): Float64Array {
  const { model, traj, X, y, l2 } = ctx;
  const head = model.glmHead!;
  const M = removals.length, k = model.k, d = model.d, p = model.p;
  const panel = Math.max(1, Math.round(PANEL_COLS / k));
  const { cnt, who } = removalIndex(removals, X.rows);

  const S = new Float64Array(M * p);
  const Th = new Float64Array(M * p);
  const panelOf = (j0: number): { base: number; pw: number } => ({ base: j0 * d * k, pw: (Math.min(M, j0 + panel) - j0) * k });
  /** Standard stack layout ↔ panel-major layout. */
  const toStack = (): void => {
    for (let j0 = 0; j0 < M; j0 += panel) {
      const { base, pw } = panelOf(j0);
      for (let a = 0; a < d; a++) Th.set(S.subarray(base + a * pw, base + a * pw + pw), a * M * k + j0 * k);
    }
  };
  const fromStack = (): void => {
    for (let j0 = 0; j0 < M; j0 += panel) {
      const { base, pw } = panelOf(j0);
      for (let a = 0; a < d; a++) S.set(Th.subarray(a * M * k + j0 * k, a * M * k + j0 * k + pw), base + a * pw);
    }
  };
  const theta0 = traj.theta(start);
  for (let a = 0; a < d; a++) for (let j = 0; j < M; j++) for (let c = 0; c < k; c++) Th[a * M * k + j * k + c] = theta0[a * k + c];
  fromStack();

  const maxB = traj.batchSize;
  const O = new Float64Array(maxB * panel * k);
  const E = new Float64Array(maxB * panel * k);
  const coefCol = new Float64Array(panel * k);
  const removed = new Int32Array(M);

  const prepare = (t: number): ReplayStep => {
    const batch = traj.batch(t);
    const b = batch.length;
    const rowsE = entries(selectRows(X, batch));
    const exModel: number[] = [], exPos: number[] = [];
    for (let s = 0; s < b; s++) {
      const r = batch[s];
      for (let q = cnt[r]; q < cnt[r + 1]; q++) { exModel.push(who[q]); exPos.push(s); }
    }
    const cols = byColumn(rowsE, b);
    const touched = new Uint8Array(d);
    for (let f = 0; f < cols.count; f++) touched[cols.feat[f]] = 1;
    const eta = traj.etas[t];
    return { b, rows: rowsE, cols, yb: Float64Array.from(batch, (r) => y[r]), alpha: eta / b, eta, exModel: Int32Array.from(exModel), exPos: Int32Array.from(exPos), touched };
  };

  const panelStep = (P: ReplayStep, j0: number): void => {
    const { base, pw } = panelOf(j0);
    const j1 = j0 + pw / k;
    const { b, rows, cols, yb, alpha, eta, exModel, exPos, touched } = P;
    // Per-column L2 shrink: c_j = 1 − (η/|S|)·λ·(rows model j keeps).
    for (let q = 0; q < exModel.length; q++) if (exModel[q] >= j0 && exModel[q] < j1) removed[exModel[q]]++;
    for (let j = j0; j < j1; j++) {
      const c = shrink(eta, b, l2, b - removed[j]);
      for (let cc = 0; cc < k; cc++) coefCol[(j - j0) * k + cc] = c;
    }
    for (let q = 0; q < exModel.length; q++) if (exModel[q] >= j0 && exModel[q] < j1) removed[exModel[q]] = 0;
    // Outputs of every model on every batch row, then the loss gradients e (removed rows: 0).
    gatherRows(b, rows.ptr, rows.idx, rows.val, S, base, pw, O);
    for (let i = 0; i < b; i++) for (let j = 0; j < pw; j += k) head.lossGrad(O, i * pw + j, yb[i], E, i * pw + j);
    for (let q = 0; q < exModel.length; q++) {
      const j = exModel[q];
      if (j >= j0 && j < j1) E.fill(0, exPos[q] * pw + (j - j0) * k, exPos[q] * pw + (j - j0 + 1) * k);
    }
    // θ ← c·θ − (η/|S|)·g with g summed from zero over the batch rows in order.
    const { feat, ptr, row, val } = cols;
    for (let f = 0; f < cols.count; f++) {
      const dst = base + feat[f] * pw, r0 = ptr[f], r1 = ptr[f + 1];
      let c = 0;
      for (; c + 7 < pw; c += 8) {
        let g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0, g6 = 0, g7 = 0;
        for (let r = r0; r < r1; r++) {
          const v = val[r], e = row[r] * pw + c;
          g0 += v * E[e]; g1 += v * E[e + 1]; g2 += v * E[e + 2]; g3 += v * E[e + 3];
          g4 += v * E[e + 4]; g5 += v * E[e + 5]; g6 += v * E[e + 6]; g7 += v * E[e + 7];
        }
        const o = dst + c;
        S[o] = coefCol[c] * S[o] - alpha * g0; S[o + 1] = coefCol[c + 1] * S[o + 1] - alpha * g1;
        S[o + 2] = coefCol[c + 2] * S[o + 2] - alpha * g2; S[o + 3] = coefCol[c + 3] * S[o + 3] - alpha * g3;
        S[o + 4] = coefCol[c + 4] * S[o + 4] - alpha * g4; S[o + 5] = coefCol[c + 5] * S[o + 5] - alpha * g5;
        S[o + 6] = coefCol[c + 6] * S[o + 6] - alpha * g6; S[o + 7] = coefCol[c + 7] * S[o + 7] - alpha * g7;
      }
      for (; c < pw; c++) {
        let g = 0;
        for (let r = r0; r < r1; r++) g += val[r] * E[row[r] * pw + c];
        S[dst + c] = coefCol[c] * S[dst + c] - alpha * g;
      }
    }
    for (let a = 0; a < d; a++) {
      if (touched[a]) continue;
      const dst = base + a * pw;
      // g = 0 here: c·θ − (η/|S|)·0 is c·θ exactly.
      for (let c = 0; c < pw; c++) S[dst + c] = coefCol[c] * S[dst + c];
    }
  };

  const sorted = [...events].filter((e) => e > start && e < end).sort((a, b) => a - b);
  let t = start;
  for (;;) {
    if (t === end || events.has(t)) { toStack(); visit(t, Th); fromStack(); }
    if (t === end) break;
    checkCancel(hooks);
    const stop = Math.min(end, t + GROUP, ...sorted.filter((e) => e > t).slice(0, 1));
    const steps: ReplayStep[] = [];
    for (let s = t; s < stop; s++) steps.push(prepare(s));
    for (let j0 = 0; j0 < M; j0 += panel) {
      checkCancel(hooks);
      for (const P of steps) panelStep(P, j0);
    }
    for (let s = t; s < stop; s++) progress?.(s);
    t = stop;
  }
  toStack();
  return Th;
}
