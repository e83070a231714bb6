/**
 * Messages between the Influence View host (src/extension/influenceView.ts) and its page
 * (webview/main.ts): one discriminated union per direction and one validator per union,
 * used on BOTH sides — the host never trusts the page and the page never trusts the host.
 *
 * The validators are hand-written rather than ajv-compiled: ajv generates code with
 * `new Function`, which the page's Content-Security-Policy (no 'unsafe-eval') forbids.
 *
 * The page receives the scan once, as a `ViewResult` (a projection of `ScanResult` with only
 * what the view draws); everything after that is incremental (review state, cells, verify).
 */
import type { EpochMetrics, Pattern, Reason, RowRecord, ScanResult, VerificationBlock } from '../core/report/types';

export type { Pattern, VerificationBlock };

export const PATTERNS: readonly Pattern[] = ['highly-fluctuating', 'early-influencer', 'late-bloomer', 'stable'];
const REASONS: readonly Reason[] = ['harmful', 'label-suspect'];

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

/** The fields of one `RowRecord` the view uses. */
export type ViewRow = Pick<
  RowRecord,
  | 'row' | 'line' | 'label' | 'predicted' | 'confidence' | 'influence' | 'looLoss' | 'flagged'
  | 'reasons' | 'rankHarmful' | 'rankSuspect' | 'windows' | 'inWindow' | 'pattern' | 'hash'
>;

/** What the page draws: a projection of `ScanResult`, sent once per page load or result change. */
export interface ViewResult {
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
  rows: ViewRow[];
  warnings: string[];
  verification?: VerificationBlock;
  windowFaithfulness?: WindowFaithfulness;
  approximationNote?: string;
}

// ---- host → page ----
export type HostMessage =
  /** The scan (on page load and whenever the result changes) and the rows already reviewed. */
  | { type: 'result'; docUri: string; result: ViewResult; reviewed: number[] }
  /** Incremental: review state of some rows changed. */
  | { type: 'reviewState'; rows: number[]; reviewed: boolean }
  /** Incremental: an edit was requested for a row (the document changes; the scan is stale until recomputed). */
  | { type: 'rowEdited'; row: number; edit: 'removed' | 'relabelled'; label?: string }
  /** Answer to `requestCells`: the row's cells, or null when the host could not read them. */
  | { type: 'rowCells'; row: number; cells: Record<string, string | null> | null }
  /** Answer to `verify`. */
  | { type: 'verifyResult'; requestId: number; block: VerificationBlock | null; error?: string };

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
const isNumArr = (x: unknown): x is number[] => Array.isArray(x) && x.every(isNum);
const isIndexArr = (x: unknown): x is number[] => Array.isArray(x) && x.every(isIndex);
const isPattern = (x: unknown): x is Pattern => PATTERNS.includes(x as Pattern);
/** True when `o` has exactly the allowed keys (extra keys are a sign of a malformed or hostile message). */
const onlyKeys = (o: Obj, keys: readonly string[]): boolean => Object.keys(o).every((k) => keys.includes(k));

function isEpoch(x: unknown): x is EpochMetrics {
  return isObj(x) && isIndex(x.epoch) && isNum(x.trainLoss) && isNum(x.valLoss) && isNum(x.trainAccuracy) && isNum(x.valAccuracy);
}

function isViewRow(x: unknown, windows: number): x is ViewRow {
  if (!isObj(x)) return false;
  return isIndex(x.row) && isIndex(x.line) && isStr(x.label) && isStr(x.predicted) && isNum(x.confidence)
    && isNum(x.influence) && isNum(x.looLoss) && isBool(x.flagged)
    && Array.isArray(x.reasons) && x.reasons.every((r) => REASONS.includes(r as Reason))
    && isIndex(x.rankHarmful) && isIndex(x.rankSuspect)
    && isNumArr(x.windows) && x.windows.length === windows && isNumArr(x.inWindow) && x.inWindow.length === windows
    && isPattern(x.pattern) && isStr(x.hash);
}

