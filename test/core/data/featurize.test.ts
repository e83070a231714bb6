/**
 * Featurization against hand-computed values: standardization fitted on training rows,
 * missing indicators, constant columns, one-hot levels, rare grouping, hashed TF-IDF text.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as zlib from 'node:zlib';
import {
  crc32, featurize, inferSchema, parseTable, type FeatureMatrix, type LabelledData, type Split,
} from '../../../src/core/data/index';

/** Hand computations below are a few float operations: agree to this relative error. */
const TOL = 1e-12;

function split(train: number[], validation: number[]): Split {
  return { train: Int32Array.from(train), validation: Int32Array.from(validation) };
}

function build(text: string, s: Split, opts: { textColumns?: string[]; hashBuckets?: number } = {}): LabelledData {
  const t = parseTable(text, 'f.csv', 'csv');
  return featurize(t, inferSchema(t, { textColumns: opts.textColumns }), s, { hashBuckets: opts.hashBuckets });
}

function dense(X: FeatureMatrix): number[][] {
  const out: number[][] = [];
  for (let r = 0; r < X.rows; r++) {
    const row = new Array<number>(X.cols).fill(0);
    if (X.kind === 'dense') for (let j = 0; j < X.cols; j++) row[j] = X.data[r * X.cols + j];
    else for (let k = X.indptr[r]; k < X.indptr[r + 1]; k++) row[X.indices[k]] = X.values[k];
    out.push(row);
  }
  return out;
}

function close(a: number, b: number, what: string): void {
  assert.ok(Math.abs(a - b) <= TOL * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);
}

test('crc32 matches the standard check value and zlib', () => {
  assert.equal(crc32('123456789'), 0xcbf43926);
  assert.equal(crc32(''), 0);
  const zcrc = (zlib as unknown as { crc32?: (s: string) => number }).crc32;
  if (zcrc) for (const w of ['free', 'money', 'a', 'html', 'z9']) assert.equal(crc32(w), zcrc(w));
});

test('numeric: training mean / population std, missing -> 0 plus indicator, fitted on training rows only', () => {
  // Rows 0-3 train (x = 1, 2, ?, 5), row 4 validation (x = 100, an outlier that must not move the fit).
  const d = build('x,label\n1,a\n2,b\n?,a\n5,b\n100,a\n', split([0, 1, 2, 3], [4]));
  assert.deepEqual(d.featureNames, ['x', 'x (missing)', '(intercept)']);
  const mean = 8 / 3, std = Math.sqrt(((1 - mean) ** 2 + (2 - mean) ** 2 + (5 - mean) ** 2) / 3);
  const X = dense(d.X);
  close(X[0][0], (1 - mean) / std, 'row 0');
  close(X[3][0], (5 - mean) / std, 'row 3');
  close(X[4][0], (100 - mean) / std, 'row 4');
  assert.deepEqual(X[2], [0, 1, 1]);
  assert.deepEqual(X.map((r) => r[1]), [0, 0, 1, 0, 0]);
});

test('numeric: no indicator when training rows have no missing values; constant columns dropped', () => {
  const d = build('x,c,label\n1,7,a\n2,7,b\n3,7,a\n4,7,b\n?,7,a\n', split([0, 1, 2, 3], [4]));
  assert.deepEqual(d.featureNames, ['x', '(intercept)']);
  assert.deepEqual(dense(d.X)[4], [0, 1]);
});

test('numeric: huge magnitudes are standardized without overflow', () => {
  const d = build('x,label\n1e300,a\n-1e300,b\n1e300,a\n-1e300,b\n', split([0, 1, 2, 3], []));
  assert.deepEqual(dense(d.X).map((r) => r[0]), [1, -1, 1, -1]);
});

test('categorical: one-hot over sorted training levels, ? is a level, unseen levels -> all zeros', () => {
  const d = build('c,label\nred,a\nblue,b\n?,a\nred,b\ngreen,a\n', split([0, 1, 2, 3], [4]));
  assert.deepEqual(d.featureNames, ['c=?', 'c=blue', 'c=red', '(intercept)']);
  assert.deepEqual(dense(d.X), [[0, 0, 1, 1], [0, 1, 0, 1], [1, 0, 0, 1], [0, 0, 1, 1], [0, 0, 0, 1]]);
});

