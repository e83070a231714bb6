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
 * shrink alone. Dense batches (every row storing the same features) take register-blocked
 * kernels, four rows or four features at a time, so each load serves four multiply-adds
 * per operand; the loss gradient overwrites the outputs in place and skips the exp of the
 * largest output (exp(0) = 1). None of this changes the order of any sum.
 */
import type { FeatureMatrix } from '../data/types';
import { checkCancel, type Hooks } from '../train/trainer';
import { shrink } from '../train/trajectory';
import { type byColumn, gatherRows, type RowEntries, uniformRows } from './glmState';
import { removalIndex } from './loo';
import type { InfluenceContext } from './types';

/** Columns per panel row (models × K). */
const PANEL_COLS = 64;
/** Steps run per panel while it is in cache. */
const GROUP = 32;

interface ReplayStep {
  b: number;
  rows: RowEntries;
  /** Every batch row stores the same features in increasing order (dense data): blocked kernels. */
  uniform: boolean;
  /** The entries by feature (null for a uniform batch, which the row entries describe). */
  cols: ReturnType<typeof byColumn> | null;
  yb: Float64Array;
  alpha: number;
  /** L2 shrink factor of a model that keeps every batch row. */
  coefAll: number;
  /** (model, batch position) pairs removed at this step, ordered by model. */
  exModel: Int32Array;
  exPos: Int32Array;
  /** Shrink factor of the model of each pair (the same for every pair of one model). */
  exCoef: Float64Array;
  /** Pairs of panel P: exStart[P] … exStart[P + 1]. */
  exStart: Int32Array;
  /** Features absent from the batch (they get the shrink alone). */
  untouched: Int32Array;
}

/** Features stored by every batch row in the same strictly increasing order. */
function uniformBatch(E: RowEntries, b: number): boolean {
  if (!uniformRows(E, b)) return false;
  for (let q = E.ptr[0] + 1; q < E.ptr[1]; q++) if (E.idx[q] <= E.idx[q - 1]) return false;
  return true;
}

/**
 * Softmax loss gradient in place, for every model of every batch row: o ← softmax(o) − e_y,
 * the operations of the head's `lossGrad` in the same order (the exp of the largest output
 * is exp(0) = 1 exactly, so it is not computed; the unused loss is not computed either).
 */
function softmaxGrads(O: Float64Array, b: number, pw: number, k: number, yb: Float64Array): void {
  if (k === 2) {
    for (let i = 0; i < b; i++) {
      const yi = yb[i];
      for (let o = i * pw, end = o + pw; o < end; o += 2) {
        const o0 = O[o], o1 = O[o + 1];
        let mx = -Infinity;
        if (o0 > mx) mx = o0;
        if (o1 > mx) mx = o1;
        const z0 = o0 - mx, z1 = o1 - mx;
        const v0 = z0 === 0 ? 1 : Math.exp(z0), v1 = z1 === 0 ? 1 : Math.exp(z1);
        const s = v0 + v1;
        O[o] = v0 / s;
        O[o + 1] = v1 / s;
        O[o + yi] -= 1;
      }
    }
    return;
  }
  for (let i = 0; i < b; i++) {
    const yi = yb[i];
    for (let o = i * pw, end = o + pw; o < end; o += k) {
      let mx = -Infinity;
      for (let c = 0; c < k; c++) if (O[o + c] > mx) mx = O[o + c];
      let s = 0;
      for (let c = 0; c < k; c++) {
        const z = O[o + c] - mx;
        const v = z === 0 ? 1 : Math.exp(z);
        O[o + c] = v;
        s += v;
      }
      for (let c = 0; c < k; c++) O[o + c] /= s;
      O[o + yi] -= 1;
    }
  }
}

/**
 * θ ← c·θ − α·g for the batch's features of a uniform batch, g = Σ_i x_ia·E_i summed from
 * zero over the batch rows in order: four features × four columns per pass, so that each
 * load of E serves four features and each load of x four columns.
 */
