/**
 * The front door on real shared data (iris, wine and their noisy twins): shapes,
 * determinism, windows, verification by replay, the auto paths, and small pinned
 * versions of the accuracy targets (the full report is `npm run accuracy`).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadDataset } from '../../../bench/datasets';
import type { LabelledData } from '../../../src/core/data/types';
import { synthetic } from '../model/synthetic';
import { accEstimator, CancelledError, kendallTau, looEstimator, rocAuc, runInfluence, sgdIeEstimator, spearman, type EngineOptions } from '../../../src/core/influence';

/** ACC vs exact LOO rank agreement after 5 epochs, softmax (reference: ≥ 0.998 on iris/wine). */
const SOFTMAX_SPEARMAN_5 = 0.97;
const SOFTMAX_KENDALL_5 = 0.9;
/** Same for the tanh MLP (reference: 0.998-0.999). */
const MLP_SPEARMAN_5 = 0.95;
/** ACC's mean parameter error is at most this share of SGD-IE's (reference at 5 epochs: 0.14-0.2). */
const PARAM_ERROR_RATIO = 0.5;
/** Flip detection by looLoss on iris-noisy and wine-noisy (reference ≥ 0.994). */
const LOO_LOSS_AUC = 0.95;
/** Windows add up to the total. */
const WINDOW_SUM_REL_TOL = 1e-9;

const base: EngineOptions = {
  model: 'softmax', epochs: 5, batchSize: 32, learningRate: 0.1, lrSchedule: 'constant', l2: 1e-3,
  hiddenUnits: 16, activation: 'tanh', seed: 0, estimator: 'acc', windows: 0, memoryBudgetMiB: 256,
};

function relErrMean(est: Float64Array, loo: Float64Array, n: number, p: number): number {
  let s = 0;
  for (let j = 0; j < n; j++) {
    let num = 0, den = 0;
    for (let a = 0; a < p; a++) { const l = loo[j * p + a]; num += (est[j * p + a] - l) ** 2; den += l * l; }
    s += Math.sqrt(num / den);
  }
  return s / n;
}

describe('runInfluence on iris', () => {
  const ds = loadDataset('iris');
  const r = runInfluence(ds.data, ds.split, base);
  const n = ds.split.train.length;

  it('returns per-row arrays aligned with the training split and per-epoch windows that add up', () => {
    for (const a of [r.influence, r.selfInfluence, r.trainLoss, r.predicted, r.confidence]) assert.equal(a.length, n);
    assert.equal(r.windowCumulative.length, 5);
    assert.equal(r.inWindow.length, 5);
    assert.deepEqual(r.boundaries, [0, 4, 8, 12, 16, 20]);
    for (let j = 0; j < n; j++) {
      const s = r.windowCumulative.reduce((acc, w) => acc + w[j], 0);
      assert.ok(Math.abs(s - r.influence[j]) <= WINDOW_SUM_REL_TOL * Math.abs(r.influence[j]));
    }
    assert.equal(r.modelUsed, 'softmax');
    assert.equal(r.estimatorUsed, 'acc');
    assert.equal(r.epochs.length, 5);
    assert.ok(r.beatsMajority && r.valAccuracy > r.majorityRate);
    assert.ok(Math.abs(r.majorityRate - 1 / 3) < 1e-12, 'iris validation is balanced');
  });

  it('last-window ranking: the last in-window values, or a pass over the last window alone', () => {
    assert.deepEqual(r.lastWindow, r.inWindow[4]);
    const off = runInfluence(ds.data, ds.split, { ...base, inWindow: false });
    assert.equal(off.inWindow.length, 0);
    assert.deepEqual(off.lastWindow, r.lastWindow);
  });

  it('is bit-identical for the same seed', () => {
    const again = runInfluence(ds.data, ds.split, base);
    assert.deepEqual(again.influence, r.influence);
    assert.deepEqual(again.selfInfluence, r.selfInfluence);
    assert.deepEqual(again.inWindow, r.inWindow);
  });

  it('verifyWithout: removing nothing changes nothing; removing rows matches exact LOO', () => {
    const none = r.verifyWithout(new Int32Array(0));
    assert.deepEqual(none.after, none.before);
    const one = r.verifyWithout(Int32Array.from([3]));
    const loo = looEstimator.estimate(r.context, { rows: Int32Array.from([3]) }).snapshots[0].queries[0][0];
    assert.ok(Math.abs(one.after.valLoss - one.before.valLoss - loo) < 1e-15);
  });

  it('honours cancellation', () => {
    let k = 0;
    assert.throws(() => runInfluence(ds.data, ds.split, base, { shouldCancel: () => ++k > 30 }), CancelledError);
  });
});

