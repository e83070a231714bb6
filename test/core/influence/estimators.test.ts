/**
 * Estimators against each other and against exact replay: batched LOO equals a naive
 * one-model replay; ACC equals SGD-IE after one epoch; SGD-IE reverse equals forward;
 * chunking changes nothing; windows add up; in-window restarts behave.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { selectRows } from '../../../src/core/linalg/features';
import { accEstimator, looEstimator, replay, runForward, sgdIeEstimator, spearman, windowBoundaries, cumulativeWindows } from '../../../src/core/influence';
import { NO_EXCLUSIONS, evaluate, rowLosses } from '../../../src/core/model';
import { problem, maxAbs, maxAbsDiff } from './fixtures';

/** Reverse and forward SGD-IE sum the same terms in another order. */
const REVERSE_FORWARD_REL_TOL = 1e-10;
/** Windows telescope; summing W differences loses a few ulps. */
const WINDOW_SUM_REL_TOL = 1e-9;
/** Exact replays in different code paths (stacked vs one model) agree to rounding. */
const REPLAY_ABS_TOL = 1e-13;
/** Linearised estimates on a small smooth problem track exact LOO closely. */
const SMALL_PROBLEM_SPEARMAN = 0.95;
/** Restricting δ to the last layer drops the W1 coupling: a looser but still strong match. */
const LAST_LAYER_SPEARMAN = 0.8;

describe('exact replay', () => {
  for (const kind of ['softmax', 'mlp', 'linear'] as const) {
    it(`${kind}: batched LOO equals a naive single-model replay`, () => {
      const { ctx, model } = problem({ kind });
      const rows = Int32Array.from([0, 7, 19, 33]);
      const res = looEstimator.estimate(ctx, { rows, keepDeltas: true, self: true });
      const T = ctx.traj.steps;
      for (let q = 0; q < rows.length; q++) {
        const j = rows[q];
        let th = ctx.traj.theta(0).slice();
        for (let t = 0; t < T; t++) {
          const batch = [...ctx.traj.batch(t)];
          const keep = batch.filter((r) => r !== j);
          const g = new Float64Array(model.p);
          if (keep.length > 0) model.gradStack(th, 1, selectRows(ctx.X, keep), Float64Array.from(keep, (r) => ctx.y[r]), NO_EXCLUSIONS, g);
          const b = batch.length, eta = ctx.traj.etas[t];
          th = th.map((v, a) => v - (eta / b) * (g[a] + keep.length * ctx.l2 * v));
        }
        const thT = ctx.traj.theta(T);
        const delta = th.map((v, a) => v - thT[a]);
        assert.ok(maxAbsDiff(res.snapshots[0].deltas!.subarray(q * model.p, (q + 1) * model.p), delta) < REPLAY_ABS_TOL);
        const dq = evaluate(model, th, ctx.Xval, ctx.yval).loss - evaluate(model, thT, ctx.Xval, ctx.yval).loss;
        assert.ok(Math.abs(res.snapshots[0].queries[0][q] - dq) < REPLAY_ABS_TOL);
        const self = rowLosses(model, th, selectRows(ctx.X, [j]), ctx.y.subarray(j, j + 1))[0] - rowLosses(model, thT, selectRows(ctx.X, [j]), ctx.y.subarray(j, j + 1))[0];
        assert.ok(Math.abs(res.snapshots[0].self![q] - self) < REPLAY_ABS_TOL);
      }
    });
  }

  it('a replay that removes nothing reproduces the recorded run bit for bit', () => {
    const { ctx } = problem({ kind: 'mlp' });
    const th = replay(ctx, [new Int32Array(0)], 0, ctx.traj.steps, () => undefined);
    assert.deepEqual(th, ctx.traj.theta(ctx.traj.steps));
  });

  it('checkpointed trajectories recompute every θ_t bit for bit', () => {
    const full = problem({ kind: 'mlp', epochs: 6 });
    const ck = problem({ kind: 'mlp', epochs: 6, trajectoryBudgetMiB: 0.002 });
    assert.ok(ck.run.trajectory.interval > 1, 'the small budget forces checkpoints');
    for (let t = ck.ctx.traj.steps; t >= 0; t -= 1) assert.deepEqual(ck.ctx.traj.theta(t), full.ctx.traj.theta(t));
  });
});

