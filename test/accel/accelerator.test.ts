/**
 * The float32 accelerator (tfjs wasm backend) against the float64 fused GLM state: the same
 * recursion with every big product in float32, so every output agrees within a stated
 * relative tolerance; and like the float64 path, chunking never changes a bit.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { loadAccelerator } from '../../src/accel/loader';
import { runForward, windowBoundaries } from '../../src/core/influence';
import { runForwardHere } from '../../src/core/influence/forward';
import type { ForwardAccelerator } from '../../src/core/influence/forwardState';
import type { EstimateRequest } from '../../src/core/influence/types';
import { estimateInParts } from '../../src/core/influence/parallel';
import { createRowWorkers } from '../../src/parallel/rowWorkers';
import { eachOutput, everyOutputRequest, maxAbs, maxAbsDiff, problem } from '../core/influence/fixtures';

/** float32 rounding (6e-8) amplified over a few dozen steps of the recursion. */
const FLOAT32_REL_TOL = 2e-5;

function close(a: Float64Array, b: Float64Array, what: string): void {
  const scale = Math.max(maxAbs(b), 1e-300);
  assert.ok(maxAbsDiff(a, b) <= FLOAT32_REL_TOL * scale, `${what}: max diff ${maxAbsDiff(a, b)} vs scale ${scale}`);
}

let accel: ForwardAccelerator;

describe('float32 accelerator (tfjs wasm)', () => {
  before(async () => {
    const load = await loadAccelerator('wasm');
    assert.ok(load.accelerator, `wasm accelerator did not load: ${load.note}`);
    accel = load.accelerator;
    assert.equal(accel.id, 'tfjs-wasm');
  });

  for (const kind of ['softmax', 'linear'] as const) {
    for (const sparse of [false, true]) {
      for (const correction of ['full', 'none', 'random'] as const) {
        it(`${kind}${sparse ? ' sparse' : ''} ${correction}: matches float64 (queries, self, δ, windows)`, () => {
          const { ctx, all } = problem({ kind, sparse, epochs: 5, n: 70 });
          const req = everyOutputRequest(ctx, all, 5);
          const est = correction === 'none' ? 'sgd-ie' : 'acc';
          const f32 = runForwardHere(ctx, { ...req, accelerated: true }, correction, est, { accelerator: accel });
          const f64 = runForwardHere(ctx, req, correction, est);
          assert.ok(f32.notes.some((n) => n.includes('float32')), 'the result says it ran in float32');
          assert.ok(f32.snapshots.every((s) => s.self && s.deltas) && f32.inWindow, 'every output is there to compare');
          eachOutput(f32, f64, close);
        });
      }
    }
  }

  it('strong L2 (σ folded into the state many times) and a late start still match', () => {
    const { ctx, all } = problem({ kind: 'softmax', epochs: 6, n: 50, lr: 2 });
    const strong = { ...ctx, l2: 0.49995 };
    const req: EstimateRequest = { rows: all, self: true, keepDeltas: true, startStep: 3 };
    const f32 = runForwardHere(strong, { ...req, accelerated: true }, 'full', 'acc', { accelerator: accel }).snapshots[0];
    const f64 = runForwardHere(strong, req, 'full', 'acc').snapshots[0];
    close(f32.queries[0], f64.queries[0], 'query');
    close(f32.deltas!, f64.deltas!, 'δ');
  });

  it('chunks of any size give bit-identical results', () => {
    const { ctx, all } = problem({ kind: 'softmax', epochs: 4, n: 80 });
    const req: EstimateRequest = { rows: all, self: true, keepDeltas: true, inWindow: true, accelerated: true, boundaries: windowBoundaries({ windows: 3 }, ctx.traj.stepsPerEpoch, 4) };
    const whole = runForwardHere(ctx, req, 'full', 'acc', { accelerator: accel });
    for (const chunkRows of [1, 7, 33, 79]) {
      const part = runForwardHere(ctx, { ...req, chunkRows }, 'full', 'acc', { accelerator: accel });
      assert.deepEqual(part.snapshots, whole.snapshots, `chunkRows ${chunkRows}`);
      assert.deepEqual(part.cumulative, whole.cumulative);
      assert.deepEqual(part.inWindow, whole.inWindow);
    }
  });

  it('threads and repeated runs give bit-identical results (each helper thread loads its own wasm instance)', () => {
    const { ctx, all } = problem({ kind: 'softmax', epochs: 4, n: 96 });
    const req: EstimateRequest = { rows: all, self: true, inWindow: true, boundaries: windowBoundaries({ windows: 2 }, ctx.traj.stepsPerEpoch, 4) };
    // Force the accelerated path on this small problem by deciding for it, as runForward does for big ones.
    const one = runForwardHere(ctx, { ...req, accelerated: true }, 'full', 'acc', { accelerator: accel });
    const again = runForwardHere(ctx, { ...req, accelerated: true }, 'full', 'acc', { accelerator: accel });
    assert.deepEqual(again.snapshots, one.snapshots);
    const workers = createRowWorkers(3, { minWork: 0 })!;
    const split = estimateInParts({ kind: 'forward', correction: 'full', estimator: 'acc' }, ctx, { ...req, accelerated: true }, { workers, accelerator: accel },
      (r, h) => runForwardHere(ctx, r, 'full', 'acc', h));
    assert.ok(split.notes.some((n) => n.includes('split over 3 threads')), split.notes.join(' '));
    assert.equal(split.accelerator, 'tfjs-wasm');
    assert.ok(!split.notes.some((n) => n.includes('not available')), 'every helper loaded the accelerator');
    assert.deepEqual(split.snapshots, one.snapshots);
    assert.deepEqual(split.cumulative, one.cumulative);
    assert.deepEqual(split.inWindow, one.inWindow);
  });

  it('runForward takes the accelerator only for dense data with enough work', () => {
    const { ctx, all } = problem({ kind: 'softmax', epochs: 2, n: 40 });
    const r = runForward(ctx, { rows: all }, 'full', 'acc', { accelerator: accel });
    assert.ok(!r.notes.some((n) => n.includes('float32')), 'a tiny problem stays in float64');
  });
});
