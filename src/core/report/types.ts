/**
 * The versioned scan result: what the CLI prints with `--format json`, what the server
 * caches and sends to the client, what the webview charts. Documented in the README.
 * Bump SCHEMA_VERSION on any incompatible change.
 */
import type { DataFormat } from '../data/types';
import type { Approximation } from '../influence/strategy';
import type { Settings } from '../settings';

export type { Approximation };

/** 2: selfInfluence and looLoss are null where not estimated; approximation carries budgets. */
export const SCHEMA_VERSION = 2;

export type Reason = 'harmful' | 'label-suspect';
export type Pattern = 'highly-fluctuating' | 'early-influencer' | 'late-bloomer' | 'stable';
/** 'sgd-ie+acc': every row screened with SGD-IE, the top candidates refined with ACC-SGD-IE. */
export type EstimatorName = 'acc' | 'sgd-ie' | 'loo' | 'sgd-ie+acc';
/** Phases of a scan, reported with progress. */
export type Phase = 'parse' | 'featurize' | 'train' | 'influence' | 'windows' | 'verify';

/** One row in full, with its nearest neighbours (cosine similarity of features) among helpful and harmful training rows. */
export interface RowDetails {
  record: RowRecord;
  /** The row's cells, keyed by column name. */
  cells: Record<string, string | null>;
  similarHelpful: { row: number; line: number; label: string; similarity: number; influence: number }[];
  similarHarmful: { row: number; line: number; label: string; similarity: number; influence: number }[];
}

/** One trained row. Rows of the validation split are not trained on and have no record. */
export interface RowRecord {
  /** 0-based data-row index (header excluded). */
  row: number;
  /** 1-based first line of the row in the file. */
  line: number;
  /** 1-based last line (differs from `line` when a quoted CSV field spans lines). */
  endLine: number;
  label: string;
  /** The final model's most probable class (or the predicted value, as text, for regression). */
  predicted: string;
  /** Probability of `predicted` under the final model (classification); NaN-free: 0 for regression. */
  confidence: number;
  /** Change of mean validation loss if the row is removed; negative = harmful. */
  influence: number;
  /**
   * Rise of the row's own loss (no L2) if the row is removed; null when not estimated (in an
   * 'sgd-ie+acc' scan, the rows screened by SGD-IE and not refined by ACC).
   */
  selfInfluence: number | null;
  /** The row's loss under the final model. */
  trainLoss: number;
  /** trainLoss + selfInfluence: estimated loss of the row under a model that never saw it; null when selfInfluence is. */
  looLoss: number | null;
  flagged: boolean;
  reasons: Reason[];
  /** 1-based rank by influence (1 = most harmful). */
  rankHarmful: number;
  /** 1-based rank by looLoss, or by trainLoss where looLoss is null (1 = most suspect). */
  rankSuspect: number;
  /** Per time window: cumulative (additive) window influence on validation loss. */
  windows: number[];
  /** Per time window: in-window influence (state restarted at the window start). */
  inWindow: number[];
  pattern: Pattern;
  /** SHA-256 (hex, first 16 chars) of the row's normalized cells: matches rows after edits. */
  hash: string;
}

export interface EpochMetrics {
  epoch: number;
  trainLoss: number;
  valLoss: number;
  trainAccuracy: number;
  valAccuracy: number;
}

export interface VerificationBlock {
  /** Data-row indices removed. */
  rows: number[];
  estimator: EstimatorName;
  predictedChange: number;
  before: { valLoss: number; valAccuracy: number };
  after: { valLoss: number; valAccuracy: number };
  actualChange: number;
  /** Same number of random rows removed (seeded), for comparison. */
  random?: { rows: number[]; actualChange: number; valAccuracy: number };
}

export interface ScanResult {
  schemaVersion: typeof SCHEMA_VERSION;
  tool: { name: 'influence-lens'; version: string };
  file: string;
  format: DataFormat;
  /** SHA-256 of the file's bytes. */
  contentHash: string;
  /** acceleratorUsed: the float32 accelerator that computed influence ('tfjs-wasm' / 'tfjs-node'), null = float64 throughout. */
  settings: Settings & { learningRateUsed: number; modelUsed: 'softmax' | 'mlp' | 'linear'; estimatorUsed: EstimatorName; acceleratorUsed?: string | null };
  /** Learning-rate search: each candidate and its validation loss (empty when the user fixed the rate). */
  lrSearch: { learningRate: number; valLoss: number }[];
  data: {
    rows: number;
    columns: string[];
    labelColumn: string;
    task: 'classification' | 'regression';
    classes: string[];
    features: number;
    trainRows: number;
    validationRows: number[];
    /** Rows left out of training (missing label), with 1-based line. */
    skipped: { row: number; line: number; reason: string }[];
  };
  /** Accuracies are 0 for a numeric target (regression), where they do not apply. */
  metrics: {
    epochs: EpochMetrics[];
    valLoss: number;
    valAccuracy: number;
    trainAccuracy: number;
    majorityRate: number;
    beatsMajority: boolean;
  };
  /** Steps at window boundaries (first is 0, last is T) and a label per window. */
  windows: { boundaries: number[]; labels: string[] };
  patterns: Record<Pattern, number>;
  warnings: string[];
  flaggedCount: number;
  rows: RowRecord[];
  verification?: VerificationBlock;
  /** Present when not every row got ACC-SGD-IE: SGD-IE screening then ACC refinement within the budgets. */
  approximation?: Approximation;
}
