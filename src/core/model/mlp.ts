/**
 * One-hidden-layer MLP with a smooth activation σ (tanh or softplus):
 *   a = W1ᵀ x (h), z = σ(a), z̃ = [z; 1], o = W2ᵀ z̃ (K), then the output head.
 * W1 ∈ R^{d×h} (x already carries the intercept column), W2 ∈ R^{(h+1)×K} (last row = bias).
 * Init W1 ~ N(0, 1/d), W2 ~ N(0, 1/(h+1)).
 *
 * Hessian-vector products use a hand-written R-operator (forward-over-reverse) with the
 * σ'' terms, for many directions at once: with R(a) = V1ᵀx, R(z) = σ'⊙R(a),
 * R(o) = V2ᵀz̃ + W2ᵀR(z̃), R(e) = A R(o), R(g_z) = V2 e + W2 R(e),
 * R(g_a) = σ'⊙R(g_z) + σ''⊙g_z⊙R(a), the products are
 *   H v |W1 = x R(g_a)ᵀ,   H v |W2 = R(z̃) eᵀ + z̃ R(e)ᵀ.
 */
import type { FeatureMatrix } from '../data/types';
import { gemmNN, gemmNT, gemmTN } from '../linalg/dense';
import { forEachInRow, mulX, mulXT } from '../linalg/features';
import type { Rng } from '../rng';
import { type Head, identityHead, softmaxHead } from './head';
import { type Exclusions, makeLayout, type Model } from './types';

export type Activation = 'tanh' | 'softplus';

interface Act {
  /** Fills z = σ(a), s1 = σ'(a) and (if given) s2 = σ''(a). */
  apply(a: Float64Array, z: Float64Array, s1: Float64Array, s2?: Float64Array): void;
}

const TANH: Act = {
  apply(a, z, s1, s2) {
    for (let i = 0; i < a.length; i++) {
      const t = Math.tanh(a[i]);
      const d1 = 1 - t * t;
      z[i] = t; s1[i] = d1;
      if (s2) s2[i] = -2 * t * d1;
    }
  },
};

const SOFTPLUS: Act = {
  apply(a, z, s1, s2) {
    for (let i = 0; i < a.length; i++) {
      const x = a[i];
      z[i] = x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
      const s = x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
      s1[i] = s;
      if (s2) s2[i] = s * (1 - s);
    }
  },
};

