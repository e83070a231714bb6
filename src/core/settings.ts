/**
 * The one typed, validated settings object. Shared by the extension client (from
 * `influenceLens.*` configuration), the server, the worker and the CLI (flags map onto it).
 * `package.json` `contributes.configuration` must stay in step (a test checks it).
 */
import { DEFAULT_COMPUTE_BUDGET_GFLOP } from './influence/cost';

export type ModelKind = 'auto' | 'softmax' | 'mlp' | 'linear';
export type EstimatorKind = 'auto' | 'acc' | 'sgd-ie' | 'loo';

export interface Settings {
  readonly model: ModelKind;
  readonly epochs: number;
  readonly batchSize: number;
  /** 'auto' = short deterministic search on validation loss; the chosen value is recorded in the result. */
  readonly learningRate: 'auto' | number;
  readonly lrSchedule: 'constant' | 'inverse-sqrt';
  readonly l2: number;
  readonly hiddenUnits: number;
  readonly activation: 'tanh' | 'softplus';
  readonly seed: number;
  readonly validationFraction: number;
  /** Label column name; null = auto-detect (label, class, target, y, else the last column). */
  readonly labelColumn: string | null;
  /** Columns to treat as free text; empty = infer. */
  readonly textColumns: readonly string[];
  /** Trusted validation file (same columns); null = seeded stratified split of the file itself. */
  readonly validationFile: string | null;
  readonly estimator: EstimatorKind;
  /** Flag the k most harmful rows (and the k most label-suspect rows). */
  readonly topK: number;
  /** Also flag any row whose influence is below -threshold (0 = off). */
  readonly threshold: number;
  /** Number of time windows; 0 = one window per epoch. */
  readonly windows: number;
  readonly maxDecoratedRows: number;
  readonly diagnostics: boolean;
  /** Memory budget for estimator state in MiB (ACC keeps n × p numbers). */
  readonly memoryBudgetMiB: number;
  /**
   * Compute budget for the estimators in GFLOP, counted by the cost model of
   * `src/core/influence/cost.ts` (deterministic: never measured time). Above it, auto
   * screens every row with SGD-IE and refines as many candidate rows with ACC as it pays for.
   */
  readonly computeBudgetGflop: number;
  /**
   * 'auto': on dense data big enough to pay, run the ACC/SGD-IE state as float32 matrix
   * products on tfjs (tfjs-node when installed, else the bundled wasm backend); 'off': float64
   * JS kernels only. Which path ran is stated in the result's notes.
   */
  readonly accelerator: 'auto' | 'off';
}

export const DEFAULT_SETTINGS: Settings = Object.freeze({
  model: 'auto',
  epochs: 20,
  batchSize: 32,
  learningRate: 'auto',
  lrSchedule: 'constant',
  l2: 1e-3,
  hiddenUnits: 16,
  activation: 'tanh',
  seed: 0,
  validationFraction: 0.2,
  labelColumn: null,
  textColumns: [],
  validationFile: null,
  estimator: 'auto',
  topK: 10,
  threshold: 0,
  windows: 0,
  maxDecoratedRows: 5000,
  diagnostics: false,
  memoryBudgetMiB: 1024,
  computeBudgetGflop: DEFAULT_COMPUTE_BUDGET_GFLOP,
  accelerator: 'auto',
}) as Settings;

/** A setting that could not be used, with its name and the reason. */
export class SettingsError extends Error {
  override readonly name = 'SettingsError';
  constructor(readonly key: string, message: string) {
    super(`${key}: ${message}`);
  }
}

function int(key: string, v: unknown, min: number, max: number): number {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
    throw new SettingsError(key, `expected an integer from ${min} to ${max}, got ${JSON.stringify(v)}`);
  }
  return n;
}

function num(key: string, v: unknown, min: number, max: number, openMin = false): number {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isFinite(n) || n > max || (openMin ? n <= min : n < min)) {
    throw new SettingsError(key, `expected a number ${openMin ? '>' : '≥'} ${min} and ≤ ${max}, got ${JSON.stringify(v)}`);
  }
  return n;
}

function oneOf<T extends string>(key: string, v: unknown, allowed: readonly T[]): T {
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
    throw new SettingsError(key, `expected one of ${allowed.join(', ')}, got ${JSON.stringify(v)}`);
  }
  return v as T;
}

function optString(key: string, v: unknown): string | null {
  if (v === null || v === undefined || v === '') return null;
  if (typeof v !== 'string') throw new SettingsError(key, `expected a string, got ${JSON.stringify(v)}`);
  return v;
}

/**
 * Build validated settings from partial input (unknown keys are rejected so that typos
 * in CLI flags or settings.json are reported, not ignored).
 */
export function resolveSettings(input: Partial<Record<keyof Settings, unknown>> = {}): Settings {
  const known = new Set(Object.keys(DEFAULT_SETTINGS));
  for (const k of Object.keys(input)) {
    if (!known.has(k)) throw new SettingsError(k, 'unknown setting');
  }
  const v = (k: keyof Settings): unknown => (input[k] === undefined ? DEFAULT_SETTINGS[k] : input[k]);
  const lr = v('learningRate');
  const textColumns = v('textColumns');
  if (!Array.isArray(textColumns) || textColumns.some((c) => typeof c !== 'string')) {
    throw new SettingsError('textColumns', 'expected a list of column names');
  }
  return Object.freeze({
    model: oneOf('model', v('model'), ['auto', 'softmax', 'mlp', 'linear'] as const),
    epochs: int('epochs', v('epochs'), 1, 1000),
    batchSize: int('batchSize', v('batchSize'), 1, 65536),
    learningRate: lr === 'auto' ? 'auto' : num('learningRate', lr, 0, 100, true),
    lrSchedule: oneOf('lrSchedule', v('lrSchedule'), ['constant', 'inverse-sqrt'] as const),
    l2: num('l2', v('l2'), 0, 10),
    hiddenUnits: int('hiddenUnits', v('hiddenUnits'), 1, 1024),
    activation: oneOf('activation', v('activation'), ['tanh', 'softplus'] as const),
    seed: int('seed', v('seed'), 0, 2 ** 31 - 1),
    validationFraction: num('validationFraction', v('validationFraction'), 0, 0.9, true),
    labelColumn: optString('labelColumn', v('labelColumn')),
    textColumns: Object.freeze([...(textColumns as string[])]),
    validationFile: optString('validationFile', v('validationFile')),
    estimator: oneOf('estimator', v('estimator'), ['auto', 'acc', 'sgd-ie', 'loo'] as const),
    topK: int('topK', v('topK'), 0, 1_000_000),
    threshold: num('threshold', v('threshold'), 0, 1e6),
    windows: int('windows', v('windows'), 0, 1000),
    maxDecoratedRows: int('maxDecoratedRows', v('maxDecoratedRows'), 0, 1_000_000),
    diagnostics: typeof v('diagnostics') === 'boolean' ? (v('diagnostics') as boolean) : (() => { throw new SettingsError('diagnostics', 'expected true or false'); })(),
    memoryBudgetMiB: int('memoryBudgetMiB', v('memoryBudgetMiB'), 16, 65536),
    computeBudgetGflop: num('computeBudgetGflop', v('computeBudgetGflop'), 0, 1e9, true),
    accelerator: oneOf('accelerator', v('accelerator'), ['auto', 'off'] as const),
  });
}
