/**
 * Query values Q(θ) for many stacked models (ground truth) and query gradients ∇Q(θ)
 * (estimators: influence = ⟨∇Q(θ_t), δ_j(t)⟩). Queries use data losses only (no L2).
 */
import type { FeatureMatrix } from '../data/types';
import { selectRows } from '../linalg/features';
import { evaluateStack, headLoss, meanLossGrad } from '../model/objective';
import { NO_EXCLUSIONS, type Model } from '../model/types';
import type { InfluenceContext, Query } from './types';

/** ∇Q(θ) (length p, standard layout). */
export function queryGrad(ctx: InfluenceContext, q: Query, theta: Float64Array): Float64Array {
  const { model } = ctx;
  const out = new Float64Array(model.p);
  switch (q.kind) {
    case 'val-loss':
      return meanLossGrad(model, theta, ctx.Xval, ctx.yval, out);
    case 'val-row': {
      const x = selectRows(ctx.Xval, [q.index]);
      model.gradStack(theta, 1, x, ctx.yval.subarray(q.index, q.index + 1), NO_EXCLUSIONS, out);
      return out;
    }
    case 'logit': {
      const E = new Float64Array(model.k);
      E[q.cls] = 1;
      model.vjp(theta, q.x, E, out);
      return out;
    }
  }
}

/** Q(θ_j) for m stacked models: Float64Array(m). */
export function queryValues(ctx: InfluenceContext, q: Query, thetas: Float64Array, m: number): Float64Array {
  const { model } = ctx;
  switch (q.kind) {
    case 'val-loss':
      return evaluateStack(model, thetas, m, ctx.Xval, ctx.yval).loss;
    case 'val-row': {
      const x = selectRows(ctx.Xval, [q.index]);
      const O = model.outputsStack(thetas, m, x);
      const f = headLoss(model), y = ctx.yval[q.index];
      return Float64Array.from({ length: m }, (_, j) => f(O, j * model.k, y));
    }
    case 'logit': {
      const O = model.outputsStack(thetas, m, q.x);
      return Float64Array.from({ length: m }, (_, j) => O[j * model.k + q.cls]);
    }
  }
}

/** The logit query of one row of X at its predicted class under θ. */
export function predictedLogitQuery(model: Model, theta: Float64Array, X: FeatureMatrix, row: number): Query {
  const x = selectRows(X, [row]);
  const O = model.outputsStack(theta, 1, x);
  let cls = 0;
  for (let c = 1; c < model.k; c++) if (O[c] > O[cls]) cls = c;
  return { kind: 'logit', x, cls };
}
