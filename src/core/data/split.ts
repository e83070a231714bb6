/**
 * Deterministic stratified train/validation split.
 */
import { createRng } from '../rng';
import { labelOf, parseNumber } from './cells';
import { InputError, type ParsedTable, type Schema, type Split } from './types';

/**
 * Split labelled rows: for each class c with n_c rows, round(fraction · n_c) rows go to
 * validation (at most n_c − 1, so a class with one row stays in training), chosen by one
 * seeded generator (`createRng(seed)`) that visits the classes in sorted order. Rows whose
 * label is null are in neither part. Both arrays are 0-based row indices, ascending.
 * Same labels, fraction and seed -> the same split.
 */
export function stratifiedSplit(labels: readonly (string | null)[], fraction: number, seed: number): Split {
  if (!(fraction >= 0 && fraction < 1)) {
    throw new InputError('bad-setting', '', 0, `validation fraction must be in [0, 1), got ${fraction}`);
  }
  const byClass = new Map<string, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i];
    if (l === null) continue;
    let rowsOfClass = byClass.get(l);
    if (rowsOfClass === undefined) byClass.set(l, (rowsOfClass = []));
    rowsOfClass.push(i);
  }
  const rng = createRng(seed);
  const inValidation = new Uint8Array(labels.length);
  let nValidation = 0;
  for (const cls of [...byClass.keys()].sort()) {
    const rowsOfClass = byClass.get(cls) as number[];
    const k = Math.min(Math.round(fraction * rowsOfClass.length), rowsOfClass.length - 1);
    if (k <= 0) continue;
    rng.shuffle(rowsOfClass);
    for (let j = 0; j < k; j++) inValidation[rowsOfClass[j]] = 1;
    nValidation += k;
  }
  let nLabelled = 0;
  for (const rowsOfClass of byClass.values()) nLabelled += rowsOfClass.length;
  const train = new Int32Array(nLabelled - nValidation);
  const validation = new Int32Array(nValidation);
  let t = 0, v = 0;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] === null) continue;
    if (inValidation[i]) validation[v++] = i;
    else train[t++] = i;
  }
  return { train, validation };
}

/** Number of quantile bins used to stratify a numeric (regression) target. */
export const REGRESSION_STRATA = 5;

/**
 * The strings to stratify on: the label of each row for classification (null when missing);
 * for regression, the index of the row's quantile bin of the target, so that every part of
 * the target's range lands in both splits.
 */
export function splitStrata(table: ParsedTable, schema: Schema): (string | null)[] {
  const labels = table.rows.map((row) => labelOf(row[schema.labelIndex]));
  if (schema.task === 'classification') return labels;
  const values = labels.map((l) => (l === null ? NaN : parseNumber(l)));
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  const cuts: number[] = [];
  for (let b = 1; b < REGRESSION_STRATA; b++) cuts.push(sorted[Math.floor((b * sorted.length) / REGRESSION_STRATA)]);
  return values.map((v) => {
    if (Number.isNaN(v)) return null;
    let bin = 0;
    while (bin < cuts.length && v >= cuts[bin]) bin++;
    return String(bin);
  });
}
