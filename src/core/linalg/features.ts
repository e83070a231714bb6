/**
 * Products between a feature matrix X (dense row-major or CSR, rows × features, float64)
 * and dense row-major matrices. Sparse X stays sparse: every product visits only stored
 * entries. The engine calls these on one mini-batch of rows at a time.
 */
import type { DenseMatrix, FeatureMatrix, SparseMatrix } from '../data/types';
import { gemmNN, gemmTN } from './dense';

const JB = 256;

/** Rows `rows` of X as a new matrix of the same kind (dense copy or sub-CSR). */
export function selectRows(X: FeatureMatrix, rows: ArrayLike<number>): FeatureMatrix {
  const r = rows.length;
  if (X.kind === 'dense') {
    const d = X.cols;
    const data = new Float64Array(r * d);
    for (let i = 0; i < r; i++) data.set(X.data.subarray(rows[i] * d, rows[i] * d + d), i * d);
    return { kind: 'dense', rows: r, cols: d, data };
  }
  let nnz = 0;
  for (let i = 0; i < r; i++) nnz += X.indptr[rows[i] + 1] - X.indptr[rows[i]];
  const indptr = new Int32Array(r + 1);
  const indices = new Int32Array(nnz);
  const values = new Float64Array(nnz);
  let at = 0;
  for (let i = 0; i < r; i++) {
    const a = X.indptr[rows[i]], b = X.indptr[rows[i] + 1];
    indices.set(X.indices.subarray(a, b), at);
    values.set(X.values.subarray(a, b), at);
    at += b - a;
    indptr[i + 1] = at;
  }
  return { kind: 'sparse', rows: r, cols: X.cols, indptr, indices, values };
}

/** C (rows × n) = X · B with B (cols × n); overwrites C. */
export function mulX(X: FeatureMatrix, B: Float64Array, n: number, C: Float64Array): void {
  if (X.kind === 'dense') {
    gemmNN(X.rows, n, X.cols, X.data, B, C);
    return;
  }
  const { indptr, indices, values } = X;
  if (n <= 4) {
    // Few columns (one model's outputs): a running sum per output, terms in the same order.
    for (let i = 0; i < X.rows; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let q = indptr[i]; q < indptr[i + 1]; q++) s += values[q] * B[indices[q] * n + j];
        C[i * n + j] = s;
      }
    }
    return;
  }
  C.fill(0, 0, X.rows * n);
  for (let j0 = 0; j0 < n; j0 += JB) {
    const j1 = Math.min(n, j0 + JB);
    for (let i = 0; i < X.rows; i++) {
      const ci = i * n;
      for (let q = indptr[i]; q < indptr[i + 1]; q++) {
        const v = values[q];
        const bl = indices[q] * n;
        let j = j0;
        for (; j + 3 < j1; j += 4) {
          C[ci + j] += v * B[bl + j]; C[ci + j + 1] += v * B[bl + j + 1];
          C[ci + j + 2] += v * B[bl + j + 2]; C[ci + j + 3] += v * B[bl + j + 3];
        }
        for (; j < j1; j++) C[ci + j] += v * B[bl + j];
      }
    }
  }
}

/** C (cols × n) (+)= Xᵀ · R with R (rows × n). */
export function mulXT(X: FeatureMatrix, R: Float64Array, n: number, C: Float64Array, accumulate = false): void {
  if (X.kind === 'dense') {
    gemmTN(X.cols, n, X.rows, X.data, R, C, accumulate);
    return;
  }
  if (!accumulate) C.fill(0, 0, X.cols * n);
  const { indptr, indices, values } = X;
  for (let j0 = 0; j0 < n; j0 += JB) {
    const j1 = Math.min(n, j0 + JB);
    for (let i = 0; i < X.rows; i++) {
      const ri = i * n;
      for (let q = indptr[i]; q < indptr[i + 1]; q++) {
        const v = values[q];
        const cl = indices[q] * n;
        let j = j0;
        for (; j + 3 < j1; j += 4) {
          C[cl + j] += v * R[ri + j]; C[cl + j + 1] += v * R[ri + j + 1];
          C[cl + j + 2] += v * R[ri + j + 2]; C[cl + j + 3] += v * R[ri + j + 3];
        }
        for (; j < j1; j++) C[cl + j] += v * R[ri + j];
      }
    }
  }
}

/**
 * out (+)= Σ over stored entries of row i: x_ia · f(a), by calling `visit(a, x_ia)` for each
 * stored (or nonzero dense) entry of row i. Keeps per-row loops kind-agnostic.
 */
export function forEachInRow(X: FeatureMatrix, i: number, visit: (col: number, v: number) => void): void {
  if (X.kind === 'dense') {
    const d = X.cols, base = i * d;
    for (let a = 0; a < d; a++) {
      const v = X.data[base + a];
      if (v !== 0) visit(a, v);
    }
    return;
  }
  for (let q = X.indptr[i]; q < X.indptr[i + 1]; q++) visit(X.indices[q], X.values[q]);
}

/** Fraction of nonzero entries. */
export function density(X: FeatureMatrix): number {
  if (X.rows === 0 || X.cols === 0) return 0;
  if (X.kind === 'sparse') return X.indptr[X.rows] / (X.rows * X.cols);
  let nz = 0;
  for (let i = 0; i < X.data.length; i++) if (X.data[i] !== 0) nz++;
  return nz / X.data.length;
}

/** Dense copy (for tests and small matrices). */
export function toDense(X: FeatureMatrix): DenseMatrix {
  if (X.kind === 'dense') return X;
  const data = new Float64Array(X.rows * X.cols);
  for (let i = 0; i < X.rows; i++) {
    for (let q = X.indptr[i]; q < X.indptr[i + 1]; q++) data[i * X.cols + X.indices[q]] += X.values[q];
  }
  return { kind: 'dense', rows: X.rows, cols: X.cols, data };
}

/** CSR copy of a matrix (dense input: zeros dropped). */
export function toSparse(X: FeatureMatrix): SparseMatrix {
  if (X.kind === 'sparse') return X;
  let nnz = 0;
  for (let i = 0; i < X.data.length; i++) if (X.data[i] !== 0) nnz++;
  const indptr = new Int32Array(X.rows + 1);
  const indices = new Int32Array(nnz);
  const values = new Float64Array(nnz);
  let at = 0;
  for (let i = 0; i < X.rows; i++) {
    for (let a = 0; a < X.cols; a++) {
      const v = X.data[i * X.cols + a];
      if (v !== 0) { indices[at] = a; values[at] = v; at++; }
    }
    indptr[i + 1] = at;
  }
  return { kind: 'sparse', rows: X.rows, cols: X.cols, indptr, indices, values };
}
