import { test } from 'node:test';
import assert from 'node:assert/strict';
import { changedRowIndices, parseZeroContextDiff } from '../../../src/core/review/diffRows';
import { parseTable } from '../../../src/core/data/index';

const DIFF = [
  'diff --git a/d.csv b/d.csv',
  'index 1111111..2222222 100644',
  '--- a/d.csv',
  '+++ b/d.csv',
  '@@ -3 +3 @@',
  '-1,2,a',
  '+1,2,b',
  '@@ -5,0 +6,2 @@ some context',
  '+@@ -1 +1 @@ looks like a header but is data',
  '+x,y,z',
  '@@ -9,2 +10,0 @@',
  '-gone',
  '-gone too',
  '',
].join('\n');

test('hunk headers give new-side ranges and deletion points; content lines are never read as headers', () => {
  assert.deepEqual(parseZeroContextDiff(DIFF), { added: [[3, 1], [6, 2]], deletedAfter: [10] });
  assert.deepEqual(parseZeroContextDiff(''), { added: [], deletedAfter: [] });
});

test('a multi-line CSV row is changed when any of its lines is in a hunk, or lines inside it were deleted', () => {
  const text = 'id,text,label\n1,"one\nline two\nline three",a\n2,plain,b\n3,"x\ny",c\n';
  const table = parseTable(text, 'd.csv', 'csv');
  assert.deepEqual(table.spans.map((s) => [s.startLine, s.endLine]), [[1, 3], [4, 4], [5, 6]]);
  // git line 3 = "line two" (inside row 0).
  assert.deepEqual([...changedRowIndices(text, table.spans, { added: [[3, 1]], deletedAfter: [] })], [0]);
  // git lines 4-5 = end of row 0 and row 1.
  assert.deepEqual([...changedRowIndices(text, table.spans, { added: [[4, 2]], deletedAfter: [] })].sort(), [0, 1]);
  // A line deleted between git lines 6 and 7 (inside row 2's quoted field).
  assert.deepEqual([...changedRowIndices(text, table.spans, { added: [], deletedAfter: [6] })], [2]);
  // A deletion between rows touches no row; the header alone touches no row.
  assert.deepEqual([...changedRowIndices(text, table.spans, { added: [[1, 1]], deletedAfter: [5] })], []);
});

test('lone CR line breaks (counted by the parser, not by git) keep the mapping right', () => {
  const text = 'a,label\r1,x\r2,y\n3,z\n';
  const table = parseTable(text, 'd.csv', 'csv');
  assert.deepEqual(table.spans.map((s) => s.startLine), [1, 2, 3]);
  // git sees line 1 = "a,label\r1,x\r2,y" and line 2 = "3,z".
  assert.deepEqual([...changedRowIndices(text, table.spans, { added: [[2, 1]], deletedAfter: [] })], [2]);
  assert.deepEqual([...changedRowIndices(text, table.spans, { added: [[1, 1]], deletedAfter: [] })].sort(), [0, 1]);
});

test('JSONL with blank lines and CRLF', () => {
  const text = '{"a":1,"label":"x"}\r\n\r\n{"a":2,"label":"y"}\r\n{"a":3,"label":"x"}\r\n';
  const table = parseTable(text, 'd.jsonl', 'jsonl');
  assert.deepEqual([...changedRowIndices(text, table.spans, { added: [[3, 2]], deletedAfter: [] })].sort(), [1, 2]);
  assert.deepEqual([...changedRowIndices(text, table.spans, { added: [[2, 1]], deletedAfter: [] })], []);
});