describe('engine options', () => {
  const ds = loadDataset('wine');

  it('auto learning rate records its search and beats the majority class', () => {
    const r = runInfluence(ds.data, ds.split, { ...base, learningRate: 'auto', model: 'auto' });
    assert.ok(r.lrSearch.length >= 3);
    assert.ok(r.lrSearch.some((c) => c.learningRate === r.learningRate));
    assert.equal(r.modelUsed, 'softmax');
    assert.ok(r.beatsMajority);
  });

  it('auto estimator over the memory budget screens with SGD-IE and refines what one chunk holds with ACC', () => {
    const r = runInfluence(ds.data, ds.split, { ...base, estimator: 'auto', memoryBudgetMiB: 0.02 });
    assert.equal(r.estimatorUsed, 'sgd-ie+acc');
    const refined = r.approximation!.refinedRows;
    assert.equal(refined, Math.floor((0.02 * 1024 * 1024) / (2 * r.context.model.p * 8)));
    assert.ok(refined > 0 && refined < ds.split.train.length);
    assert.equal(r.selfInfluence.filter((v) => !Number.isNaN(v)).length, refined);
    const full = runInfluence(ds.data, ds.split, base);
    const sel = [...r.selfInfluence.keys()].filter((i) => !Number.isNaN(r.selfInfluence[i]));
    for (const i of sel) assert.equal(r.influence[i], full.influence[i]);
  });

  it('a trusted validation set replaces the split as the query', () => {
    const trusted: LabelledData = ds.data;
    const r = runInfluence(ds.data, ds.split, { ...base, validation: trusted });
    assert.equal(r.context.Xval.rows, ds.data.X.rows);
  });

  it('regression: auto picks the linear model; the baseline is the mean predictor', () => {
    const s = synthetic(60, 5, 1, 4, true);
    const data: LabelledData = { X: s.X, task: 'regression', y: s.y, classes: [], featureNames: ['a', 'b', 'c', 'd', '(intercept)'], unlabelled: new Int32Array(0) };
    const split = { train: Int32Array.from({ length: 48 }, (_, i) => i), validation: Int32Array.from({ length: 12 }, (_, i) => 48 + i) };
    const r = runInfluence(data, split, { ...base, model: 'auto', learningRate: 0.05 });
    assert.equal(r.modelUsed, 'linear');
    assert.ok(Number.isNaN(r.majorityRate) && Number.isNaN(r.valAccuracy));
    assert.ok(r.beatsMajority, 'a linear target is learnt');
    assert.ok(r.confidence.every((c) => c === 0));
    const loo = looEstimator.estimate(r.context, { rows: Int32Array.from({ length: 48 }, (_, i) => i) }).snapshots[0].queries[0];
    assert.ok(spearman(r.influence, loo) >= SOFTMAX_SPEARMAN_5);
  });

  it('warns when there are no validation rows', () => {
    const r = runInfluence(ds.data, { train: ds.split.train, validation: new Int32Array(0) }, base);
    assert.ok(r.warnings.some((w) => /no validation rows/.test(w)));
    assert.ok(r.influence.every((v) => v === 0));
  });

  it('rejects a model that does not fit the label', () => {
    assert.throws(() => runInfluence(ds.data, ds.split, { ...base, model: 'linear' }), /numeric label/);
  });
});

describe('pinned accuracy (5 epochs, reference protocol)', () => {
  for (const name of ['iris', 'wine']) {
    it(`${name} softmax: ACC vs exact LOO, both queries; parameter error vs SGD-IE`, () => {
      const ds = loadDataset(name);
      const r = runInfluence(ds.data, ds.split, { ...base, inWindow: false });
      const rows = Int32Array.from({ length: ds.split.train.length }, (_, i) => i);
      const req = { rows, self: true, keepDeltas: true };
      const loo = looEstimator.estimate(r.context, req).snapshots[0];
      const acc = accEstimator.estimate(r.context, req).snapshots[0];
      const sgd = sgdIeEstimator.estimate(r.context, req).snapshots[0];
      assert.ok(spearman(acc.queries[0], loo.queries[0]) >= SOFTMAX_SPEARMAN_5);
      assert.ok(kendallTau(acc.queries[0], loo.queries[0]) >= SOFTMAX_KENDALL_5);
      assert.ok(spearman(acc.self!, loo.self!) >= SOFTMAX_SPEARMAN_5);
      const p = r.context.model.p;
      assert.ok(relErrMean(acc.deltas!, loo.deltas!, rows.length, p) <= PARAM_ERROR_RATIO * relErrMean(sgd.deltas!, loo.deltas!, rows.length, p));
    });
  }

  it('wine MLP (tanh, 16): ACC vs exact LOO', () => {
    const ds = loadDataset('wine');
    const r = runInfluence(ds.data, ds.split, { ...base, model: 'mlp', inWindow: false });
    const rows = Int32Array.from({ length: ds.split.train.length }, (_, i) => i);
    const loo = looEstimator.estimate(r.context, { rows, self: true }).snapshots[0];
    assert.ok(spearman(r.influence, loo.queries[0]) >= MLP_SPEARMAN_5);
    assert.ok(spearman(r.selfInfluence, loo.self!) >= MLP_SPEARMAN_5);
  });

  for (const name of ['iris-noisy', 'wine-noisy']) {
    it(`${name}: looLoss finds flipped labels; removing the ACC top 5% lowers validation loss`, () => {
      const ds = loadDataset(name);
      const r = runInfluence(ds.data, ds.split, { ...base, inWindow: false });
      const flipped = Array.from(ds.split.train, (row) => ds.flips!.has(row));
      const looLoss = r.trainLoss.map((v, i) => v + r.selfInfluence[i]);
      assert.ok(rocAuc(looLoss, flipped) >= LOO_LOSS_AUC, `AUC ${rocAuc(looLoss, flipped)}`);
      const k = Math.round(0.05 * r.influence.length);
      const harmful = Int32Array.from([...r.influence.keys()].sort((a, b) => r.influence[a] - r.influence[b]).slice(0, k));
      const v = r.verifyWithout(harmful);
      assert.ok(v.after.valLoss < v.before.valLoss);
    });
  }
});
