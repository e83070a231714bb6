/**
 * Forward-mode state for generalised linear models (softmax and linear regression), the
 * fast path of `runForward`. For W ∈ R^{d×K} the batch Hessian applied to δ_j factors
 * through the batch rows: H_S δ_j = Σ_i x_i ⊗ A_i (δ_jᵀ x_i), so one step costs
 * 4·nnz(X_S)·K multiply-adds per tracked row and never touches features absent from the
 * batch (sparse text stays sparse).
 *
 * Three things make it fast:
 *  - Softmax curvature A = diag(p) − ppᵀ annihilates the all-ones vector and returns vectors
 *    summing to zero, so per feature only the zero-sum part z of δ (K − 1 numbers: the last
 *    class is minus the sum of the others) meets the Hessian; the per-feature mean m of δ
 *    changes only by the λθ forcing and shrinkage. Binary classification does half the work.
 *  - Lazy L2 shrinkage: δ_j = σ_j · D̃_j with one scale per tracked row. The uniform factor
 *    (1 − ηλ) of every step is folded into σ_j instead of a pass over all d·K entries, and
 *    the Hessian term enters D̃_j with weight (η/|S|)/c_j. Forcing terms are divided by σ_j.
 *  - Fusion in panels of rows: D̃ is stored panel by panel (PANEL tracked rows, a contiguous
 *    d × PANEL·K block each); per panel, U = X_S·D̃_panel (b × PANEL·K), the head's
 *    curvature, then D̃_panel −= X_Sᵀ·W, while the panel is in cache.
 *
 * Each tracked row's numbers depend only on its own recursion, so chunking, panel width and
 * the split of rows across threads never change a result (bit for bit).
 */
import type { FeatureMatrix } from '../data/types';
import { toSparse } from '../linalg/features';
import type { Head } from '../model/head';
import type { Model } from '../model/types';
import type { ForwardState, StepInput } from './forwardState';

/** Columns per panel row (tracked rows × reduced outputs), a multiple of the unroll width 8. */
const PANEL_COLS = 64;
/** Fold σ_j into D̃_j when it gets this small (after ~10⁵ steps of strong L2). */
const RESCALE_BELOW = 1e-150;

/** Columns (index, value) of row i of X as parallel arrays, dense rows skipping zeros. */
export interface RowEntries { idx: Int32Array; val: Float64Array; ptr: Int32Array }

export function entries(X: FeatureMatrix): RowEntries {
  const C = toSparse(X);
  return { idx: C.indices, val: C.values, ptr: C.indptr };
}

/** True when every row stores the same features in the same order (dense data without zeros). */
export function uniformRows(E: RowEntries, b: number): boolean {
  if (b === 0) return false;
  const nnz = E.ptr[1] - E.ptr[0];
  for (let i = 1; i < b; i++) {
    if (E.ptr[i + 1] - E.ptr[i] !== nnz) return false;
    const o = E.ptr[i];
    for (let q = 0; q < nnz; q++) if (E.idx[o + q] !== E.idx[q]) return false;
  }
  return true;
}

/** idx[from … to) strictly increasing. */
function increasing(idx: Int32Array, from: number, to: number): boolean {
  for (let q = from + 1; q < to; q++) if (idx[q] <= idx[q - 1]) return false;
  return true;
}

/** One step's batch data, computed once and used by every panel. */
interface Prepared {
  inp: StepInput;
  b: number;
  rows: RowEntries;
  /** All rows store the same features (see `uniformRows`). */
  uniform: boolean;
  /** … and no feature twice (then the update may take four features at a time). */
  distinctUniform: boolean;
  /** The entries by feature, for the update (null when `distinctUniform`: it reads the rows). */
  cols: ColEntries | null;
  /** Curvature state and loss gradient (forcing rows only) of each batch row at θ_t: b × K. */
  curv: Float64Array;
  grad: Float64Array;
  fPos: Int32Array;
  fSlot: Int32Array;
  theta: Float64Array;
}

/** The batch's entries grouped by feature (CSC over the distinct features present). */
interface ColEntries { feat: Int32Array; ptr: Int32Array; row: Int32Array; val: Float64Array; count: number }

/** Scratch of `byColumn`, grown to the largest feature index seen (one per thread). */
let stamp = new Int32Array(0);
let slot = new Int32Array(0);
let generation = 0;

