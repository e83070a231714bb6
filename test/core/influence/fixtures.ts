/** A trained synthetic problem and its influence context, shared by estimator tests. */
import type { FeatureMatrix } from '../../../src/core/data/types';
import { selectRows } from '../../../src/core/linalg/features';
import { createModel, type Model } from '../../../src/core/model';
import type { InfluenceContext } from '../../../src/core/influence';
import type { EstimateRequest, EstimateResult } from '../../../src/core/influence/types';
import { windowBoundaries } from '../../../src/core/influence/windows';
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

/**
 * `check(a's array, b's array, what)` for every per-row output two estimates both have:
 * queries, self-influence and δ at each eval step, cumulative and in-window values.
 */
export function eachOutput(a: EstimateResult, b: EstimateResult, check: (x: Float64Array, y: Float64Array, what: string) => void): void {
  a.snapshots.forEach((s, k) => {
    const o = b.snapshots[k];
    s.queries.forEach((q, qi) => check(q, o.queries[qi], `query ${qi} at step ${s.step}`));
    if (s.self && o.self) check(s.self, o.self, `self-influence at step ${s.step}`);
    if (s.deltas && o.deltas) check(s.deltas, o.deltas, `δ at step ${s.step}`);
  });
  a.cumulative.forEach((c, k) => check(c, b.cumulative[k], `cumulative ${k}`));
  a.inWindow?.forEach((c, k) => check(c, b.inWindow![k], `in-window ${k}`));
}

/** A request for every output of a forward estimate: two queries, self-influence, δ, per-epoch windows with in-window values, two eval steps. */
export function everyOutputRequest(ctx: InfluenceContext, rows: Int32Array, epochs: number): EstimateRequest {
  const spe = ctx.traj.stepsPerEpoch;
  return {
    rows, self: true, keepDeltas: true, inWindow: true, seed: 5,
    boundaries: windowBoundaries({ windows: 0 }, spe, epochs), evalSteps: [spe * 2, ctx.traj.steps],
    queries: [{ kind: 'val-loss' }, { kind: 'val-row', index: 3 }],
  };
}
