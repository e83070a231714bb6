import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeViewPayload, toViewPayload, type ViewRow } from '../../src/shared/webviewMessages';
import { DEFAULT_QUERY, distinctLabels, nextSort, queryTable, type SortKey, type TableQuery } from '../../webview/model/tableModel';
import { syntheticScan } from './syntheticResult';

const rows: ViewRow[] = decodeViewPayload(toViewPayload(syntheticScan({ rows: 400, windows: 4, classes: ['ham', 'spam', 'eggs'] }))).rows;
const KEYS: SortKey[] = ['row', 'influence', 'looLoss', 'label', 'predicted', 'confidence', 'pattern', 'reviewed'];

function keyOf(r: ViewRow, k: SortKey, reviewed: ReadonlySet<number>): number | string {
  return k === 'reviewed' ? Number(reviewed.has(r.row)) : (r[k] as number | string);
}

test('the default query lists only flagged rows, most harmful first', () => {
  const out = queryTable(rows, new Set(), DEFAULT_QUERY).map((p) => rows[p]);
  assert.equal(out.length, rows.filter((r) => r.flagged).length);
  assert.ok(out.every((r) => r.flagged));
  for (let i = 1; i < out.length; i++) assert.ok(out[i - 1].influence <= out[i].influence);
});

test('filters by label, pattern and review state combine', () => {
  const reviewed = new Set(rows.filter((_, i) => i % 3 === 0).map((r) => r.row));
  const q: TableQuery = { ...DEFAULT_QUERY, scope: 'all', label: 'spam', pattern: 'stable', review: 'reviewed' };
  const got = queryTable(rows, reviewed, q).map((p) => rows[p].row).sort((a, b) => a - b);
  const want = rows.filter((r) => r.label === 'spam' && r.pattern === 'stable' && reviewed.has(r.row)).map((r) => r.row);
  assert.deepEqual(got, want);
  assert.ok(want.length > 0, 'the fixture exercises the combination');
  const unreviewed = queryTable(rows, reviewed, { ...q, review: 'unreviewed' }).map((p) => rows[p]);
  assert.ok(unreviewed.every((r) => !reviewed.has(r.row) && r.label === 'spam' && r.pattern === 'stable'));
  assert.deepEqual(queryTable(rows, reviewed, { ...q, label: 'no such label' }), []);
});

test('every sort key, both directions: sorted, ties by row index ascending, a permutation of the filtered rows', () => {
  const reviewed = new Set(rows.filter((_, i) => i % 4 === 0).map((r) => r.row));
  for (const sortKey of KEYS) {
    for (const sortDir of ['asc', 'desc'] as const) {
      const out = queryTable(rows, reviewed, { ...DEFAULT_QUERY, scope: 'all', sortKey, sortDir }).map((p) => rows[p]);
      assert.equal(new Set(out.map((r) => r.row)).size, rows.length, `${sortKey} ${sortDir}`);
      for (let i = 1; i < out.length; i++) {
        const a = keyOf(out[i - 1], sortKey, reviewed);
        const b = keyOf(out[i], sortKey, reviewed);
        if (a === b) assert.ok(out[i - 1].row < out[i].row, `${sortKey} ${sortDir}: tie order at ${i}`);
        else assert.ok(sortDir === 'asc' ? a < b : a > b, `${sortKey} ${sortDir}: order at ${i}`);
      }
    }
  }
});

test('property: any filter and sort yields exactly the matching rows, sorted', () => {
  fc.assert(fc.property(
    fc.record({
      scope: fc.constantFrom('flagged' as const, 'all' as const),
      label: fc.constantFrom(null, 'ham', 'spam', 'eggs'),
      pattern: fc.constantFrom(null, 'highly-fluctuating' as const, 'early-influencer' as const, 'late-bloomer' as const, 'stable' as const),
      review: fc.constantFrom('all' as const, 'unreviewed' as const, 'reviewed' as const),
      sortKey: fc.constantFrom(...KEYS),
      sortDir: fc.constantFrom('asc' as const, 'desc' as const),
    }),
    fc.uniqueArray(fc.integer({ min: 0, max: rows.length - 1 }), { maxLength: 60 }),
    (q, reviewedList) => {
      const reviewed = new Set(reviewedList);
      const out = queryTable(rows, reviewed, q);
      const match = (r: ViewRow) => (q.scope === 'all' || r.flagged) && (q.label === null || r.label === q.label)
        && (q.pattern === null || r.pattern === q.pattern)
        && (q.review === 'all' || (q.review === 'reviewed') === reviewed.has(r.row));
      assert.deepEqual([...out].sort((a, b) => a - b), rows.map((r, i) => (match(r) ? i : -1)).filter((i) => i >= 0));
      for (let i = 1; i < out.length; i++) {
        const a = keyOf(rows[out[i - 1]], q.sortKey, reviewed);
        const b = keyOf(rows[out[i]], q.sortKey, reviewed);
        assert.ok(a === b ? rows[out[i - 1]].row < rows[out[i]].row : (q.sortDir === 'asc') === (a < b));
      }
    },
  ), { numRuns: 150, seed: 11 });
});

test('clicking a header: the same column flips, another starts in its natural direction', () => {
  const q = { ...DEFAULT_QUERY, sortKey: 'influence' as const, sortDir: 'asc' as const };
  assert.equal(nextSort(q, 'influence').sortDir, 'desc');
  assert.equal(nextSort(nextSort(q, 'influence'), 'influence').sortDir, 'asc');
  assert.deepEqual({ k: nextSort(q, 'looLoss').sortKey, d: nextSort(q, 'looLoss').sortDir }, { k: 'looLoss', d: 'desc' });
  assert.equal(nextSort(q, 'label').sortDir, 'asc');
  assert.equal(nextSort(q, 'label').scope, q.scope, 'filters are kept');
});

test('labels for the filter are distinct and sorted', () => {
  assert.deepEqual(distinctLabels(rows), ['eggs', 'ham', 'spam']);
});