export function byColumn(E: RowEntries, b: number): ColEntries {
  const nnz = E.ptr[b];
  const { idx } = E;
  let maxIdx = -1;
  for (let q = 0; q < nnz; q++) if (idx[q] > maxIdx) maxIdx = idx[q];
  if (maxIdx >= stamp.length) {
    stamp = new Int32Array(Math.max(maxIdx + 1, 2 * stamp.length));
    slot = new Int32Array(stamp.length);
    generation = 0;
  }
  if (++generation === 0x7fffffff) { stamp.fill(0); generation = 1; }
  // Counting sort by feature over the distinct features present; entries keep row order.
  const distinct: number[] = [];
  for (let q = 0; q < nnz; q++) {
    const a = idx[q];
    if (stamp[a] !== generation) { stamp[a] = generation; slot[a] = 0; distinct.push(a); }
    slot[a]++;
  }
  const feat = Int32Array.from(distinct).sort();
  const ptr = new Int32Array(feat.length + 1);
  for (let f = 0; f < feat.length; f++) { ptr[f + 1] = ptr[f] + slot[feat[f]]; slot[feat[f]] = ptr[f]; }
  const row = new Int32Array(nnz), val = new Float64Array(nnz);
  for (let i = 0; i < b; i++) {
    for (let q = E.ptr[i]; q < E.ptr[i + 1]; q++) {
      const at = slot[idx[q]]++;
      row[at] = i;
      val[at] = E.val[q];
    }
  }
  return { feat, ptr, row, val, count: feat.length };
}

/**
 * U (b × pw) = rows of X_S times the panel (d × pw at `base`), eight output columns at a
 * time held in locals so that each stored entry costs one load per multiply-add.
 */
export function gatherRows(b: number, ptr: Int32Array, idx: Int32Array, val: Float64Array, S: Float64Array, base: number, pw: number, U: Float64Array, uniform = false): void {
  // Rows with the same stored features (dense data): four rows at a time share every load of S.
  const nnz = b > 0 ? ptr[1] - ptr[0] : 0;
  let i = 0;
  if (uniform) {
    for (; i + 3 < b; i += 4) {
      const r0 = i * nnz, r1 = r0 + nnz, r2 = r1 + nnz, r3 = r2 + nnz;
      let c = 0;
      for (; c + 3 < pw; c += 4) {
        let a00 = 0, a01 = 0, a02 = 0, a03 = 0, a10 = 0, a11 = 0, a12 = 0, a13 = 0;
        let a20 = 0, a21 = 0, a22 = 0, a23 = 0, a30 = 0, a31 = 0, a32 = 0, a33 = 0;
        for (let q = 0; q < nnz; q++) {
          const t = base + idx[q] * pw + c;
          const s0 = S[t], s1 = S[t + 1], s2 = S[t + 2], s3 = S[t + 3];
          const v0 = val[r0 + q], v1 = val[r1 + q], v2 = val[r2 + q], v3 = val[r3 + q];
          a00 += v0 * s0; a01 += v0 * s1; a02 += v0 * s2; a03 += v0 * s3;
          a10 += v1 * s0; a11 += v1 * s1; a12 += v1 * s2; a13 += v1 * s3;
          a20 += v2 * s0; a21 += v2 * s1; a22 += v2 * s2; a23 += v2 * s3;
          a30 += v3 * s0; a31 += v3 * s1; a32 += v3 * s2; a33 += v3 * s3;
        }
        let u = i * pw + c;
        U[u] = a00; U[u + 1] = a01; U[u + 2] = a02; U[u + 3] = a03; u += pw;
        U[u] = a10; U[u + 1] = a11; U[u + 2] = a12; U[u + 3] = a13; u += pw;
        U[u] = a20; U[u + 1] = a21; U[u + 2] = a22; U[u + 3] = a23; u += pw;
        U[u] = a30; U[u + 1] = a31; U[u + 2] = a32; U[u + 3] = a33;
      }
      for (; c < pw; c++) {
        for (let r = 0; r < 4; r++) {
          let u = 0;
          for (let q = 0; q < nnz; q++) u += val[(i + r) * nnz + q] * S[base + idx[q] * pw + c];
          U[(i + r) * pw + c] = u;
        }
      }
    }
  }
  for (; i < b; i++) {
    const ui = i * pw, q0 = ptr[i], q1 = ptr[i + 1];
    let c = 0;
    for (; c + 7 < pw; c += 8) {
      let u0 = 0, u1 = 0, u2 = 0, u3 = 0, u4 = 0, u5 = 0, u6 = 0, u7 = 0;
      for (let q = q0; q < q1; q++) {
        const v = val[q], s = base + idx[q] * pw + c;
        u0 += v * S[s]; u1 += v * S[s + 1]; u2 += v * S[s + 2]; u3 += v * S[s + 3];
        u4 += v * S[s + 4]; u5 += v * S[s + 5]; u6 += v * S[s + 6]; u7 += v * S[s + 7];
      }
      U[ui + c] = u0; U[ui + c + 1] = u1; U[ui + c + 2] = u2; U[ui + c + 3] = u3;
      U[ui + c + 4] = u4; U[ui + c + 5] = u5; U[ui + c + 6] = u6; U[ui + c + 7] = u7;
    }
    // Then four columns (K = 19 gives 57 columns a panel: one column left, not nine).
    for (; c + 3 < pw; c += 4) {
      let u0 = 0, u1 = 0, u2 = 0, u3 = 0;
      for (let q = q0; q < q1; q++) {
        const v = val[q], s = base + idx[q] * pw + c;
        u0 += v * S[s]; u1 += v * S[s + 1]; u2 += v * S[s + 2]; u3 += v * S[s + 3];
      }
      U[ui + c] = u0; U[ui + c + 1] = u1; U[ui + c + 2] = u2; U[ui + c + 3] = u3;
    }
    for (; c < pw; c++) {
      let u = 0;
      for (let q = q0; q < q1; q++) u += val[q] * S[base + idx[q] * pw + c];
      U[ui + c] = u;
    }
  }
}

