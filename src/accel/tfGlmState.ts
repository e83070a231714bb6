/**
 * The GLM forward state (same recursion as src/core/influence/glmState.ts) with its big
 * products in float32 tfjs tensors: the state lives on the backend (wasm memory, or
 * TensorFlow's with tfjs-node) for the whole run and only per-step batch data crosses over.
 *
 * Layout: T is (M·kk) × d, row j·kk + c = reduced output c of tracked row j (kk = K − 1 for
 * softmax, K for regression), so that per step
 *
 *   Uᵀ = T · X_Sᵀ                     ((M·kk) × b: every row's state against every batch row)
 *   W  = γ_j · Â_i applied to Uᵀ       (curvature of batch row i; a batched kk × kk product)
 *   W  ← W with own terms removed (ACC) and the data forcing −(η/|S|)/σ_j · e_i folded in
 *   T  ← T − [W | G] · [X_S ; Θ]        (G carries the λθ forcing against the reduced θ rows)
 *
 * which is two dense products of 2·b·d·M·kk flops each plus small scatters. Lazy L2 shrinkage
 * (σ_j), the per-feature mean part of softmax and all batch curvature stay float64 in JS.
 * Rows never mix: each tracked row's numbers depend only on its own rows of T.
 */
import type * as TF from '@tensorflow/tfjs-core';
import type { FeatureMatrix } from '../core/data/types';
import type { ForwardState, StepInput } from '../core/influence/forwardState';
import type { Head } from '../core/model/head';
import type { Model } from '../core/model/types';

export type Tf = typeof TF;

/**
 * Fold σ_j into the state when it gets this small: T holds δ/σ, and float32 overflows near
 * 3.4e38, so the fold comes long before (σ shrinks by (1 − ηλ) per step).
 */
const RESCALE_BELOW = 1e-20;

export class TfGlmForwardState implements ForwardState {
  private readonly k: number;
  private readonly kk: number;
  private readonly d: number;
  private readonly reduced: boolean;
  private T: TF.Tensor2D;
  private readonly mean: Float64Array | null;
  private readonly sigma: Float64Array;
  private readonly live: Uint8Array;
  private readonly u: Float64Array;
  private readonly hu: Float64Array;

  constructor(private readonly tf: Tf, model: Model, private readonly head: Head, readonly M: number) {
    this.k = model.k;
    this.reduced = head.kind === 'softmax';
    this.kk = this.reduced ? Math.max(1, this.k - 1) : this.k;
    this.d = model.d;
    this.T = tf.zeros([M * this.kk, this.d]) as TF.Tensor2D;
    this.mean = this.reduced ? new Float64Array(M * this.d) : null;
    this.sigma = new Float64Array(M).fill(1);
    this.live = new Uint8Array(M);
    this.u = new Float64Array(this.k);
    this.hu = new Float64Array(this.k);
  }

  dispose(): void {
    this.T.dispose();
  }

  private replace(next: TF.Tensor2D): void {
    this.T.dispose();
    this.T = next;
  }

  zero(from: number, to: number): void {
    if (to <= from) return;
    const { tf, kk, d, M } = this;
    this.replace(tf.tidy(() => {
      const parts: TF.Tensor2D[] = [];
      if (from > 0) parts.push(tf.slice(this.T, [0, 0], [from * kk, d]));
      parts.push(tf.zeros([(to - from) * kk, d]));
      if (to < M) parts.push(tf.slice(this.T, [to * kk, 0], [(M - to) * kk, d]));
      return parts.length === 1 ? parts[0] : tf.concat(parts, 0);
    }));
    this.mean?.fill(0, from * d, to * d);
    this.sigma.fill(1, from, to);
    this.live.fill(0, from, to);
  }

  dotAll(q: Float64Array, qOffset: number, out: Float64Array): void {
    const { tf, d, k, kk, M, mean, sigma } = this;
    // The query against the reduced state, ordered like a row of T reshaped to M × (kk·d).
    const qv = new Float32Array(kk * d);
    const qm = mean ? new Float64Array(d) : null;
    for (let a = 0; a < d; a++) {
      const qa = qOffset + a * k;
      const last = qm ? q[qa + k - 1] : 0;
      let sum = last;
      for (let c = 0; c < kk; c++) { qv[c * d + a] = q[qa + c] - last; sum += q[qa + c]; }
      if (qm) qm[a] = sum;
    }
    const dots = tf.tidy(() => tf.matMul(tf.reshape(this.T, [M, kk * d]), tf.tensor2d(qv, [kk * d, 1])).dataSync());
    for (let j = 0; j < M; j++) {
      let s = dots[j];
      if (mean && qm) for (let a = 0; a < d; a++) s += mean[j * d + a] * qm[a];
      out[j] = sigma[j] * s;
    }
  }

