/**
 * Parser behaviour on hand-made inputs: exact row spans with multi-line quoted fields,
 * line endings, BOM, TSV, JSONL values, format detection and decoding.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeDataset, detectFormat, parseTable, type RowSpan } from '../../../src/core/data/index';

function span(startLine: number, startCharacter: number, endLine: number, endCharacter: number, startOffset: number, endOffset: number): RowSpan {
  return { startLine, startCharacter, endLine, endCharacter, startOffset, endOffset };
}

test('CSV with multi-line quoted fields: every row maps to its exact line range', () => {
  const text = [
    'id,note,label', //                                  line 0
    '1,"first line', //                                  line 1  row 0 starts
    'second line",a', //                                 line 2  row 0 ends
    '2,plain,b', //                                      line 3  row 1
    '3,"a, b and ""quoted""', //                         line 4  row 2 starts
    '', //                                               line 5  (blank line inside the quotes)
    'end",a', //                                         line 6  row 2 ends
    '4,x,b', //                                          line 7  row 3
  ].join('\n');
  const t = parseTable(text, 'm.csv', 'csv');
  assert.deepEqual(t.columns, ['id', 'note', 'label']);
  assert.deepEqual(t.rows, [
    ['1', 'first line\nsecond line', 'a'],
    ['2', 'plain', 'b'],
    ['3', 'a, b and "quoted"\n\nend', 'a'],
    ['4', 'x', 'b'],
  ]);
  const off = (line: number): number => text.split('\n').slice(0, line).join('\n').length + 1;
  assert.deepEqual(t.spans, [
    span(1, 0, 2, 14, off(1), off(2) + 14),
    span(3, 0, 3, 9, off(3), off(3) + 9),
    span(4, 0, 6, 6, off(4), off(6) + 6),
    span(7, 0, 7, 5, off(7), off(7) + 5),
  ]);
  for (const s of t.spans) assert.ok(!text.slice(s.startOffset, s.endOffset).endsWith('\n'));
});

test('CRLF, LF and lone CR line breaks (mixed) all end lines and records', () => {
  const text = 'a,b\r\n1,"x\r\ny"\n2,z\r3,w\r\n';
  const t = parseTable(text, 'crlf.csv', 'csv');
  assert.deepEqual(t.rows, [['1', 'x\r\ny'], ['2', 'z'], ['3', 'w']]);
  assert.deepEqual(t.spans.map((s) => [s.startLine, s.endLine]), [[1, 2], [3, 3], [4, 4]]);
  assert.deepEqual(t.spans[0], span(1, 0, 2, 2, 5, 13));
  assert.equal(text.slice(t.spans[2].startOffset, t.spans[2].endOffset), '3,w');
});

test('BOM: ignored by the parser, offsets and characters exclude it', () => {
  const t = parseTable('\uFEFFa,b\n1,2\n', 'bom.csv', 'csv');
  assert.deepEqual(t.columns, ['a', 'b']);
  assert.deepEqual(t.spans[0], span(1, 0, 1, 3, 4, 7));
});

test('decodeDataset strips a UTF-8 BOM and keeps non-ASCII text', () => {
  const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('a,b\né,😀\n')]);
  assert.equal(decodeDataset(bytes, 'x.csv'), 'a,b\né,😀\n');
});

test('UTF-16 characters: columns count UTF-16 code units like the editor', () => {
  const t = parseTable('a,b\n😀,"é\n😀x"\n', 'u.csv', 'csv');
  assert.deepEqual(t.spans[0], span(1, 0, 2, 4, 4, 14));
});

test('TSV: tabs separate, commas are data, quotes work the same way', () => {
  const t = parseTable('x\ty\tlabel\n1,5\t"tab\there"\tA\n2\t"multi\nline"\tB\n', 'd.tsv', 'tsv');
  assert.deepEqual(t.rows, [['1,5', 'tab\there', 'A'], ['2', 'multi\nline', 'B']]);
  assert.deepEqual(t.spans.map((s) => [s.startLine, s.endLine]), [[1, 1], [2, 3]]);
});

test('blank lines between records and at the end are skipped; trailing newline optional', () => {
  const t = parseTable('\n\na,b\n\n1,2\n\n\n3,4', 'b.csv', 'csv');
  assert.deepEqual(t.rows, [['1', '2'], ['3', '4']]);
  assert.deepEqual(t.spans.map((s) => s.startLine), [4, 7]);
});

test('empty fields, trailing delimiter and text after a closing quote', () => {
  const t = parseTable('a,b,c\n,,\n"q"x,"",\n', 'e.csv', 'csv');
  assert.deepEqual(t.rows, [['', '', ''], ['qx', '', '']]);
});

test('JSONL: strings kept, numbers/booleans stringified, null and missing keys -> null, nested -> JSON text', () => {
  const text = '{"text":"hi","n":1.5,"ok":true,"label":"a"}\n\n  \n{"n":null,"label":"b","extra":{"k":[1,2]}}\r\n{"text":"<b>x</b>","label":"a","n":-2e3}';
  const t = parseTable(text, 'j.jsonl', 'jsonl');
  assert.deepEqual(t.columns, ['text', 'n', 'ok', 'label', 'extra']);
  assert.deepEqual(t.rows, [
    ['hi', '1.5', 'true', 'a', null],
    [null, null, null, 'b', '{"k":[1,2]}'],
    ['<b>x</b>', '-2000', null, 'a', null],
  ]);
  assert.deepEqual(t.spans.map((s) => s.startLine), [0, 3, 4]);
  assert.deepEqual(t.spans[1], span(3, 0, 3, 42, 48, 90));
  assert.equal(text.slice(t.spans[2].startOffset, t.spans[2].endOffset), '{"text":"<b>x</b>","label":"a","n":-2e3}');
});

test('JSONL keys that look like array indices keep first-seen order', () => {
  const t = parseTable('{"b":1,"a":2}\n{"c":3}\n', 'k.jsonl', 'jsonl');
  assert.deepEqual(t.columns, ['b', 'a', 'c']);
});

test('detectFormat by extension, case-insensitive, CSV by default', () => {
  assert.equal(detectFormat('/d/x.csv'), 'csv');
  assert.equal(detectFormat('x.TSV'), 'tsv');
  assert.equal(detectFormat('x.tab'), 'tsv');
  assert.equal(detectFormat('x.jsonl'), 'jsonl');
  assert.equal(detectFormat('x.NDJSON'), 'jsonl');
  assert.equal(detectFormat('x.txt'), 'csv');
  assert.equal(detectFormat('noext'), 'csv');
});

test('a single column CSV: each line is one row', () => {
  const t = parseTable('label\na\nb\n""\n', 's.csv', 'csv');
  assert.deepEqual(t.rows, [['a'], ['b'], ['']]);
});
