/**
 * The scaling strategy (issue 11): the deterministic cost model, the auto choice by compute
 * and memory budgets, the refined-row count, the refinement order, and what refined and
 * screened rows carry. Timing-free: every decision comes from the cost model.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadDataset } from '../../../bench/datasets';
import { accFlops, accRowFlops, costShape, hvpFlops, meanNonzeros, screenFlops, sgdIeFlops } from '../../../src/core/influence/cost';
import { CANDIDATES_PER_TOPK, planRefinement, refinementOrder } from '../../../src/core/influence/strategy';
import { runInfluence, sgdIeEstimator, type EngineOptions } from '../../../src/core/influence';
import { createModel } from '../../../src/core/model';
import type { FeatureMatrix } from '../../../src/core/data/types';

const base: EngineOptions = {
  model: 'softmax', epochs: 5, batchSize: 32, learningRate: 0.1, lrSchedule: 'constant', l2: 1e-3,
  hiddenUnits: 16, activation: 'tanh', seed: 0, estimator: 'auto', windows: 0, memoryBudgetMiB: 256, topK: 3,
};

describe('cost model', () => {
  const dense: FeatureMatrix = { kind: 'dense', rows: 2, cols: 3, data: Float64Array.from([1, 0, 2, 0, 0, 3]) };
  const sparse: FeatureMatrix = { kind: 'sparse', rows: 2, cols: 3, indptr: Int32Array.from([0, 2, 3]), indices: Int32Array.from([0, 2, 2]), values: Float64Array.from([1, 2, 3]) };

  it('counts stored nonzeros per row the same for dense and sparse storage', () => {
    assert.equal(meanNonzeros(dense), 1.5);
    assert.equal(meanNonzeros(sparse), 1.5);
  });

  it('follows the stated formulas: softmax HVP 4·nnz_B·K + 4·b·K, fused ACC per row T·(4·nnz_B·(K−1) + 4·b·K), ×2 in-window, linear in rows', () => {
    const model = createModel({ kind: 'softmax', d: 3, classes: 4, task: 'classification' });
    const s = costShape(model, dense, 100, 32);
    assert.equal(s.batch, 2, 'a batch is at most the row count');
    assert.equal(hvpFlops(s), 4 * 2 * 1.5 * 4 + 4 * 2 * 4);
    assert.equal(accRowFlops(s), 100 * (4 * 2 * 1.5 * 3 + 4 * 2 * 4));
    assert.equal(accRowFlops(s, { inWindow: true }), 2 * accRowFlops(s));
    assert.equal(accFlops(s, 7), 7 * accRowFlops(s));
    // Total (100 steps) + boundaries (0 + 50 + 100) + in-window (100) direction-steps in one sweep.
    assert.equal(screenFlops(s, [0, 50, 100], true), sgdIeFlops(s, 100 + 150 + 100));
    assert.equal(screenFlops(s, [0, 50, 100], false), sgdIeFlops(s, 100 + 150) + sgdIeFlops(s, 50, 50));
    const mlp = costShape(createModel({ kind: 'mlp', d: 3, classes: 4, task: 'classification', hiddenUnits: 8 }), dense, 100, 32);
    assert.equal(mlp.hidden, 8);
    assert.ok(hvpFlops(mlp, true) < hvpFlops(mlp), 'the last layer alone is cheaper');
    assert.equal(accRowFlops(mlp), 100 * (hvpFlops(mlp) + 3 * mlp.p));
  });
});

describe('refinement plan and order', () => {
  const model = createModel({ kind: 'softmax', d: 10, classes: 3, task: 'classification' });
  const X: FeatureMatrix = { kind: 'dense', rows: 1000, cols: 10, data: new Float64Array(10_000).fill(1) };
  const s = costShape(model, X, 500, 32);
  const perRow = accRowFlops(s);

  it('refines as many rows as the compute budget pays for, and no more than one memory chunk holds', () => {
    for (const m of [0, 1, 17, 250, 1000]) {
      const plan = planRefinement(s, 1000, (m + 0.5) * perRow, 1e12, 10);
      assert.equal(plan.rows, m);
      assert.ok(plan.flops <= (m + 0.5) * perRow);
    }
    assert.equal(planRefinement(s, 1000, 1e30, 1e12, 10).rows, 1000, 'never more than the rows');
    const memRows = Math.floor((64 * 1024) / (2 * model.p * 8));
    assert.ok(memRows > 0 && memRows < 1000);
    assert.equal(planRefinement(s, 1000, 1e30, 64 * 1024, 10).rows, memRows);
    assert.equal(planRefinement(s, 1000, 1, 1e12, 10).candidates, 2 * CANDIDATES_PER_TOPK * 10);
  });

  it('alternates the harm ranking and the suspect ranking (misclassified first, then by loss)', () => {
    const influence = Float64Array.from([0.5, -3, -1, 0, -2, 1]);
    const loss = Float64Array.from([0.1, 0.2, 5, 0.3, 0.4, 4]);
    const mis = Uint8Array.from([1, 0, 0, 0, 0, 1]);
    // harm: 1, 4, 2, 3, 0, 5; suspect: 5, 0 (misclassified by loss), then 2, 4, 3, 1.
    assert.deepEqual([...refinementOrder(influence, loss, mis)], [1, 5, 4, 0, 2, 3]);
    assert.deepEqual([...refinementOrder(influence, loss, null)], [1, 2, 4, 5, 3, 0]);
  });
});

describe('auto: compute budget decides between full ACC and screening + refinement', () => {
  const ds = loadDataset('wine-noisy');
  const n = ds.split.train.length;
  const full = runInfluence(ds.data, ds.split, { ...base, estimator: 'acc' });
  const s = costShape(full.context.model, full.context.X, full.context.traj.steps, base.batchSize);
  const fullCost = accFlops(s, n, { inWindow: true }) / 1e9;

  it('runs full ACC when it fits both budgets, and the strategy just above the compute budget', () => {
    const within = runInfluence(ds.data, ds.split, { ...base, computeBudgetGflop: fullCost * (1 + 1e-9) });
    assert.equal(within.estimatorUsed, 'acc');
    assert.equal(within.approximation, undefined);
    assert.deepEqual(within.influence, full.influence);
    const over = runInfluence(ds.data, ds.split, { ...base, computeBudgetGflop: fullCost * (1 - 1e-9) });
    assert.equal(over.estimatorUsed, 'sgd-ie+acc');
    assert.ok(over.approximation!.note.includes('compute budget'));
    const overMemory = runInfluence(ds.data, ds.split, { ...base, memoryBudgetMiB: 0.05 });
    assert.equal(overMemory.estimatorUsed, 'sgd-ie+acc');
    assert.ok(overMemory.approximation!.note.includes('memory budget'));
  });

  it('refines exactly the rows the budget pays for; refined rows carry full ACC values, the others none', () => {
    const m = 30;
    const perRow = accRowFlops(s);
    const r = runInfluence(ds.data, ds.split, { ...base, computeBudgetGflop: ((m + 0.5) * perRow) / 1e9 });
    const a = r.approximation!;
    assert.equal(a.refinedRows, m);
    assert.equal(a.screenedRows, n);
    assert.equal(a.candidates, 2 * CANDIDATES_PER_TOPK * 3);
    assert.ok(a.budget.refineGflop <= a.budget.computeGflop * (1 + 1e-3));
    const refined = [...r.selfInfluence.keys()].filter((i) => !Number.isNaN(r.selfInfluence[i]));
    assert.equal(refined.length, m);
    for (const i of refined) {
      assert.equal(r.influence[i], full.influence[i]);
      assert.equal(r.selfInfluence[i], full.selfInfluence[i]);
      const sum = r.windowCumulative.reduce((acc, w) => acc + w[i], 0);
      assert.ok(Math.abs(sum - r.influence[i]) <= 1e-9 * Math.abs(r.influence[i]), 'refined windows add up to the ACC total');
    }
    // Screened rows keep SGD-IE values; in-window values are SGD-IE's for every row.
    const sgd = sgdIeEstimator.estimate(r.context, { rows: Int32Array.from({ length: n }, (_, i) => i), boundaries: r.boundaries, inWindow: true });
    for (let i = 0; i < n; i++) if (Number.isNaN(r.selfInfluence[i])) assert.equal(r.influence[i], sgd.snapshots[0].queries[0][i]);
    r.inWindow.forEach((w, k) => assert.deepEqual(w, sgd.inWindow![k]));
    // The refined set holds the top of both rankings: the most harmful rows by screening, and the misclassified rows with the highest loss.
    const screenInfl = sgd.snapshots[0].queries[0];
    const harmTop = [...screenInfl.keys()].sort((x, y) => screenInfl[x] - screenInfl[y] || x - y).slice(0, 3 * CANDIDATES_PER_TOPK);
    for (const i of harmTop) assert.ok(refined.includes(i), `harm candidate ${i} refined`);
  });

  it('is deterministic and independent of the memory budget when both hold the refined rows', () => {
    const budget = (25.5 * accRowFlops(s)) / 1e9;
    const a = runInfluence(ds.data, ds.split, { ...base, computeBudgetGflop: budget });
    const b = runInfluence(ds.data, ds.split, { ...base, computeBudgetGflop: budget, memoryBudgetMiB: 64 });
    assert.deepEqual(a.influence, b.influence);
    assert.deepEqual(a.selfInfluence, b.selfInfluence);
  });

  it('explicit sgd-ie skips the forward self-influence over the compute budget', () => {
    const r = runInfluence(ds.data, ds.split, { ...base, estimator: 'sgd-ie', computeBudgetGflop: 1e-6 });
    assert.ok(r.selfInfluence.every(Number.isNaN));
    assert.ok(r.notes.some((x) => /compute budget/.test(x)));
  });

  it('without in-window values the last-window ranking comes from SGD-IE, not an ACC pass over every row', () => {
    const r = runInfluence(ds.data, ds.split, { ...base, inWindow: false, computeBudgetGflop: 1e-6 });
    const W = r.boundaries.length - 1;
    const last = sgdIeEstimator.estimate(r.context, { rows: Int32Array.from({ length: n }, (_, i) => i), startStep: r.boundaries[W - 1], evalSteps: [r.boundaries[W]] });
    assert.deepEqual(r.lastWindow, last.snapshots[0].queries[0]);
  });
});
