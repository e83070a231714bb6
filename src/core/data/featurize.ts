/**
 * Featurization: table + schema + split -> the float64 design matrix the engine trains on.
 * Every statistic (means, deviations, levels, document frequencies) is fitted on TRAINING
 * rows only and then applied to all rows, following the reference protocol
 * (`shared/reference/RESULTS.md`, "Settings") so that our figures are comparable with it.
 */
import { isMissing, labelOf, parseNumber, trimCell } from './cells';
import { countTokens } from './textHash';
import { InputError, type ColumnSchema, type FeatureMatrix, type LabelledData, type ParsedTable, type Schema, type Split } from './types';

export const DEFAULT_HASH_BUCKETS = 1024;
/** Rare levels are grouped only in columns with more levels than this (none of the shared datasets has that many). */
export const RARE_GROUPING_MIN_LEVELS = 50;
/** A level seen in fewer training rows than this is rare. */
export const RARE_LEVEL_MIN_COUNT = 2;
/** A numeric column whose training standard deviation is at most this, relative to its magnitude, is constant. */
export const CONSTANT_RELATIVE_STD = 1e-12;
/** Values beyond this magnitude are scaled down before summing, so means and variances cannot overflow. */
const OVERFLOW_GUARD = 1e150;
/** The one-hot level of missing categorical cells (what the reference calls `?`). */
export const MISSING_LEVEL = '?';
export const INTERCEPT_NAME = '(intercept)';
/** Rows filled per pass over the blocks of a dense matrix (a few hundred KiB: stays in cache). */
const DENSE_CHUNK_ROWS = 256;

export interface FeaturizeOptions {
  /** Hash buckets per text column (default 1024). */
  hashBuckets?: number;
}

/** One group of feature columns produced from one table column. */
interface Block {
  names: string[];
  /** Write the features of rows [from, to) into the row-major `out` (row stride `stride`) at column `offset`. */
  fillDense(out: Float64Array, stride: number, offset: number, from: number, to: number): void;
  /** Append row r's non-zero features (ascending column) with column offset `base`. */
  sparse(r: number, out: CsrBuilder, base: number): void;
}

/** Growable CSR arrays (typed from the start: no conversion of million-element JS arrays). */
class CsrBuilder {
  indices = new Int32Array(1024);
  values = new Float64Array(1024);
  length = 0;
  push(index: number, value: number): void {
    if (this.length === this.indices.length) {
      const indices = new Int32Array(this.length * 2);
      indices.set(this.indices);
      this.indices = indices;
      const values = new Float64Array(this.length * 2);
      values.set(this.values);
      this.values = values;
    }
    this.indices[this.length] = index;
    this.values[this.length++] = value;
  }
}

/**
 * Featurize every row of the table (rows × features, float64, row r = data row r).
 * Numeric: (x − mean)/std with training mean and population std, missing -> 0, plus a 0/1
 * "missing" column when training rows have both missing and present values; constant
 * columns dropped. Categorical: one-hot over training levels (missing = level `?`, unseen
 * levels -> all zeros). Text: hashed token counts, tf = log(1+count),
 * idf = log((1+n_train)/(1+df)) + 1, L2-normalized per row and column. The matrix is sparse
 * (CSR) when any text column exists, dense otherwise; the last column is the intercept (1).
 * y: class index into the sorted distinct labels, or the numeric target; NaN when unlabelled.
 * Throws InputError: non-finite (an infinite number, with line and column), no-features,
 * too-few-rows (empty training split).
 */
export function featurize(table: ParsedTable, schema: Schema, split: Split, opts: FeaturizeOptions = {}): LabelledData {
  const buckets = opts.hashBuckets ?? DEFAULT_HASH_BUCKETS;
  if (!Number.isInteger(buckets) || buckets < 1) throw new InputError('bad-setting', table.file, 0, `hash buckets must be a positive integer, got ${buckets}`);
  if (split.train.length === 0) {
    throw new InputError('too-few-rows', table.file, 0, 'the training split is empty', 0, 'Add labelled rows or lower the validation fraction.');
  }
  const { y, classes, unlabelled } = encodeLabels(table, schema);
  const blocks: Block[] = [];
  let hasText = false;
  for (const col of schema.columns) {
    if (col.index === schema.labelIndex) continue;
    const block = col.kind === 'numeric' ? numericBlock(table, col, split.train)
      : col.kind === 'categorical' ? categoricalBlock(table, col, split.train)
      : textBlock(table, col, split.train, buckets);
    if (col.kind === 'text') hasText = true;
    if (block.names.length > 0) blocks.push(block);
  }
  if (blocks.length === 0) {
    throw new InputError('no-features', table.file, 0, 'no usable feature columns: every column besides the label is constant or empty', 0,
      'Add feature columns with varying values.');
  }
  const featureNames: string[] = [];
  const offsets: number[] = [];
  for (const b of blocks) { offsets.push(featureNames.length); featureNames.push(...b.names); }
  featureNames.push(INTERCEPT_NAME);
  const cols = featureNames.length;
  const rows = table.rows.length;
  let X: FeatureMatrix;
  if (hasText) {
    const indptr = new Int32Array(rows + 1);
    const out = new CsrBuilder();
    for (let r = 0; r < rows; r++) {
      for (let k = 0; k < blocks.length; k++) blocks[k].sparse(r, out, offsets[k]);
      out.push(cols - 1, 1);
      indptr[r + 1] = out.length;
    }
    X = { kind: 'sparse', rows, cols, indptr, indices: out.indices.slice(0, out.length), values: out.values.slice(0, out.length) };
  } else {
    const data = new Float64Array(rows * cols);
    // Block by block within chunks of rows: each inner loop is monomorphic and the chunk
    // stays in cache while every block writes its columns.
    for (let from = 0; from < rows; from += DENSE_CHUNK_ROWS) {
      const to = Math.min(rows, from + DENSE_CHUNK_ROWS);
      for (let k = 0; k < blocks.length; k++) blocks[k].fillDense(data, cols, offsets[k], from, to);
      for (let r = from; r < to; r++) data[r * cols + cols - 1] = 1;
    }
    X = { kind: 'dense', rows, cols, data };
  }
  return { X, task: schema.task, y, classes, featureNames, unlabelled };
}