function updateUniform(b: number, nnz: number, idx: Int32Array, val: Float64Array, E: Float64Array, S: Float64Array, base: number, pw: number, coef: Float64Array, alpha: number): void {
  let q = 0;
  for (; q + 3 < nnz; q += 4) {
    const d0 = base + idx[q] * pw, d1 = base + idx[q + 1] * pw, d2 = base + idx[q + 2] * pw, d3 = base + idx[q + 3] * pw;
    let c = 0;
    for (; c + 3 < pw; c += 4) {
      let g00 = 0, g01 = 0, g02 = 0, g03 = 0, g10 = 0, g11 = 0, g12 = 0, g13 = 0;
      let g20 = 0, g21 = 0, g22 = 0, g23 = 0, g30 = 0, g31 = 0, g32 = 0, g33 = 0;
      for (let i = 0, r = q, e = c; i < b; i++, r += nnz, e += pw) {
        const e0 = E[e], e1 = E[e + 1], e2 = E[e + 2], e3 = E[e + 3];
        const v0 = val[r], v1 = val[r + 1], v2 = val[r + 2], v3 = val[r + 3];
        g00 += v0 * e0; g01 += v0 * e1; g02 += v0 * e2; g03 += v0 * e3;
        g10 += v1 * e0; g11 += v1 * e1; g12 += v1 * e2; g13 += v1 * e3;
        g20 += v2 * e0; g21 += v2 * e1; g22 += v2 * e2; g23 += v2 * e3;
        g30 += v3 * e0; g31 += v3 * e1; g32 += v3 * e2; g33 += v3 * e3;
      }
      const c0 = coef[c], c1 = coef[c + 1], c2 = coef[c + 2], c3 = coef[c + 3];
      let o = d0 + c;
      S[o] = c0 * S[o] - alpha * g00; S[o + 1] = c1 * S[o + 1] - alpha * g01; S[o + 2] = c2 * S[o + 2] - alpha * g02; S[o + 3] = c3 * S[o + 3] - alpha * g03;
      o = d1 + c;
      S[o] = c0 * S[o] - alpha * g10; S[o + 1] = c1 * S[o + 1] - alpha * g11; S[o + 2] = c2 * S[o + 2] - alpha * g12; S[o + 3] = c3 * S[o + 3] - alpha * g13;
      o = d2 + c;
      S[o] = c0 * S[o] - alpha * g20; S[o + 1] = c1 * S[o + 1] - alpha * g21; S[o + 2] = c2 * S[o + 2] - alpha * g22; S[o + 3] = c3 * S[o + 3] - alpha * g23;
      o = d3 + c;
      S[o] = c0 * S[o] - alpha * g30; S[o + 1] = c1 * S[o + 1] - alpha * g31; S[o + 2] = c2 * S[o + 2] - alpha * g32; S[o + 3] = c3 * S[o + 3] - alpha * g33;
    }
    for (; c < pw; c++) {
      let g0 = 0, g1 = 0, g2 = 0, g3 = 0;
      for (let i = 0, r = q, e = c; i < b; i++, r += nnz, e += pw) {
        const ev = E[e];
        g0 += val[r] * ev; g1 += val[r + 1] * ev; g2 += val[r + 2] * ev; g3 += val[r + 3] * ev;
      }
      const cc = coef[c];
      S[d0 + c] = cc * S[d0 + c] - alpha * g0; S[d1 + c] = cc * S[d1 + c] - alpha * g1;
      S[d2 + c] = cc * S[d2 + c] - alpha * g2; S[d3 + c] = cc * S[d3 + c] - alpha * g3;
    }
  }
  for (; q < nnz; q++) {
    const dst = base + idx[q] * pw;
    for (let c = 0; c < pw; c++) {
      let g = 0;
      for (let i = 0, r = q, e = c; i < b; i++, r += nnz, e += pw) g += val[r] * E[e];
      S[dst + c] = coef[c] * S[dst + c] - alpha * g;
    }
  }
}

/**
 * θ ← c·θ − α·g for the batch's features, feature by feature (CSC over the batch), g summed
 * from zero in row order. Eight-column blocks with special[c / 8] = 0 hold models that keep
 * every batch row: their factor is coefAll (= coef[c]), kept in a local.
 */
