/**
 * Query gradients against finite differences of query values, and model gradients /
 * HVPs on a real shared file (wine: standardized features at 1000× scale differences).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadDataset } from '../../../bench/datasets';
import { selectRows } from '../../../src/core/linalg/features';
import { predictedLogitQuery, queryGrad, queryValues, type Query } from '../../../src/core/influence';
import { createModel, NO_EXCLUSIONS, rowLosses, stackGet, stackSet } from '../../../src/core/model';
import { createRng } from '../../../src/core/rng';
import { problem } from './fixtures';

const FD_EPS = 1e-5;
const FD_REL_TOL = 1e-6;

function relErr(a: Float64Array, b: Float64Array): number {
  let num = 0, den = 0;
  for (let i = 0; i < a.length; i++) { num += (a[i] - b[i]) ** 2; den += b[i] ** 2; }
  return Math.sqrt(num / den);
}

describe('query gradients', () => {
  for (const kind of ['softmax', 'mlp'] as const) {
    it(`${kind}: val-loss, val-row and logit gradients match finite differences`, () => {
      const { ctx } = problem({ kind });
      const theta = ctx.traj.theta(ctx.traj.steps);
      const queries: Query[] = [{ kind: 'val-loss' }, { kind: 'val-row', index: 3 }, predictedLogitQuery(ctx.model, theta, ctx.X, 5)];
      for (const q of queries) {
        const g = queryGrad(ctx, q, theta);
        const fd = new Float64Array(ctx.model.p);
        for (let a = 0; a < fd.length; a++) {
          const tp = theta.slice(), tm = theta.slice();
          tp[a] += FD_EPS; tm[a] -= FD_EPS;
          fd[a] = (queryValues(ctx, q, tp, 1)[0] - queryValues(ctx, q, tm, 1)[0]) / (2 * FD_EPS);
        }
        assert.ok(relErr(g, fd) < FD_REL_TOL, `${q.kind}: ${relErr(g, fd)}`);
      }
    });
  }
});

describe('gradients and HVPs on wine (real data)', () => {
  const ds = loadDataset('wine');
  const rows = Array.from(ds.split.train.subarray(0, 12));
  const X = selectRows(ds.data.X, rows), y = Float64Array.from(rows, (r) => ds.data.y[r]);
  const rng = createRng(17);
  for (const kind of ['softmax', 'mlp'] as const) {
    it(`${kind}: gradient and 2-direction HVP match central differences`, () => {
      const model = createModel({ kind, d: X.cols, classes: ds.data.classes.length, task: 'classification', hiddenUnits: 6, activation: 'tanh' });
      const theta = Float64Array.from({ length: model.p }, () => 0.3 * rng.normal());
      const total = (th: Float64Array) => rowLosses(model, th, X, y).reduce((s, v) => s + v, 0);
      const grad = (th: Float64Array) => { const g = new Float64Array(model.p); model.gradStack(th, 1, X, y, NO_EXCLUSIONS, g); return g; };
      const g = grad(theta);
      const fd = g.map((_, a) => {
        const tp = theta.slice(), tm = theta.slice();
        tp[a] += FD_EPS; tm[a] -= FD_EPS;
        return (total(tp) - total(tm)) / (2 * FD_EPS);
      });
      assert.ok(relErr(g, fd) < FD_REL_TOL);
      const dirs = [0, 1].map(() => Float64Array.from({ length: model.p }, () => rng.normal()));
      const V = new Float64Array(2 * model.p);
      dirs.forEach((v, j) => stackSet(model.layout, V, 2, j, v));
      const HV = new Float64Array(2 * model.p);
      model.hvpStack(theta, X, y, V, 2, NO_EXCLUSIONS, HV);
      dirs.forEach((v, j) => {
        const gp = grad(theta.map((t, a) => t + FD_EPS * v[a])), gm = grad(theta.map((t, a) => t - FD_EPS * v[a]));
        const fdh = gp.map((x, a) => (x - gm[a]) / (2 * FD_EPS));
        assert.ok(relErr(stackGet(model.layout, HV, 2, j, new Float64Array(model.p)), fdh) < FD_REL_TOL);
      });
    });
  }
});
