import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeViewPayload, toViewPayload, type ViewResult, type ViewRow } from '../../src/shared/webviewMessages';
import {
  cellAt, fitCellWidth, heatmapData, lateWindowCaveat, lateWindowStart, parseTopN, selectTopRows, TOP_N_DEFAULT, TOP_N_MAX,
} from '../../webview/model/heatmapModel';
import { buildViewModel, patternBars, relabelTargets } from '../../webview/model/viewModel';
import { linePath, linearScale, niceTicks, extent } from '../../webview/model/chartMath';
import { syntheticScan } from './syntheticResult';

const view = (rows: number, windows: number): ViewResult => decodeViewPayload(toViewPayload(syntheticScan({ rows, windows })));

/** Rows with given total influences (windows split evenly), for hand-checked orderings. */
function rowsWith(influences: number[]): ViewRow[] {
  const v = view(influences.length, 2);
  return v.rows.map((r, i) => ({ ...r, influence: influences[i], windows: Float64Array.of(influences[i] / 2, influences[i] / 2) }));
}

test('top-N by |influence| keeps the largest magnitudes and lists them most harmful first', () => {
  const rows = rowsWith([0.5, -0.1, -0.9, 0.05, 0.3, -0.3]);
  const pick = selectTopRows(rows, 4, 'influential').map((p) => rows[p].influence);
  assert.deepEqual(pick, [-0.9, -0.3, 0.3, 0.5]);
  assert.deepEqual(selectTopRows(rows, 2, 'harmful').map((p) => rows[p].influence), [-0.9, -0.3]);
  assert.deepEqual(selectTopRows(rows, 2, 'helpful').map((p) => rows[p].influence), [0.3, 0.5]);
  assert.equal(selectTopRows(rows, 100, 'influential').length, rows.length);
  assert.deepEqual(selectTopRows(rows, 0, 'influential'), []);
});

test('top-N ties break by row index, so the heatmap order is deterministic', () => {
  const rows = rowsWith([-0.2, 0.2, -0.2, 0.2]);
  assert.deepEqual(selectTopRows(rows, 4, 'influential').map((p) => rows[p].row), [0, 2, 1, 3]);
  assert.deepEqual(selectTopRows(rows, 3, 'influential').map((p) => rows[p].row), [0, 2, 1]);
});

test('heatmap values are row-major (row × window) and follow the chosen metric', () => {
  const v = view(30, 5);
  const positions = selectTopRows(v.rows, 7, 'influential');
  const cum = heatmapData(v.rows, positions, 5, 'cumulative');
  const inw = heatmapData(v.rows, positions, 5, 'inWindow');
  assert.equal(cum.values.length, 35);
  positions.forEach((p, r) => {
    for (let w = 0; w < 5; w++) {
      assert.equal(cum.values[r * 5 + w], v.rows[p].windows[w]);
      assert.equal(inw.values[r * 5 + w], v.rows[p].inWindow[w]);
    }
  });
  assert.ok(cum.maxAbs > 0);
});

test('cumulative windows add up to the total influence in the synthetic scans the view is checked with', () => {
  const SUM_TOLERANCE = 1e-12;
  for (const r of view(50, 8).rows) assert.ok(Math.abs(r.windows.reduce((a, b) => a + b, 0) - r.influence) < SUM_TOLERANCE);
});

test('hit-testing maps pixels to cells and rejects points outside the grid', () => {
  const l = { left: 60, top: 30, cellWidth: 10, cellHeight: 14, rows: 3, windows: 4 };
  assert.deepEqual(cellAt(60, 30, l), { r: 0, w: 0 });
  assert.deepEqual(cellAt(99.9, 71.9, l), { r: 2, w: 3 });
  assert.deepEqual(cellAt(75, 45, l), { r: 1, w: 1 });
  for (const [x, y] of [[59.9, 40], [70, 29.9], [100, 40], [70, 72]]) assert.equal(cellAt(x, y, l), undefined, `${x},${y}`);
});

test('cell width fills the space and stays within bounds', () => {
  assert.equal(fitCellWidth(460, 60, 20), 20);
  assert.equal(fitCellWidth(100, 60, 20), 6);
  assert.equal(fitCellWidth(5000, 60, 2), 64);
  assert.equal(fitCellWidth(500, 60, 0), 6);
});