function updateCols(cols: ReturnType<typeof byColumn>, E: Float64Array, S: Float64Array, base: number, pw: number, coef: Float64Array, alpha: number, coefAll: number, special: Uint8Array): void {
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
      if (special[c >> 3] === 0) {
        S[o] = coefAll * S[o] - alpha * g0; S[o + 1] = coefAll * S[o + 1] - alpha * g1;
        S[o + 2] = coefAll * S[o + 2] - alpha * g2; S[o + 3] = coefAll * S[o + 3] - alpha * g3;
        S[o + 4] = coefAll * S[o + 4] - alpha * g4; S[o + 5] = coefAll * S[o + 5] - alpha * g5;
        S[o + 6] = coefAll * S[o + 6] - alpha * g6; S[o + 7] = coefAll * S[o + 7] - alpha * g7;
        continue;
      }
      S[o] = coef[c] * S[o] - alpha * g0; S[o + 1] = coef[c + 1] * S[o + 1] - alpha * g1;
      S[o + 2] = coef[c + 2] * S[o + 2] - alpha * g2; S[o + 3] = coef[c + 3] * S[o + 3] - alpha * g3;
      S[o + 4] = coef[c + 4] * S[o + 4] - alpha * g4; S[o + 5] = coef[c + 5] * S[o + 5] - alpha * g5;
      S[o + 6] = coef[c + 6] * S[o + 6] - alpha * g6; S[o + 7] = coef[c + 7] * S[o + 7] - alpha * g7;
    }
    for (; c + 3 < pw; c += 4) {
      let g0 = 0, g1 = 0, g2 = 0, g3 = 0;
      for (let r = r0; r < r1; r++) {
        const v = val[r], e = row[r] * pw + c;
        g0 += v * E[e]; g1 += v * E[e + 1]; g2 += v * E[e + 2]; g3 += v * E[e + 3];
      }
      const o = dst + c;
      S[o] = coef[c] * S[o] - alpha * g0; S[o + 1] = coef[c + 1] * S[o + 1] - alpha * g1;
      S[o + 2] = coef[c + 2] * S[o + 2] - alpha * g2; S[o + 3] = coef[c + 3] * S[o + 3] - alpha * g3;
    }
    for (; c < pw; c++) {
      let g = 0;
      for (let r = r0; r < r1; r++) g += val[r] * E[row[r] * pw + c];
      S[dst + c] = coef[c] * S[dst + c] - alpha * g;
    }
  }
}

/** Entries of the batch rows of X, as `entries(selectRows(X, batch))` gives them (dense rows skip zeros). */
function batchEntries(X: FeatureMatrix, batch: Int32Array): RowEntries {
  const b = batch.length;
  const ptr = new Int32Array(b + 1);
  if (X.kind === 'sparse') {
    for (let i = 0; i < b; i++) ptr[i + 1] = ptr[i] + X.indptr[batch[i] + 1] - X.indptr[batch[i]];
    const idx = new Int32Array(ptr[b]), val = new Float64Array(ptr[b]);
    for (let i = 0; i < b; i++) {
      const a0 = X.indptr[batch[i]], a1 = X.indptr[batch[i] + 1];
      idx.set(X.indices.subarray(a0, a1), ptr[i]);
      val.set(X.values.subarray(a0, a1), ptr[i]);
    }
    return { idx, val, ptr };
  }
  const d = X.cols, data = X.data;
  let nnz = 0;
  for (let i = 0; i < b; i++) for (let a = 0, o = batch[i] * d; a < d; a++) if (data[o + a] !== 0) nnz++;
  const idx = new Int32Array(nnz), val = new Float64Array(nnz);
  let at = 0;
  for (let i = 0; i < b; i++) {
    for (let a = 0, o = batch[i] * d; a < d; a++) {
      const v = data[o + a];
      if (v !== 0) { idx[at] = a; val[at] = v; at++; }
    }
    ptr[i + 1] = at;
  }
  return { idx, val, ptr };
}

