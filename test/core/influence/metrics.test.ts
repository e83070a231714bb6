/** Metric functions on examples small enough to compute by hand. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { jaccardTopK, kendallTau, midRanks, pearson, precisionAtK, rocAuc, spearman, topK } from '../../../src/core/influence/metrics';

const EXACT = 1e-12;
const near = (a: number, b: number) => assert.ok(Math.abs(a - b) < EXACT, `${a} vs ${b}`);

describe('metrics', () => {
  it('pearson', () => {
    // x = 1,2,3 ; y = 2,4,7: mean 2 and 13/3; Σdxdy = 5, Σdx² = 2, Σdy² = 38/3 → 5/√(76/3).
    near(pearson([1, 2, 3], [2, 4, 7]), 5 / Math.sqrt(76 / 3));
    near(pearson([1, 2, 3], [3, 2, 1]), -1);
    assert.ok(Number.isNaN(pearson([1, 1, 1], [1, 2, 3])));
  });
  it('mid-ranks and spearman with ties', () => {
    assert.deepEqual([...midRanks([10, 20, 20, 5])], [2, 3.5, 3.5, 1]);
    // ranks x: 1,2,3,4 ; y = [1,3,2,4] → Pearson of ranks = 1 − 6·Σd²/(n(n²−1)) = 1 − 6·2/60 = 0.8
    near(spearman([1, 2, 3, 4], [1, 3, 2, 4]), 0.8);
  });
  it('kendall tau-b', () => {
    // pairs of [1,2,3,4] vs [1,3,2,4]: 5 concordant, 1 discordant → 4/6.
    near(kendallTau([1, 2, 3, 4], [1, 3, 2, 4]), 4 / 6);
    // with a tie in y: x=[1,2,3], y=[1,1,2]: pairs (1,2) tie in y, (1,3) C, (2,3) C → 2/√(3·2).
    near(kendallTau([1, 2, 3], [1, 1, 2]), 2 / Math.sqrt(6));
  });
  it('top-k, jaccard, precision', () => {
    assert.deepEqual(topK([0.1, 0.9, 0.5, 0.9], 3), [1, 3, 2]);
    // top-2 of a = {1,2}; of b = {0,2} → 1/3.
    near(jaccardTopK([0, 3, 2, 1], [5, 0, 4, 1], 2), 1 / 3);
    near(precisionAtK([0.9, 0.8, 0.1, 0.7], [true, false, false, true], 2), 0.5);
  });
  it('ROC-AUC with ties counts one half', () => {
    near(rocAuc([0.9, 0.1, 0.8, 0.3], [true, false, true, false]), 1);
    near(rocAuc([0.1, 0.9], [true, false]), 0);
    // positives {0.5, 0.2}, negatives {0.5, 0.1}: pairs (0.5,0.5)=½, (0.5,0.1)=1, (0.2,0.5)=0, (0.2,0.1)=1 → 2.5/4.
    near(rocAuc([0.5, 0.2, 0.5, 0.1], [true, true, false, false]), 0.625);
  });
});