describe('forward and reverse estimators', () => {
  for (const kind of ['softmax', 'mlp', 'linear'] as const) {
    for (const sparse of [false, true]) {
      it(`${kind}${sparse ? ' (sparse X)' : ''}: one-epoch ACC equals SGD-IE`, () => {
        const { ctx, all, model } = problem({ kind, sparse, epochs: 1 });
        const req = { rows: all, self: true, keepDeltas: true };
        const a = accEstimator.estimate(ctx, req).snapshots[0];
        const f = runForward(ctx, req, 'none', 'sgd-ie').snapshots[0];
        assert.ok(maxAbsDiff(a.deltas!, f.deltas!) === 0, 'δ identical in epoch 1');
        assert.equal(a.deltas!.length, all.length * model.p);
        assert.ok(maxAbsDiff(a.queries[0], sgdIeEstimator.estimate(ctx, req).snapshots[0].queries[0]) <= REVERSE_FORWARD_REL_TOL * maxAbs(a.queries[0]));
      });

      it(`${kind}${sparse ? ' (sparse X)' : ''}: SGD-IE reverse equals forward, incl. windows`, () => {
        const { ctx, all } = problem({ kind, sparse, epochs: 4 });
        const boundaries = windowBoundaries({ windows: 0 }, ctx.traj.stepsPerEpoch, 4);
        const mid = ctx.traj.stepsPerEpoch * 2 + 1;
        const req = { rows: all, boundaries, inWindow: true, evalSteps: [mid, ctx.traj.steps] };
        const rev = sgdIeEstimator.estimate(ctx, req);
        const fwd = runForward(ctx, req, 'none', 'sgd-ie');
        const tol = (a: Float64Array) => REVERSE_FORWARD_REL_TOL * Math.max(maxAbs(a), 1e-300);
        rev.snapshots.forEach((s, k) => assert.ok(maxAbsDiff(s.queries[0], fwd.snapshots[k].queries[0]) <= tol(fwd.snapshots[k].queries[0])));
        rev.cumulative.forEach((c, k) => assert.ok(maxAbsDiff(c, fwd.cumulative[k]) <= tol(fwd.cumulative[k]) + 1e-300));
        rev.inWindow!.forEach((c, k) => assert.ok(maxAbsDiff(c, fwd.inWindow![k]) <= tol(fwd.inWindow![k])));
      });
    }
  }

  it('ACC differs from SGD-IE after several epochs and is closer to exact LOO in parameters', () => {
    const { ctx, all, model } = problem({ kind: 'softmax', epochs: 8 });
    const req = { rows: all, keepDeltas: true };
    const loo = looEstimator.estimate(ctx, req).snapshots[0].deltas!;
    const acc = accEstimator.estimate(ctx, req).snapshots[0].deltas!;
    const sgd = sgdIeEstimator.estimate(ctx, req).snapshots[0].deltas!;
    let ea = 0, es = 0;
    for (let j = 0; j < all.length; j++) {
      let na = 0, ns = 0, nl = 0;
      for (let a = 0; a < model.p; a++) {
        const l = loo[j * model.p + a];
        nl += l * l; na += (acc[j * model.p + a] - l) ** 2; ns += (sgd[j * model.p + a] - l) ** 2;
      }
      ea += Math.sqrt(na / nl); es += Math.sqrt(ns / nl);
    }
    assert.ok(ea < es, `mean relative error ACC ${ea / all.length} vs SGD-IE ${es / all.length}`);
  });

  for (const kind of ['softmax', 'mlp'] as const) {
    it(`${kind}: chunk size changes no number (full and random correction, in-window on)`, () => {
      const { ctx, all } = problem({ kind, epochs: 3 });
      const boundaries = windowBoundaries({ windows: 3 }, ctx.traj.stepsPerEpoch, 3);
      for (const correction of ['full', 'random'] as const) {
        const req = { rows: all, boundaries, inWindow: true, self: true, keepDeltas: true, correction, seed: 4 };
        const one = accEstimator.estimate(ctx, req);
        const chunked = accEstimator.estimate(ctx, { ...req, chunkRows: 7 });
        assert.equal(chunked.chunkRows, 7);
        assert.deepEqual(chunked.snapshots, one.snapshots);
        assert.deepEqual(chunked.cumulative, one.cumulative);
        assert.deepEqual(chunked.inWindow, one.inWindow);
      }
      const lchunk = looEstimator.estimate(ctx, { rows: all, boundaries, inWindow: true, chunkRows: 9 });
      const lone = looEstimator.estimate(ctx, { rows: all, boundaries, inWindow: true });
      assert.deepEqual(lchunk.cumulative, lone.cumulative);
      assert.deepEqual(lchunk.inWindow, lone.inWindow);
    });
  }

  it('random correction lies between SGD-IE and ACC on average', () => {
    const { ctx, all } = problem({ kind: 'softmax', epochs: 8 });
    const q = (c: 'full' | 'none' | 'random') => runForward(ctx, { rows: all, correction: c === 'none' ? undefined : c, seed: 1 }, c, 'acc').snapshots[0].queries[0];
    const full = q('full'), none = q('none'), rnd = q('random');
    const dist = (a: Float64Array, b: Float64Array) => Math.hypot(...a.map((v, i) => v - b[i]));
    assert.ok(dist(rnd, full) < dist(none, full), 'closer to ACC than SGD-IE is');
    assert.ok(dist(rnd, none) > 0, 'and not equal to SGD-IE');
  });

  it('last-layer ACC on the MLP tracks the last-layer block of exact LOO', () => {
    const { ctx, all, model } = problem({ kind: 'mlp', epochs: 4 });
    const ll = accEstimator.estimate(ctx, { rows: all, lastLayerOnly: true, keepDeltas: true });
    const pd = model.lastLayer.size;
    assert.equal(ll.snapshots[0].deltas!.length, all.length * pd);
    const loo = looEstimator.estimate(ctx, { rows: all, keepDeltas: true }).snapshots[0].deltas!;
    const a = new Float64Array(all.length * pd), b = new Float64Array(all.length * pd);
    for (let j = 0; j < all.length; j++) {
      a.set(ll.snapshots[0].deltas!.subarray(j * pd, (j + 1) * pd), j * pd);
      b.set(loo.subarray(j * model.p + model.lastLayerOffset, (j + 1) * model.p), j * pd);
    }
    assert.ok(spearman(a, b) > LAST_LAYER_SPEARMAN, `spearman ${spearman(a, b)}`);
  });

  it('last-layer restriction is the whole model for softmax regression', () => {
    const { ctx, all } = problem({ kind: 'softmax', epochs: 3 });
    const a = accEstimator.estimate(ctx, { rows: all, lastLayerOnly: true, self: true, keepDeltas: true });
    const b = accEstimator.estimate(ctx, { rows: all, self: true, keepDeltas: true });
    assert.deepEqual(a.snapshots, b.snapshots);
  });
});

