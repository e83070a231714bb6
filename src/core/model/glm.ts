/**
 * Generalised linear models: multinomial softmax regression (W ∈ R^{d×K}, cross-entropy)
 * and linear regression (w ∈ R^{d×1}, squared error). Outputs o_i = Wᵀ x_i.
 * Row gradient x_i ⊗ e_i; row Hessian x_i x_iᵀ ⊗ A_i, so a batch Hessian applied to m
 * directions factors through the batch: U = X·V (rows × mK), W_ij = A_i u_ij, out = Xᵀ·W.
 */
import { forEachInRow, mulX, mulXT } from '../linalg/features';
import type { Rng } from '../rng';
import { type Head, identityHead, softmaxHead } from './head';
import { type Exclusions, makeLayout, type Model } from './types';

/** Softmax init scale: N(0, 0.01²) as the protocol fixes. */
const SOFTMAX_INIT_STD = 0.01;

export function createGlm(kind: 'softmax' | 'linear', d: number, classes: number): Model {
  const head: Head = kind === 'softmax' ? softmaxHead(classes) : identityHead;
  const k = head.k;
  const layout = makeLayout([{ name: 'W', rows: d, cols: k }]);
  const p = layout.size;

  function zeroExcluded(E: Float64Array, m: number, ex: Exclusions): void {
    const w = m * k;
    for (let q = 0; q < ex.count; q++) E.fill(0, ex.pos[q] * w + ex.model[q] * k, ex.pos[q] * w + ex.model[q] * k + k);
  }

  const model: Model = {
    kind,
    layout,
    p,
    d,
    k,
    head: head.kind,
    lastLayer: layout,
    lastLayerOffset: 0,
    glmHead: head,

    init(rng: Rng) {
      const th = new Float64Array(p);
      // Linear regression starts at zero: a convex problem needs no symmetry breaking.
      if (kind === 'softmax') for (let i = 0; i < p; i++) th[i] = SOFTMAX_INIT_STD * rng.normal();
      return th;
    },

    outputsStack(thetas, m, X, out) {
      const o = out ?? new Float64Array(X.rows * m * k);
      mulX(X, thetas, m * k, o);
      return o;
    },

    gradStack(thetas, m, X, y, exclude, out, losses) {
      const b = X.rows, w = m * k;
      const O = new Float64Array(b * w);
      mulX(X, thetas, w, O);
      const E = new Float64Array(b * w);
      for (let i = 0; i < b; i++) {
        for (let j = 0; j < m; j++) {
          const l = head.lossGrad(O, i * w + j * k, y[i], E, i * w + j * k);
          if (losses) losses[i * m + j] = l;
        }
      }
      zeroExcluded(E, m, exclude);
      mulXT(X, E, w, out);
    },

    hvpStack(theta, X, y, V, m, exclude, out) {
      const b = X.rows, w = m * k;
      const O = new Float64Array(b * k);
      mulX(X, theta, k, O);
      const C = new Float64Array(b * k);
      for (let i = 0; i < b; i++) head.curvature(O, i * k, C, i * k);
      const U = new Float64Array(b * w);
      mulX(X, V, w, U);
      for (let i = 0; i < b; i++) {
        for (let j = 0; j < m; j++) head.hess(C, i * k, U, i * w + j * k, U, i * w + j * k);
      }
      zeroExcluded(U, m, exclude);
      mulXT(X, U, w, out);
    },

    rowGrads(theta, X, y, out) {
      const b = X.rows;
      const O = new Float64Array(b * k);
      mulX(X, theta, k, O);
      const e = new Float64Array(k);
      out.fill(0, 0, b * p);
      for (let i = 0; i < b; i++) {
        head.lossGrad(O, i * k, y[i], e, 0);
        const base = i * p;
        forEachInRow(X, i, (a, v) => {
          for (let c = 0; c < k; c++) out[base + a * k + c] += v * e[c];
        });
      }
    },

    vjp(_theta, X, E, out) {
      mulXT(X, E, k, out);
    },
  };
  return model;
}