/** Panel rows of the batch's features −= Σ_i x_ia · W_i, eight columns at a time in locals. */
export function scatterCols(C: ColEntries, S: Float64Array, base: number, pw: number, U: Float64Array): void {
  const { feat, ptr, row, val } = C;
  for (let f = 0; f < C.count; f++) {
    const dst = base + feat[f] * pw, r0 = ptr[f], r1 = ptr[f + 1];
    let c = 0;
    for (; c + 7 < pw; c += 8) {
      let s0 = S[dst + c], s1 = S[dst + c + 1], s2 = S[dst + c + 2], s3 = S[dst + c + 3];
      let s4 = S[dst + c + 4], s5 = S[dst + c + 5], s6 = S[dst + c + 6], s7 = S[dst + c + 7];
      for (let r = r0; r < r1; r++) {
        const v = val[r], u = row[r] * pw + c;
        s0 -= v * U[u]; s1 -= v * U[u + 1]; s2 -= v * U[u + 2]; s3 -= v * U[u + 3];
        s4 -= v * U[u + 4]; s5 -= v * U[u + 5]; s6 -= v * U[u + 6]; s7 -= v * U[u + 7];
      }
      S[dst + c] = s0; S[dst + c + 1] = s1; S[dst + c + 2] = s2; S[dst + c + 3] = s3;
      S[dst + c + 4] = s4; S[dst + c + 5] = s5; S[dst + c + 6] = s6; S[dst + c + 7] = s7;
    }
    for (; c < pw; c++) {
      let sv = S[dst + c];
      for (let r = r0; r < r1; r++) sv -= val[r] * U[row[r] * pw + c];
      S[dst + c] = sv;
    }
  }
}

/**
 * `scatterCols` for a uniform batch (every row stores the features idx[0 … nnz) in the same
 * order): four features × four columns per pass, each starting from the stored entry and
 * subtracting the rows' terms in row order, as `scatterCols` does, so the same numbers.
 */
