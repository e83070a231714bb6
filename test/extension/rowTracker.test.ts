import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { parseTable, rowHash } from '../../src/core/data/index';
import { countLineBreaks, lineChangeOf, RowTracker } from '../../src/extension/results/rowTracker';
import { currentRows } from '../../src/extension/results/documentTables';
import { record } from './fixtures';

/** Records for a parsed CSV, as a scan would return them (every row). */
function scanned(text: string) {
  const t = parseTable(text, 'x.csv', 'csv');
  return t.rows.map((cells, i) => record({ row: i, line: t.spans[i].startLine + 1, endLine: t.spans[i].endLine + 1, hash: rowHash(cells), flagged: true }));
}

const CSV = 'a,label\n1,x\n"two\nlines",y\n3,z\n4,x\n';

function lines(tr: RowTracker): [number, number, number][] {
  return [...tr.orderedAlive()].map((i) => [tr.records[i].row, tr.startLine(i), tr.endLine(i)]);
}

test('an inserted line shifts the rows below and leaves those above', () => {
  const tr = new RowTracker(scanned(CSV), 1);
  // Insert a new row before "3,z" (line 4, 0-based): a change at (4,0)-(4,0) with one line break.
  tr.applyChanges([{ startLine: 4, endLine: 4, insertedLineBreaks: 1 }], 2);
  assert.deepEqual(lines(tr), [[0, 1, 1], [1, 2, 3], [3, 6, 6]]);
  assert.equal(tr.isAlive(2), false, 'the row the change touched loses its place until a rematch');
  assert.equal(tr.version, 2);
});

test('editing inside a multi-line row removes its flag; deleting lines shifts rows up', () => {
  const tr = new RowTracker(scanned(CSV), 1);
  tr.applyChanges([{ startLine: 3, endLine: 3, insertedLineBreaks: 0 }], 2);
  assert.equal(tr.isAlive(1), false);
  const tr2 = new RowTracker(scanned(CSV), 1);
  // Delete line 1 ("1,x") with its break: range (1,0)-(2,0).
  tr2.applyChanges([{ startLine: 1, endLine: 2, insertedLineBreaks: 0 }], 2);
  assert.equal(tr2.isAlive(0), false);
  assert.equal(tr2.isAlive(1), false, 'the change range ends on the first line of the next row');
  assert.deepEqual(lines(tr2), [[2, 3, 3], [3, 4, 4]]);
});

test('several changes in one event are applied bottom-up', () => {
  const tr = new RowTracker(scanned(CSV), 1);
  tr.applyChanges([
    { startLine: 1, endLine: 1, insertedLineBreaks: 1 },
    { startLine: 5, endLine: 5, insertedLineBreaks: 2 },
  ], 2);
  assert.deepEqual(lines(tr), [[1, 3, 4], [2, 5, 5]]);
});

test('rematch follows rows by content after reordering and insertion, and revives undone edits', () => {
  const tr = new RowTracker(scanned(CSV), 1);
  tr.applyChanges([{ startLine: 1, endLine: 1, insertedLineBreaks: 0 }], 2);
  assert.equal(tr.isAlive(0), false);
  const edited = 'a,label\nnew,q\n4,x\n"two\nlines",y\n1,x\n';
  tr.rematch(currentRows(parseTable(edited, 'x.csv', 'csv')), 3);
  assert.deepEqual(lines(tr), [[3, 2, 2], [1, 3, 4], [0, 5, 5]]);
  assert.equal(tr.isAlive(2), false, 'row "3,z" is gone');
  assert.equal(tr.rowAtLine(4), 1);
  assert.equal(tr.rowAtLine(1), -1);
});

test('duplicate rows pair first-with-first', () => {
  const text = 'a,label\n1,x\n1,x\n2,y\n';
  const tr = new RowTracker(scanned(text), 1);
  tr.rematch(currentRows(parseTable('a,label\n0,z\n1,x\n2,y\n1,x\n', 'x.csv', 'csv')), 2);
  assert.deepEqual(lines(tr), [[0, 2, 2], [2, 3, 3], [1, 4, 4]]);
});

