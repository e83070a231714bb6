/**
 * Every gradient and Hessian-vector product against central finite differences, for all
 * three models, dense and sparse X; stacked (many models / many directions) results
 * against one-at-a-time results; exclusions against explicit row removal.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FeatureMatrix } from '../../../src/core/data/types';
import { selectRows } from '../../../src/core/linalg/features';
import { createModel, type Model, NO_EXCLUSIONS, rowLosses, stackGet, stackSet } from '../../../src/core/model';
import { createRng } from '../../../src/core/rng';
import { synthetic } from './synthetic';

/** Central-difference step; FD truncation error ~ε², rounding ~1e-16/ε. */
const FD_EPS = 1e-5;
/** Relative error allowed between analytic and finite-difference results. */
const FD_REL_TOL = 1e-6;
/** Relative error allowed between two exact computations of the same quantity. */
const EXACT_REL_TOL = 1e-12;

function relErr(a: Float64Array, b: Float64Array): number {
  let num = 0, den = 0;
  for (let i = 0; i < a.length; i++) { num += (a[i] - b[i]) ** 2; den += b[i] ** 2; }
  return Math.sqrt(num) / Math.max(Math.sqrt(den), 1e-300);
}

function totalLoss(model: Model, th: Float64Array, X: FeatureMatrix, y: Float64Array): number {
  return rowLosses(model, th, X, y).reduce((s, v) => s + v, 0);
}

function grad(model: Model, th: Float64Array, X: FeatureMatrix, y: Float64Array): Float64Array {
  const g = new Float64Array(model.p);
  model.gradStack(th, 1, X, y, NO_EXCLUSIONS, g);
  return g;
}

const cases: { name: string; make: (d: number, k: number) => Model; k: number; regression: boolean }[] = [
  { name: 'softmax', make: (d, k) => createModel({ kind: 'softmax', d, classes: k, task: 'classification' }), k: 3, regression: false },
  { name: 'linear', make: (d) => createModel({ kind: 'linear', d, classes: 0, task: 'regression' }), k: 1, regression: true },
  { name: 'mlp-tanh', make: (d, k) => createModel({ kind: 'mlp', d, classes: k, task: 'classification', hiddenUnits: 5, activation: 'tanh' }), k: 3, regression: false },
  { name: 'mlp-softplus', make: (d, k) => createModel({ kind: 'mlp', d, classes: k, task: 'classification', hiddenUnits: 4, activation: 'softplus' }), k: 4, regression: false },
  { name: 'mlp-tanh-regression', make: (d) => createModel({ kind: 'mlp', d, classes: 0, task: 'regression', hiddenUnits: 3, activation: 'tanh' }), k: 1, regression: true },
];

for (const c of cases) {
  for (const sparse of [false, true]) {
    describe(`${c.name} (${sparse ? 'sparse' : 'dense'} X)`, () => {
      const data = synthetic(13, 6, c.k, 3, c.regression);
      const X = sparse ? data.Xs : data.X;
      const model = c.make(6, c.k);
      const rng = createRng(11);
      // A θ away from the init so that curvature terms are not tiny.
      const theta = Float64Array.from({ length: model.p }, () => 0.5 * rng.normal());

      it('gradient matches central differences', () => {
        const g = grad(model, theta, X, data.y);
        const fd = new Float64Array(model.p);
        for (let a = 0; a < model.p; a++) {
          const tp = theta.slice(), tm = theta.slice();
          tp[a] += FD_EPS; tm[a] -= FD_EPS;
          fd[a] = (totalLoss(model, tp, X, data.y) - totalLoss(model, tm, X, data.y)) / (2 * FD_EPS);
        }
        assert.ok(relErr(g, fd) < FD_REL_TOL, `rel err ${relErr(g, fd)}`);
      });

      it('stacked HVPs match finite differences of the gradient', () => {
        const m = 3;
        const dirs = Array.from({ length: m }, () => Float64Array.from({ length: model.p }, () => rng.normal()));
        const V = new Float64Array(m * model.p);
        dirs.forEach((v, j) => stackSet(model.layout, V, m, j, v));
        const out = new Float64Array(m * model.p);
        model.hvpStack(theta, X, data.y, V, m, NO_EXCLUSIONS, out);
        for (let j = 0; j < m; j++) {
          const tp = theta.slice(), tm = theta.slice();
          for (let a = 0; a < model.p; a++) { tp[a] += FD_EPS * dirs[j][a]; tm[a] -= FD_EPS * dirs[j][a]; }
          const gp = grad(model, tp, X, data.y), gm = grad(model, tm, X, data.y);
          const fd = gp.map((v, a) => (v - gm[a]) / (2 * FD_EPS));
          const hv = stackGet(model.layout, out, m, j, new Float64Array(model.p));
          assert.ok(relErr(hv, fd) < FD_REL_TOL, `direction ${j}: rel err ${relErr(hv, fd)}`);
        }
      });

      it('last-layer HVP equals the last-layer block of the full HVP', () => {
        const v = new Float64Array(model.p);
        const sub = Float64Array.from({ length: model.lastLayer.size }, () => rng.normal());
        v.set(sub, model.lastLayerOffset);
        const full = new Float64Array(model.p);
        model.hvpStack(theta, X, data.y, v, 1, NO_EXCLUSIONS, full);
        const ll = new Float64Array(model.lastLayer.size);
        model.hvpStack(theta, X, data.y, sub, 1, NO_EXCLUSIONS, ll, true);
        assert.ok(relErr(ll, full.subarray(model.lastLayerOffset)) < EXACT_REL_TOL);
      });

      it('stacked gradients with exclusions equal per-model gradients without the rows', () => {
        const m = 3;
        const thetas = Array.from({ length: m }, () => Float64Array.from({ length: model.p }, () => 0.5 * rng.normal()));
        const stack = new Float64Array(m * model.p);
        thetas.forEach((v, j) => stackSet(model.layout, stack, m, j, v));
        // model 0 drops row 2, model 2 drops rows 0 and 5.
        const ex = { model: Int32Array.from([0, 2, 2]), pos: Int32Array.from([2, 0, 5]), count: 3 };
        const out = new Float64Array(m * model.p);
        model.gradStack(stack, m, X, data.y, ex, out);
        const keep = [[0, 1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], [...Array(13).keys()], [1, 2, 3, 4, 6, 7, 8, 9, 10, 11, 12]];
        for (let j = 0; j < m; j++) {
          const Xj = selectRows(X, keep[j]);
          const yj = Float64Array.from(keep[j], (i) => data.y[i]);
          const gj = grad(model, thetas[j], Xj, yj);
          assert.ok(relErr(stackGet(model.layout, out, m, j, new Float64Array(model.p)), gj) < EXACT_REL_TOL);
        }
      });

      it('per-row gradients sum to the batch gradient, and vjp of the loss gradient agrees', () => {
        const G = new Float64Array(X.rows * model.p);
        model.rowGrads(theta, X, data.y, G);
        const sum = new Float64Array(model.p);
        for (let i = 0; i < X.rows; i++) for (let a = 0; a < model.p; a++) sum[a] += G[i * model.p + a];
        const g = grad(model, theta, X, data.y);
        assert.ok(relErr(sum, g) < EXACT_REL_TOL);
      });
    });
  }
}
