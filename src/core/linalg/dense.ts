/**
 * Dense float64 kernels on row-major Float64Array matrices. Plain loops in i-k-j order,
 * blocked over output columns so that a slab of B (k × JB) stays in cache while every
 * row of A streams past it. Zero entries of A are skipped: one-hot and standardized-with-
 * missing features are often a quarter dense, and the skip is a cheap branch.
 */

/** Columns per block: k × JB doubles of B stay in L2 for the feature counts we meet. */
const JB = 256;
/** Up to this many output columns the products run as dot products (no inner-loop overhead per term). */
const NARROW = 4;

/**
 * C (m × n) = A (m × k) · B (k × n), or C += A·B when `accumulate`.
 * All row-major, float64; `C` must not alias `A` or `B`.
 */
export function gemmNN(m: number, n: number, k: number, A: Float64Array, B: Float64Array, C: Float64Array, accumulate = false): void {
  if (n <= NARROW) {
    // Few output columns (a model's K outputs): one running sum per output, same order of terms.
    for (let i = 0; i < m; i++) {
      const ai = i * k;
      for (let j = 0; j < n; j++) {
        let s = accumulate ? C[i * n + j] : 0;
        for (let l = 0; l < k; l++) {
          const a = A[ai + l];
          if (a === 0) continue;
          s += a * B[l * n + j];
        }
        C[i * n + j] = s;
      }
    }
    return;
  }
  if (!accumulate) C.fill(0, 0, m * n);
  for (let j0 = 0; j0 < n; j0 += JB) {
    const j1 = Math.min(n, j0 + JB);
    for (let i = 0; i < m; i++) {
      const ci = i * n;
      const ai = i * k;
      for (let l = 0; l < k; l++) {
        const a = A[ai + l];
        if (a === 0) continue;
        const bl = l * n;
        let j = j0;
        // Unrolled by four: twice the throughput of the plain loop in V8 here.
        for (; j + 3 < j1; j += 4) {
          C[ci + j] += a * B[bl + j]; C[ci + j + 1] += a * B[bl + j + 1];
          C[ci + j + 2] += a * B[bl + j + 2]; C[ci + j + 3] += a * B[bl + j + 3];
        }
        for (; j < j1; j++) C[ci + j] += a * B[bl + j];
      }
    }
  }
}

/**
 * C (m × n) = Aᵀ · B with A (k × m) and B (k × n), or C += Aᵀ·B when `accumulate`.
 * Used for Xᵀ·R (features × directions) after a forward pass over k batch rows.
 */
export function gemmTN(m: number, n: number, k: number, A: Float64Array, B: Float64Array, C: Float64Array, accumulate = false): void {
  if (n <= NARROW) {
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = accumulate ? C[i * n + j] : 0;
        for (let l = 0; l < k; l++) {
          const a = A[l * m + i];
          if (a === 0) continue;
          s += a * B[l * n + j];
        }
        C[i * n + j] = s;
      }
    }
    return;
  }
  if (!accumulate) C.fill(0, 0, m * n);
  for (let j0 = 0; j0 < n; j0 += JB) {
    const j1 = Math.min(n, j0 + JB);
    for (let l = 0; l < k; l++) {
      const al = l * m;
      const bl = l * n;
      for (let i = 0; i < m; i++) {
        const a = A[al + i];
        if (a === 0) continue;
        const ci = i * n;
        let j = j0;
        for (; j + 3 < j1; j += 4) {
          C[ci + j] += a * B[bl + j]; C[ci + j + 1] += a * B[bl + j + 1];
          C[ci + j + 2] += a * B[bl + j + 2]; C[ci + j + 3] += a * B[bl + j + 3];
        }
        for (; j < j1; j++) C[ci + j] += a * B[bl + j];
      }
    }
  }
}

/**
 * C (m × n) = A (m × k) · Bᵀ with B (n × k), or C += A·Bᵀ when `accumulate`.
 * Dot-product form; used where k is small (hidden or class counts).
 */
export function gemmNT(m: number, n: number, k: number, A: Float64Array, B: Float64Array, C: Float64Array, accumulate = false): void {
  for (let i = 0; i < m; i++) {
    const ai = i * k;
    const ci = i * n;
    for (let j = 0; j < n; j++) {
      const bj = j * k;
      let s = 0;
      for (let l = 0; l < k; l++) s += A[ai + l] * B[bj + l];
      C[ci + j] = accumulate ? C[ci + j] + s : s;
    }
  }
}

/** Σ a_i b_i over the first `n` entries (default: all of `a`). */
export function dot(a: Float64Array, b: Float64Array, n = a.length): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += a[i] * b[i];
  return s;
}

/** y += alpha · x (first `n` entries). */
export function axpy(alpha: number, x: Float64Array, y: Float64Array, n = x.length): void {
  for (let i = 0; i < n; i++) y[i] += alpha * x[i];
}

/** Euclidean norm. */
export function norm2(a: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * a[i];
  return Math.sqrt(s);
}

/** True when every entry is finite. */
export function allFinite(a: Float64Array): boolean {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return false;
  return true;
}
