/** Small deterministic synthetic datasets for engine tests (dense and CSR twins). */
import type { DenseMatrix, FeatureMatrix } from '../../../src/core/data/types';
import { toSparse } from '../../../src/core/linalg/features';
import { createRng } from '../../../src/core/rng';

export interface Synthetic {
  X: DenseMatrix;
  Xs: FeatureMatrix;
  y: Float64Array;
  k: number;
}

/**
 * n rows, d−1 features (about a third zero, so the CSR twin is really sparse) plus an
 * intercept column; labels from a noisy linear rule over k classes (or a numeric target).
 */
export function synthetic(n: number, d: number, k: number, seed = 1, regression = false): Synthetic {
  const rng = createRng(seed);
  const data = new Float64Array(n * d);
  const y = new Float64Array(n);
  const w = Array.from({ length: d * Math.max(k, 1) }, () => rng.normal());
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < d - 1; a++) data[i * d + a] = rng.next() < 0.35 ? 0 : rng.normal();
    data[i * d + d - 1] = 1;
    if (regression) {
      let s = 0;
      for (let a = 0; a < d; a++) s += data[i * d + a] * w[a];
      y[i] = s + 0.1 * rng.normal();
    } else {
      let best = 0, bv = -Infinity;
      for (let c = 0; c < k; c++) {
        let s = 0.5 * rng.normal();
        for (let a = 0; a < d; a++) s += data[i * d + a] * w[a * k + c];
        if (s > bv) { bv = s; best = c; }
      }
      y[i] = best;
    }
  }
  const X: DenseMatrix = { kind: 'dense', rows: n, cols: d, data };
  return { X, Xs: toSparse(X), y, k };
}
