/**
 * The data layer on every shared real dataset: row counts, label detection, schema kinds
 * and the feature dimensions of the reference protocol (shared/reference/RESULTS.md).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  decodeDataset, detectFormat, featurize, inferSchema, parseTable, splitStrata, stratifiedSplit,
  type LabelledData, type ParsedTable, type Schema, type Split,
} from '../../../src/core/data/index';

const DATASETS = path.resolve(__dirname, '../../../../shared/datasets');
/** Tolerance for means/deviations of standardized columns (sums of a few hundred doubles). */
const STANDARDIZE_TOL = 1e-9;

const EXPECTED_ROWS: Record<string, number> = {
  iris: 150, wine: 178, breast_cancer: 569, ionosphere: 351, diabetes: 768, vote: 435, soybean: 683, 'spam-2k': 2000,
};
/**
 * Feature columns incl. intercept in the reference run: its parameter count p divided by the
 * number of classes K for softmax (iris 15/3, wine 42/3, breast_cancer 62/2, ionosphere 68/2,
 * diabetes 18/2, vote 98/2, soybean 2546/19) and d = 1025 for spam-2k.
 */
const REFERENCE_D: Record<string, number> = {
  iris: 5, wine: 14, breast_cancer: 31, ionosphere: 34, diabetes: 9, vote: 49, soybean: 134, 'spam-2k': 1025,
};
/** Training rows in the reference split (RESULTS.md "n"): round(0.2 n_c) of each class to validation. */
const REFERENCE_TRAIN: Record<string, number> = {
  iris: 120, 'iris-noisy': 119, wine: 142, 'wine-noisy': 142, breast_cancer: 456, 'breast_cancer-noisy': 455,
  ionosphere: 281, 'ionosphere-noisy': 281, diabetes: 614, 'diabetes-noisy': 614, vote: 348, 'vote-noisy': 348,
  soybean: 546, 'soybean-noisy': 546,
};

interface Loaded { name: string; base: string; table: ParsedTable; schema: Schema; split: Split; data: LabelledData }

const files = readdirSync(DATASETS).filter((f) => /\.(csv|jsonl)$/.test(f)).sort();
const cache = new Map<string, Loaded>();
function load(file: string): Loaded {
  let l = cache.get(file);
  if (!l) {
    const text = decodeDataset(readFileSync(path.join(DATASETS, file)), file);
    const table = parseTable(text, file, detectFormat(file));
    const schema = inferSchema(table);
    const split = stratifiedSplit(splitStrata(table, schema), 0.2, 0);
    const data = featurize(table, schema, split);
    const name = file.replace(/\.(csv|jsonl)$/, '');
    l = { name, base: name.replace(/-noisy$/, ''), table, schema, split, data };
    cache.set(file, l);
  }
  return l;
}

test('all 16 shared data files are present', () => {
  assert.equal(files.length, 16, files.join(', '));
});

for (const file of files) {
  test(`${file}: row count, label column, feature dimension`, () => {
    const { name, base, table, schema, split, data } = load(file);
    assert.equal(table.rows.length, EXPECTED_ROWS[base]);
    assert.equal(table.spans.length, table.rows.length);
    for (const row of table.rows) assert.equal(row.length, table.columns.length);
    const flips = JSON.parse(readFileSync(path.join(DATASETS, `${base}-noisy.flips.json`), 'utf8')) as { label: string };
    assert.equal(schema.labelName, flips.label);
    assert.equal(schema.task, 'classification');
    assert.equal(data.X.cols, REFERENCE_D[base]);
    assert.equal(data.featureNames.length, data.X.cols);
    assert.equal(data.featureNames[data.X.cols - 1], '(intercept)');
    assert.equal(data.y.length, table.rows.length);
    if (REFERENCE_TRAIN[name] !== undefined) assert.equal(split.train.length, REFERENCE_TRAIN[name]);
  });
}