/** Features absent from a uniform batch (every row stores the first row's features). */
function untouchedOfUniform(E: RowEntries, d: number): Int32Array {
  const present = new Uint8Array(d);
  for (let q = E.ptr[0]; q < E.ptr[1]; q++) present[E.idx[q]] = 1;
  const out: number[] = [];
  for (let a = 0; a < d; a++) if (!present[a]) out.push(a);
  return Int32Array.from(out);
}

/**
 * The batch's entries grouped by feature, as `byColumn` gives them (features increasing,
 * each feature's entries in row order), by a counting sort over the d features; and the
 * features absent from the batch. `count` is scratch of length d + 1.
 */
function batchColumns(E: RowEntries, b: number, d: number, count: Int32Array): { cols: ReturnType<typeof byColumn>; untouched: Int32Array } {
  const { idx } = E;
  const nnz = E.ptr[b];
  count.fill(0);
  for (let q = 0; q < nnz; q++) count[idx[q]]++;
  let distinct = 0;
  for (let a = 0; a < d; a++) if (count[a] !== 0) distinct++;
  const feat = new Int32Array(distinct), ptr = new Int32Array(distinct + 1), untouched = new Int32Array(d - distinct);
  // count[a] becomes the next free slot of feature a.
  for (let a = 0, f = 0, u = 0, at = 0; a < d; a++) {
    const n = count[a];
    if (n === 0) { untouched[u++] = a; continue; }
    feat[f] = a;
    count[a] = at;
    at += n;
    ptr[++f] = at;
  }
  const row = new Int32Array(nnz), val = new Float64Array(nnz);
  for (let i = 0; i < b; i++) {
    for (let q = E.ptr[i]; q < E.ptr[i + 1]; q++) {
      const at = count[idx[q]]++;
      row[at] = i;
      val[at] = E.val[q];
    }
  }
  return { cols: { feat, ptr, row, val, count: distinct }, untouched };
}

/**
 * Models per panel: at least PANEL_COLS columns, and a multiple of 8 columns when a few
 * more models make it one, so that the eight-column loops leave no tail (K = 19: 8 models,
 * 152 columns, not 3 models and 57 columns with one column left over).
 */
