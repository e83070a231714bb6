/**
 * Splitting rows across worker threads: the same numbers bit for bit as one thread (ACC
 * with windows, SGD-IE's forward part, exact LOO), cancellation from the blocked host, and
 * a helper that cannot start (its share is computed here instead).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { accEstimator, looEstimator, sgdIeEstimator, windowBoundaries } from '../../src/core/influence';
import type { EstimateRequest } from '../../src/core/influence/types';
import { CancelledError } from '../../src/core/train/trainer';
import { createRowWorkers, NodeRowWorkers } from '../../src/parallel/rowWorkers';
import { problem } from '../core/influence/fixtures';
import { createModel } from '../../src/core/model';
import { searchLearningRate } from '../../src/core/train/lrSearch';

describe('rows split across threads', () => {
  const workers = createRowWorkers(3, { minWork: 0 })!;

  it('is available here (helper script found)', () => {
    assert.ok(workers, 'createRowWorkers(3) returns workers');
    assert.equal(workers.extra, 2);
  });

  for (const kind of ['softmax', 'mlp'] as const) {
    it(`${kind}: ACC, SGD-IE forward and LOO are bit-identical to one thread`, () => {
      const { ctx, all } = problem({ kind, epochs: 3, n: 120 });
      const req: EstimateRequest = { rows: all, self: true, keepDeltas: true, inWindow: true, boundaries: windowBoundaries({ windows: 3 }, ctx.traj.stepsPerEpoch, 3) };
      for (const est of [accEstimator, sgdIeEstimator, looEstimator]) {
        const one = est.estimate(ctx, req);
        const split = est.estimate(ctx, req, { workers });
        assert.ok(split.notes.some((n) => /split over 3 threads/.test(n)), `${est.name} was split`);
        assert.ok(!split.notes.some((n) => /did not start/.test(n)), `${est.name}: every helper thread ran its share`);
        assert.deepEqual(split.snapshots, one.snapshots, est.name);
        assert.deepEqual(split.cumulative, one.cumulative, est.name);
        assert.deepEqual(split.inWindow, one.inWindow, est.name);
      }
    });
  }

  it('a cancel request while waiting for the helpers stops with CancelledError', () => {
    const { ctx, all } = problem({ kind: 'softmax', epochs: 40, n: 400 });
    let polls = 0;
    assert.throws(() => looEstimator.estimate(ctx, { rows: all }, { workers, shouldCancel: () => ++polls > 50 }), CancelledError);
  });

  it('a helper that cannot start leaves its share to this thread', () => {
    const broken = new NodeRowWorkers(1, { file: '/nonexistent/rowWorker.js', tsx: false }, 0);
    const { ctx, all } = problem({ kind: 'softmax', epochs: 2, n: 60 });
    const one = accEstimator.estimate(ctx, { rows: all, self: true });
    const split = accEstimator.estimate(ctx, { rows: all, self: true }, { workers: broken });
    assert.deepEqual(split.snapshots, one.snapshots);
    assert.ok(split.notes.some((n) => /did not start/.test(n)), 'the fallback is reported');
  });

  it('learning-rate candidates scored on several threads give the same search', () => {
    const { ctx } = problem({ kind: 'softmax', epochs: 1, n: 120 });
    const model = createModel({ kind: 'softmax', d: ctx.X.cols, classes: ctx.model.k, task: 'classification' });
    const data = { X: ctx.X, y: ctx.y, Xval: ctx.Xval, yval: ctx.yval };
    const opts = { epochs: 4, batchSize: 8, lrSchedule: 'constant' as const, l2: 1e-2, seed: 3 };
    const one = searchLearningRate(model, data, opts);
    let helped = false;
    const spy = { ...workers, extra: workers.extra, minWork: 0, run: workers.run.bind(workers), runCandidates: (...a: Parameters<typeof workers.runCandidates>) => { helped = true; return workers.runCandidates(...a); } };
    const split = searchLearningRate(model, data, opts, { workers: spy });
    assert.ok(helped, 'the candidates went to the helper threads');
    assert.deepEqual(split, one);
  });
});
