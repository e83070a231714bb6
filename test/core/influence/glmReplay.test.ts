/**
 * The fused GLM replay (glmReplay.ts) on dense batches without zeros, where it takes the
 * blocked kernels (four rows / four features at a time), and on binary softmax, where the
 * loss gradient has its own loop: bit-identical to the stacked replay and to the recorded
 * run, with leave-a-set-out removals (two rows of one batch), visits that reset models, and
 * panels of odd width.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FeatureMatrix } from '../../../src/core/data/types';
import { replay } from '../../../src/core/influence';
import type { InfluenceContext } from '../../../src/core/influence/types';
import { entries, uniformRows } from '../../../src/core/influence/glmState';
import { selectRows } from '../../../src/core/linalg/features';
import { createModel } from '../../../src/core/model';
import { train } from '../../../src/core/train';
import { synthetic } from '../model/synthetic';

function context(kind: 'softmax' | 'linear', k: number, dense: boolean, n: number): InfluenceContext {
  const d = 10, nv = 10;
  const s = synthetic(n + nv, d, k, 5, kind === 'linear');
  // Fill the zeros so that every row stores every feature (the blocked path), or keep them.
  const data = dense ? s.X.data.map((v, i) => (v === 0 ? 0.25 + (i % 7) / 10 : v)) : s.X.data;
  const X: FeatureMatrix = { kind: 'dense', rows: n + nv, cols: d, data };
  const tr = Int32Array.from({ length: n }, (_, i) => i), va = Int32Array.from({ length: nv }, (_, i) => n + i);
  const model = createModel({ kind, d, classes: k, task: kind === 'linear' ? 'regression' : 'classification', hiddenUnits: 4, activation: 'tanh' });
  const Xt = selectRows(X, tr), yt = Float64Array.from(tr, (r) => s.y[r]);
  const Xv = selectRows(X, va), yv = Float64Array.from(va, (r) => s.y[r]);
  const l2 = 1e-2;
  const run = train(model, { X: Xt, y: yt, Xval: Xv, yval: yv }, { epochs: 3, batchSize: 8, learningRate: 0.3, lrSchedule: 'constant', l2, seed: 2 });
  return { model, traj: run.trajectory, X: Xt, y: yt, Xval: Xv, yval: yv, l2 };
}

/** Removal sets: nothing, single rows, two rows of one batch, three rows across batches. */
function removalSets(ctx: InfluenceContext, count: number): Int32Array[] {
  const n = ctx.X.rows, b0 = ctx.traj.batch(0);
  const sets: Int32Array[] = [new Int32Array(0), Int32Array.from([b0[0], b0[1]])];
  for (let j = 2; sets.length < count; j++) sets.push(j % 5 === 0 ? Int32Array.from([j % n, (j * 7) % n, (j * 13 + 1) % n].filter((r, i, a) => a.indexOf(r) === i)) : Int32Array.of(j % n));
  return sets;
}

describe('fused GLM replay, blocked and binary paths', () => {
  const cases = [
    { kind: 'softmax' as const, k: 2, dense: true, sets: 69 },
    { kind: 'softmax' as const, k: 3, dense: true, sets: 55 },
    { kind: 'softmax' as const, k: 2, dense: false, sets: 41 },
    { kind: 'linear' as const, k: 1, dense: true, sets: 70 },
  ];
  for (const c of cases) {
    it(`${c.kind} K=${c.k}${c.dense ? ', every row storing every feature' : ', rows with zeros'}: equals the stacked replay bit for bit`, () => {
      const ctx = context(c.kind, c.k, c.dense, 60);
      const T = ctx.traj.steps;
      const Xb = entries(selectRows(ctx.X, ctx.traj.batch(1)));
      assert.equal(uniformRows(Xb, ctx.traj.batch(1).length), c.dense);
      const sets = removalSets(ctx, c.sets);
      const M = sets.length, p = ctx.model.p;
      const events = new Set([3, 7, 11]);
      // At each event: record Θ and reset the last model to the recorded θ_t (as in-window LOO does).
      const seen = (into: Map<number, Float64Array>) => (t: number, Th: Float64Array): void => {
        into.set(t, Th.slice());
        if (!events.has(t)) return;
        const th = ctx.traj.theta(t);
        for (let a = 0; a < p; a++) Th[Math.floor(a / ctx.model.k) * M * ctx.model.k + (M - 1) * ctx.model.k + (a % ctx.model.k)] = th[a];
      };
      const fusedSeen = new Map<number, Float64Array>(), stackedSeen = new Map<number, Float64Array>();
      const fused = replay(ctx, sets, 0, T, seen(fusedSeen), undefined, undefined, events);
      const stacked = replay(ctx, sets, 0, T, (t, Th) => { if (events.has(t) || t === T) seen(stackedSeen)(t, Th); });
      assert.deepEqual(fused, stacked);
      assert.deepEqual([...fusedSeen.keys()], [...events, T]);
      for (const t of fusedSeen.keys()) assert.deepEqual(fusedSeen.get(t), stackedSeen.get(t), `step ${t}`);
      // Model 0 removes nothing: the recorded run, bit for bit.
      const k = ctx.model.k;
      const modelAt = (j: number) => Float64Array.from({ length: p }, (_, a) => fused[Math.floor(a / k) * M * k + j * k + (a % k)]);
      assert.deepEqual(modelAt(0), ctx.traj.theta(T));
      // Removing two rows of the first batch moves the model away from the recorded run.
      assert.notDeepEqual(modelAt(1), modelAt(0));
    });
  }
});
