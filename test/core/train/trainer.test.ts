/** The trainer: determinism, the mean over the batch, schedules, divergence, cancellation, LR search. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isInputError } from '../../../src/core/data/types';
import { selectRows } from '../../../src/core/linalg/features';
import { createModel, NO_EXCLUSIONS } from '../../../src/core/model';
import { CancelledError, learningRateAt, LR_CANDIDATES, LR_TIE_TOLERANCE, searchLearningRate, seededStreams, train } from '../../../src/core/train';
import { synthetic } from '../model/synthetic';

const ROUNDING_TOL = 1e-14;

function setup(n = 37) {
  const s = synthetic(n + 10, 4, 3, 8);
  const tr = Array.from({ length: n }, (_, i) => i), va = Array.from({ length: 10 }, (_, i) => n + i);
  const model = createModel({ kind: 'softmax', d: 4, classes: 3, task: 'classification' });
  const data = { X: selectRows(s.X, tr), y: Float64Array.from(tr, (r) => s.y[r]), Xval: selectRows(s.X, va), yval: Float64Array.from(va, (r) => s.y[r]) };
  return { model, data };
}
const opts = { epochs: 3, batchSize: 8, learningRate: 0.5, lrSchedule: 'constant' as const, l2: 1e-3, seed: 9 };

describe('trainer', () => {
  it('same seed → bit-identical run; another seed → another run', () => {
    const { model, data } = setup();
    const a = train(model, data, opts), b = train(model, data, opts), c = train(model, data, { ...opts, seed: 10 });
    assert.deepEqual(a.thetaT, b.thetaT);
    assert.deepEqual(a.epochs, b.epochs);
    assert.notDeepEqual(a.thetaT, c.thetaT);
  });

  it('batches: a permutation per epoch, last batch smaller, θ_0 from the seeded init stream', () => {
    const { model, data } = setup(37);
    const r = train(model, data, opts);
    const tj = r.trajectory;
    assert.equal(tj.stepsPerEpoch, 5);
    assert.equal(tj.steps, 15);
    assert.equal(tj.batch(4).length, 5);
    for (let e = 0; e < 3; e++) {
      const seen = [...tj.orders.subarray(e * 37, e * 37 + 37)].sort((x, y) => x - y);
      assert.deepEqual(seen, Array.from({ length: 37 }, (_, i) => i));
    }
    assert.deepEqual(tj.theta(0), model.init(seededStreams(9).init));
  });

  it('each step uses the mean gradient over its batch plus the L2 term', () => {
    const { model, data } = setup();
    const r = train(model, data, opts);
    const tj = r.trajectory;
    for (const t of [0, 4, 9]) {
      const rows = [...tj.batch(t)];
      const g = new Float64Array(model.p);
      model.gradStack(tj.theta(t), 1, selectRows(data.X, rows), Float64Array.from(rows, (i) => data.y[i]), NO_EXCLUSIONS, g);
      const th = tj.theta(t), next = tj.theta(t + 1);
      for (let a = 0; a < model.p; a++) {
        const expect = th[a] - 0.5 * (g[a] / rows.length + 1e-3 * th[a]);
        assert.ok(Math.abs(next[a] - expect) < ROUNDING_TOL, `step ${t}`);
      }
    }
  });

  it('inverse-sqrt schedule decays from η to η/√(E+1)', () => {
    assert.equal(learningRateAt('constant', 0.2, 50, 10), 0.2);
    assert.equal(learningRateAt('inverse-sqrt', 0.2, 0, 10), 0.2);
    assert.ok(Math.abs(learningRateAt('inverse-sqrt', 0.2, 30, 10) - 0.1) < ROUNDING_TOL);
    const { model, data } = setup();
    const r = train(model, data, { ...opts, lrSchedule: 'inverse-sqrt' });
    assert.ok(r.trajectory.etas[14] < r.trajectory.etas[0]);
  });

  it('records per-epoch metrics and reports progress up to 1', () => {
    const { model, data } = setup();
    const seen: number[] = [];
    const r = train(model, data, opts, { onProgress: (f) => seen.push(f) });
    assert.deepEqual(r.epochs.map((e) => e.epoch), [1, 2, 3]);
    assert.equal(seen[seen.length - 1], 1);
    for (const e of r.epochs) assert.ok(e.trainAccuracy >= 0 && e.trainAccuracy <= 1 && e.valLoss > 0);
  });

  it('divergence stops with InputError("diverged") suggesting a smaller rate', () => {
    // Squared error with a far too large rate grows geometrically to Infinity.
    const s = synthetic(30, 4, 1, 2, true);
    const model = createModel({ kind: 'linear', d: 4, classes: 0, task: 'regression' });
    const data = { X: s.X, y: s.y, Xval: s.X, yval: s.y };
    assert.throws(() => train(model, data, { ...opts, epochs: 200, learningRate: 50 }), (e: unknown) => isInputError(e) && e.kind === 'diverged' && /smaller learning rate/.test(e.hint));
  });

  it('cancellation between mini-batches throws CancelledError', () => {
    const { model, data } = setup();
    let calls = 0;
    assert.throws(() => train(model, data, opts, { shouldCancel: () => ++calls > 3 }), CancelledError);
    assert.equal(calls, 4);
  });

  it('learning-rate search is deterministic, records every candidate and picks the lowest validation loss', () => {
    const { model, data } = setup();
    const base = { epochs: 4, batchSize: 8, lrSchedule: 'constant' as const, l2: 1e-3, seed: 9 };
    const a = searchLearningRate(model, data, base), b = searchLearningRate(model, data, base);
    assert.deepEqual(a, b);
    assert.deepEqual(a.candidates.map((c) => c.learningRate), [...LR_CANDIDATES]);
    const best = Math.min(...a.candidates.map((c) => c.valLoss));
    const chosen = a.candidates.find((c) => c.learningRate === a.learningRate)!;
    assert.ok(chosen.valLoss <= best * (1 + LR_TIE_TOLERANCE));
    // No smaller rate is within the tolerance.
    for (const c of a.candidates) if (c.learningRate < chosen.learningRate) assert.ok(c.valLoss > best * (1 + LR_TIE_TOLERANCE));
  });
});
