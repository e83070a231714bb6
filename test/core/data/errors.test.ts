/**
 * One test per InputError kind the data layer raises, with the file, line and column a
 * person needs to find the problem.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  decodeDataset, featurize, inferSchema, InputError, isInputError, parseTable, splitStrata, stratifiedSplit,
  type DataFormat, type InputErrorKind,
} from '../../../src/core/data/index';

function fails(fn: () => unknown, kind: InputErrorKind, line?: number, column?: number): InputError {
  try {
    fn();
  } catch (e) {
    assert.ok(isInputError(e), `expected InputError, got ${String(e)}`);
    const err = e as InputError;
    assert.equal(err.kind, kind, err.message);
    if (line !== undefined) assert.equal(err.line, line, `line: ${err.format()}`);
    if (column !== undefined) assert.equal(err.column, column, `column: ${err.format()}`);
    assert.ok(err.message.length > 0);
    return err;
  }
  assert.fail(`expected InputError ${kind}`);
}

const parse = (text: string, format: DataFormat = 'csv', file = 'bad.csv') => () => parseTable(text, file, format);
const bytes = (...b: number[]) => new Uint8Array(b);
const enc = (s: string) => new TextEncoder().encode(s);
const prepare = (text: string, labelColumn: string | null = null) => () => {
  const t = parseTable(text, 'd.csv', 'csv');
  const schema = inferSchema(t, { labelColumn });
  return featurize(t, schema, stratifiedSplit(splitStrata(t, schema), 0.25, 0));
};

test('empty-file: no bytes, only a BOM, only blank lines, no JSON lines', () => {
  fails(() => decodeDataset(bytes(), 'e.csv'), 'empty-file', 1);
  fails(() => decodeDataset(bytes(0xef, 0xbb, 0xbf), 'e.csv'), 'empty-file', 1);
  fails(parse('\n\r\n\n'), 'empty-file', 1);
  fails(parse(''), 'empty-file', 1);
  fails(parse('\n   \n', 'jsonl', 'e.jsonl'), 'empty-file', 1);
});

test('header-only: header line named', () => {
  const e = fails(parse('\na,b,label\n\n'), 'header-only', 2);
  assert.match(e.format(), /^bad\.csv:2: /);
});

test('unterminated-quote: line and column where the quote opened', () => {
  fails(parse('a,b\n1,2\n3,"abc\n4,5\n6,7\n'), 'unterminated-quote', 3, 3);
  fails(parse('a\tb\n"x\t1\n', 'tsv', 'bad.tsv'), 'unterminated-quote', 2, 1);
});

test('ragged-row: expected vs found field count, line of the row (after a multi-line field)', () => {
  const e = fails(parse('a,b,c\n1,"x\ny",3\n1,2\n'), 'ragged-row', 4);
  assert.match(e.message, /2 fields.*header has 3/);
  fails(parse('a,b\n1,2,3\n'), 'ragged-row', 2);
});

test('invalid-json: line and column from the parser message', () => {
  const e = fails(parse('{"a":1}\n\n{"a":2,}\n', 'jsonl', 'bad.jsonl'), 'invalid-json', 3);
  assert.ok(e.column >= 1, e.format());
  assert.match(e.message, /JSON/);
  fails(parse('{"a":"unterminated}\n', 'jsonl', 'bad.jsonl'), 'invalid-json', 1);
});

test('not-an-object: arrays, numbers, strings and null lines', () => {
  for (const line of ['[1,2]', '5', '"x"', 'null', 'true']) {
    fails(parse(`{"a":1}\n${line}\n`, 'jsonl', 'bad.jsonl'), 'not-an-object', 2);
  }
});

test('binary-content: NUL byte, invalid UTF-8, UTF-16 BOM, with the offending line and column', () => {
  fails(() => decodeDataset(enc('a,b\n1,2\n3,\u0000\n'), 'bin.csv'), 'binary-content', 3, 3);
  fails(() => decodeDataset(new Uint8Array([...enc('a,b\r\n1,é\r\n2,'), 0xe9, ...enc('\n')]), 'latin1.csv'), 'binary-content', 3, 3);
  fails(() => decodeDataset(bytes(0xff, 0xfe, 0x61, 0x00), 'u16.csv'), 'binary-content', 1);
  fails(() => decodeDataset(bytes(0x61, 0x0a, 0xc0, 0xaf), 'overlong.csv'), 'binary-content', 2, 1);
  fails(() => decodeDataset(bytes(0x61, 0x0a, 0xed, 0xa0, 0x80), 'surrogate.csv'), 'binary-content', 2, 1);
  fails(() => decodeDataset(bytes(0x61, 0xe2, 0x82), 'truncated.csv'), 'binary-content', 1, 2);
});

test('too-large: over the byte limit', () => {
  const e = fails(() => decodeDataset(enc('a,b\n1,2\n'), 'big.csv', { maxBytes: 4 }), 'too-large', 0);
  assert.match(e.message, /limit/);
});

test('no-label-column: an unknown label name lists the columns', () => {
  const t = parseTable('a,b\n1,2\n', 'd.csv', 'csv');
  const e = fails(() => inferSchema(t, { labelColumn: 'target' }), 'no-label-column');
  assert.match(e.hint, /"a", "b"/);
});

test('label-all-missing', () => {
  fails(prepare('x,label\n1,\n2,?\n3,NA\n4,null\n'), 'label-all-missing', 2);
});

test('too-few-rows: fewer than 4 labelled rows', () => {
  fails(prepare('x,label\n1,?\n2,a\n3,b\n4,\n5,a\n'), 'too-few-rows', 3);
});

test('single-class: line of the first labelled row', () => {
  fails(prepare('x,label\n1,?\n2,a\n3,a\n4,a\n5,a\n'), 'single-class', 3);
});

test('too-many-classes: a string label with more than 100 values', () => {
  const rows = Array.from({ length: 300 }, (_, i) => `${i},id${i}`).join('\n');
  fails(prepare(`x,label\n${rows}\n`), 'too-many-classes', 2);
});

test('non-finite: Infinity and overflowing numbers name the line and column; NaN is missing', () => {
  const e = fails(prepare('x,y,label\n1,2,a\n2,3,b\n3,1e400,a\n4,5,b\n5,6,a\n6,7,b\n'), 'non-finite', 4);
  assert.match(e.message, /"y"/);
  fails(prepare('x,label\n1,a\n-Infinity,b\n3,a\n4,b\n5,a\n'), 'non-finite', 3);
  fails(prepare('x,label\n1,1.5\n2,Infinity\n3,2.5\n4,3.5\n5,4.25\n'), 'non-finite', 3);
  const data = prepare('x,label\n1,a\nNaN,b\n3,a\n4,b\n5,a\n6,b\n')() as ReturnType<typeof featurize>;
  assert.ok(data.featureNames.includes('x (missing)'));
});

test('no-features: only constant columns besides the label', () => {
  fails(prepare('x,label\n1,a\n1,b\n1,a\n1,b\n1,a\n'), 'no-features');
});

test('bad-setting: unknown text column, validation fraction out of range', () => {
  const t = parseTable('a,label\nx,1\ny,2\n', 'd.csv', 'csv');
  fails(() => inferSchema(t, { textColumns: ['nope'] }), 'bad-setting');
  fails(() => stratifiedSplit(['a', 'b'], 1, 0), 'bad-setting');
  fails(() => stratifiedSplit(['a', 'b'], -0.1, 0), 'bad-setting');
});

test('InputError.format names file, line and column', () => {
  try {
    parseTable('a,b\n"x,1\n', 'dir/data.csv', 'csv');
    assert.fail('no error');
  } catch (e) {
    assert.equal((e as InputError).format().split(':').slice(0, 3).join(':'), 'dir/data.csv:2:1');
  }
});
