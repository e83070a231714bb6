/**
 * The protocol's objective around a model: per-row loss ℓ_i(θ) = data loss + (λ/2)‖θ‖²,
 * and the quantities every estimator needs at one θ (mean validation loss and its
 * gradient, predictions, accuracy). λ-terms are added here and nowhere else.
 */
import type { FeatureMatrix } from '../data/types';
import { NO_EXCLUSIONS, type Model } from './types';

/** Full row gradients incl. L2 (rows × p): ∇ℓ_i^data + λθ. */
export function rowGradsWithL2(model: Model, theta: Float64Array, X: FeatureMatrix, y: Float64Array, l2: number, out: Float64Array): Float64Array {
  model.rowGrads(theta, X, y, out);
  if (l2 !== 0) {
    const p = model.p;
    for (let i = 0; i < X.rows; i++) for (let a = 0; a < p; a++) out[i * p + a] += l2 * theta[a];
  }
  return out;
}

/** Per-row data losses (no L2) of one model: out (rows). */
export function rowLosses(model: Model, theta: Float64Array, X: FeatureMatrix, y: Float64Array, out = new Float64Array(X.rows)): Float64Array {
  const O = model.outputsStack(theta, 1, X);
  const k = model.k;
  const lossFn = headLoss(model);
  for (let i = 0; i < X.rows; i++) out[i] = lossFn(O, i * k, y[i]);
  return out;
}

/** Data loss of outputs for one row (no L2); matches the model's head. */
export function headLoss(model: Model): (o: Float64Array, oo: number, y: number) => number {
  const k = model.k;
  if (model.head === 'identity') return (o, oo, y) => 0.5 * (o[oo] - y) * (o[oo] - y);
  return (o, oo, y) => {
    let mx = -Infinity;
    for (let c = 0; c < k; c++) if (o[oo + c] > mx) mx = o[oo + c];
    let s = 0;
    for (let c = 0; c < k; c++) s += Math.exp(o[oo + c] - mx);
    return Math.log(s) + mx - o[oo + y];
  };
}

/** Gradient of the mean data loss over the rows of X (no L2): out (p). */
export function meanLossGrad(model: Model, theta: Float64Array, X: FeatureMatrix, y: Float64Array, out = new Float64Array(model.p)): Float64Array {
  model.gradStack(theta, 1, X, y, NO_EXCLUSIONS, out);
  const s = X.rows > 0 ? 1 / X.rows : 0;
  for (let a = 0; a < out.length; a++) out[a] *= s;
  return out;
}

export interface Evaluation {
  /** Mean data loss (no L2). */
  loss: number;
  /** Fraction of rows whose most probable class is the label (NaN for regression). */
  accuracy: number;
}

/** Mean loss and accuracy of m stacked models on (X, y): arrays of length m. */
export function evaluateStack(model: Model, thetas: Float64Array, m: number, X: FeatureMatrix, y: Float64Array): { loss: Float64Array; accuracy: Float64Array } {
  const loss = new Float64Array(m), accuracy = new Float64Array(m);
  const n = X.rows;
  if (n === 0) { loss.fill(NaN); accuracy.fill(NaN); return { loss, accuracy }; }
  const k = model.k, w = m * k;
  const O = model.outputsStack(thetas, m, X);
  const lossFn = headLoss(model);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      const oo = i * w + j * k;
      loss[j] += lossFn(O, oo, y[i]);
      if (model.head === 'softmax') {
        let best = 0;
        for (let c = 1; c < k; c++) if (O[oo + c] > O[oo + best]) best = c;
        if (best === y[i]) accuracy[j] += 1;
      }
    }
  }
  for (let j = 0; j < m; j++) {
    loss[j] /= n;
    accuracy[j] = model.head === 'softmax' ? accuracy[j] / n : NaN;
  }
  return { loss, accuracy };
}

export function evaluate(model: Model, theta: Float64Array, X: FeatureMatrix, y: Float64Array): Evaluation {
  const r = evaluateStack(model, theta, 1, X, y);
  return { loss: r.loss[0], accuracy: r.accuracy[0] };
}

/** Predicted class (or value) and its probability (0 for regression), per row. */
export function predict(model: Model, theta: Float64Array, X: FeatureMatrix): { predicted: Float64Array; confidence: Float64Array } {
  const n = X.rows, k = model.k;
  const O = model.outputsStack(theta, 1, X);
  const predicted = new Float64Array(n), confidence = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (model.head === 'identity') { predicted[i] = O[i]; continue; }
    let best = 0, mx = -Infinity;
    for (let c = 0; c < k; c++) if (O[i * k + c] > mx) { mx = O[i * k + c]; best = c; }
    let s = 0;
    for (let c = 0; c < k; c++) s += Math.exp(O[i * k + c] - mx);
    predicted[i] = best;
    confidence[i] = 1 / s;
  }
  return { predicted, confidence };
}
