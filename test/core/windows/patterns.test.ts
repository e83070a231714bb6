import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyRow, slopeTest, zScoreWindows, classifyPatterns, countPatterns } from '../../../src/core/windows/patterns';

const P_TOL = 1e-6;

test('slope and p-value match a hand computation', () => {
  // y = [0.1, -0.3, -0.2, -0.9, -1.1] against x = 0..4:
  // xm = 2, ym = -0.48, sxx = 10, sxy = -1.16-0.18+0-0.42-1.24 = -3.0 → slope = -0.3
  // fitted -0.48-0.3(k-2): residuals -0.02, -0.12, 0.28, -0.12, -0.02 → sse = 0.108
  // se = sqrt(0.108/3/10) = 0.06; t = 5 with 3 df (t_{0.975,3} = 3.182, t_{0.99,3} = 4.541, t_{0.995,3} = 5.841)
  const { slope, pValue } = slopeTest([0.1, -0.3, -0.2, -0.9, -1.1]);
  assert.ok(Math.abs(slope - -0.3) < 1e-12);
  const t = 0.3 / Math.sqrt(0.108 / 30);
  // Closed-form t CDF for 3 df: F(t) = 1/2 + (1/π)[ (t/√3)/(1+t²/3) + atan(t/√3) ].
  const u = t / Math.sqrt(3);
  const cdf = 0.5 + (u / (1 + u * u) + Math.atan(u)) / Math.PI;
  assert.ok(Math.abs(pValue - 2 * (1 - cdf)) < P_TOL, `p ${pValue} vs ${2 * (1 - cdf)}`);
  assert.ok(pValue > 0.01 && pValue < 0.02);
  assert.equal(classifyRow([0.1, -0.3, -0.2, -0.9, -1.1]).pattern, 'early-influencer');
});

test('the four classes', () => {
  assert.equal(classifyRow([1, -1, 1, -1, 1]).pattern, 'highly-fluctuating');
  assert.equal(classifyRow([-1.0, -0.6, -0.1, 0.4, 0.9, 1.5]).pattern, 'late-bloomer');
  assert.equal(classifyRow([0.5, 0.4, 0.6, 0.5, 0.45]).pattern, 'stable');
  // Flip ratio exactly 0.5 counts as fluctuating (r ≥ 0.5).
  const r = classifyRow([1, -1, -1, -1, 1]);
  assert.equal(r.flipRatio, 0.5);
  assert.equal(r.pattern, 'highly-fluctuating');
  // Two windows cannot be tested: never early/late.
  assert.equal(classifyRow([2, 1]).pattern, 'stable');
});

test('z-scores per window, constant window gives zeros', () => {
  const z = zScoreWindows([Float64Array.from([1, 2, 3]), Float64Array.from([5, 5, 5])]);
  assert.deepEqual(Array.from(z[1]), [0, 0, 0]);
  const m = (z[0][0] + z[0][1] + z[0][2]) / 3;
  assert.ok(Math.abs(m) < 1e-15);
  assert.ok(Math.abs(z[0][2] - Math.sqrt(1.5)) < 1e-12);
});

test('classifyPatterns over rows and counts', () => {
  const series = [0, 1, 2, 3, 4].map((w) => Float64Array.from([w, -w, w % 2 ? 1 : -1, 0.01 * w]));
  const pats = classifyPatterns(series);
  assert.equal(pats.length, 4);
  const counts = countPatterns(pats);
  assert.equal(counts['highly-fluctuating'] + counts['early-influencer'] + counts['late-bloomer'] + counts.stable, 4);
  assert.equal(pats[2].pattern, 'highly-fluctuating');
});
