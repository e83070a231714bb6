/**
 * Types of the data layer: parsed tables with exact editor positions, schemas,
 * featurized matrices and typed input errors. Pure TypeScript, no `vscode` import.
 */

export type DataFormat = 'csv' | 'tsv' | 'jsonl';

/**
 * Where one data row sits in the file, in the coordinates VS Code uses:
 * 0-based lines and 0-based UTF-16 character columns; offsets are UTF-16 indices
 * into the decoded text (BOM excluded). `end*` is exclusive and excludes the line break.
 */
export interface RowSpan {
  startLine: number;
  startCharacter: number;
  endLine: number;
  endCharacter: number;
  startOffset: number;
  endOffset: number;
}

/** One cell: the raw text, or null for JSON null / a missing JSON key. */
export type Cell = string | null;

export interface ParsedTable {
  file: string;
  format: DataFormat;
  /** Column names (CSV/TSV header, or the union of JSON keys in first-seen order). */
  columns: string[];
  /** Data rows (header excluded), each with `columns.length` cells. */
  rows: Cell[][];
  /** spans[i] is the position of rows[i]. */
  spans: RowSpan[];
}

export type InputErrorKind =
  | 'empty-file'
  | 'header-only'
  | 'unterminated-quote'
  | 'ragged-row'
  | 'invalid-json'
  | 'not-an-object'
  | 'binary-content'
  | 'no-label-column'
  | 'label-all-missing'
  | 'single-class'
  | 'too-few-rows'
  | 'too-many-classes'
  | 'no-features'
  | 'non-finite'
  | 'diverged'
  | 'too-large'
  | 'bad-setting'
  | 'io';

/**
 * A problem with the user's input, with a location and a message a person understands.
 * `line` and `column` are 1-based (as editors display them); 0 means "not tied to a line".
 */
export class InputError extends Error {
  override readonly name = 'InputError';
  constructor(
    readonly kind: InputErrorKind,
    readonly file: string,
    readonly line: number,
    message: string,
    readonly column = 0,
    /** What the user can do about it. */
    readonly hint = '',
  ) {
    super(message);
  }

  /** "data.csv:12:5: unterminated quote … (hint)". */
  format(): string {
    const where = this.line > 0 ? `${this.file}:${this.line}${this.column > 0 ? `:${this.column}` : ''}` : this.file;
    // Message and hint are two sentences: end the message with a full stop when it has none.
    const message = this.hint && !/[.!?]$/.test(this.message) ? `${this.message}.` : this.message;
    return `${where}: ${message}${this.hint ? ` ${this.hint}` : ''}`;
  }

  toJSON(): { kind: InputErrorKind; file: string; line: number; column: number; message: string; hint: string } {
    return { kind: this.kind, file: this.file, line: this.line, column: this.column, message: this.message, hint: this.hint };
  }
}

export function isInputError(e: unknown): e is InputError {
  return e instanceof InputError || (typeof e === 'object' && e !== null && (e as { name?: unknown }).name === 'InputError');
}

export type ColumnKind = 'numeric' | 'categorical' | 'text';

export interface ColumnSchema {
  name: string;
  index: number;
  kind: ColumnKind;
  /** Number of missing cells ('' ? NA null, JSON null). */
  missing: number;
  /** Distinct non-missing values seen (capped count is fine for text). */
  distinct: number;
}

export interface Schema {
  columns: ColumnSchema[];
  labelIndex: number;
  labelName: string;
  /** 'classification' for categorical labels, 'regression' for numeric labels with many values. */
  task: 'classification' | 'regression';
}

/** Row-major dense matrix, float64. */
export interface DenseMatrix {
  kind: 'dense';
  rows: number;
  cols: number;
  data: Float64Array;
}

/** Compressed sparse rows, float64 values. */
export interface SparseMatrix {
  kind: 'sparse';
  rows: number;
  cols: number;
  indptr: Int32Array;
  indices: Int32Array;
  values: Float64Array;
}

export type FeatureMatrix = DenseMatrix | SparseMatrix;

/** Deterministic stratified split, as 0-based data-row indices (sorted ascending). */
export interface Split {
  train: Int32Array;
  validation: Int32Array;
}

/**
 * What the engine trains on. Row r of X corresponds to data row r of the table;
 * rows whose label is missing are listed in `unlabelled` and never appear in a split.
 * The last feature column is the intercept (all ones).
 */
export interface LabelledData {
  X: FeatureMatrix;
  task: 'classification' | 'regression';
  /** Class index (0..K-1) for classification, the numeric target for regression; NaN when unlabelled. */
  y: Float64Array;
  /** Sorted distinct label values (classification); empty for regression. */
  classes: string[];
  featureNames: string[];
  unlabelled: Int32Array;
}