export function scatterUniform(b: number, nnz: number, idx: Int32Array, val: Float64Array, S: Float64Array, base: number, pw: number, U: Float64Array): void {
  let q = 0;
  for (; q + 3 < nnz; q += 4) {
    const d0 = base + idx[q] * pw, d1 = base + idx[q + 1] * pw, d2 = base + idx[q + 2] * pw, d3 = base + idx[q + 3] * pw;
    let c = 0;
    for (; c + 3 < pw; c += 4) {
      let s00 = S[d0 + c], s01 = S[d0 + c + 1], s02 = S[d0 + c + 2], s03 = S[d0 + c + 3];
      let s10 = S[d1 + c], s11 = S[d1 + c + 1], s12 = S[d1 + c + 2], s13 = S[d1 + c + 3];
      let s20 = S[d2 + c], s21 = S[d2 + c + 1], s22 = S[d2 + c + 2], s23 = S[d2 + c + 3];
      let s30 = S[d3 + c], s31 = S[d3 + c + 1], s32 = S[d3 + c + 2], s33 = S[d3 + c + 3];
      for (let i = 0, r = q, u = c; i < b; i++, r += nnz, u += pw) {
        const u0 = U[u], u1 = U[u + 1], u2 = U[u + 2], u3 = U[u + 3];
        const v0 = val[r], v1 = val[r + 1], v2 = val[r + 2], v3 = val[r + 3];
        s00 -= v0 * u0; s01 -= v0 * u1; s02 -= v0 * u2; s03 -= v0 * u3;
        s10 -= v1 * u0; s11 -= v1 * u1; s12 -= v1 * u2; s13 -= v1 * u3;
        s20 -= v2 * u0; s21 -= v2 * u1; s22 -= v2 * u2; s23 -= v2 * u3;
        s30 -= v3 * u0; s31 -= v3 * u1; s32 -= v3 * u2; s33 -= v3 * u3;
      }
      S[d0 + c] = s00; S[d0 + c + 1] = s01; S[d0 + c + 2] = s02; S[d0 + c + 3] = s03;
      S[d1 + c] = s10; S[d1 + c + 1] = s11; S[d1 + c + 2] = s12; S[d1 + c + 3] = s13;
      S[d2 + c] = s20; S[d2 + c + 1] = s21; S[d2 + c + 2] = s22; S[d2 + c + 3] = s23;
      S[d3 + c] = s30; S[d3 + c + 1] = s31; S[d3 + c + 2] = s32; S[d3 + c + 3] = s33;
    }
    for (; c < pw; c++) {
      let s0 = S[d0 + c], s1 = S[d1 + c], s2 = S[d2 + c], s3 = S[d3 + c];
      for (let i = 0, r = q, u = c; i < b; i++, r += nnz, u += pw) {
        const uv = U[u];
        s0 -= val[r] * uv; s1 -= val[r + 1] * uv; s2 -= val[r + 2] * uv; s3 -= val[r + 3] * uv;
      }
      S[d0 + c] = s0; S[d1 + c] = s1; S[d2 + c] = s2; S[d3 + c] = s3;
    }
  }
  for (; q < nnz; q++) {
    const dst = base + idx[q] * pw;
    for (let c = 0; c < pw; c++) {
      let sv = S[dst + c];
      for (let i = 0, r = q, u = c; i < b; i++, r += nnz, u += pw) sv -= val[r] * U[u];
      S[dst + c] = sv;
    }
  }
}

export class GlmForwardState implements ForwardState {
  private readonly k: number;
  /** Stored outputs per feature: K − 1 for softmax (zero-sum part), K = 1 for regression. */
  private readonly kk: number;
  private readonly d: number;
  private readonly panel: number;
  /** D̃ (zero-sum part z), panel-major: panel P (slots P·panel …) is a d × width(P) block. */
  private readonly S: Float64Array;
  /** Per-feature mean part m of D̃ (softmax only), slot-major: M × d. */
  private readonly mean: Float64Array | null;
  private readonly sigma: Float64Array;
  /** 1 once the slot has been forced since its last restart; a zero state keeps σ = 1. */
  private readonly live: Uint8Array;
  private readonly gamma: Float64Array;
  private readonly coef: Float64Array;
  private readonly U: Float64Array;
  private readonly u: Float64Array;
  private readonly hu: Float64Array;
  /** Softmax with two classes: the curvature takes `binaryCurvature`. */
  private readonly binary: boolean;

