/**
 * Nearest training rows by cosine similarity of their feature vectors (dense or CSR),
 * used to show "similar helpful / harmful rows" next to a flagged row.
 */
import type { FeatureMatrix } from '../data/types';

export interface Neighbour {
  /** Position in the training rows (index into `train`). */
  position: number;
  similarity: number;
}

function rowVector(X: FeatureMatrix, r: number, out: Float64Array): void {
  out.fill(0);
  if (X.kind === 'dense') out.set(X.data.subarray(r * X.cols, (r + 1) * X.cols));
  else for (let k = X.indptr[r]; k < X.indptr[r + 1]; k++) out[X.indices[k]] = X.values[k];
  // The intercept column is the same for every row and says nothing about similarity.
  out[X.cols - 1] = 0;
}

function dotWith(X: FeatureMatrix, r: number, v: Float64Array): { dot: number; norm2: number } {
  let dot = 0, norm2 = 0;
  if (X.kind === 'dense') {
    const off = r * X.cols;
    for (let j = 0; j < X.cols - 1; j++) {
      const x = X.data[off + j];
      dot += x * v[j];
      norm2 += x * x;
    }
  } else {
    for (let k = X.indptr[r]; k < X.indptr[r + 1]; k++) {
      const j = X.indices[k];
      if (j === X.cols - 1) continue;
      dot += X.values[k] * v[j];
      norm2 += X.values[k] ** 2;
    }
  }
  return { dot, norm2 };
}

/** All other training rows, most similar first (ties by position), excluding the row itself. */
export function cosineNeighbours(X: FeatureMatrix, train: Int32Array, row: number): Neighbour[] {
  const v = new Float64Array(X.cols);
  rowVector(X, row, v);
  let vn = 0;
  for (let j = 0; j < v.length; j++) vn += v[j] * v[j];
  vn = Math.sqrt(vn);
  const out: Neighbour[] = [];
  for (let i = 0; i < train.length; i++) {
    if (train[i] === row) continue;
    const { dot, norm2 } = dotWith(X, train[i], v);
    const denom = vn * Math.sqrt(norm2);
    out.push({ position: i, similarity: denom > 0 ? dot / denom : 0 });
  }
  out.sort((a, b) => b.similarity - a.similarity || a.position - b.position);
  return out;
}
