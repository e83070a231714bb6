/**
 * Messages between the Influence View host (src/extension/influenceView.ts) and its page
 * (webview/main.ts): one discriminated union per direction and one validator per union,
 * used on BOTH sides — the host never trusts the page and the page never trusts the host.
 *
 * The validators are hand-written rather than ajv-compiled: ajv generates code with
 * `new Function`, which the page's Content-Security-Policy (no 'unsafe-eval') forbids.
 *
 * The page receives the scan once, as a `ViewPayload` (what the view draws of a `ScanResult`,
 * per-row data in typed-array columns); everything after that is incremental (review state,
 * cells, verify).
 */
import type { EpochMetrics, Pattern, Reason, ScanResult, VerificationBlock } from '../core/report/types';

export type { Pattern, VerificationBlock };

export const PATTERNS: readonly Pattern[] = ['highly-fluctuating', 'early-influencer', 'late-bloomer', 'stable'];

/**
 * Measured faithfulness of the window estimates: per window, the correlation of the
 * estimate with exact windowed leave-one-out (null where not measured). Optional: a scan
 * carries it as `windowFaithfulness` only when it measured it.
 */
export interface WindowFaithfulness {
  /** Which correlation (e.g. "Spearman"). */
  method: string;
  perWindow: (number | null)[];
}

/** One row as the page uses it (decoded from the columnar payload; window arrays are views, not copies). */
export interface ViewRow {
  row: number;
  line: number;
  label: string;
  predicted: string;
  confidence: number;
  influence: number;
  /** NaN where not estimated (rows only screened by SGD-IE in an 'sgd-ie+acc' scan). */
  looLoss: number;
  flagged: boolean;
  reasons: Reason[];
  rankHarmful: number;
  rankSuspect: number;
  /** Cumulative window influence per window (length W). */
  windows: Float64Array;
  /** In-window influence per window (length W). */
  inWindow: Float64Array;
  pattern: Pattern;
  hash: string;
}

/** Everything about a scan except its per-row data. */
export interface ViewMeta {
  file: string;
  task: 'classification' | 'regression';
  labelColumn: string;
  classes: string[];
  estimator: string;
  epochs: EpochMetrics[];
  valLoss: number;
  valAccuracy: number;
  majorityRate: number;
  windowLabels: string[];
  patterns: Record<Pattern, number>;
  flaggedCount: number;
  warnings: string[];
  verification?: VerificationBlock;
  windowFaithfulness?: WindowFaithfulness;
  approximationNote?: string;
}

/**
 * Per-row data as columns of typed arrays (n rows, W windows). VS Code transfers typed
 * arrays in webview messages as binary (engines ≥ 1.57) instead of JSON, and the browser
 * clones them by copying bytes: 10 000 rows × 20 windows cross in milliseconds, where one
 * object per row took most of a second to clone.
 */
export interface ViewColumns {
  row: Int32Array;
  line: Int32Array;
  rankHarmful: Int32Array;
  rankSuspect: Int32Array;
  confidence: Float64Array;
  influence: Float64Array;
  /** NaN where not estimated (null in the scan result). */
  looLoss: Float64Array;
  /** Bit 0 flagged, bit 1 reason "harmful", bit 2 reason "label-suspect". */
  flags: Uint8Array;
  /** Index into PATTERNS. */
  pattern: Uint8Array;
  /** Row-major n × W. */
  windows: Float64Array;
  /** Row-major n × W. */
  inWindow: Float64Array;
  /** Index into `strings`. */
  label: Int32Array;
  /** Index into `strings`. */
  predicted: Int32Array;
  /** Distinct label and prediction texts. */
  strings: string[];
  hash: string[];
}

/** What crosses the wire once per page load or result change. */
export interface ViewPayload {
  meta: ViewMeta;
  columns: ViewColumns;
}

/** What the page draws: the payload decoded into rows. */
export interface ViewResult extends ViewMeta {
  rows: ViewRow[];
}