  constructor(model: Model, private readonly head: Head, readonly M: number, maxBatch: number) {
    this.k = model.k;
    this.kk = head.kind === 'softmax' ? Math.max(1, this.k - 1) : this.k;
    this.d = model.d;
    this.panel = Math.max(1, Math.round(PANEL_COLS / this.kk));
    this.S = new Float64Array(this.d * M * this.kk);
    this.mean = head.kind === 'softmax' ? new Float64Array(M * this.d) : null;
    this.sigma = new Float64Array(M).fill(1);
    this.live = new Uint8Array(M);
    this.gamma = new Float64Array(M);
    this.coef = new Float64Array(M);
    this.U = new Float64Array(maxBatch * this.panel * this.kk);
    this.u = new Float64Array(this.k);
    this.hu = new Float64Array(this.k);
    this.binary = head.kind === 'softmax' && this.k === 2;
  }

  /** Index of entry (feature a, slot j, reduced output 0) in D̃. */
  private at(a: number, j: number): number {
    const { panel, kk } = this;
    const j0 = Math.floor(j / panel) * panel;
    const width = (Math.min(this.M, j0 + panel) - j0) * kk;
    return j0 * this.d * kk + a * width + (j - j0) * kk;
  }

  zero(from: number, to: number): void {
    const { S, kk, d } = this;
    for (let j = from; j < to; j++) for (let a = 0; a < d; a++) S.fill(0, this.at(a, j), this.at(a, j) + kk);
    this.mean?.fill(0, from * d, to * d);
    this.sigma.fill(1, from, to);
    this.live.fill(0, from, to);
  }

  /**
   * ⟨q, δ⟩ per feature from the reduced state: Σ_{c<K−1} (q_c − q_{K−1})·z_c + (Σ_c q_c)·m
   * for softmax, Σ_c q_c·δ_c otherwise.
   */
  private reduceQuery(q: Float64Array, qOffset: number): { qz: Float64Array; qm: Float64Array | null } {
    const { d, k, kk } = this;
    const qz = new Float64Array(d * kk);
    const qm = this.mean ? new Float64Array(d) : null;
    for (let a = 0; a < d; a++) {
      const qa = qOffset + a * k;
      if (!qm) { for (let c = 0; c < kk; c++) qz[a * kk + c] = q[qa + c]; continue; }
      const last = q[qa + k - 1];
      let sum = last;
      for (let c = 0; c < kk; c++) { qz[a * kk + c] = q[qa + c] - last; sum += q[qa + c]; }
      qm[a] = sum;
    }
    return { qz, qm };
  }

  dotAll(q: Float64Array, qOffset: number, out: Float64Array): void {
    const { S, kk, d, M, sigma, panel, mean } = this;
    const { qz, qm } = this.reduceQuery(q, qOffset);
    out.fill(0, 0, M);
    for (let j0 = 0; j0 < M; j0 += panel) {
      const j1 = Math.min(M, j0 + panel), width = (j1 - j0) * kk, base = j0 * d * kk;
      for (let a = 0; a < d; a++) {
        const row = base + a * width, qa = a * kk;
        for (let j = j0; j < j1; j++) {
          let s = 0;
          for (let c = 0; c < kk; c++) s += S[row + (j - j0) * kk + c] * qz[qa + c];
          out[j] += s;
        }
      }
    }
    if (mean && qm) {
      for (let j = 0; j < M; j++) {
        let s = 0;
        for (let a = 0; a < d; a++) s += mean[j * d + a] * qm[a];
        out[j] += s;
      }
    }
    for (let j = 0; j < M; j++) out[j] *= sigma[j];
  }

  get(j: number, out: Float64Array): Float64Array {
    const { S, k, kk, d, mean } = this;
    const s = this.sigma[j];
    for (let a = 0; a < d; a++) {
      const at = this.at(a, j);
      if (!mean) { for (let c = 0; c < k; c++) out[a * k + c] = s * S[at + c]; continue; }
      const m = mean[j * d + a];
      let sum = 0;
      for (let c = 0; c < kk; c++) { out[a * k + c] = s * (S[at + c] + m); sum += S[at + c]; }
      out[a * k + k - 1] = s * (m - sum);
    }
    return out;
  }

