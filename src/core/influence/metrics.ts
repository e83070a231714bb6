/**
 * Agreement and detection metrics for the accuracy report and tests. Ties get mid-ranks
 * (Spearman, ROC-AUC); Kendall's τ is τ-b (tie-corrected).
 */

export function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0, mb = 0;
  for (let i = 0; i < n; i++) { ma += a[i]; mb += b[i]; }
  ma /= n; mb /= n;
  let sab = 0, saa = 0, sbb = 0;
  for (let i = 0; i < n; i++) {
    const da = a[i] - ma, db = b[i] - mb;
    sab += da * db; saa += da * da; sbb += db * db;
  }
  return saa === 0 || sbb === 0 ? NaN : sab / Math.sqrt(saa * sbb);
}

/** 1-based ranks, ties averaged. */
export function midRanks(a: ArrayLike<number>): Float64Array {
  const n = a.length;
  const idx = Array.from({ length: n }, (_, i) => i).sort((i, j) => a[i] - a[j]);
  const r = new Float64Array(n);
  for (let s = 0; s < n;) {
    let e = s;
    while (e + 1 < n && a[idx[e + 1]] === a[idx[s]]) e++;
    const avg = (s + e) / 2 + 1;
    for (let q = s; q <= e; q++) r[idx[q]] = avg;
    s = e + 1;
  }
  return r;
}

export function spearman(a: ArrayLike<number>, b: ArrayLike<number>): number {
  return pearson(midRanks(a), midRanks(b));
}

/** Kendall τ-b, O(n²) (n is at most a few thousand here). */
export function kendallTau(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let conc = 0, disc = 0, tieA = 0, tieB = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const da = Math.sign(a[i] - a[j]), db = Math.sign(b[i] - b[j]);
      if (da === 0 && db === 0) continue;
      if (da === 0) tieA++;
      else if (db === 0) tieB++;
      else if (da === db) conc++;
      else disc++;
    }
  }
  const den = Math.sqrt((conc + disc + tieA) * (conc + disc + tieB));
  return den === 0 ? NaN : (conc - disc) / den;
}

/** Indices of the k largest values of `score` (ties: lower index first). */
export function topK(score: ArrayLike<number>, k: number): number[] {
  return Array.from({ length: score.length }, (_, i) => i).sort((i, j) => score[j] - score[i] || i - j).slice(0, k);
}

/** |A ∩ B| / |A ∪ B| of the top-k sets of two scores (larger = more extreme). */
export function jaccardTopK(a: ArrayLike<number>, b: ArrayLike<number>, k: number): number {
  const A = new Set(topK(a, k)), B = topK(b, k);
  let inter = 0;
  for (const x of B) if (A.has(x)) inter++;
  const union = A.size + B.length - inter;
  return union === 0 ? NaN : inter / union;
}

/** ROC-AUC of `score` (larger = more positive) for boolean labels; ties count one half. */
export function rocAuc(score: ArrayLike<number>, positive: ArrayLike<boolean>): number {
  const r = midRanks(score);
  let np = 0, sum = 0;
  for (let i = 0; i < r.length; i++) if (positive[i]) { np++; sum += r[i]; }
  const nn = r.length - np;
  if (np === 0 || nn === 0) return NaN;
  return (sum - (np * (np + 1)) / 2) / (np * nn);
}

/** Share of positives among the top-k by score. */
export function precisionAtK(score: ArrayLike<number>, positive: ArrayLike<boolean>, k: number): number {
  const top = topK(score, k);
  return top.length === 0 ? NaN : top.filter((i) => positive[i]).length / top.length;
}