test('categorical: rare levels grouped only when a column has more than 50 levels', () => {
  const rowsWith = (levels: number) => {
    const lines = ['c,label'];
    for (let i = 0; i < levels; i++) lines.push(`v${i},${i % 2 ? 'a' : 'b'}`);
    for (let i = 0; i < 20; i++) lines.push(`v0,${i % 2 ? 'a' : 'b'}`, `v1,${i % 2 ? 'b' : 'a'}`);
    return lines.join('\n');
  };
  const all = (n: number) => split(Array.from({ length: n }, (_, i) => i), []);
  const few = build(rowsWith(50), all(90));
  assert.equal(few.featureNames.length, 50 + 1);
  const many = build(rowsWith(60), all(100));
  assert.deepEqual(many.featureNames, ['c=v0', 'c=v1', 'c=(rare)', '(intercept)']);
  assert.deepEqual(dense(many.X)[5], [0, 0, 1, 1]);
});

test('text: hashed tokens, tf = log(1+count), idf from training rows, L2-normalized, sparse CSR', () => {
  const B = 8;
  const docs = ['Free money FREE', 'meeting at noon', 'free lunch at noon', 'money money'];
  const text = `msg,label\n${docs.map((m, i) => `${m},${i % 2 ? 'ham' : 'spam'}`).join('\n')}\n`;
  const s = split([0, 1, 2], [3]);
  const d = build(text, s, { textColumns: ['msg'], hashBuckets: B });
  assert.equal(d.X.kind, 'sparse');
  assert.equal(d.featureNames.length, B + 1);
  // Independent computation of the same protocol.
  const tokens = docs.map((m) => m.toLowerCase().match(/[a-z0-9]+/g) ?? []);
  const counts = tokens.map((ts) => { const c = new Array<number>(B).fill(0); for (const t of ts) c[crc32(t) % B]++; return c; });
  const df = new Array<number>(B).fill(0);
  for (const r of s.train) for (let b = 0; b < B; b++) if (counts[r][b] > 0) df[b]++;
  const expected = counts.map((c) => {
    const v = c.map((n, b) => Math.log(1 + n) * (Math.log((1 + 3) / (1 + df[b])) + 1));
    const norm = Math.hypot(...v);
    return [...v.map((x) => x / norm), 1];
  });
  const X = dense(d.X);
  for (let r = 0; r < 4; r++) for (let j = 0; j <= B; j++) close(X[r][j], expected[r][j], `row ${r} col ${j}`);
  if (d.X.kind === 'sparse') {
    for (let r = 0; r < d.X.rows; r++) {
      for (let k = d.X.indptr[r] + 1; k < d.X.indptr[r + 1]; k++) assert.ok(d.X.indices[k - 1] < d.X.indices[k]);
      assert.equal(d.X.indices[d.X.indptr[r + 1] - 1], B);
    }
  }
});

test('text with numeric and categorical columns: the whole matrix is sparse, blocks in column order', () => {
  const text = 'n,c,msg,label\n1,x,hello world again and again and again and more,a\n2,y,another long message about nothing at all,b\n3,x,yet another long message with many words,a\n4,y,the last long message of this little file,b\n';
  const d = build(text, split([0, 1, 2, 3], []), { textColumns: ['msg'], hashBuckets: 4 });
  assert.equal(d.X.kind, 'sparse');
  assert.deepEqual(d.featureNames.slice(0, 3), ['n', 'c=x', 'c=y']);
  assert.deepEqual(d.featureNames.slice(3), ['msg#0', 'msg#1', 'msg#2', 'msg#3', '(intercept)']);
});

test('labels: y indexes the JS-sorted classes; unlabelled rows get NaN and are listed', () => {
  const d = build('x,label\n1,b\n2,10\n3,9\n4,?\n5,b\n6,9\n', split([0, 1, 2, 4, 5], []));
  assert.deepEqual(d.classes, ['10', '9', 'b']);
  assert.deepEqual(Array.from(d.y).slice(0, 3), [2, 0, 1]);
  assert.ok(Number.isNaN(d.y[3]));
  assert.deepEqual(Array.from(d.unlabelled), [3]);
});

test('regression: y is the numeric target', () => {
  const d = build('x,label\n1,0.5\n2,1.25\n3,-3\n4,2.5\n', split([0, 1, 2, 3], []));
  assert.equal(d.task, 'regression');
  assert.deepEqual(d.classes, []);
  assert.deepEqual(Array.from(d.y), [0.5, 1.25, -3, 2.5]);
});

test('deterministic: the same input gives bit-identical features', () => {
  const text = 'x,c,label\n1,a,p\n2,b,q\n?,a,p\n4,c,q\n5,a,p\n';
  const a = build(text, split([0, 1, 2, 3], [4])), b = build(text, split([0, 1, 2, 3], [4]));
  assert.deepEqual(a, b);
});
