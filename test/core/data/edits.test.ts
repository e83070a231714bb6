/**
 * Row edits: apply the edit, re-parse, and check the file is valid, the row count / label
 * changed as intended and every other row is byte-identical.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  parseTable, relabelRowEdit, removeRowEdit, type DataFormat, type ParsedTable, type TextEdit,
} from '../../../src/core/data/index';
import { genTable, serialize, serializeOptions } from './tableGen';

const PROPERTY_RUNS = 300;
const SEED = 424242;

function apply(text: string, e: TextEdit): string {
  return text.slice(0, e.startOffset) + e.newText + text.slice(e.endOffset);
}

const rowText = (text: string, t: ParsedTable, r: number): string => {
  const bom = text.startsWith('\uFEFF') ? 1 : 0;
  return text.slice(t.spans[r].startOffset + bom, t.spans[r].endOffset + bom);
};

/** Parse, edit, re-parse; other rows' text must be unchanged. */
function checkRemove(text: string, format: DataFormat, row: number): { before: ParsedTable; after: ParsedTable; out: string } {
  const before = parseTable(text, 'f', format);
  const out = apply(text, removeRowEdit(text, before, row));
  const after = parseTable(out, 'f', format);
  assert.equal(after.rows.length, before.rows.length - 1);
  const keep = before.rows.map((_, r) => r).filter((r) => r !== row);
  if (format === 'jsonl') {
    // JSONL columns are the union of keys: a column only the removed row had disappears.
    const byName = (t: ParsedTable, r: number) => before.columns.map((c) => (t.columns.includes(c) ? t.rows[r][t.columns.indexOf(c)] : null));
    assert.deepEqual(keep.map((_, k) => byName(after, k)), keep.map((r) => byName(before, r)));
  } else {
    assert.deepEqual(after.columns, before.columns);
    assert.deepEqual(after.rows, keep.map((r) => before.rows[r]));
  }
  assert.deepEqual(keep.map((_, k) => rowText(out, after, k)), keep.map((r) => rowText(text, before, r)));
  return { before, after, out };
}

function checkRelabel(text: string, format: DataFormat, row: number, labelIndex: number, label: string): string {
  const before = parseTable(text, 'f', format);
  const out = apply(text, relabelRowEdit(text, before, row, labelIndex, label));
  const after = parseTable(out, 'f', format);
  assert.equal(after.rows.length, before.rows.length);
  // JSONL: adding a missing key can move the column in the union order; CSV names may repeat.
  const at = format === 'jsonl' ? after.columns.indexOf(before.columns[labelIndex]) : labelIndex;
  assert.equal(after.rows[row][at], label);
  for (let r = 0; r < before.rows.length; r++) {
    if (r === row) continue;
    assert.equal(rowText(out, after, r), rowText(text, before, r));
  }
  return out;
}

const MULTI = 'id,note,label\r\n1,"two\r\nlines",a\r\n2,"x, ""y""",b\r\n3,"last\nrow",a';

test('remove a multi-line CSV row whole, with its line break', () => {
  const { out } = checkRemove(MULTI, 'csv', 0);
  assert.equal(out, 'id,note,label\r\n2,"x, ""y""",b\r\n3,"last\nrow",a');
});

test('remove the last row without a final newline: the preceding break goes instead', () => {
  const { out } = checkRemove(MULTI, 'csv', 2);
  assert.equal(out, 'id,note,label\r\n1,"two\r\nlines",a\r\n2,"x, ""y""",b');
});

test('remove the last row with a final newline; remove a middle row', () => {
  assert.equal(checkRemove('a,b\n1,2\n3,4\n', 'csv', 1).out, 'a,b\n1,2\n');
  assert.equal(checkRemove('a,b\n1,2\n3,4\n5,6\n', 'csv', 1).out, 'a,b\n1,2\n5,6\n');
});

test('remove keeps a BOM and works on JSONL and TSV', () => {
  assert.equal(checkRemove('\uFEFFa,b\n1,2\n3,4', 'csv', 1).out, '\uFEFFa,b\n1,2');
  assert.equal(checkRemove('{"t":"x","label":"a"}\n\n{"t":"y","label":"b"}\n', 'jsonl', 0).out, '\n{"t":"y","label":"b"}\n');
  assert.equal(checkRemove('a\tb\n1\t"2\n3"\n4\t5\n', 'tsv', 0).out, 'a\tb\n4\t5\n');
});

