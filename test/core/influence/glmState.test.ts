/**
 * The fused GLM forward state (lazy L2 scaling, panels) against the generic stacked state:
 * the same recursion, so the same numbers up to rounding, for every output the driver
 * produces; and chunking/panel boundaries never change a bit.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { looEstimator, replayWithout, runForward, windowBoundaries } from '../../../src/core/influence';
import type { EstimateRequest } from '../../../src/core/influence/types';
import { byColumn, entries, gatherRows, GlmForwardState, scatterCols, scatterUniform, uniformRows } from '../../../src/core/influence/glmState';
import type { StepInput } from '../../../src/core/influence/forwardState';
import { createModel } from '../../../src/core/model';
import { eachOutput, everyOutputRequest, maxAbs, maxAbsDiff, problem } from './fixtures';

/** Two summation orders of the same recursion over a few dozen steps. */
const FUSED_REL_TOL = 1e-11;

function close(a: Float64Array, b: Float64Array, what: string): void {
  const scale = Math.max(maxAbs(a), 1e-300);
  assert.ok(maxAbsDiff(a, b) <= FUSED_REL_TOL * scale, `${what}: max diff ${maxAbsDiff(a, b)} vs scale ${scale}`);
}

describe('fused GLM forward state', () => {
  for (const kind of ['softmax', 'linear'] as const) {
    for (const sparse of [false, true]) {
      for (const correction of ['full', 'none', 'random'] as const) {
        it(`${kind}${sparse ? ' sparse' : ''} ${correction}: equals the generic state (queries, self, δ, windows)`, () => {
          const { ctx, all } = problem({ kind, sparse, epochs: 5, n: 70 });
          const req = everyOutputRequest(ctx, all, 5);
          const est = correction === 'none' ? 'sgd-ie' : 'acc';
          const fused = runForward(ctx, req, correction, est);
          const generic = runForward(ctx, { ...req, genericState: true }, correction, est);
          assert.ok(fused.snapshots.every((s) => s.self && s.deltas) && fused.inWindow, 'every output is there to compare');
          eachOutput(fused, generic, close);
        });
      }
    }
  }

  it('a late start and strong L2 (σ rescaled many times) still match', () => {
    const { ctx, all } = problem({ kind: 'softmax', epochs: 6, n: 50, lr: 2 });
    // η·λ = 0.9999: every step shrinks δ by 1e-4, so σ passes 1e-150 after ~38 steps.
    const strong = { ...ctx, l2: 0.49995 };
    const req: EstimateRequest = { rows: all, self: true, keepDeltas: true, startStep: 3 };
    const fused = runForward(strong, req, 'full', 'acc').snapshots[0];
    const generic = runForward(strong, { ...req, genericState: true }, 'full', 'acc').snapshots[0];
    close(fused.queries[0], generic.queries[0], 'query');
    close(fused.deltas!, generic.deltas!, 'δ');
  });

  it('chunks of any size give bit-identical results', () => {
    const { ctx, all } = problem({ kind: 'softmax', sparse: true, epochs: 4, n: 80 });
    const req: EstimateRequest = { rows: all, self: true, keepDeltas: true, inWindow: true, boundaries: windowBoundaries({ windows: 3 }, ctx.traj.stepsPerEpoch, 4) };
    const whole = runForward(ctx, req, 'full', 'acc');
    for (const chunkRows of [1, 7, 33, 79]) {
      const part = runForward(ctx, { ...req, chunkRows }, 'full', 'acc');
      assert.deepEqual(part.snapshots, whole.snapshots);
      assert.deepEqual(part.cumulative, whole.cumulative);
      assert.deepEqual(part.inWindow, whole.inWindow);
    }
  });
});

describe('fused GLM replay', () => {
  for (const kind of ['softmax', 'linear'] as const) {
    for (const sparse of [false, true]) {
      it(`${kind}${sparse ? ' sparse' : ''}: bit-identical to the stacked replay (queries, self, δ, windows)`, () => {
        const { ctx, all } = problem({ kind, sparse, epochs: 4, n: 90 });
        const req: EstimateRequest = {
          rows: all, self: true, keepDeltas: true, inWindow: true,
          boundaries: windowBoundaries({ windows: 3 }, ctx.traj.stepsPerEpoch, 4), evalSteps: [ctx.traj.stepsPerEpoch, ctx.traj.steps],
          queries: [{ kind: 'val-loss' }, { kind: 'val-row', index: 2 }],
        };
        const fused = looEstimator.estimate(ctx, req);
        const generic = looEstimator.estimate(ctx, { ...req, genericState: true });
        assert.deepEqual(fused.snapshots, generic.snapshots);
        assert.deepEqual(fused.cumulative, generic.cumulative);
        assert.deepEqual(fused.inWindow, generic.inWindow);
      });
    }
  }

  it('a model that removes nothing reproduces the recorded run bit for bit', () => {
    const { ctx } = problem({ kind: 'softmax', sparse: true, epochs: 3, n: 50 });
    const th = replayWithout(ctx, [new Int32Array(0), Int32Array.from([4])]);
    assert.deepEqual(th.filter((_, i) => Math.floor(i / ctx.model.k) % 2 === 0), ctx.traj.theta(ctx.traj.steps));
  });
});

