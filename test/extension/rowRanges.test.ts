import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { planOverview } from '../../src/extension/decorations/decorationPlan';
import { buildFlaggedIndex, mergeIntervals, neighbourRow, selectVisible, type FlaggedIndex, type FlaggedRowInput } from '../../src/extension/decorations/rowRanges';

function maxRowLines(index: FlaggedIndex): number {
  let m = 1;
  for (let i = 0; i < index.startLines.length; i++) m = Math.max(m, index.endLines[i] - index.startLines[i] + 1);
  return m;
}

function rowsFrom(spans: [number, number][]): FlaggedRowInput[] {
  return spans.map(([s, e], id) => ({ id, startLine: s, endLine: e, severity: 'low' }));
}

test('a multi-line row starting above the viewport is still decorated', () => {
  const index = buildFlaggedIndex(rowsFrom([[2, 2], [10, 15], [30, 30]]));
  const sel = selectVisible(index, [{ start: 12, end: 20 }], maxRowLines(index), 100);
  assert.deepEqual(sel.indices, [1]);
});

test('selection is capped and says so', () => {
  const index = buildFlaggedIndex(rowsFrom(Array.from({ length: 50 }, (_, i) => [i, i] as [number, number])));
  const sel = selectVisible(index, [{ start: 0, end: 49 }], 1, 10);
  assert.equal(sel.indices.length, 10);
  assert.equal(sel.capped, true);
});

test('overlapping visible ranges never return a row twice', () => {
  const index = buildFlaggedIndex(rowsFrom([[5, 5], [6, 9]]));
  const sel = selectVisible(index, [{ start: 0, end: 7 }, { start: 6, end: 12 }], maxRowLines(index), 100);
  assert.deepEqual(sel.indices, [0, 1]);
});

test('visible selection equals a brute-force overlap check (property)', () => {
  const rowsArb = fc.array(fc.tuple(fc.nat(500), fc.nat(6)), { maxLength: 80 }).map((xs) => {
    // Non-overlapping rows in line order, as in a file.
    const out: [number, number][] = [];
    let line = 0;
    for (const [gap, len] of xs) { line += (gap % 7) + 1; out.push([line, line + len]); line += len; }
    return out;
  });
  fc.assert(fc.property(rowsArb, fc.nat(600), fc.nat(60), fc.nat(10), (spans, start, height, margin) => {
    const index = buildFlaggedIndex(rowsFrom(spans));
    const v = { start, end: start + height };
    const got = selectVisible(index, [v], maxRowLines(index), 1e9, margin).indices;
    const lo = Math.max(0, v.start - margin);
    const hi = v.end + margin;
    const want = spans.map((s, i) => [s, i] as const).filter(([[s, e]]) => e >= lo && s <= hi).map(([, i]) => i);
    assert.deepEqual(got, want);
  }));
});

test('overview marks merge touching rows, per severity, capped', () => {
  const index = buildFlaggedIndex(rowsFrom([[1, 1], [2, 3], [7, 7], [8, 8], [20, 20]]));
  const rows = { index, maxLines: 2, records: [] };
  assert.deepEqual(planOverview(rows, 100), { high: [], other: [{ start: 1, end: 3 }, { start: 7, end: 8 }, { start: 20, end: 20 }] });
  assert.deepEqual(planOverview(rows, 1).other, [{ start: 1, end: 1 }]);
  const mixed = buildFlaggedIndex([{ id: 0, startLine: 1, endLine: 1, severity: 'high' }, { id: 1, startLine: 2, endLine: 2, severity: 'low' }, { id: 2, startLine: 3, endLine: 3, severity: 'high' }]);
  assert.deepEqual(planOverview({ index: mixed, maxLines: 1, records: [] }, 100), { high: [{ start: 1, end: 1 }, { start: 3, end: 3 }], other: [{ start: 2, end: 2 }] });
});

test('next and previous flagged row wrap around', () => {
  const index = buildFlaggedIndex(rowsFrom([[5, 5], [10, 12], [20, 20]]));
  assert.equal(neighbourRow(index, 0, 1), 0);
  assert.equal(neighbourRow(index, 5, 1), 1);
  assert.equal(neighbourRow(index, 20, 1), 0);
  assert.equal(neighbourRow(index, 10, -1), 0);
  assert.equal(neighbourRow(index, 5, -1), 2);
  assert.equal(neighbourRow(buildFlaggedIndex([]), 3, 1), -1);
});

test('intervals are merged and sorted', () => {
  assert.deepEqual(mergeIntervals([{ start: 10, end: 12 }, { start: 0, end: 3 }, { start: 4, end: 5 }, { start: 11, end: 20 }]), [{ start: 0, end: 5 }, { start: 10, end: 20 }]);
});

test('rows given out of order are sorted by line', () => {
  const index = buildFlaggedIndex([{ id: 7, startLine: 9, endLine: 9, severity: 'high' }, { id: 3, startLine: 1, endLine: 2, severity: 'low' }]);
  assert.deepEqual([...index.ids], [3, 7]);
  assert.deepEqual(index.severities, ['low', 'high']);
});