function encodeLabels(table: ParsedTable, schema: Schema): { y: Float64Array; classes: string[]; unlabelled: Int32Array } {
  const n = table.rows.length;
  const labels = table.rows.map((row) => labelOf(row[schema.labelIndex]));
  const y = new Float64Array(n).fill(NaN);
  const unlabelled: number[] = [];
  let classes: string[] = [];
  if (schema.task === 'classification') {
    // JS default sort of the label strings: what the reference used for the shared files.
    classes = [...new Set(labels.filter((l): l is string => l !== null))].sort();
    const index = new Map(classes.map((c, i) => [c, i]));
    for (let r = 0; r < n; r++) {
      const l = labels[r];
      if (l === null) unlabelled.push(r);
      else y[r] = index.get(l) as number;
    }
  } else {
    for (let r = 0; r < n; r++) {
      const l = labels[r];
      if (l === null) { unlabelled.push(r); continue; }
      const v = parseNumber(l);
      if (!Number.isFinite(v)) throw nonFinite(table, r, schema.labelName, l);
      y[r] = v;
    }
  }
  return { y, classes, unlabelled: Int32Array.from(unlabelled) };
}

function nonFinite(table: ParsedTable, r: number, column: string, text: string): InputError {
  return new InputError('non-finite', table.file, table.spans[r].startLine + 1,
    `column "${column}" holds ${JSON.stringify(text)}, which is not a finite number`, 0,
    'Replace it with a finite value, or leave the cell empty to mark it missing.');
}

function numericBlock(table: ParsedTable, col: ColumnSchema, train: Int32Array): Block {
  const n = table.rows.length;
  const values = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    const cell = table.rows[r][col.index];
    const v = cell === null ? NaN : parseNumber(cell);
    if (Number.isFinite(v)) { values[r] = v; continue; }
    // Missing tokens parse as NaN; so does a non-number in a column whose schema came from
    // other rows: both are missing here. Only ±Infinity is an error.
    if (!Number.isNaN(v)) throw nonFinite(table, r, col.name, trimCell(cell as string));
    values[r] = NaN;
  }
  let present = 0, maxAbs = 0;
  for (let i = 0; i < train.length; i++) {
    const v = values[train[i]];
    if (Number.isNaN(v)) continue;
    present++;
    const a = Math.abs(v);
    if (a > maxAbs) maxAbs = a;
  }
  const scale = maxAbs > OVERFLOW_GUARD ? maxAbs : 1;
  let sum = 0;
  for (let i = 0; i < train.length; i++) { const v = values[train[i]]; if (!Number.isNaN(v)) sum += v / scale; }
  const meanScaled = present > 0 ? sum / present : 0;
  let sq = 0;
  for (let i = 0; i < train.length; i++) {
    const v = values[train[i]];
    if (!Number.isNaN(v)) { const d = v / scale - meanScaled; sq += d * d; }
  }
  const stdScaled = present > 0 ? Math.sqrt(sq / present) : 0;
  const keepValue = present > 0 && stdScaled > CONSTANT_RELATIVE_STD * Math.max(Math.abs(meanScaled), Number.MIN_VALUE);
  const indicator = present > 0 && present < train.length;
  const names: string[] = [];
  if (keepValue) names.push(col.name);
  if (indicator) names.push(`${col.name} (missing)`);
  const mean = meanScaled, std = stdScaled;
  const standardized = (v: number): number => (v / scale - mean) / std;
  return {
    names,
    fillDense(out, stride, offset, from, to) {
      const valueAt = offset, indicatorAt = keepValue ? offset + 1 : offset;
      for (let r = from, base = from * stride; r < to; r++, base += stride) {
        const v = values[r];
        if (keepValue && !Number.isNaN(v)) out[base + valueAt] = standardized(v);
        if (indicator && Number.isNaN(v)) out[base + indicatorAt] = 1;
      }
    },
    sparse(r, out, base) {
      const v = values[r];
      let k = base;
      if (keepValue) {
        const z = Number.isNaN(v) ? 0 : standardized(v);
        if (z !== 0) out.push(k, z);
        k++;
      }
      if (indicator && Number.isNaN(v)) out.push(k, 1);
    },
  };
}

