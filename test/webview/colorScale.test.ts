import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { divergingColor, intensity, parseCssColor, rgbCss, robustMaxAbs, side, type DivergingScale, type Rgb } from '../../webview/model/colorScale';

const scale: DivergingScale = { negative: [241, 76, 76], neutral: [31, 31, 31], positive: [55, 148, 255], maxAbs: 0.02 };
/** Colours are rounded to whole channel values. */
const ROUNDING = 0.5 + 1e-9;

/** Where a colour sits between neutral and an end, per channel (0 = neutral, 1 = end). */
function position(c: Rgb, end: Rgb): number[] {
  return [0, 1, 2].map((i) => (end[i] === scale.neutral[i] ? NaN : (c[i] - scale.neutral[i]) / (end[i] - scale.neutral[i])));
}

test('zero is the neutral colour; ±maxAbs and beyond are the end colours', () => {
  assert.deepEqual(divergingColor(0, scale), scale.neutral);
  assert.deepEqual(divergingColor(-0.02, scale), scale.negative);
  assert.deepEqual(divergingColor(0.02, scale), scale.positive);
  assert.deepEqual(divergingColor(-5, scale), scale.negative);
  assert.deepEqual(divergingColor(5, scale), scale.positive);
  assert.deepEqual(divergingColor(NaN, scale), scale.neutral);
});

test('symmetry: v and −v are the same distance from neutral, toward opposite ends', () => {
  fc.assert(fc.property(fc.double({ min: -0.1, max: 0.1, noNaN: true }), (v) => {
    assert.equal(intensity(v, scale.maxAbs), intensity(-v, scale.maxAbs));
    const neg = divergingColor(-Math.abs(v), scale);
    const pos = divergingColor(Math.abs(v), scale);
    const t = intensity(v, scale.maxAbs);
    for (const p of position(neg, scale.negative)) assert.ok(Math.abs(p - t) * 255 <= ROUNDING / 0.05 || Number.isNaN(p));
    for (const p of position(pos, scale.positive)) assert.ok(Math.abs(p - t) * 255 <= ROUNDING / 0.05 || Number.isNaN(p));
    // Exact check per channel against the rounded interpolation.
    for (let i = 0; i < 3; i++) {
      assert.ok(Math.abs(neg[i] - (scale.neutral[i] + (scale.negative[i] - scale.neutral[i]) * t)) <= ROUNDING);
      assert.ok(Math.abs(pos[i] - (scale.neutral[i] + (scale.positive[i] - scale.neutral[i]) * t)) <= ROUNDING);
    }
  }), { numRuns: 300, seed: 3 });
});

test('intensity grows with |v| and is capped at 1', () => {
  const vs = [0, 1e-6, 1e-4, 0.001, 0.005, 0.01, 0.02, 0.5];
  const ts = vs.map((v) => intensity(v, scale.maxAbs));
  for (let i = 1; i < ts.length; i++) assert.ok(ts[i] >= ts[i - 1]);
  assert.equal(ts[ts.length - 1], 1);
  assert.equal(intensity(0.01, 0), 0);
});

test('robust max: a quantile of |values| so one outlier does not wash the others out', () => {
  const values = [...Array.from({ length: 99 }, (_, i) => (i % 2 ? 1 : -1) * (i + 1) * 1e-3), 10];
  const m = robustMaxAbs(values, 0.98);
  assert.ok(m < 1 && m >= 0.097, String(m));
  assert.equal(robustMaxAbs([0, 0, 0]), 1);
  assert.equal(robustMaxAbs([]), 1);
  assert.equal(robustMaxAbs([-3]), 3);
  assert.equal(robustMaxAbs(Float64Array.of(-2, 1, NaN, Infinity)), 2);
});

test('theme colours parse from the forms VS Code uses', () => {
  assert.deepEqual(parseCssColor('#f14c4c'), [241, 76, 76]);
  assert.deepEqual(parseCssColor(' #FFF '), [255, 255, 255]);
  assert.deepEqual(parseCssColor('#3794ff80'), [55, 148, 255]);
  assert.deepEqual(parseCssColor('rgb(1, 2, 3)'), [1, 2, 3]);
  assert.deepEqual(parseCssColor('rgba(10 20 30 / 50%)'), [10, 20, 30]);
  for (const bad of ['', 'red', '#12', 'url(javascript:alert(1))', 'var(--x)']) assert.equal(parseCssColor(bad), undefined, bad);
  assert.equal(rgbCss([1, 2, 3]), 'rgb(1, 2, 3)');
});

test('sides are named as the legend names them', () => {
  assert.equal(side(-1e-9), 'harmful');
  assert.equal(side(1e-9), 'helpful');
  assert.equal(side(0), 'neutral');
});