  selfDots(theta: Float64Array, Xr: FeatureMatrix, yr: Float64Array, out: Float64Array): void {
    const { S, k, kk, head } = this;
    const E = entries(Xr);
    const o = new Float64Array(k), e = new Float64Array(k);
    for (let j = 0; j < Xr.rows; j++) {
      o.fill(0);
      for (let q = E.ptr[j]; q < E.ptr[j + 1]; q++) for (let c = 0; c < k; c++) o[c] += E.val[q] * theta[E.idx[q] * k + c];
      head.lossGrad(o, 0, yr[j], e, 0);
      // ∇ℓ^data = x ⊗ e with Σ_c e_c = 0 for softmax: only the zero-sum part of δ contributes.
      const last = this.mean ? e[k - 1] : 0;
      let s = 0;
      for (let q = E.ptr[j]; q < E.ptr[j + 1]; q++) {
        const base = this.at(E.idx[q], j);
        let t = 0;
        for (let c = 0; c < kk; c++) t += (e[c] - last) * S[base + c];
        s += E.val[q] * t;
      }
      out[j] = this.sigma[j] * s;
    }
  }

  /** Batch quantities of one step shared by every panel: entries, curvature, forcing gradients. */
  private prepare(inp: StepInput): Prepared {
    const { k, head } = this;
    const { theta, Xb, yb } = inp;
    const b = Xb.rows;
    const rowsE = entries(Xb);
    const { idx, val, ptr } = rowsE;
    const o = new Float64Array(b * k), curv = new Float64Array(b * k), grad = new Float64Array(b * k);
    for (let i = 0; i < b; i++) {
      for (let q = ptr[i]; q < ptr[i + 1]; q++) {
        const v = val[q], base = idx[q] * k;
        for (let c = 0; c < k; c++) o[i * k + c] += v * theta[base + c];
      }
      head.curvature(o, i * k, curv, i * k);
    }
    const uniform = uniformRows(rowsE, b);
    const distinctUniform = uniform && increasing(idx, ptr[0], ptr[1]);
    const f = inp.forcing;
    for (let q = 0; q < f.count; q++) head.lossGrad(o, f.pos[q] * k, yb[f.pos[q]], grad, f.pos[q] * k);
    return {
      inp, b, rows: rowsE, uniform, distinctUniform, cols: distinctUniform ? null : byColumn(rowsE, b), curv, grad,
      fPos: f.pos.slice(0, f.count), fSlot: f.slot.slice(0, f.count),
      theta: inp.l2 !== 0 && f.count > 0 ? theta.slice() : theta,
    };
  }

  /**
   * Advance every slot through the given consecutive steps: panel by panel, each panel
   * through all steps while it is in cache. `check` runs between panels (cancellation).
   */
  advance(steps: StepInput[], check?: () => void): void {
    const prepared = steps.map((s) => this.prepare(s));
    for (let j0 = 0; j0 < this.M; j0 += this.panel) {
      check?.();
      const j1 = Math.min(this.M, j0 + this.panel);
      for (const P of prepared) this.panelStep(P, j0, j1);
    }
  }

  /**
   * `applyCurvature` for binary softmax (one stored output z per slot, u = (z, −z)) over every
   * batch row, with the head's hess written out: the same operations in the same order.
   */
  private binaryCurvature(curv: Float64Array, b: number, U: Float64Array, pw: number, j0: number, j1: number): void {
    const { gamma } = this;
    for (let i = 0; i < b; i++) {
      const p0 = curv[2 * i], p1 = curv[2 * i + 1];
      for (let j = j0, at = i * pw; j < j1; j++, at++) {
        const u0 = U[at];
        let sum = 0;
        sum += u0;
        const u1 = -sum;
        let pu = 0;
        pu += p0 * u0;
        pu += p1 * u1;
        const h0 = p0 * (u0 - pu);
        U[at] = gamma[j] * h0;
      }
    }
  }

  /** W = γ_j · Â_i u_ij in place for batch row i and slots [j0, j1), Â the (reduced) curvature. */
  private applyCurvature(curv: Float64Array, i: number, U: Float64Array, ui: number, j0: number, j1: number): void {
    const { k, kk, head, gamma, u, hu } = this;
    const reduced = this.mean !== null;
    for (let j = j0; j < j1; j++) {
      const at = ui + (j - j0) * kk, g = gamma[j];
      if (!reduced) {
        head.hess(curv, i * k, U, at, U, at);
        for (let c = 0; c < kk; c++) U[at + c] *= g;
        continue;
      }
      let sum = 0;
      for (let c = 0; c < kk; c++) { u[c] = U[at + c]; sum += u[c]; }
      u[k - 1] = -sum;
      head.hess(curv, i * k, u, 0, hu, 0);
      for (let c = 0; c < kk; c++) U[at + c] = g * hu[c];
    }
  }

