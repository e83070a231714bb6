import { test } from 'node:test';
import assert from 'node:assert/strict';
import { matchDecisions } from '../../../src/core/review/match';
import { remapRows } from '../../../src/core/review/remap';
import { parseTable, rowHash } from '../../../src/core/data/index';
import type { ReviewDecision } from '../../../src/core/review/types';

const D = (row: number): ReviewDecision => ({ decision: 'keep', row, by: 'A', at: '2026-01-01T00:00:00.000Z' });

test('decisions follow row content through reordering and insertion', () => {
  const decisions = new Map([['h1', D(1)], ['h3', D(3)]]);
  const reordered = ['h3', 'hNew', 'h0', 'h2', 'h1'];
  const m = matchDecisions(decisions, reordered);
  assert.deepEqual([...m.byRow.keys()].sort(), [0, 4]);
  assert.equal(m.byRow.get(0)?.hash, 'h3');
  assert.equal(m.byRow.get(4)?.decision.row, 1);
  assert.deepEqual(m.stale, []);
});

test('a decision whose row was edited is outdated; one whose row was removed is missing; neither is dropped or re-applied', () => {
  const decisions = new Map([['h1', D(1)], ['h2', D(2)], ['h9', D(9)]]);
  // Row 1 edited (h1 → h1x); row 9 removed (file now has 4 rows); h2 still there.
  const m = matchDecisions(decisions, ['h0', 'h1x', 'h2', 'h3']);
  assert.deepEqual([...m.byRow.keys()], [2]);
  assert.deepEqual(m.stale.map((s) => [s.hash, s.state, s.nowRow, s.nowHash]), [
    ['h1', 'outdated', 1, 'h1x'],
    ['h9', 'missing', undefined, undefined],
  ]);
  assert.equal(m.byRow.has(1), false, 'the edited row is not treated as reviewed');
});

test('when the hinted index now holds a decided row, the lost decision is missing, not outdated', () => {
  // Row 1 deleted: h2 moved up to index 1 and still carries its own decision.
  const m = matchDecisions(new Map([['h1', D(1)], ['h2', D(2)]]), ['h0', 'h2']);
  assert.deepEqual(m.stale.map((s) => [s.hash, s.state]), [['h1', 'missing']]);
});

test('identical rows share the decision on their content', () => {
  const m = matchDecisions(new Map([['hd', D(0)]]), ['hd', 'hx', 'hd']);
  assert.deepEqual([...m.byRow.keys()], [0, 2]);
});

test('remapRows places scanned rows on the edited text by content, nearest index first', () => {
  const staged = parseTable('a,label\n1,x\n2,y\n1,x\n', 's.csv', 'csv');
  const now = parseTable('a,label\n0,z\n0,w\n1,x\n2,changed\n1,x\n', 'w.csv', 'csv');
  const record = (row: number) => ({ row, line: row + 2, endLine: row + 2, hash: rowHash(staged.rows[row]) }) as never;
  const out = remapRows([record(2), record(0), record(1)], { table: now, hashes: now.rows.map((r) => rowHash(r)) });
  assert.deepEqual(out.rows.map((r) => [r.row, r.line]), [[2, 4], [4, 6]]);
  assert.deepEqual(out.lost.map((r) => r.row), [1]);
});