describe('time windows', () => {
  for (const est of [accEstimator, sgdIeEstimator, looEstimator]) {
    it(`${est.name}: cumulative windows sum to the full influence; first in-window = first cumulative`, () => {
      const { ctx, all } = problem({ kind: 'mlp', epochs: 5 });
      const boundaries = windowBoundaries({ windows: 0 }, ctx.traj.stepsPerEpoch, 5);
      const r = est.estimate(ctx, { rows: all, boundaries, inWindow: true });
      const windows = cumulativeWindows(r.cumulative);
      assert.equal(windows.length, 5);
      const total = r.snapshots[0].queries[0];
      for (let j = 0; j < all.length; j++) {
        const s = windows.reduce((acc, w) => acc + w[j], 0);
        assert.ok(Math.abs(s - total[j]) <= WINDOW_SUM_REL_TOL * Math.abs(total[j]), `row ${j}: ${s} vs ${total[j]}`);
      }
      assert.deepEqual(r.inWindow![0], windows[0]);
      assert.ok(maxAbsDiff(r.inWindow![4], windows[4]) > 0, 'a later in-window value differs from the cumulative one');
    });
  }

  it('boundaries: per epoch, N windows, explicit steps', () => {
    assert.deepEqual(windowBoundaries({ windows: 0 }, 4, 3), [0, 4, 8, 12]);
    assert.deepEqual(windowBoundaries({ windows: 4 }, 5, 2), [0, 3, 5, 8, 10]);
    assert.deepEqual(windowBoundaries({ steps: [2, 5, 9] }, 5, 2), [2, 5, 9]);
    assert.throws(() => windowBoundaries({ steps: [3, 3] }, 5, 2), /increasing/);
  });

  it('ACC tracks windowed exact LOO on a small problem', () => {
    const { ctx, all } = problem({ kind: 'softmax', epochs: 4 });
    const boundaries = windowBoundaries({ windows: 0 }, ctx.traj.stepsPerEpoch, 4);
    const a = accEstimator.estimate(ctx, { rows: all, boundaries, inWindow: true });
    const l = looEstimator.estimate(ctx, { rows: all, boundaries, inWindow: true });
    for (let k = 0; k < 4; k++) assert.ok(spearman(a.inWindow![k], l.inWindow![k]) > SMALL_PROBLEM_SPEARMAN, `in-window ${k}`);
    const wa = cumulativeWindows(a.cumulative), wl = cumulativeWindows(l.cumulative);
    assert.ok(spearman(wa[0], wl[0]) > SMALL_PROBLEM_SPEARMAN);
  });
});