  get(j: number, out: Float64Array): Float64Array {
    const { tf, k, kk, d, mean } = this;
    const v = tf.tidy(() => tf.slice(this.T, [j * kk, 0], [kk, d]).dataSync());
    const s = this.sigma[j];
    for (let a = 0; a < d; a++) {
      if (!mean) { for (let c = 0; c < k; c++) out[a * k + c] = s * v[c * d + a]; continue; }
      const m = mean[j * d + a];
      let sum = 0;
      for (let c = 0; c < kk; c++) { out[a * k + c] = s * (v[c * d + a] + m); sum += v[c * d + a]; }
      out[a * k + k - 1] = s * (m - sum);
    }
    return out;
  }

  selfDots(theta: Float64Array, Xr: FeatureMatrix, yr: Float64Array, out: Float64Array): void {
    const { tf, k, kk, d, head } = this;
    const m = Xr.rows;
    if (m === 0) return;
    // ∇ℓ^data_j = x_j ⊗ e_j; for softmax only its zero-sum part meets the reduced state.
    const o = new Float64Array(m * k), e = new Float64Array(k);
    const { xs } = this.batchRows(Xr, theta, o);
    const ez = new Float32Array(m * kk);
    for (let j = 0; j < m; j++) {
      head.lossGrad(o, j * k, yr[j], e, 0);
      const last = this.reduced ? e[k - 1] : 0;
      for (let c = 0; c < kk; c++) ez[j * kk + c] = e[c] - last;
    }
    const dots = tf.tidy(() => {
      const Tm = tf.reshape(tf.slice(this.T, [0, 0], [m * kk, d]), [m, kk, d]);
      const perOutput = tf.sum(tf.mul(Tm, tf.tensor3d(xs, [m, 1, d])), 2);
      return tf.sum(tf.mul(perOutput, tf.tensor2d(ez, [m, kk])), 1).dataSync();
    });
    for (let j = 0; j < m; j++) out[j] = this.sigma[j] * dots[j];
  }

  advance(steps: StepInput[], check?: () => void): void {
    for (const s of steps) {
      check?.();
      this.step(s);
    }
  }

  /**
   * Curvature of batch row i as a kk × kk matrix R with Â u = R u on the stored (reduced)
   * outputs, written transposed at `at` (so that row-vector states times it give (R u)ᵀ).
   */
  private curvatureMatrix(curv: Float64Array, i: number, Rt: Float32Array, at: number): void {
    const { k, kk, head, u, hu } = this;
    for (let c2 = 0; c2 < kk; c2++) {
      u.fill(0);
      u[c2] = 1;
      // The dropped last class is minus the sum of the others.
      if (this.reduced && k > kk) u[k - 1] = -1;
      head.hess(curv, i * k, u, 0, hu, 0);
      for (let c = 0; c < kk; c++) Rt[at + c2 * kk + c] = hu[c];
    }
  }

  /** Rows of X as dense float32 (b × d) and transposed (d × b); adds their outputs X·θ to o (b × K, float64). */
  private batchRows(Xb: FeatureMatrix, theta: Float64Array, o: Float64Array): { xs: Float32Array; xsT: Float32Array } {
    const { k, d } = this;
    const b = Xb.rows;
    const xs = new Float32Array(b * d), xsT = new Float32Array(d * b);
    const put = (i: number, a: number, v: number): void => {
      xs[i * d + a] = v;
      xsT[a * b + i] = v;
      const base = a * k;
      for (let c = 0; c < k; c++) o[i * k + c] += v * theta[base + c];
    };
    if (Xb.kind === 'dense') {
      for (let i = 0; i < b; i++) for (let a = 0; a < d; a++) { const v = Xb.data[i * d + a]; if (v !== 0) put(i, a, v); }
    } else {
      for (let i = 0; i < b; i++) for (let q = Xb.indptr[i]; q < Xb.indptr[i + 1]; q++) put(i, Xb.indices[q], Xb.values[q]);
    }
    return { xs, xsT };
  }

