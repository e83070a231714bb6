/**
 * Schema inference: the kind of every column (numeric, categorical, free text), the label
 * column and the task (classification or regression), with the checks that make a file
 * unusable for training reported as InputError.
 */
import { isMissing, labelOf, parseNumber, trimCell } from './cells';
import { InputError, type ColumnKind, type ColumnSchema, type ParsedTable, type Schema } from './types';

/** Label column names tried in this order (case-insensitive) before falling back to the last column. */
export const LABEL_NAMES: readonly string[] = ['label', 'class', 'target', 'y'];
/** A string column is free text when its mean length exceeds this many characters... */
export const TEXT_MEAN_LENGTH = 30;
/** ...or when this share of its values are distinct and at least half of them contain a space. */
export const TEXT_DISTINCT_RATIO = 0.5;
/** A numeric label with at most this many distinct integer values is a class label. */
export const MAX_INTEGER_CLASSES = 20;
/** Fewer labelled rows than this cannot give both a training and a validation split. */
export const MIN_LABELLED_ROWS = 4;
/**
 * Distinct values of a numeric column are counted up to this many: past it the exact count
 * changes no decision (a label with more is a regression target) and costs a hash set of
 * every value.
 */
export const NUMERIC_DISTINCT_CAP = 1000;
/** Default ceiling on the number of classes (a label with more is almost surely an id or free text). */
export const DEFAULT_MAX_CLASSES = 100;

export interface SchemaOptions {
  /** Label column name; null/undefined = auto-detect. Exact name first, then case-insensitive. */
  labelColumn?: string | null;
  /** Columns forced to free text. */
  textColumns?: readonly string[];
  /** More classes than this is an error (`too-many-classes`); default DEFAULT_MAX_CLASSES. */
  maxClasses?: number;
}

/**
 * Infer per-column kinds and the label. Errors (InputError, line = first data row's line):
 * no-label-column, bad-setting (unknown text column), label-all-missing, too-few-rows,
 * single-class, too-many-classes.
 */
export function inferSchema(table: ParsedTable, opts: SchemaOptions = {}): Schema {
  const { file, columns, rows, spans } = table;
  const firstLine = spans.length > 0 ? spans[0].startLine + 1 : 1;
  const labelIndex = findLabelColumn(table, opts.labelColumn ?? null);
  const labelName = columns[labelIndex];
  const forcedText = new Set<number>();
  for (const name of opts.textColumns ?? []) {
    const i = findColumn(columns, name);
    if (i < 0) {
      throw new InputError('bad-setting', file, 0, `text column "${name}" is not in the file`, 0,
        `Columns: ${listColumns(columns)}.`);
    }
    if (i !== labelIndex) forcedText.add(i);
  }

  const out: ColumnSchema[] = [];
  let task: Schema['task'] = 'classification';
  for (let c = 0; c < columns.length; c++) {
    const stats = scanColumn(table, c);
    let kind: ColumnKind;
    if (c === labelIndex) {
      task = labelTask(stats);
      kind = task === 'regression' ? 'numeric' : 'categorical';
    } else if (forcedText.has(c)) kind = 'text';
    else if (stats.present === 0 || stats.numeric) kind = 'numeric';
    else if (stats.totalLength / stats.present > TEXT_MEAN_LENGTH
      || (stats.distinct / stats.present > TEXT_DISTINCT_RATIO && stats.withSpace * 2 >= stats.present)) kind = 'text';
    else kind = 'categorical';
    out.push({ name: columns[c], index: c, kind, missing: rows.length - stats.present, distinct: stats.distinct });
  }

  const labelled: number[] = [];
  const classes = new Set<string>();
  for (let r = 0; r < rows.length; r++) {
    const l = labelOf(rows[r][labelIndex]);
    if (l !== null) { labelled.push(r); classes.add(l); }
  }
  if (labelled.length === 0) {
    throw new InputError('label-all-missing', file, firstLine, `every value of the label column "${labelName}" is missing`, 0,
      'Fill in labels, or choose another label column.');
  }
  if (labelled.length < MIN_LABELLED_ROWS) {
    throw new InputError('too-few-rows', file, spans[labelled[0]].startLine + 1,
      `only ${labelled.length} row${labelled.length === 1 ? ' has a' : 's have a'} label; at least ${MIN_LABELLED_ROWS} are needed`, 0,
      'Add labelled rows.');
  }
  if (classes.size === 1) {
    const only = classes.values().next().value as string;
    throw new InputError('single-class', file, spans[labelled[0]].startLine + 1,
      `the label column "${labelName}" has a single value ("${only}"): there is nothing to learn`, 0,
      'Add rows of other classes, or choose another label column.');
  }
  const maxClasses = opts.maxClasses ?? DEFAULT_MAX_CLASSES;
  if (task === 'classification' && classes.size > maxClasses) {
    throw new InputError('too-many-classes', file, firstLine,
      `the label column "${labelName}" has ${classes.size} distinct values (more than ${maxClasses} classes)`, 0,
      'Is it an id or free text? Choose the label column explicitly.');
  }
  return { columns: out, labelIndex, labelName, task };
}