function levelOf(cell: string | null): string {
  return isMissing(cell) ? MISSING_LEVEL : trimCell(cell as string);
}

function categoricalBlock(table: ParsedTable, col: ColumnSchema, train: Int32Array): Block {
  const rowLevels = table.rows.map((row) => levelOf(row[col.index]));
  const counts = new Map<string, number>();
  for (let i = 0; i < train.length; i++) {
    const level = rowLevels[train[i]];
    counts.set(level, (counts.get(level) ?? 0) + 1);
  }
  const levels = [...counts.keys()].sort();
  const groupRare = levels.length > RARE_GROUPING_MIN_LEVELS;
  const kept = groupRare ? levels.filter((l) => (counts.get(l) as number) >= RARE_LEVEL_MIN_COUNT) : levels;
  const column = new Map<string, number>(kept.map((l, i) => [l, i]));
  const names = kept.map((l) => `${col.name}=${l}`);
  if (groupRare && kept.length < levels.length) {
    const rareColumn = names.length;
    for (const l of levels) if (!column.has(l)) column.set(l, rareColumn);
    names.push(`${col.name}=(rare)`);
  }
  // Column index per row, -1 for levels never seen in training.
  const at = new Int32Array(table.rows.length);
  for (let r = 0; r < at.length; r++) at[r] = column.get(rowLevels[r]) ?? -1;
  return {
    names,
    fillDense(out, stride, offset, from, to) {
      for (let r = from, base = from * stride + offset; r < to; r++, base += stride) if (at[r] >= 0) out[base + at[r]] = 1;
    },
    sparse(r, out, base) { if (at[r] >= 0) out.push(base + at[r], 1); },
  };
}

function textBlock(table: ParsedTable, col: ColumnSchema, train: Int32Array, buckets: number): Block {
  const n = table.rows.length;
  const counts = new Int32Array(buckets);
  const touched = new Int32Array(buckets);
  // The block's own CSR: row r's buckets are idx[ptr[r] .. ptr[r+1]), ascending, with their weights.
  const ptr = new Int32Array(n + 1);
  let idx = new Int32Array(Math.max(1024, n * 16));
  let weight = new Float64Array(idx.length);
  let nnz = 0;
  for (let r = 0; r < n; r++) {
    const cell = table.rows[r][col.index];
    const m = isMissing(cell) ? 0 : countTokens(cell as string, counts, touched);
    if (nnz + m > idx.length) {
      const size = Math.max(2 * idx.length, nnz + m);
      const grownIdx = new Int32Array(size); grownIdx.set(idx); idx = grownIdx;
      const grownWeight = new Float64Array(size); grownWeight.set(weight); weight = grownWeight;
    }
    idx.set(touched.subarray(0, m), nnz);
    idx.subarray(nnz, nnz + m).sort();
    for (let k = nnz; k < nnz + m; k++) { weight[k] = counts[idx[k]]; counts[idx[k]] = 0; }
    nnz += m;
    ptr[r + 1] = nnz;
  }
  const df = new Float64Array(buckets);
  for (let i = 0; i < train.length; i++) {
    const r = train[i];
    for (let k = ptr[r]; k < ptr[r + 1]; k++) df[idx[k]]++;
  }
  const idf = new Float64Array(buckets);
  for (let b = 0; b < buckets; b++) idf[b] = Math.log((1 + train.length) / (1 + df[b])) + 1;
  for (let r = 0; r < n; r++) {
    let norm = 0;
    for (let k = ptr[r]; k < ptr[r + 1]; k++) { const v = Math.log1p(weight[k]) * idf[idx[k]]; weight[k] = v; norm += v * v; }
    norm = Math.sqrt(norm);
    if (norm > 0) for (let k = ptr[r]; k < ptr[r + 1]; k++) weight[k] /= norm;
  }
  const width = String(buckets - 1).length;
  const names = Array.from({ length: buckets }, (_, b) => `${col.name}#${String(b).padStart(width, '0')}`);
  return {
    names,
    fillDense(out, stride, offset, from, to) {
      for (let r = from, base = from * stride + offset; r < to; r++, base += stride) {
        for (let k = ptr[r]; k < ptr[r + 1]; k++) out[base + idx[k]] = weight[k];
      }
    },
    sparse(r, out, base) {
      for (let k = ptr[r]; k < ptr[r + 1]; k++) out.push(base + idx[k], weight[k]);
    },
  };
}