export function createMlp(d: number, hiddenUnits: number, classes: number, activation: Activation, task: 'classification' | 'regression' = 'classification'): Model {
  const head: Head = task === 'classification' ? softmaxHead(classes) : identityHead;
  const k = head.k, h = hiddenUnits, h1 = h + 1;
  const act = activation === 'tanh' ? TANH : SOFTPLUS;
  const layout = makeLayout([
    { name: 'W1', rows: d, cols: h },
    { name: 'W2', rows: h1, cols: k },
  ]);
  const p = layout.size;
  const w2Off = d * h;
  const lastLayer = makeLayout([{ name: 'W2', rows: h1, cols: k }]);

  /** Hidden layer of m stacked models on b rows: A, Z, S1 (b × mh), S2 optional. */
  function hidden(thetas: Float64Array, m: number, X: FeatureMatrix, withS2: boolean) {
    const b = X.rows, wh = m * h;
    const A = new Float64Array(b * wh);
    mulX(X, thetas.subarray(0, m * d * h), wh, A);
    const Z = new Float64Array(b * wh), S1 = new Float64Array(b * wh);
    const S2 = withS2 ? new Float64Array(b * wh) : undefined;
    act.apply(A, Z, S1, S2);
    return { A, Z, S1, S2 };
  }

  /** O (b × mK) = per model j: Z_j W2_j[0:h] + bias_j. */
  function outputs(thetas: Float64Array, m: number, b: number, Z: Float64Array): Float64Array {
    const W2 = thetas.subarray(m * w2Off), wh = m * h, wk = m * k;
    const O = new Float64Array(b * wk);
    for (let i = 0; i < b; i++) {
      for (let j = 0; j < m; j++) {
        const oo = i * wk + j * k;
        for (let c = 0; c < k; c++) O[oo + c] = W2[h * wk + j * k + c];
        for (let r = 0; r < h; r++) {
          const zv = Z[i * wh + j * h + r];
          if (zv === 0) continue;
          const wr = r * wk + j * k;
          for (let c = 0; c < k; c++) O[oo + c] += zv * W2[wr + c];
        }
      }
    }
    return O;
  }

  /** Back-propagate output gradients E (b × mK) of m stacked models into out (stack). */
  function backward(thetas: Float64Array, m: number, X: FeatureMatrix, Z: Float64Array, S1: Float64Array, E: Float64Array, out: Float64Array): void {
    const b = X.rows, wh = m * h, wk = m * k;
    const W2 = thetas.subarray(m * w2Off);
    const G2 = out.subarray(m * w2Off, m * p);
    G2.fill(0);
    const Ga = new Float64Array(b * wh);
    for (let i = 0; i < b; i++) {
      for (let j = 0; j < m; j++) {
        const eo = i * wk + j * k;
        for (let c = 0; c < k; c++) G2[h * wk + j * k + c] += E[eo + c];
        for (let r = 0; r < h; r++) {
          const zi = i * wh + j * h + r, wr = r * wk + j * k;
          const zv = Z[zi];
          let gz = 0;
          for (let c = 0; c < k; c++) {
            const ev = E[eo + c];
            G2[wr + c] += zv * ev;
            gz += W2[wr + c] * ev;
          }
          Ga[zi] = gz * S1[zi];
        }
      }
    }
    mulXT(X, Ga, wh, out.subarray(0, m * d * h));
  }

  function zeroPairs(M: Float64Array, width: number, blk: number, ex: Exclusions): void {
    for (let q = 0; q < ex.count; q++) {
      const s = ex.pos[q] * width + ex.model[q] * blk;
      M.fill(0, s, s + blk);
    }
  }

  const model: Model = {
    kind: 'mlp',
    layout,
    p,
    d,
    k,
    head: head.kind,
    lastLayer,
    lastLayerOffset: w2Off,

    init(rng: Rng) {
      const th = new Float64Array(p);
      const s1 = 1 / Math.sqrt(d), s2 = 1 / Math.sqrt(h1);
      for (let i = 0; i < w2Off; i++) th[i] = s1 * rng.normal();
      for (let i = w2Off; i < p; i++) th[i] = s2 * rng.normal();
      return th;
    },

    outputsStack(thetas, m, X, out) {
      const { Z } = hidden(thetas, m, X, false);
      const O = outputs(thetas, m, X.rows, Z);
      if (out) { out.set(O); return out; }
      return O;
    },

    gradStack(thetas, m, X, y, exclude, out, losses) {
      const b = X.rows, wk = m * k;
      const { Z, S1 } = hidden(thetas, m, X, false);
      const O = outputs(thetas, m, b, Z);
      const E = new Float64Array(b * wk);
      for (let i = 0; i < b; i++) {
        for (let j = 0; j < m; j++) {
          const l = head.lossGrad(O, i * wk + j * k, y[i], E, i * wk + j * k);
          if (losses) losses[i * m + j] = l;
        }
      }
      zeroPairs(E, wk, k, exclude);
      backward(thetas, m, X, Z, S1, E, out);
    },

    hvpStack(theta, X, y, V, m, exclude, out, lastLayerOnly = false) {
      const b = X.rows, wh = m * h, wk = m * k;
      const W2 = theta.subarray(w2Off);
      const { Z, S1, S2 } = hidden(theta, 1, X, true);
      const O = outputs(theta, 1, b, Z);
      const Cv = new Float64Array(b * k), e = new Float64Array(b * k);
      for (let i = 0; i < b; i++) {
        head.curvature(O, i * k, Cv, i * k);
        head.lossGrad(O, i * k, y[i], e, i * k);
      }
      // z̃ = [z, 1] as a b × (h+1) matrix.
      const Zt = new Float64Array(b * h1);
      for (let i = 0; i < b; i++) {
        Zt.set(Z.subarray(i * h, i * h + h), i * h1);
        Zt[i * h1 + h] = 1;
      }
      if (lastLayerOnly) {
        const RO = new Float64Array(b * wk);
        gemmNN(b, wk, h1, Zt, V, RO);
        for (let i = 0; i < b; i++) for (let j = 0; j < m; j++) head.hess(Cv, i * k, RO, i * wk + j * k, RO, i * wk + j * k);
        zeroPairs(RO, wk, k, exclude);
        gemmTN(h1, wk, b, Zt, RO, out);
        return;
      }
      const V1 = V.subarray(0, m * d * h), V2 = V.subarray(m * w2Off, m * p);
      // g_z = e W2[0:h]ᵀ (b × h).
      const gz = new Float64Array(b * h);
      gemmNT(b, h, k, e, W2, gz);
      const RA = new Float64Array(b * wh);
      mulX(X, V1, wh, RA);
      const RZ = new Float64Array(b * wh);
      for (let i = 0; i < b; i++) for (let j = 0; j < m; j++) for (let r = 0; r < h; r++) {
        const q = i * wh + j * h + r;
        RZ[q] = S1[i * h + r] * RA[q];
      }
      // R(o) = z̃ V2_j + R(z)_ij W2[0:h]; the second term as one (b·m × h)·(h × K) product.
      const RO = new Float64Array(b * wk);
      gemmNN(b, wk, h1, Zt, V2, RO);
      gemmNN(b * m, k, h, RZ, W2, RO, true);
      const RE = RO;
      for (let i = 0; i < b; i++) for (let j = 0; j < m; j++) head.hess(Cv, i * k, RO, i * wk + j * k, RE, i * wk + j * k);
      // R(g_z) = V2_j[0:h] e_i + W2[0:h] R(e)_ij.
      const RG = new Float64Array(b * wh);
      gemmNT(b * m, h, k, RE, W2, RG);
      for (let i = 0; i < b; i++) for (let j = 0; j < m; j++) for (let r = 0; r < h; r++) {
        let s = 0;
        const vr = r * wk + j * k;
        for (let c = 0; c < k; c++) s += V2[vr + c] * e[i * k + c];
        const q = i * wh + j * h + r, u = i * h + r;
        RG[q] = (RG[q] + s) * S1[u] + gz[u] * S2![u] * RA[q];
      }
      zeroPairs(RZ, wh, h, exclude);
      zeroPairs(RE, wk, k, exclude);
      zeroPairs(RG, wh, h, exclude);
      mulXT(X, RG, wh, out.subarray(0, m * d * h));
      const O2 = out.subarray(m * w2Off, m * p);
      gemmTN(h1, wk, b, Zt, RE, O2);
      for (let i = 0; i < b; i++) for (let j = 0; j < m; j++) for (let r = 0; r < h; r++) {
        const rz = RZ[i * wh + j * h + r];
        if (rz === 0) continue;
        const wr = r * wk + j * k;
        for (let c = 0; c < k; c++) O2[wr + c] += rz * e[i * k + c];
      }
    },

    rowGrads(theta, X, y, out) {
      const b = X.rows;
      const { Z, S1 } = hidden(theta, 1, X, false);
      const O = outputs(theta, 1, b, Z);
      const W2 = theta.subarray(w2Off);
      const e = new Float64Array(k), ga = new Float64Array(h);
      out.fill(0, 0, b * p);
      for (let i = 0; i < b; i++) {
        head.lossGrad(O, i * k, y[i], e, 0);
        const base = i * p;
        for (let r = 0; r < h; r++) {
          let gz = 0;
          for (let c = 0; c < k; c++) {
            gz += W2[r * k + c] * e[c];
            out[base + w2Off + r * k + c] = Z[i * h + r] * e[c];
          }
          ga[r] = gz * S1[i * h + r];
        }
        for (let c = 0; c < k; c++) out[base + w2Off + h * k + c] = e[c];
        forEachInRow(X, i, (a, v) => {
          for (let r = 0; r < h; r++) out[base + a * h + r] += v * ga[r];
        });
      }
    },

    vjp(theta, X, E, out) {
      const { Z, S1 } = hidden(theta, 1, X, false);
      backward(theta, 1, X, Z, S1, E, out);
    },
  };
  return model;
}
