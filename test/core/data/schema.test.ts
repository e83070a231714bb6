/**
 * Schema inference, the stratified split and row hashes on small hand-made tables.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  inferSchema, isMissing, parseNumber, parseTable, rowHash, splitStrata, stratifiedSplit,
} from '../../../src/core/data/index';

const csv = (text: string) => parseTable(text, 't.csv', 'csv');
const kinds = (text: string, opts = {}) => inferSchema(csv(text), opts).columns.map((c) => c.kind);

test('missing tokens: empty, ?, NA, N/A, null, NaN (any case, trimmed) and JSON null', () => {
  for (const m of ['', ' ', '?', 'NA', 'na', 'N/A', 'n/a', 'null', 'NULL', 'NaN', 'nan', ' NA ', null]) assert.ok(isMissing(m), String(m));
  for (const v of ['0', 'n', 'no', 'none', 'nab', '??', 'a?', 'Nan1']) assert.ok(!isMissing(v), v);
});

test('parseNumber: decimals and exponents; hex and words are not numbers; overflow -> Infinity', () => {
  assert.equal(parseNumber(' 1.5 '), 1.5);
  assert.equal(parseNumber('-2e3'), -2000);
  assert.equal(parseNumber('.5'), 0.5);
  assert.ok(Number.isNaN(parseNumber('0x10')));
  assert.ok(Number.isNaN(parseNumber('abc')));
  assert.ok(Number.isNaN(parseNumber('1,5')));
  assert.equal(parseNumber('1e400'), Infinity);
  assert.equal(parseNumber('-inf'), -Infinity);
  assert.equal(parseNumber('Infinity'), Infinity);
});

test('label detection: label, class, target, y (case-insensitive, in that order), else the last column', () => {
  assert.equal(inferSchema(csv('Y,a,b\n1,2,x\n2,3,y\n1,4,x\n2,5,y\n')).labelName, 'Y');
  assert.equal(inferSchema(csv('target,CLASS,b\n1,a,x\n2,b,y\n1,a,x\n2,b,y\n')).labelName, 'CLASS');
  assert.equal(inferSchema(csv('a,b,outcome\n1,2,x\n2,3,y\n1,4,x\n2,5,y\n')).labelName, 'outcome');
});

test('label override: exact name, then case-insensitive', () => {
  const t = csv('a,Kind,label\n1,x,p\n2,y,q\n3,x,p\n4,y,q\n');
  assert.equal(inferSchema(t, { labelColumn: 'Kind' }).labelIndex, 1);
  assert.equal(inferSchema(t, { labelColumn: 'kind' }).labelIndex, 1);
  assert.equal(inferSchema(t, { labelColumn: null }).labelIndex, 2);
});

test('task: integer label with <= 20 values -> classification; other numeric -> regression; text -> classification', () => {
  const rows = (f: (i: number) => string) => Array.from({ length: 40 }, (_, i) => `${i},${f(i)}`).join('\n');
  assert.equal(inferSchema(csv(`x,label\n${rows((i) => String(i % 20))}\n`)).task, 'classification');
  assert.equal(inferSchema(csv(`x,label\n${rows((i) => String(i % 21))}\n`)).task, 'regression');
  assert.equal(inferSchema(csv(`x,label\n${rows((i) => (i % 3 === 0 ? '0.5' : '1'))}\n`)).task, 'regression');
  assert.equal(inferSchema(csv(`x,label\n${rows((i) => (i % 2 ? 'yes' : 'no'))}\n`)).task, 'classification');
});

test('column kinds: numeric with missing tokens, categorical, long or many-distinct spaced strings -> text', () => {
  const long = 'a fairly long free text value that goes on';
  const text = [
    'num,cat,long,spaced,label',
    `1.5,red,${long} 1,w one,a`,
    `NA,blue,${long} 2,w two,b`,
    `?,red,${long} 3,w three,a`,
    `-2,green,${long} 4,w four,b`,
    `3e2,red,${long} 5,w five,a`,
  ].join('\n');
  assert.deepEqual(kinds(text), ['numeric', 'categorical', 'text', 'text', 'categorical']);
  const s = inferSchema(csv(text));
  assert.equal(s.columns[0].missing, 2);
  assert.equal(s.columns[0].distinct, 3);
  assert.equal(s.columns[1].distinct, 3);
});

test('textColumns forces free text; an all-missing column is numeric (and later dropped)', () => {
  const text = 'code,empty,label\nA1,,x\nB2,,y\nA1,,x\nB2,,y\n';
  assert.deepEqual(kinds(text), ['categorical', 'numeric', 'categorical']);
  assert.deepEqual(kinds(text, { textColumns: ['code'] }), ['text', 'numeric', 'categorical']);
});

test('split: deterministic, stratified round(f * n_c) per class, null labels excluded, sorted', () => {
  const labels: (string | null)[] = [];
  for (let i = 0; i < 100; i++) labels.push(i % 10 === 0 ? null : i % 3 === 0 ? 'a' : i % 3 === 1 ? 'b' : 'c');
  labels.push('lonely');
  const a = stratifiedSplit(labels, 0.2, 7);
  const b = stratifiedSplit(labels, 0.2, 7);
  assert.deepEqual(a, b);
  const c = stratifiedSplit(labels, 0.2, 8);
  assert.notDeepEqual(Array.from(a.validation), Array.from(c.validation));
  for (const part of [a.train, a.validation]) for (let i = 1; i < part.length; i++) assert.ok(part[i - 1] < part[i]);
  const counts = (rows: Int32Array, l: string) => Array.from(rows).filter((r) => labels[r] === l).length;
  for (const l of ['a', 'b', 'c']) {
    const n = labels.filter((x) => x === l).length;
    assert.equal(counts(a.validation, l), Math.round(0.2 * n), l);
    assert.equal(counts(a.train, l), n - Math.round(0.2 * n), l);
  }
  assert.equal(counts(a.train, 'lonely'), 1);
  assert.equal(a.train.length + a.validation.length, labels.filter((l) => l !== null).length);
  for (const r of [...a.train, ...a.validation]) assert.notEqual(labels[r], null);
});

test('split: a regression target is stratified by quantile bins', () => {
  const text = `x,label\n${Array.from({ length: 50 }, (_, i) => `${i},${(i * 1.37).toFixed(2)}`).join('\n')}\n`;
  const t = csv(text);
  const schema = inferSchema(t);
  assert.equal(schema.task, 'regression');
  const strata = splitStrata(t, schema);
  assert.equal(new Set(strata).size, 5);
  const s = stratifiedSplit(strata, 0.2, 0);
  assert.equal(s.validation.length, 10);
});

test('rowHash: 16 hex chars, stable under re-quoting and trimming, differs on content and cell boundaries', () => {
  const h = rowHash(['1', 'a b', 'x']);
  assert.match(h, /^[0-9a-f]{16}$/);
  assert.equal(rowHash([' 1', 'a b ', 'x']), h);
  assert.notEqual(rowHash(['1', 'a b', 'y']), h);
  assert.notEqual(rowHash(['1,a', 'b']), rowHash(['1', 'a,b']));
  assert.notEqual(rowHash(['ab', '']), rowHash(['a', 'b']));
  assert.equal(rowHash(['', 'x']), rowHash([null, 'x']));
  assert.equal(rowHash(['NA', 'x']), rowHash([null, 'x']));
});