test('CSV row spans: one line per row, row r on line r + 1 (no multi-line fields in the shared files)', () => {
  const { table } = load('wine.csv');
  table.spans.forEach((s, r) => {
    assert.equal(s.startLine, r + 1);
    assert.equal(s.endLine, r + 1);
    assert.equal(s.startCharacter, 0);
  });
});

test('spam-2k.jsonl: raw HTML kept verbatim as text, text column -> sparse matrix', () => {
  const { table, schema, data } = load('spam-2k.jsonl');
  assert.deepEqual(table.columns, ['text', 'label']);
  assert.equal(schema.columns[0].kind, 'text');
  assert.ok(table.rows.some((r) => /<script|<html/i.test(r[0] ?? '')));
  assert.equal(data.X.kind, 'sparse');
  assert.deepEqual(data.classes, ['ham', 'spam']);
  if (data.X.kind === 'sparse') {
    // Each row: its text vector is unit length (or empty), plus the intercept.
    for (let r = 0; r < data.X.rows; r++) {
      let norm = 0;
      for (let k = data.X.indptr[r]; k < data.X.indptr[r + 1] - 1; k++) norm += data.X.values[k] ** 2;
      assert.ok(Math.abs(norm - 1) < STANDARDIZE_TOL || norm === 0, `row ${r}: ${norm}`);
      assert.equal(data.X.indices[data.X.indptr[r + 1] - 1], data.X.cols - 1);
    }
  }
});

test('ionosphere: the constant column a02 is dropped', () => {
  const { schema, data } = load('ionosphere.csv');
  assert.equal(schema.columns[1].name, 'a02');
  assert.equal(schema.columns[1].kind, 'numeric');
  assert.ok(!data.featureNames.includes('a02'));
  assert.ok(data.featureNames.includes('a01'));
});

test('vote: categorical columns with ? as its own level', () => {
  const { schema, data } = load('vote.csv');
  assert.ok(schema.columns.filter((c) => c.index !== schema.labelIndex).every((c) => c.kind === 'categorical'));
  assert.ok(data.featureNames.includes('handicapped-infants=?'));
  assert.ok(data.featureNames.includes('handicapped-infants=y'));
  assert.ok(data.featureNames.includes('handicapped-infants=n'));
  assert.deepEqual(data.classes, ['democrat', 'republican']);
});

test('diabetes: text class labels, zeros stay numbers (no missing indicators)', () => {
  const { schema, data } = load('diabetes.csv');
  assert.equal(schema.labelName, 'class');
  assert.deepEqual(data.classes, ['tested_negative', 'tested_positive']);
  assert.ok(!data.featureNames.some((n) => n.includes('(missing)')));
});

test('soybean: 19 classes, all categorical', () => {
  const { schema, data } = load('soybean.csv');
  assert.equal(data.classes.length, 19);
  assert.ok(schema.columns.every((c) => c.kind === 'categorical'));
});

test('wine: standardized numeric features have training mean 0 and std 1', () => {
  const { data, split } = load('wine.csv');
  assert.equal(data.X.kind, 'dense');
  if (data.X.kind !== 'dense') return;
  const { cols, data: X } = data.X;
  for (let j = 0; j < cols - 1; j++) {
    let mean = 0;
    for (const r of split.train) mean += X[r * cols + j];
    mean /= split.train.length;
    let v = 0;
    for (const r of split.train) v += (X[r * cols + j] - mean) ** 2;
    const std = Math.sqrt(v / split.train.length);
    assert.ok(Math.abs(mean) < STANDARDIZE_TOL, `col ${j} mean ${mean}`);
    assert.ok(Math.abs(std - 1) < STANDARDIZE_TOL, `col ${j} std ${std}`);
  }
});

test('iris: labels 0,1,2 are classes, y indexes the sorted class list', () => {
  const { table, data } = load('iris.csv');
  assert.deepEqual(data.classes, ['0', '1', '2']);
  table.rows.forEach((row, r) => assert.equal(data.y[r], Number(row[4])));
  assert.equal(data.unlabelled.length, 0);
});