function panelModels(k: number): number {
  const least = Math.max(1, Math.ceil(PANEL_COLS / k));
  for (let m = least; m < least + 8; m++) if ((m * k) % 8 === 0) return m;
  return least;
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
  const softmax = head.kind === 'softmax';
  const M = removals.length, k = model.k, d = model.d, p = model.p;
  const panel = panelModels(k);
  const panels = Math.ceil(M / panel);
  const { cnt, who } = removalIndex(removals, X.rows);

  const S = new Float64Array(M * p);
  const Th = new Float64Array(M * p);
  /** Standard stack layout ↔ panel-major layout (panel j0 is a d × pw block at j0·d·K). */
  const toStack = (): void => {
    for (let j0 = 0; j0 < M; j0 += panel) {
      const base = j0 * d * k, pw = (Math.min(M, j0 + panel) - j0) * k;
      for (let a = 0; a < d; a++) Th.set(S.subarray(base + a * pw, base + a * pw + pw), a * M * k + j0 * k);
    }
  };
  const fromStack = (): void => {
    for (let j0 = 0; j0 < M; j0 += panel) {
      const base = j0 * d * k, pw = (Math.min(M, j0 + panel) - j0) * k;
      for (let a = 0; a < d; a++) S.set(Th.subarray(a * M * k + j0 * k, a * M * k + j0 * k + pw), base + a * pw);
    }
  };
  const theta0 = traj.theta(start);
  for (let a = 0; a < d; a++) for (let j = 0; j < M; j++) for (let c = 0; c < k; c++) Th[a * M * k + j * k + c] = theta0[a * k + c];
  fromStack();

  const maxB = traj.batchSize;
  /** Outputs of the panel's models on the batch rows, then (in place) their loss gradients. */
  const O = new Float64Array(maxB * panel * k);
  const coefCol = new Float64Array(panel * k);
  /** 1 for the eight-column blocks of this panel step holding a model that removes a batch row. */
  const special = new Uint8Array((panel * k + 7) >> 3);
  const removed = new Int32Array(M);
  const colCount = new Int32Array(d + 1);

  const prepare = (t: number): ReplayStep => {
    const batch = traj.batch(t);
    const b = batch.length;
    const rowsE = batchEntries(X, batch);
    const eta = traj.etas[t];
    // Removed (model, position) pairs ordered by model, and each model's shrink factor.
    let nEx = 0;
    for (let s = 0; s < b; s++) nEx += cnt[batch[s] + 1] - cnt[batch[s]];
    const exModel = new Int32Array(nEx), exPos = new Int32Array(nEx), exCoef = new Float64Array(nEx);
    const order: number[] = [];
    for (let s = 0; s < b; s++) {
      const r = batch[s];
      for (let q = cnt[r]; q < cnt[r + 1]; q++) { order.push(who[q] * maxB + s); removed[who[q]]++; }
    }
    order.sort((u, v) => u - v);
    for (let q = 0; q < nEx; q++) {
      const j = Math.floor(order[q] / maxB);
      exModel[q] = j;
      exPos[q] = order[q] - j * maxB;
      exCoef[q] = shrink(eta, b, l2, b - removed[j]);
    }
    for (let q = 0; q < nEx; q++) removed[exModel[q]] = 0;
    const exStart = new Int32Array(panels + 1);
    for (let P = 0, q = 0; P <= panels; P++) {
      while (q < nEx && exModel[q] < P * panel) q++;
      exStart[P] = q;
    }
    const uniform = uniformBatch(rowsE, b);
    // A uniform batch touches every feature it stores and is updated from its rows directly.
    const { cols, untouched } = uniform ? { cols: null, untouched: untouchedOfUniform(rowsE, d) } : batchColumns(rowsE, b, d, colCount);
    return {
      b, rows: rowsE, uniform, cols, yb: Float64Array.from(batch, (r) => y[r]), alpha: eta / b,
      coefAll: shrink(eta, b, l2, b), exModel, exPos, exCoef, exStart, untouched,
    };
  };

  const panelStep = (P: ReplayStep, j0: number): void => {
    const base = j0 * d * k, pw = (Math.min(M, j0 + panel) - j0) * k;
    const { b, rows, yb, alpha, exModel, exPos, exCoef } = P;
    const q0 = P.exStart[j0 / panel], q1 = P.exStart[j0 / panel + 1];
    // Per-column L2 shrink: c_j = 1 − (η/|S|)·λ·(rows model j keeps).
    coefCol.fill(P.coefAll, 0, pw);
    for (let q = q0; q < q1; q++) {
      const c0 = (exModel[q] - j0) * k;
      coefCol.fill(exCoef[q], c0, c0 + k);
      for (let c = c0; c < c0 + k; c++) special[c >> 3] = 1;
    }
    // Outputs of every model on every batch row, then the loss gradients e (removed rows: 0).
    gatherRows(b, rows.ptr, rows.idx, rows.val, S, base, pw, O, P.uniform);
    if (softmax) softmaxGrads(O, b, pw, k, yb);
    else for (let i = 0; i < b; i++) for (let j = 0; j < pw; j += k) head.lossGrad(O, i * pw + j, yb[i], O, i * pw + j);
    for (let q = q0; q < q1; q++) {
      const at = exPos[q] * pw + (exModel[q] - j0) * k;
      O.fill(0, at, at + k);
    }
    // θ ← c·θ − (η/|S|)·g with g summed from zero over the batch rows in order.
    if (P.uniform) updateUniform(b, rows.ptr[1], rows.idx, rows.val, O, S, base, pw, coefCol, alpha);
    else updateCols(P.cols!, O, S, base, pw, coefCol, alpha, P.coefAll, special);
    special.fill(0);
    const { untouched } = P;
    for (let u = 0; u < untouched.length; u++) {
      const dst = base + untouched[u] * pw;
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
