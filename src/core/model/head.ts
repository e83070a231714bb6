/**
 * Output heads: how K outputs o of one row turn into a loss, its gradient e = ∂ℓ/∂o and
 * its Hessian A = ∂²ℓ/∂o². Softmax cross-entropy: e = p − onehot(y), A = diag(p) − p pᵀ.
 * Squared error (K = 1): ℓ = ½(o − y)², e = o − y, A = 1. Values at offsets in flat arrays.
 */

export interface Head {
  readonly kind: 'softmax' | 'identity';
  readonly k: number;
  /** Data loss of outputs o[oo…oo+K) for label y; writes e into e[eo…). */
  lossGrad(o: Float64Array, oo: number, y: number, e: Float64Array, eo: number): number;
  /** Data loss only. */
  loss(o: Float64Array, oo: number, y: number): number;
  /** Per-output curvature state (softmax: probabilities) from outputs; writes K values. */
  curvature(o: Float64Array, oo: number, c: Float64Array, co: number): void;
  /** out = A u with A from the curvature state c. */
  hess(c: Float64Array, co: number, u: Float64Array, uo: number, out: Float64Array, outo: number): void;
}

export function softmaxHead(k: number): Head {
  const probs = (o: Float64Array, oo: number, p: Float64Array, po: number): number => {
    let mx = -Infinity;
    for (let c = 0; c < k; c++) if (o[oo + c] > mx) mx = o[oo + c];
    let s = 0;
    for (let c = 0; c < k; c++) { const v = Math.exp(o[oo + c] - mx); p[po + c] = v; s += v; }
    for (let c = 0; c < k; c++) p[po + c] /= s;
    return Math.log(s) + mx;
  };
  return {
    kind: 'softmax',
    k,
    lossGrad(o, oo, y, e, eo) {
      const lse = probs(o, oo, e, eo);
      e[eo + y] -= 1;
      return lse - o[oo + y];
    },
    loss(o, oo, y) {
      let mx = -Infinity;
      for (let c = 0; c < k; c++) if (o[oo + c] > mx) mx = o[oo + c];
      let s = 0;
      for (let c = 0; c < k; c++) s += Math.exp(o[oo + c] - mx);
      return Math.log(s) + mx - o[oo + y];
    },
    curvature(o, oo, c, co) { probs(o, oo, c, co); },
    hess(p, po, u, uo, out, outo) {
      let pu = 0;
      for (let c = 0; c < k; c++) pu += p[po + c] * u[uo + c];
      for (let c = 0; c < k; c++) out[outo + c] = p[po + c] * (u[uo + c] - pu);
    },
  };
}

export const identityHead: Head = {
  kind: 'identity',
  k: 1,
  lossGrad(o, oo, y, e, eo) {
    const r = o[oo] - y;
    e[eo] = r;
    return 0.5 * r * r;
  },
  loss(o, oo, y) { const r = o[oo] - y; return 0.5 * r * r; },
  curvature(_o, _oo, c, co) { c[co] = 1; },
  hess(_c, _co, u, uo, out, outo) { out[outo] = u[uo]; },
};