export function isVerificationBlock(x: unknown): x is VerificationBlock {
  if (!isObj(x)) return false;
  const metrics = (m: unknown) => isObj(m) && isNum(m.valLoss) && isNum(m.valAccuracy);
  const random = x.random === undefined
    || (isObj(x.random) && isIndexArr(x.random.rows) && isNum(x.random.actualChange) && isNum(x.random.valAccuracy));
  return isIndexArr(x.rows) && (x.estimator === 'acc' || x.estimator === 'sgd-ie' || x.estimator === 'loo')
    && isNum(x.predictedChange) && isNum(x.actualChange) && metrics(x.before) && metrics(x.after) && random;
}

function isFaithfulness(x: unknown, windows: number): x is WindowFaithfulness {
  return isObj(x) && isStr(x.method) && Array.isArray(x.perWindow) && x.perWindow.length === windows
    && x.perWindow.every((c) => c === null || (isNum(c) && c >= -1 && c <= 1));
}

export function isViewResult(x: unknown): x is ViewResult {
  if (!isObj(x) || !isStrArr(x.windowLabels)) return false;
  const w = x.windowLabels.length;
  const p = x.patterns;
  return isStr(x.file) && (x.task === 'classification' || x.task === 'regression') && isStr(x.labelColumn)
    && isStrArr(x.classes) && isStr(x.estimator)
    && Array.isArray(x.epochs) && x.epochs.every(isEpoch)
    && isNum(x.valLoss) && isNum(x.valAccuracy) && isNum(x.majorityRate)
    && isObj(p) && PATTERNS.every((k) => isIndex(p[k]))
    && isIndex(x.flaggedCount)
    && Array.isArray(x.rows) && x.rows.every((r) => isViewRow(r, w))
    && isStrArr(x.warnings)
    && (x.verification === undefined || isVerificationBlock(x.verification))
    && (x.windowFaithfulness === undefined || isFaithfulness(x.windowFaithfulness, w))
    && (x.approximationNote === undefined || isStr(x.approximationNote));
}

function isCells(x: unknown): x is Record<string, string | null> {
  return isObj(x) && Object.values(x).every((v) => v === null || isStr(v));
}

/** The message if it is a well-formed host → page message, else undefined. */
export function parseHostMessage(x: unknown): HostMessage | undefined {
  if (!isObj(x)) return undefined;
  switch (x.type) {
    case 'result':
      return onlyKeys(x, ['type', 'docUri', 'result', 'reviewed']) && isStr(x.docUri) && isViewResult(x.result)
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

/** The view's projection of a scan. `windowFaithfulness` is read when the scan carries it. */
export function toViewResult(result: ScanResult & { windowFaithfulness?: WindowFaithfulness }): ViewResult {
  const view: ViewResult = {
    file: result.file,
    task: result.data.task,
    labelColumn: result.data.labelColumn,
    classes: result.data.classes,
    estimator: result.settings.estimatorUsed,
    epochs: result.metrics.epochs,
    valLoss: result.metrics.valLoss,
    valAccuracy: result.metrics.valAccuracy,
    majorityRate: result.metrics.majorityRate,
    windowLabels: result.windows.labels,
    patterns: result.patterns,
    flaggedCount: result.flaggedCount,
    rows: result.rows.map((r) => ({
      row: r.row, line: r.line, label: r.label, predicted: r.predicted, confidence: r.confidence,
      influence: r.influence, looLoss: r.looLoss, flagged: r.flagged, reasons: r.reasons,
      rankHarmful: r.rankHarmful, rankSuspect: r.rankSuspect, windows: r.windows, inWindow: r.inWindow,
      pattern: r.pattern, hash: r.hash,
    })),
    warnings: result.warnings,
  };
  if (result.verification) view.verification = result.verification;
  if (result.windowFaithfulness) view.windowFaithfulness = result.windowFaithfulness;
  if (result.approximation) view.approximationNote = result.approximation.note;
  return view;
}