// ---- host → page ----
export type HostMessage =
  /** The scan (on page load and whenever the result changes) and the rows already reviewed. */
  | { type: 'result'; docUri: string; payload: ViewPayload; reviewed: number[] }
  /** Incremental: review state of some rows changed. */
  | { type: 'reviewState'; rows: number[]; reviewed: boolean }
  /** Incremental: an edit was requested for a row (the document changes; the scan is stale until recomputed). */
  | { type: 'rowEdited'; row: number; edit: 'removed' | 'relabelled'; label?: string }
  /** Answer to `requestCells`: the row's cells, or null when the host could not read them. */
  | { type: 'rowCells'; row: number; cells: Record<string, string | null> | null }
  /** Answer to `verify`. */
  | { type: 'verifyResult'; requestId: number; block: VerificationBlock | null; error?: string }
  /** The extension asks the page to select a row (e.g. "Show in Influence View" from a hover). */
  | { type: 'select'; row: number };

// ---- page → host ----
export type PageMessage =
  | { type: 'ready' }
  | { type: 'reveal'; row: number }
  | { type: 'markReviewed'; row: number }
  | { type: 'removeRow'; row: number }
  | { type: 'relabel'; row: number; label: string }
  | { type: 'requestCells'; row: number }
  | { type: 'verify'; requestId: number; rows: number[] };

/** Longest string accepted in a message field (a label, a cell, a file path). */
export const MAX_STRING = 1_000_000;
/** Most rows accepted in a `verify` request. */
export const MAX_VERIFY_ROWS = 10_000;

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);
const isStr = (x: unknown): x is string => typeof x === 'string' && x.length <= MAX_STRING;
const isNum = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
const isIndex = (x: unknown): x is number => Number.isSafeInteger(x) && (x as number) >= 0;
const isBool = (x: unknown): x is boolean => typeof x === 'boolean';
const isStrArr = (x: unknown): x is string[] => Array.isArray(x) && x.every(isStr);
const isIndexArr = (x: unknown): x is number[] => Array.isArray(x) && x.every(isIndex);
/** True when `o` has exactly the allowed keys (extra keys are a sign of a malformed or hostile message). */
const onlyKeys = (o: Obj, keys: readonly string[]): boolean => Object.keys(o).every((k) => keys.includes(k));

function isEpoch(x: unknown): x is EpochMetrics {
  return isObj(x) && isIndex(x.epoch) && isNum(x.trainLoss) && isNum(x.valLoss) && isNum(x.trainAccuracy) && isNum(x.valAccuracy);
}

export function isVerificationBlock(x: unknown): x is VerificationBlock {
  if (!isObj(x)) return false;
  const metrics = (m: unknown) => isObj(m) && isNum(m.valLoss) && isNum(m.valAccuracy);
  const random = x.random === undefined
    || (isObj(x.random) && isIndexArr(x.random.rows) && isNum(x.random.actualChange) && isNum(x.random.valAccuracy));
  return isIndexArr(x.rows) && (x.estimator === 'acc' || x.estimator === 'sgd-ie' || x.estimator === 'loo' || x.estimator === 'sgd-ie+acc')
    && isNum(x.predictedChange) && isNum(x.actualChange) && metrics(x.before) && metrics(x.after) && random;
}

function isFaithfulness(x: unknown, windows: number): x is WindowFaithfulness {
  return isObj(x) && isStr(x.method) && Array.isArray(x.perWindow) && x.perWindow.length === windows
    && x.perWindow.every((c) => c === null || (isNum(c) && c >= -1 && c <= 1));
}

function isMeta(x: unknown): x is ViewMeta {
  if (!isObj(x) || !isStrArr(x.windowLabels)) return false;
  const w = x.windowLabels.length;
  const p = x.patterns;
  return isStr(x.file) && (x.task === 'classification' || x.task === 'regression') && isStr(x.labelColumn)
    && isStrArr(x.classes) && isStr(x.estimator)
    && Array.isArray(x.epochs) && x.epochs.every(isEpoch)
    && isNum(x.valLoss) && isNum(x.valAccuracy) && isNum(x.majorityRate)
    && isObj(p) && PATTERNS.every((k) => isIndex(p[k]))
    && isIndex(x.flaggedCount)
    && isStrArr(x.warnings)
    && (x.verification === undefined || isVerificationBlock(x.verification))
    && (x.windowFaithfulness === undefined || isFaithfulness(x.windowFaithfulness, w))
    && (x.approximationNote === undefined || isStr(x.approximationNote));
}

const allFinite = (a: Float64Array) => a.every(Number.isFinite);
/** Finite or NaN ("not estimated"), never ±Infinity. */
const finiteOrNaN = (a: Float64Array) => a.every((v) => Number.isFinite(v) || Number.isNaN(v));
const allBelow = (a: Int32Array | Uint8Array, bound: number) => a.every((v) => v >= 0 && v < bound);