test('line shifts agree with a re-parse for random insertions of whole rows (property)', () => {
  const base = Array.from({ length: 40 }, (_, i) => (i % 7 === 3 ? `"r${i}\nmore",${i % 3}` : `r${i},${i % 3}`));
  fc.assert(fc.property(fc.array(fc.tuple(fc.nat(40), fc.nat(3)), { maxLength: 6 }), (inserts) => {
    const text = `a,label\n${base.join('\n')}\n`;
    const tr = new RowTracker(scanned(text), 1);
    let rows = [...base];
    let version = 1;
    for (const [at, count] of inserts) {
      const pos = Math.min(at, rows.length);
      const added = Array.from({ length: count + 1 }, (_, k) => `new${version}_${k},0`);
      // Line of the row at `pos` in the current text (1 header line, multi-line rows take 2).
      const startLine = 1 + rows.slice(0, pos).reduce((n, r) => n + 1 + countLineBreaks(r), 0);
      tr.applyChanges([lineChangeOf({ start: { line: startLine, character: 0 }, end: { line: startLine, character: 0 } }, added.map((a) => `${a}\n`).join(''), () => -1)], ++version);
      rows = [...rows.slice(0, pos), ...added, ...rows.slice(pos)];
    }
    assert.equal(tr.aliveCount, base.length, 'inserting whole rows between rows costs no row its place');
    const now = parseTable(`a,label\n${rows.join('\n')}\n`, 'x.csv', 'csv');
    const byHash = new Map(now.rows.map((c, i) => [rowHash(c), now.spans[i]]));
    for (const i of tr.orderedAlive()) {
      const span = byHash.get(tr.records[i].hash);
      assert.ok(span);
      assert.equal(tr.startLine(i), span.startLine);
      assert.equal(tr.endLine(i), span.endLine);
    }
  }), { numRuns: 60 });
});

test('editor changes that add or delete whole lines leave neighbouring rows in place', () => {
  const pos = (line: number, character: number) => ({ line, character });
  // Paste "9,q\n" at the start of line 4 ("3,z"): nothing is touched, rows from line 4 move down.
  const paste = lineChangeOf({ start: pos(4, 0), end: pos(4, 0) }, '9,q\n', () => -1);
  assert.deepEqual(paste, { startLine: 4, endLine: 4, insertedLineBreaks: 1, wholeLines: true });
  // Enter at the end of line 1 ("1,x", length 3): the next line's row moves down.
  const enter = lineChangeOf({ start: pos(1, 3), end: pos(1, 3) }, '\n', (l) => (l === 1 ? 3 : -1));
  assert.deepEqual(enter, { startLine: 2, endLine: 2, insertedLineBreaks: 1, wholeLines: true });
  // Typing inside a line is not a whole-line change.
  assert.equal(lineChangeOf({ start: pos(1, 1), end: pos(1, 1) }, 'a', () => 3).wholeLines, undefined);

  const tr = new RowTracker(scanned(CSV), 1);
  tr.applyChanges([enter], 2);
  assert.deepEqual(lines(tr), [[0, 1, 1], [1, 3, 4], [2, 5, 5], [3, 6, 6]]);
  // Delete line 1 whole: range (1,0)-(2,0); the row that started on line 2 is untouched.
  const tr2 = new RowTracker(scanned(CSV), 1);
  tr2.applyChanges([lineChangeOf({ start: pos(1, 0), end: pos(2, 0) }, '', () => -1)], 2);
  assert.deepEqual(lines(tr2), [[1, 1, 2], [2, 3, 3], [3, 4, 4]]);
  // Enter inside a multi-line row (end of its first line) changes that row.
  const tr3 = new RowTracker(scanned(CSV), 1);
  tr3.applyChanges([lineChangeOf({ start: pos(2, 4), end: pos(2, 4) }, '\n', (l) => (l === 2 ? 4 : -1))], 2);
  assert.equal(tr3.isAlive(1), false);
  assert.deepEqual(lines(tr3), [[0, 1, 1], [2, 5, 5], [3, 6, 6]]);
});

test('line breaks are counted as editors count them', () => {
  assert.equal(countLineBreaks('a\r\nb\nc\rd'), 3);
  assert.equal(countLineBreaks(''), 0);
});