interface ColumnStats {
  present: number;
  distinct: number;
  numeric: boolean;
  allIntegers: boolean;
  totalLength: number;
  withSpace: number;
}

function scanColumn(table: ParsedTable, c: number): ColumnStats {
  // Numbers are counted by value ("1.0" and "1" are one value), other cells by text; the
  // texts of a column are only collected once it turns out not to be numeric (cheaper).
  const values = new Set<number>();
  let texts: Set<string> | null = null;
  let present = 0, numeric = true, allIntegers = true, totalLength = 0, withSpace = 0;
  const rows = table.rows;
  for (let r = 0; r < rows.length; r++) {
    const cell = rows[r][c];
    if (isMissing(cell)) continue;
    const s = trimCell(cell as string);
    present++;
    totalLength += s.length;
    if (numeric) {
      const v = parseNumber(s);
      if (Number.isNaN(v)) {
        numeric = false;
        texts = new Set<string>();
        for (let q = 0; q < r; q++) if (!isMissing(rows[q][c])) texts.add(trimCell(rows[q][c] as string));
      } else {
        if (!Number.isInteger(v)) allIntegers = false;
        if (values.size < NUMERIC_DISTINCT_CAP) values.add(v);
      }
    }
    if (texts !== null) texts.add(s);
    // Numbers never hold spaces, so numeric cells before a column turns out textual add nothing.
    if (!numeric && s.indexOf(' ') >= 0) withSpace++;
  }
  const isNumeric = numeric && present > 0;
  return { present, distinct: isNumeric ? values.size : texts?.size ?? 0, numeric: isNumeric, allIntegers, totalLength, withSpace };
}

function labelTask(stats: ColumnStats): Schema['task'] {
  if (!stats.numeric) return 'classification';
  return stats.allIntegers && stats.distinct <= MAX_INTEGER_CLASSES ? 'classification' : 'regression';
}

function findColumn(columns: readonly string[], name: string): number {
  const exact = columns.indexOf(name);
  if (exact >= 0) return exact;
  const lower = name.trim().toLowerCase();
  return columns.findIndex((c) => c.trim().toLowerCase() === lower);
}

function findLabelColumn(table: ParsedTable, requested: string | null): number {
  const { columns, file } = table;
  if (requested !== null) {
    const i = findColumn(columns, requested);
    if (i < 0) {
      throw new InputError('no-label-column', file, 1, `label column "${requested}" is not in the file`, 0,
        `Columns: ${listColumns(columns)}.`);
    }
    return i;
  }
  for (const name of LABEL_NAMES) {
    const i = columns.findIndex((c) => c.trim().toLowerCase() === name);
    if (i >= 0) return i;
  }
  if (columns.length === 0) {
    throw new InputError('no-label-column', file, 1, 'the file has no columns', 0, 'Add a header with column names.');
  }
  return columns.length - 1;
}

function listColumns(columns: readonly string[]): string {
  const shown = columns.slice(0, 30).map((c) => JSON.stringify(c)).join(', ');
  return columns.length > 30 ? `${shown}, … (${columns.length} in all)` : shown;
}