describe('panel kernels', () => {
  it('the four-row gather of dense batches equals the row-by-row gather bit for bit', () => {
    let seed = 7;
    const rnd = (): number => (seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5;
    for (const [b, nnz, pw] of [[7, 5, 10], [32, 31, 64], [4, 3, 3], [9, 12, 17]]) {
      const d = nnz + 3;
      const ptr = Int32Array.from({ length: b + 1 }, (_, i) => i * nnz);
      const idx = new Int32Array(b * nnz), val = new Float64Array(b * nnz);
      for (let i = 0; i < b; i++) for (let q = 0; q < nnz; q++) { idx[i * nnz + q] = q + 1; val[i * nnz + q] = rnd(); }
      const S = Float64Array.from({ length: d * pw + 5 }, rnd);
      assert.ok(uniformRows({ idx, val, ptr }, b));
      const rowWise = new Float64Array(b * pw), blocked = new Float64Array(b * pw);
      gatherRows(b, ptr, idx, val, S, 5, pw, rowWise, false);
      gatherRows(b, ptr, idx, val, S, 5, pw, blocked, true);
      assert.deepEqual(blocked, rowWise, `b=${b} nnz=${nnz} pw=${pw}`);
    }
  });

  it('the four-feature update of dense batches equals the feature-by-feature update bit for bit', () => {
    let seed = 11;
    const rnd = (): number => (seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5;
    for (const [b, nnz, pw] of [[7, 5, 10], [32, 31, 64], [4, 3, 3], [9, 12, 17], [3, 8, 1]]) {
      const d = nnz + 3;
      const ptr = Int32Array.from({ length: b + 1 }, (_, i) => i * nnz);
      const idx = new Int32Array(b * nnz), val = new Float64Array(b * nnz);
      // Features 1, 2, 4, … (gaps between them), the same in every row.
      for (let i = 0; i < b; i++) for (let q = 0; q < nnz; q++) { idx[i * nnz + q] = q + 1 + (q >> 1); val[i * nnz + q] = rnd(); }
      const dd = d + nnz;
      const S0 = Float64Array.from({ length: dd * pw + 5 }, rnd);
      const U = Float64Array.from({ length: b * pw }, rnd);
      const byFeature = S0.slice(), blocked = S0.slice();
      scatterCols(byColumn({ idx, val, ptr }, b), byFeature, 5, pw, U);
      scatterUniform(b, nnz, idx, val, blocked, 5, pw, U);
      assert.deepEqual(blocked, byFeature, `b=${b} nnz=${nnz} pw=${pw}`);
      assert.notDeepEqual(blocked, S0);
    }
  });

  it('binary softmax: the written-out curvature equals the head\'s hess bit for bit (state after many steps)', () => {
    let seed = 5;
    const rnd = (): number => (seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5;
    const d = 6, b = 8, M = 70, model = createModel({ kind: 'softmax', d, classes: 2, task: 'classification', hiddenUnits: 4, activation: 'tanh' });
    const states = [new GlmForwardState(model, model.glmHead!, M, b), new GlmForwardState(model, model.glmHead!, M, b)];
    // The second state takes the general path (head.hess per slot).
    Object.defineProperty(states[1], 'binary', { value: false });
    const steps: StepInput[] = Array.from({ length: 12 }, (_, t) => {
      const Xb = { kind: 'dense' as const, rows: b, cols: d, data: Float64Array.from({ length: b * d }, () => 2 * rnd() + (rnd() > 0 ? 1.5 : -1.5)) };
      const forced = [t % b, (t + 3) % b];
      return {
        theta: Float64Array.from({ length: model.p }, rnd), Xb, yb: Float64Array.from({ length: b }, (_, i) => (i + t) % 2),
        alpha: 0.05, shrinkAll: 1 - 0.05 * 0.01 * b, shrinkOne: 1 - 0.05 * 0.01 * (b - 1), l2: 0.01,
        ex: { model: Int32Array.from([t % M, (5 * t + 1) % M]), pos: Int32Array.from([1, 4]), count: 2 },
        forcing: { count: 2, pos: Int32Array.from(forced), slot: Int32Array.from([(7 * t) % M, (11 * t + 2) % M]), slots: 1, stride: M },
      };
    });
    assert.ok(uniformRows(entries(steps[0].Xb), b));
    for (const st of states) { st.advance(steps.slice(0, 5)); st.advance(steps.slice(5)); }
    const a = new Float64Array(model.p), c = new Float64Array(model.p);
    let nonzero = 0;
    for (let j = 0; j < M; j++) {
      assert.deepEqual(states[0].get(j, a), states[1].get(j, c), `slot ${j}`);
      if (a.some((v) => v !== 0)) nonzero++;
    }
    assert.ok(nonzero > 10);
  });
});