function isColumns(x: unknown, windows: number): x is ViewColumns {
  if (!isObj(x) || !(x.row instanceof Int32Array)) return false;
  const n = x.row.length;
  const int = (a: unknown): a is Int32Array => a instanceof Int32Array && a.length === n;
  const f64 = (a: unknown, len = n): a is Float64Array => a instanceof Float64Array && a.length === len && allFinite(a);
  const f64OrNaN = (a: unknown): a is Float64Array => a instanceof Float64Array && a.length === n && finiteOrNaN(a);
  const u8 = (a: unknown): a is Uint8Array => a instanceof Uint8Array && a.length === n;
  return allBelow(x.row, 2 ** 31 - 1) && int(x.line) && allBelow(x.line, 2 ** 31 - 1)
    && int(x.rankHarmful) && int(x.rankSuspect)
    && f64(x.confidence) && f64(x.influence) && f64OrNaN(x.looLoss)
    && u8(x.flags) && allBelow(x.flags, 8) && u8(x.pattern) && allBelow(x.pattern, PATTERNS.length)
    && f64(x.windows, n * windows) && f64(x.inWindow, n * windows)
    && isStrArr(x.strings) && int(x.label) && allBelow(x.label, x.strings.length)
    && int(x.predicted) && allBelow(x.predicted, x.strings.length)
    && isStrArr(x.hash) && x.hash.length === n;
}

export function isViewPayload(x: unknown): x is ViewPayload {
  return isObj(x) && onlyKeys(x, ['meta', 'columns']) && isMeta(x.meta) && isColumns(x.columns, x.meta.windowLabels.length);
}

function isCells(x: unknown): x is Record<string, string | null> {
  return isObj(x) && Object.values(x).every((v) => v === null || isStr(v));
}

/** The message if it is a well-formed host → page message, else undefined. */
export function parseHostMessage(x: unknown): HostMessage | undefined {
  if (!isObj(x)) return undefined;
  switch (x.type) {
    case 'result':
      return onlyKeys(x, ['type', 'docUri', 'payload', 'reviewed']) && isStr(x.docUri) && isViewPayload(x.payload)
        && isIndexArr(x.reviewed) ? (x as HostMessage) : undefined;
    case 'reviewState':
      return onlyKeys(x, ['type', 'rows', 'reviewed']) && isIndexArr(x.rows) && isBool(x.reviewed) ? (x as HostMessage) : undefined;
    case 'rowEdited':
      return onlyKeys(x, ['type', 'row', 'edit', 'label']) && isIndex(x.row)
        && (x.edit === 'removed' || (x.edit === 'relabelled' && isStr(x.label)))
        && (x.label === undefined || isStr(x.label)) ? (x as HostMessage) : undefined;
    case 'rowCells':
      return onlyKeys(x, ['type', 'row', 'cells']) && isIndex(x.row) && (x.cells === null || isCells(x.cells))
        ? (x as HostMessage) : undefined;
    case 'verifyResult':
      return onlyKeys(x, ['type', 'requestId', 'block', 'error']) && isIndex(x.requestId)
        && (x.block === null || isVerificationBlock(x.block)) && (x.error === undefined || isStr(x.error))
        ? (x as HostMessage) : undefined;
    case 'select':
      return onlyKeys(x, ['type', 'row']) && isIndex(x.row) ? (x as HostMessage) : undefined;
    default:
      return undefined;
  }
}

/** The message if it is a well-formed page → host message, else undefined. */
export function parsePageMessage(x: unknown): PageMessage | undefined {
  if (!isObj(x)) return undefined;
  switch (x.type) {
    case 'ready':
      return onlyKeys(x, ['type']) ? { type: 'ready' } : undefined;
    case 'reveal':
    case 'markReviewed':
    case 'removeRow':
    case 'requestCells':
      return onlyKeys(x, ['type', 'row']) && isIndex(x.row) ? { type: x.type, row: x.row } : undefined;
    case 'relabel':
      return onlyKeys(x, ['type', 'row', 'label']) && isIndex(x.row) && isStr(x.label) && x.label.length > 0
        ? { type: 'relabel', row: x.row, label: x.label } : undefined;
    case 'verify':
      return onlyKeys(x, ['type', 'requestId', 'rows']) && isIndex(x.requestId) && isIndexArr(x.rows)
        && x.rows.length > 0 && x.rows.length <= MAX_VERIFY_ROWS
        ? { type: 'verify', requestId: x.requestId, rows: [...x.rows] } : undefined;
    default:
      return undefined;
  }
}