  private step(inp: StepInput): void {
    const { tf, k, kk, d, M, head, sigma, live, mean } = this;
    const { theta, Xb, yb, alpha, shrinkAll, shrinkOne, ex, forcing, l2 } = inp;
    const b = Xb.rows;
    if (b === 0) return;
    const N = M * kk;
    // Batch outputs, curvature and (for forcing rows) loss gradients, float64.
    const o = new Float64Array(b * k), curv = new Float64Array(b * k), grad = new Float64Array(b * k);
    const { xs, xsT } = this.batchRows(Xb, theta, o);
    for (let i = 0; i < b; i++) head.curvature(o, i * k, curv, i * k);
    for (let q = 0; q < forcing.count; q++) head.lossGrad(o, forcing.pos[q] * k, yb[forcing.pos[q]], grad, forcing.pos[q] * k);
    // The Hessian term's weight γ = (η/|S|)/c_j: common value folded into the curvature, and a
    // per-row factor for slots whose own term is removed (their c_j differs).
    const gammaAll = alpha / shrinkAll;
    const ratio = shrinkAll / shrinkOne;
    const rowScale = ex.count > 0 && ratio !== 1 ? new Float32Array(N).fill(1) : null;
    const excluded = new Set<number>();
    for (let q = 0; q < ex.count; q++) {
      excluded.add(ex.model[q]);
      rowScale?.fill(ratio, ex.model[q] * kk, (ex.model[q] + 1) * kk);
    }
    // L2 shrinkage of this step into σ (a zero state keeps σ = 1).
    let small = false;
    for (let j = 0; j < M; j++) {
      if (live[j] === 0) continue;
      sigma[j] *= excluded.has(j) ? shrinkOne : shrinkAll;
      if (Math.abs(sigma[j]) < RESCALE_BELOW) small = true;
    }

    // Entries of W to change, keyed by (row of T, batch row): new value = old · mult − force.
    // Own terms removed (mult 0); data forcing (η/|S|)/σ_j · e_i.
    const fix = new Map<number, { mult: number; force: number }>();
    const entry = (row: number, col: number): { mult: number; force: number } => {
      const key = row * b + col;
      let e = fix.get(key);
      if (!e) { e = { mult: 1, force: 0 }; fix.set(key, e); }
      return e;
    };
    for (let q = 0; q < ex.count; q++) for (let c = 0; c < kk; c++) entry(ex.model[q] * kk + c, ex.pos[q]).mult = 0;
    // λθ forcing adds s_j·λ·θ̃_c to whole rows of T (θ̃: θ minus its class mean for softmax).
    const needTheta = l2 !== 0 && forcing.count > 0;
    const thetaRows = needTheta ? new Float32Array(kk * d) : null;
    const featMean = needTheta && mean ? new Float64Array(d) : null;
    if (thetaRows) {
      for (let a = 0; a < d; a++) {
        let m = 0;
        if (featMean) { for (let c = 0; c < k; c++) m += theta[a * k + c]; m /= k; featMean[a] = m; }
        for (let c = 0; c < kk; c++) thetaRows[c * d + a] = theta[a * k + c] - m;
      }
    }
    const nForced = forcing.count * forcing.slots * kk;
    const forcedRows = new Int32Array(needTheta ? nForced : 0);
    const forcedAdd = new Float32Array(needTheta ? nForced * d : 0);
    let nf = 0;
    for (let f = 0; f < forcing.count; f++) {
      const i = forcing.pos[f];
      for (let r = 0; r < forcing.slots; r++) {
        const j = forcing.slot[f] + r * forcing.stride;
        live[j] = 1;
        const s = alpha / sigma[j];
        for (let c = 0; c < kk; c++) {
          entry(j * kk + c, i).force = s * grad[i * k + c];
          if (thetaRows) {
            forcedRows[nf] = j * kk + c;
            const sl = s * l2;
            for (let a = 0; a < d; a++) forcedAdd[nf * d + a] = sl * thetaRows[c * d + a];
            nf++;
          }
        }
        if (featMean) for (let a = 0; a < d; a++) mean![j * d + a] += s * l2 * featMean[a];
      }
    }
    const nFix = fix.size;
    const fixIdx = new Int32Array(2 * nFix), mult = new Float32Array(nFix), force = new Float32Array(nFix);
    let at = 0;
    for (const [key, v] of fix) {
      fixIdx[2 * at] = Math.floor(key / b);
      fixIdx[2 * at + 1] = key % b;
      mult[at] = v.mult;
      force[at] = v.force;
      at++;
    }

    this.replace(tf.tidy(() => {
      // Uᵀ = T · X_Sᵀ (every state row against every batch row).
      const Ut = tf.matMul(this.T, tf.tensor2d(xsT, [d, b]));
      let W: TF.Tensor2D;
      if (kk === 1) {
        const r = new Float32Array(b);
        this.curvatureMatrices(curv, b, gammaAll, r);
        W = tf.mul(Ut, tf.tensor2d(r, [1, b]));
      } else if (this.reduced) {
        // Softmax, reduced: (Âu)_c = p_c·(u_c − s) with s = Σ_c' (p_c' − p_K)·u_c' (K the dropped
        // class), so with U viewed as (M, kk, b): W = γ·P ⊙ (U − Σ_c' Pd ⊙ U).
        const P = new Float32Array(kk * b), Pd = new Float32Array(kk * b);
        for (let i = 0; i < b; i++) {
          const last = curv[i * k + k - 1];
          for (let c = 0; c < kk; c++) { P[c * b + i] = gammaAll * curv[i * k + c]; Pd[c * b + i] = curv[i * k + c] - last; }
        }
        const U3 = tf.reshape(Ut, [M, kk, b]);
        const sum = tf.sum(tf.mul(U3, tf.tensor3d(Pd, [1, kk, b])), 1, true);
        W = tf.reshape(tf.mul(tf.sub(U3, sum), tf.tensor3d(P, [1, kk, b])), [N, b]);
      } else {
        // Any other head: the curvature as kk × kk matrices, (M, kk, b) → (b, M, kk) · R_iᵀ → back.
        const R = new Float32Array(b * kk * kk);
        this.curvatureMatrices(curv, b, gammaAll, R);
        const Ub = tf.transpose(tf.reshape(Ut, [M, kk, b]), [2, 0, 1]);
        const HU = tf.matMul(Ub, tf.tensor3d(R, [b, kk, kk]));
        W = tf.reshape(tf.transpose(HU, [1, 2, 0]), [N, b]);
      }
      if (rowScale) W = tf.mul(W, tf.tensor2d(rowScale, [N, 1]));
      if (nFix > 0) {
        const idx = tf.tensor2d(fixIdx, [nFix, 2], 'int32');
        const updated = tf.sub(tf.mul(tf.gatherND(W, idx), tf.tensor1d(mult)), tf.tensor1d(force));
        W = tf.tensorScatterUpdate(W, idx, updated);
      }
      // T ← T − W · X_S, then the λθ forcing on the forced rows.
      let next: TF.Tensor2D = tf.sub(this.T, tf.matMul(W, tf.tensor2d(xs, [b, d])));
      if (nf > 0) {
        const rows = tf.tensor1d(forcedRows, 'int32');
        const sum = tf.add(tf.gather(next, rows), tf.tensor2d(forcedAdd, [nf, d]));
        next = tf.tensorScatterUpdate(next, tf.reshape(rows, [nf, 1]), sum);
      }
      return next;
    }));
    if (small) this.rescale();
  }

  /** Curvature of every batch row as kk × kk matrices (transposed, see `curvatureMatrix`), times γ. */
  private curvatureMatrices(curv: Float64Array, b: number, gamma: number, out: Float32Array): void {
    const per = this.kk * this.kk;
    for (let i = 0; i < b; i++) this.curvatureMatrix(curv, i, out, i * per);
    for (let q = 0; q < out.length; q++) out[q] *= gamma;
  }

  /** Fold tiny σ_j into T (and the mean part) so that T stays far from float32 overflow. */
  private rescale(): void {
    const { tf, kk, d, M, sigma, mean } = this;
    const scale = new Float32Array(M * kk).fill(1);
    for (let j = 0; j < M; j++) {
      if (Math.abs(sigma[j]) >= RESCALE_BELOW) continue;
      scale.fill(sigma[j], j * kk, (j + 1) * kk);
      if (mean) for (let a = 0; a < d; a++) mean[j * d + a] *= sigma[j];
      sigma[j] = 1;
    }
    this.replace(tf.tidy(() => tf.mul(this.T, tf.tensor2d(scale, [M * kk, 1]))));
  }
}