test('N is parsed from text and clamped', () => {
  assert.equal(parseTopN('50'), 50);
  assert.equal(parseTopN('0'), 1);
  assert.equal(parseTopN('100000'), TOP_N_MAX);
  assert.equal(parseTopN('abc'), TOP_N_DEFAULT);
  assert.equal(parseTopN(''), TOP_N_DEFAULT);
});

test('late windows are the last third, and the caveat quotes the measured correlation when there is one', () => {
  assert.equal(lateWindowStart(20), 13);
  assert.equal(lateWindowStart(3), 2);
  assert.equal(lateWindowStart(2), 1);
  assert.equal(lateWindowStart(1), 1);
  assert.equal(lateWindowStart(0), 0);
  const labels = ['e1', 'e2', 'e3', 'e4', 'e5', 'e6'];
  const unmeasured = lateWindowCaveat(labels);
  assert.match(unmeasured, /late windows e5–e6 are less faithful/);
  assert.match(unmeasured, /Not measured for this scan/);
  const measured = lateWindowCaveat(labels, { method: 'Spearman', perWindow: [0.95, 0.93, 0.9, 0.85, 0.3, 0.2] });
  assert.match(measured, /Spearman correlation with exact windowed leave-one-out: 0\.25 \(0\.91 in earlier windows\)/);
  assert.equal(lateWindowCaveat(['only']), '');
  assert.match(lateWindowCaveat(['a', 'b']), /late window b /);
});

test('pattern bars keep the fixed order and give lengths and shares', () => {
  const bars = patternBars({ 'highly-fluctuating': 5, 'early-influencer': 20, 'late-bloomer': 0, stable: 15 });
  assert.deepEqual(bars.map((b) => b.pattern), ['highly-fluctuating', 'early-influencer', 'late-bloomer', 'stable']);
  assert.deepEqual(bars.map((b) => b.fraction), [0.25, 1, 0, 0.75]);
  assert.deepEqual(bars.map((b) => b.share), [0.125, 0.5, 0, 0.375]);
  assert.deepEqual(patternBars({ 'highly-fluctuating': 0, 'early-influencer': 0, 'late-bloomer': 0, stable: 0 }).map((b) => b.fraction), [0, 0, 0, 0]);
});

test('the view-model indexes rows by data-row index and lists labels', () => {
  const v = view(40, 4);
  const vm = buildViewModel(v);
  for (const [i, r] of v.rows.entries()) assert.equal(vm.positionOf.get(r.row), i);
  assert.deepEqual(vm.labels, [...new Set(v.rows.map((r) => r.label))].sort());
  assert.equal(vm.windows, 4);
  assert.equal(vm.lateStart, lateWindowStart(4));
});

test('relabel targets put the model\'s prediction first and never offer the current label', () => {
  const v = view(3, 2);
  assert.deepEqual(relabelTargets({ ...v, classes: ['a', 'b', 'c'] }, 'a', 'c'), ['c', 'b']);
  assert.deepEqual(relabelTargets({ ...v, classes: ['a', 'b', 'c'] }, 'a', 'a'), ['b', 'c']);
  assert.deepEqual(relabelTargets({ ...v, task: 'regression', classes: [] }, '1.5', '2.25'), ['2.25']);
  assert.deepEqual(relabelTargets({ ...v, task: 'regression', classes: [] }, '2', '2'), []);
});

test('chart math: scales, round ticks, extents and paths that break at missing values', () => {
  const s = linearScale(0, 10, 100, 200);
  assert.equal(s(5), 150);
  assert.equal(linearScale(3, 3, 0, 10)(3), 5);
  assert.deepEqual(niceTicks(0, 1, 4), [0, 0.5, 1]);
  assert.deepEqual(niceTicks(0, 1, 10), [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1]);
  assert.deepEqual(niceTicks(-0.023, 0.004, 3), [-0.02, -0.01, 0]);
  assert.deepEqual(extent([[3, NaN, -1], Float64Array.of(7)]), [-1, 7]);
  assert.deepEqual(extent([[2, 3]], 0), [0, 3]);
  assert.deepEqual(extent([[]]), [0, 1]);
  const id = (v: number) => v;
  assert.equal(linePath([1, 2, NaN, 4, 5], id, id), 'M0.0,1.0L1.0,2.0M3.0,4.0L4.0,5.0');
});