/** The view's payload for a scan (host side). `windowFaithfulness` is read when the scan carries it. */
export function toViewPayload(result: ScanResult & { windowFaithfulness?: WindowFaithfulness }): ViewPayload {
  const meta: ViewMeta = {
    file: result.file,
    task: result.data.task,
    labelColumn: result.data.labelColumn,
    classes: result.data.classes,
    // The float32 path is named next to the estimator, so the view says how the numbers were computed.
    estimator: result.settings.acceleratorUsed ? `${result.settings.estimatorUsed} (float32, ${result.settings.acceleratorUsed})` : result.settings.estimatorUsed,
    epochs: result.metrics.epochs,
    valLoss: result.metrics.valLoss,
    valAccuracy: result.metrics.valAccuracy,
    majorityRate: result.metrics.majorityRate,
    windowLabels: result.windows.labels,
    patterns: result.patterns,
    flaggedCount: result.flaggedCount,
    warnings: result.warnings,
  };
  if (result.verification) meta.verification = result.verification;
  if (result.windowFaithfulness) meta.windowFaithfulness = result.windowFaithfulness;
  if (result.approximation) meta.approximationNote = result.approximation.note;
  const n = result.rows.length;
  const w = result.windows.labels.length;
  const strings: string[] = [];
  const code = new Map<string, number>();
  const intern = (s: string) => {
    let c = code.get(s);
    if (c === undefined) {
      c = strings.length;
      code.set(s, c);
      strings.push(s);
    }
    return c;
  };
  const c: ViewColumns = {
    row: new Int32Array(n), line: new Int32Array(n), rankHarmful: new Int32Array(n), rankSuspect: new Int32Array(n),
    confidence: new Float64Array(n), influence: new Float64Array(n), looLoss: new Float64Array(n),
    flags: new Uint8Array(n), pattern: new Uint8Array(n),
    windows: new Float64Array(n * w), inWindow: new Float64Array(n * w),
    label: new Int32Array(n), predicted: new Int32Array(n), strings, hash: new Array<string>(n),
  };
  result.rows.forEach((r, i) => {
    c.row[i] = r.row;
    c.line[i] = r.line;
    c.rankHarmful[i] = r.rankHarmful;
    c.rankSuspect[i] = r.rankSuspect;
    c.confidence[i] = r.confidence;
    c.influence[i] = r.influence;
    c.looLoss[i] = r.looLoss ?? NaN;
    c.flags[i] = (r.flagged ? 1 : 0) | (r.reasons.includes('harmful') ? 2 : 0) | (r.reasons.includes('label-suspect') ? 4 : 0);
    c.pattern[i] = PATTERNS.indexOf(r.pattern);
    for (let k = 0; k < w; k++) {
      c.windows[i * w + k] = r.windows[k] ?? 0;
      c.inWindow[i * w + k] = r.inWindow[k] ?? 0;
    }
    c.label[i] = intern(r.label);
    c.predicted[i] = intern(r.predicted);
    c.hash[i] = r.hash;
  });
  return { meta, columns: c };
}

/** The page's rows from a validated payload; window arrays are views into the payload's buffers. */
export function decodeViewPayload(p: ViewPayload): ViewResult {
  const c = p.columns;
  const w = p.meta.windowLabels.length;
  const rows: ViewRow[] = new Array(c.row.length);
  for (let i = 0; i < c.row.length; i++) {
    const f = c.flags[i];
    const reasons: Reason[] = [];
    if (f & 2) reasons.push('harmful');
    if (f & 4) reasons.push('label-suspect');
    rows[i] = {
      row: c.row[i], line: c.line[i], label: c.strings[c.label[i]], predicted: c.strings[c.predicted[i]],
      confidence: c.confidence[i], influence: c.influence[i], looLoss: c.looLoss[i], flagged: (f & 1) === 1, reasons,
      rankHarmful: c.rankHarmful[i], rankSuspect: c.rankSuspect[i],
      windows: c.windows.subarray(i * w, (i + 1) * w), inWindow: c.inWindow.subarray(i * w, (i + 1) * w),
      pattern: PATTERNS[c.pattern[i]], hash: c.hash[i],
    };
  }
  return { ...p.meta, rows };
}
