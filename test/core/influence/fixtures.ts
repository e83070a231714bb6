/** A trained synthetic problem and its influence context, shared by estimator tests. */
import type { FeatureMatrix } from '../../../src/core/data/types';
import { selectRows } from '../../../src/core/linalg/features';
import { createModel, type Model } from '../../../src/core/model';
import type { InfluenceContext } from '../../../src/core/influence';
import { train, type TrainResult } from '../../../src/core/train';
import { synthetic } from '../model/synthetic';

export interface Problem {
  ctx: InfluenceContext;
  run: TrainResult;
  model: Model;
  all: Int32Array;
}

export function problem(opts: { kind?: 'softmax' | 'mlp' | 'linear'; sparse?: boolean; n?: number; epochs?: number; batch?: number; lr?: number; trajectoryBudgetMiB?: number; seed?: number } = {}): Problem {
  const kind = opts.kind ?? 'softmax';
  const n = opts.n ?? 40, nv = 12, d = 5, k = kind === 'linear' ? 1 : 3;
  const s = synthetic(n + nv, d, k, 21, kind === 'linear');
  const X: FeatureMatrix = opts.sparse ? s.Xs : s.X;
  const tr = Int32Array.from({ length: n }, (_, i) => i), va = Int32Array.from({ length: nv }, (_, i) => n + i);
  const model = createModel({ kind, d, classes: k, task: kind === 'linear' ? 'regression' : 'classification', hiddenUnits: 4, activation: 'tanh' });
  const Xt = selectRows(X, tr), yt = Float64Array.from(tr, (r) => s.y[r]);
  const Xv = selectRows(X, va), yv = Float64Array.from(va, (r) => s.y[r]);
  const l2 = 1e-2;
  const run = train(model, { X: Xt, y: yt, Xval: Xv, yval: yv }, {
    epochs: opts.epochs ?? 4, batchSize: opts.batch ?? 8, learningRate: opts.lr ?? 0.3, lrSchedule: 'constant', l2, seed: opts.seed ?? 3,
    trajectoryBudgetMiB: opts.trajectoryBudgetMiB,
  });
  return { ctx: { model, traj: run.trajectory, X: Xt, y: yt, Xval: Xv, yval: yv, l2 }, run, model, all: Int32Array.from({ length: n }, (_, i) => i) };
}

export function maxAbsDiff(a: Float64Array, b: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

export function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}