test('remove: editor range of the removed text', () => {
  const text = 'a,b\n1,"x\ny"\n3,4\n';
  const t = parseTable(text, 'f', 'csv');
  assert.deepEqual(removeRowEdit(text, t, 0).range, { start: { line: 1, character: 0 }, end: { line: 3, character: 0 } });
});

test('relabel CSV: quoted when the label needs it, multi-line rows, old quoting kept', () => {
  assert.equal(checkRelabel(MULTI, 'csv', 0, 2, 'b'), MULTI.replace('lines",a', 'lines",b'));
  const out = checkRelabel(MULTI, 'csv', 1, 2, 'has, comma "and" quote');
  assert.ok(out.includes('2,"x, ""y""","has, comma ""and"" quote"\r\n'));
  checkRelabel(MULTI, 'csv', 2, 2, 'multi\nline');
  assert.equal(checkRelabel('a,label\n1,"x"\n', 'csv', 0, 1, 'y'), 'a,label\n1,"y"\n');
  checkRelabel('label,a\nx,1\ny,2\n', 'csv', 1, 0, 'z');
});

test('relabel TSV: a tab in the label is quoted, commas are not', () => {
  assert.equal(checkRelabel('a\tlabel\n1\tx\n', 'tsv', 0, 1, 'p,q'), 'a\tlabel\n1\tp,q\n');
  assert.equal(checkRelabel('a\tlabel\n1\tx\n', 'tsv', 0, 1, 'p\tq'), 'a\tlabel\n1\t"p\tq"\n');
});

test('relabel a single-column CSV to an empty label keeps the row (quoted "")', () => {
  assert.equal(checkRelabel('label\nx\ny\n', 'csv', 0, 0, ''), 'label\n""\ny\n');
});

test('relabel JSONL: only the value changes; numbers stay numbers, strings stay strings', () => {
  const text = '{"9":1, "text": "a {\\"b\\"} [c]",  "label": 0, "z": [1,{"label":2}]}\n{"text":"b","label":"spam"}';
  assert.equal(checkRelabel(text, 'jsonl', 0, 2, '1'), text.replace('"label": 0,', '"label": 1,'));
  assert.equal(checkRelabel(text, 'jsonl', 0, 2, 'ham'), text.replace('"label": 0,', '"label": "ham",'));
  assert.equal(checkRelabel(text, 'jsonl', 1, 2, '1'), text.replace('"label":"spam"', '"label":"1"'));
  assert.equal(checkRelabel('{"label":true}\n{"label":false}\n', 'jsonl', 0, 0, 'false'), '{"label":false}\n{"label":false}\n');
});

test('relabel JSONL: a missing or null label key, duplicate keys', () => {
  const text = '{"text":"a"}\n{"text":"b","label":"x"}\n';
  assert.equal(checkRelabel(text, 'jsonl', 0, 1, 'y'), '{"text":"a","label":"y"}\n{"text":"b","label":"x"}\n');
  assert.equal(checkRelabel('{}\n{"label":"x"}\n', 'jsonl', 0, 0, 'y'), '{"label":"y"}\n{"label":"x"}\n');
  assert.equal(checkRelabel('{"label":null}\n', 'jsonl', 0, 0, 'y'), '{"label":"y"}\n');
  assert.equal(checkRelabel('{"label":"a","label":"b"}\n', 'jsonl', 0, 0, 'c'), '{"label":"a","label":"c"}\n');
});

test('edits refuse a stale table (the text changed since parsing)', () => {
  const text = 'a,b\n1,2\n3,4\n';
  const t = parseTable(text, 'f', 'csv');
  assert.throws(() => relabelRowEdit('a,b\n1', t, 1, 1, 'x'), { name: 'InputError' });
  assert.throws(() => removeRowEdit(text, t, 5), RangeError);
});

for (const format of ['csv', 'tsv', 'jsonl'] as DataFormat[]) {
  test(`${format}: random tables - remove and relabel any row keep the file valid`, () => {
    fc.assert(fc.property(genTable(format), serializeOptions, fc.nat(), fc.string({ maxLength: 6 }), (table, opts, pick, label) => {
      const { text } = serialize(table, format, opts);
      const t = parseTable(text, 'f', format);
      if (t.columns.length === 0) return;
      const row = pick % t.rows.length;
      if (t.rows.length > 1) checkRemove(text, format, row);
      checkRelabel(text, format, row, pick % t.columns.length, label);
    }), { numRuns: PROPERTY_RUNS, seed: SEED });
  });
}