  /** One step of the recursion for slots [j0, j1) (one panel). */
  private panelStep(P: Prepared, j0: number, j1: number): void {
    const { S, k, kk, d, sigma, gamma, coef, live, U, mean } = this;
    const { alpha, shrinkAll, shrinkOne, ex, forcing, l2 } = P.inp;
    const { b, curv, grad, theta } = P;
    const { idx, val, ptr } = P.rows;
    const pw = (j1 - j0) * kk, base = j0 * d * kk;
    // Per-slot weight of the Hessian term, (η/|S|)/c_j; the own-term exclusion changes c_j.
    gamma.fill(alpha / shrinkAll, j0, j1);
    coef.fill(shrinkAll, j0, j1);
    for (let q = 0; q < ex.count; q++) {
      const j = ex.model[q];
      if (j >= j0 && j < j1) { gamma[j] = alpha / shrinkOne; coef[j] = shrinkOne; }
    }
    // U = X_S · D̃[:, panel]; then W = γ_j · Â_i u_ij, in place.
    gatherRows(b, ptr, idx, val, S, base, pw, U, P.uniform);
    if (this.binary) this.binaryCurvature(curv, b, U, pw, j0, j1);
    else for (let i = 0; i < b; i++) this.applyCurvature(curv, i, U, i * pw, j0, j1);
    // Own-term exclusions that fall in this panel.
    for (let q = 0; q < ex.count; q++) {
      const j = ex.model[q];
      if (j >= j0 && j < j1) U.fill(0, ex.pos[q] * pw + (j - j0) * kk, ex.pos[q] * pw + (j - j0 + 1) * kk);
    }
    // D̃[:, panel] −= X_Sᵀ · W, feature by feature.
    if (P.distinctUniform) scatterUniform(b, ptr[1], idx, val, S, base, pw, U);
    else scatterCols(P.cols!, S, base, pw, U);
    // σ_j ← c_j σ_j (a zero state stays zero and keeps σ = 1).
    let small = false;
    for (let j = j0; j < j1; j++) {
      if (live[j] === 0) continue;
      sigma[j] *= coef[j];
      if (Math.abs(sigma[j]) < RESCALE_BELOW) small = true;
    }
    // Forcing: δ_j += (η/|S|)·∇ℓ_j(θ_t) = (η/|S|)·(x_j ⊗ e_j + λθ_t) for this panel's rows in the batch.
    for (let f = 0; f < P.fPos.length; f++) {
      const i = P.fPos[f];
      for (let r = 0; r < forcing.slots; r++) {
        const j = P.fSlot[f] + r * forcing.stride;
        if (j < j0 || j >= j1) continue;
        live[j] = 1;
        const s = alpha / sigma[j];
        const at = base + (j - j0) * kk;
        for (let q = ptr[i]; q < ptr[i + 1]; q++) {
          const v = s * val[q], dst = at + idx[q] * pw;
          // e sums to zero for softmax: it is its own zero-sum part.
          for (let c = 0; c < kk; c++) S[dst + c] += v * grad[i * k + c];
        }
        if (l2 === 0) continue;
        const sl = s * l2;
        for (let a = 0; a < d; a++) {
          const dst = at + a * pw, th = a * k;
          if (!mean) { for (let c = 0; c < kk; c++) S[dst + c] += sl * theta[th + c]; continue; }
          let m = 0;
          for (let c = 0; c < k; c++) m += theta[th + c];
          m /= k;
          for (let c = 0; c < kk; c++) S[dst + c] += sl * (theta[th + c] - m);
          mean[j * d + a] += sl * m;
        }
      }
    }
    if (small) this.rescale(j0, j1);
  }

  private rescale(from: number, to: number): void {
    const { S, kk, d, sigma, mean } = this;
    for (let j = from; j < to; j++) {
      if (Math.abs(sigma[j]) >= RESCALE_BELOW) continue;
      const s = sigma[j];
      for (let a = 0; a < d; a++) for (let c = 0; c < kk; c++) S[this.at(a, j) + c] *= s;
      if (mean) for (let a = 0; a < d; a++) mean[j * d + a] *= s;
      sigma[j] = 1;
    }
  }
}
