/** GEMM variants and sparse products against naive triple loops, on awkward shapes. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gemmNN, gemmNT, gemmTN } from '../../../src/core/linalg/dense';
import { mulX, mulXT, selectRows, toDense, toSparse } from '../../../src/core/linalg/features';
import { createRng } from '../../../src/core/rng';

/** Different summation orders of the same products differ by rounding only. */
const ROUNDING_TOL = 1e-12;

const rng = createRng(5);
const rand = (n: number, zeros = 0.3) => Float64Array.from({ length: n }, () => (rng.next() < zeros ? 0 : rng.normal()));

function naive(m: number, n: number, k: number, a: (i: number, l: number) => number, b: (l: number, j: number) => number): Float64Array {
  const C = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) { let s = 0; for (let l = 0; l < k; l++) s += a(i, l) * b(l, j); C[i * n + j] = s; }
  return C;
}

function close(a: Float64Array, b: Float64Array): void {
  assert.equal(a.length, b.length);
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) <= ROUNDING_TOL * (1 + Math.abs(b[i])), `entry ${i}: ${a[i]} vs ${b[i]}`);
}

// Shapes around the unroll width (4) and the column block (256).
const shapes = [[1, 1, 1], [3, 5, 7], [7, 257, 6], [33, 515, 9], [2, 1030, 3]];

describe('dense kernels', () => {
  for (const [m, n, k] of shapes) {
    it(`gemmNN/TN/NT agree with a naive product for ${m}×${k}·${k}×${n}`, () => {
      const A = rand(m * k), B = rand(k * n);
      const ref = naive(m, n, k, (i, l) => A[i * k + l], (l, j) => B[l * n + j]);
      const C = new Float64Array(m * n);
      gemmNN(m, n, k, A, B, C);
      close(C, ref);
      const At = new Float64Array(k * m);
      for (let i = 0; i < m; i++) for (let l = 0; l < k; l++) At[l * m + i] = A[i * k + l];
      const C2 = new Float64Array(m * n).fill(7);
      gemmTN(m, n, k, At, B, C2);
      close(C2, ref);
      const Bt = new Float64Array(n * k);
      for (let l = 0; l < k; l++) for (let j = 0; j < n; j++) Bt[j * k + l] = B[l * n + j];
      const C3 = new Float64Array(m * n);
      gemmNT(m, n, k, A, Bt, C3);
      close(C3, ref);
      // accumulate mode adds to what is there
      gemmNN(m, n, k, A, B, C, true);
      close(C, ref.map((v) => 2 * v));
    });
  }
});

describe('feature-matrix products', () => {
  for (const [m, n, k] of shapes) {
    it(`CSR and dense X give the same X·B and Xᵀ·R (${m}×${k}, ${n} columns)`, () => {
      const Xd = { kind: 'dense' as const, rows: m, cols: k, data: rand(m * k, 0.6) };
      const Xs = toSparse(Xd);
      assert.deepEqual(toDense(Xs).data, Xd.data);
      const B = rand(k * n), R = rand(m * n);
      const c1 = new Float64Array(m * n), c2 = new Float64Array(m * n);
      mulX(Xd, B, n, c1); mulX(Xs, B, n, c2);
      close(c2, c1);
      close(c1, naive(m, n, k, (i, l) => Xd.data[i * k + l], (l, j) => B[l * n + j]));
      const t1 = new Float64Array(k * n), t2 = new Float64Array(k * n);
      mulXT(Xd, R, n, t1); mulXT(Xs, R, n, t2);
      close(t2, t1);
      close(t1, naive(k, n, m, (i, l) => Xd.data[l * k + i], (l, j) => R[l * n + j]));
    });
  }
  it('selectRows keeps the chosen rows in order for both kinds', () => {
    const Xd = { kind: 'dense' as const, rows: 6, cols: 4, data: rand(24, 0.5) };
    const rows = [5, 0, 3, 3];
    const a = selectRows(Xd, rows), b = toDense(selectRows(toSparse(Xd), rows));
    assert.deepEqual(toDense(a).data, b.data);
    for (let i = 0; i < rows.length; i++) for (let c = 0; c < 4; c++) assert.equal(b.data[i * 4 + c], Xd.data[rows[i] * 4 + c]);
  });
});
