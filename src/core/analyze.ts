/**
 * The engine's front door: parse → featurize → train → influence → windows → patterns → report.
 * Used by the server's worker, the CLI and the tests; see `analyzeTypes.ts` for the contract.
 */
import { createHash } from 'node:crypto';
import type { Analysis, AnalyzeHooks, AnalyzeInput } from './analyzeTypes';
import {
  decodeDataset,
  detectFormat,
  featurize,
  inferSchema,
  labelOf,
  parseTable,
  rowHash,
  splitStrata,
  stratifiedSplit,
} from './data/index';
import { InputError, type LabelledData, type ParsedTable, type Split } from './data/types';
import { runInfluence, type EngineResult } from './influence/index';
import { createRng } from './rng';
import type { Settings } from './settings';
import { SCHEMA_VERSION, type Reason, type RowDetails, type RowRecord, type ScanResult, type VerificationBlock } from './report/types';
import { classifyPatterns, countPatterns } from './windows/patterns';
import { cosineNeighbours } from './report/similar';
import { suspectScore } from './report/wording';

export { CancelledError } from './train/index';
export type { Analysis, AnalyzeHooks, AnalyzeInput } from './analyzeTypes';

export const TOOL_VERSION = '0.1.0';
/**
 * Files larger than this are refused at once with a clear message: the engine keeps every
 * row in memory and a 60 MB CSV (1.5 million rows) took minutes of parsing and estimation,
 * which no one waits for in an editor. The same bound applies to editor text and to bytes.
 */
export const MAX_FILE_BYTES = 32 * 1024 * 1024;

function toText(content: string | Uint8Array, file: string): string {
  if (typeof content !== 'string') return decodeDataset(content, file, { maxBytes: MAX_FILE_BYTES });
  // Decoding checks the byte size; editor text gets the same check (UTF-16 units ≤ UTF-8 bytes, so measure only when close).
  if (content.length > MAX_FILE_BYTES / 3 && Buffer.byteLength(content, 'utf8') > MAX_FILE_BYTES) return decodeDataset(Buffer.from(content, 'utf8'), file, { maxBytes: MAX_FILE_BYTES });
  return content.replace(/^\uFEFF/, '');
}

function sha256(content: string | Uint8Array): string {
  return createHash('sha256').update(content).digest('hex');
}

/** Appends a trusted validation table's rows to the main table so one featurizer serves both. */
function withValidationRows(main: ParsedTable, val: ParsedTable): ParsedTable {
  const missing = main.columns.filter((c) => !val.columns.includes(c));
  if (missing.length > 0) {
    throw new InputError('no-label-column', val.file, 1, `the validation file lacks column(s) ${missing.map((c) => `"${c}"`).join(', ')} of ${main.file}.`, 0, 'Use a validation file with the same columns.');
  }
  const order = main.columns.map((c) => val.columns.indexOf(c));
  return { ...main, rows: [...main.rows, ...val.rows.map((r) => order.map((j) => r[j]))], spans: [...main.spans, ...val.spans] };
}

export function analyze(input: AnalyzeInput, hooks: AnalyzeHooks = {}): Analysis {
  const { settings } = input;
  const progress = (phase: 'parse' | 'featurize' | 'train' | 'influence' | 'windows', percent: number, message: string): void =>
    hooks.onProgress?.({ phase, percent, message });

  progress('parse', 0, `Reading ${input.file}`);
  const text = toText(input.content, input.file);
  const format = detectFormat(input.file);
  const table = parseTable(text, input.file, format);
  const nMain = table.rows.length;
  let combined = table;
  if (input.validation) {
    const vText = toText(input.validation.content, input.validation.file);
    combined = withValidationRows(table, parseTable(vText, input.validation.file, detectFormat(input.validation.file)));
  }
  const schema = inferSchema(combined, { labelColumn: settings.labelColumn, textColumns: settings.textColumns });
  const strata = splitStrata(combined, schema);

  progress('featurize', 4, 'Building features');
  let split: Split;
  if (input.validation) {
    const train: number[] = [];
    const validation: number[] = [];
    strata.forEach((l, i) => l !== null && (i < nMain ? train : validation).push(i));
    split = { train: Int32Array.from(train), validation: Int32Array.from(validation) };
  } else {
    split = stratifiedSplit(strata, settings.validationFraction, settings.seed);
  }
  if (split.train.length < 2 || split.validation.length < 1) {
    throw new InputError('too-few-rows', input.file, 0, `only ${split.train.length} training and ${split.validation.length} validation rows have a label.`, 0, 'Influence needs at least a few labelled rows of each class.');
  }
  const data = featurize(combined, schema, split);

  const engine = runInfluence(data, split, {
    model: settings.model,
    epochs: settings.epochs,
    batchSize: settings.batchSize,
    learningRate: settings.learningRate,
    lrSchedule: settings.lrSchedule,
    l2: settings.l2,
    hiddenUnits: settings.hiddenUnits,
    activation: settings.activation,
    seed: settings.seed,
    estimator: settings.estimator,
    windows: settings.windows,
    memoryBudgetMiB: settings.memoryBudgetMiB,
    computeBudgetGflop: settings.computeBudgetGflop,
    accelerator: settings.accelerator,
    topK: settings.topK,
    file: input.file,
  }, {
    shouldCancel: hooks.shouldCancel,
    workers: hooks.workers,
    accelerator: hooks.accelerator,
    onProgress: (fraction: number, message: string) =>
      progress(/train|learning rate|epoch/i.test(message) ? 'train' : 'influence', Math.round(5 + 93 * Math.min(1, Math.max(0, fraction))), message),
  });

  progress('windows', 98, 'Classifying patterns');
  const result = buildResult(input, table, combined, schema.labelName, data, split, engine, settings);
  progress('windows', 100, `${result.flaggedCount} rows flagged`);
  return makeAnalysis(result, table, data, split, engine, settings);
}

function buildResult(
  input: AnalyzeInput,
  table: ParsedTable,
  combined: ParsedTable,
  labelName: string,
  data: LabelledData,
  split: Split,
  engine: EngineResult,
  settings: Settings,
): ScanResult {
  const n = split.train.length;
  const classes = data.classes;
  const labelIndex = combined.columns.indexOf(labelName);
  const patterns = engine.inWindow.length >= 2 ? classifyPatterns(engine.inWindow) : null;
  const label = (r: number): string => labelOf(table.rows[r][labelIndex]) ?? '';
  const predicted = (i: number): string =>
    data.task === 'classification' ? classes[engine.predicted[i]] : formatValue(engine.predicted[i]);

  const records: RowRecord[] = new Array(n);
  // Rows without self-influence (SGD-IE screening only) get null, never a made-up number
  // (JSON has no NaN); they rank as label suspects by training loss (see flagRows).
  const selfMissing = engine.selfInfluence.some((v) => Number.isNaN(v));
  for (let i = 0; i < n; i++) {
    const r = split.train[i];
    const span = table.spans[r];
    const self = Number.isNaN(engine.selfInfluence[i]) ? null : engine.selfInfluence[i];
    records[i] = {
      row: r,
      line: span.startLine + 1,
      endLine: span.endLine + 1,
      label: label(r),
      predicted: predicted(i),
      confidence: data.task === 'classification' ? engine.confidence[i] : 0,
      influence: engine.influence[i],
      selfInfluence: self,
      trainLoss: engine.trainLoss[i],
      looLoss: self === null ? null : engine.trainLoss[i] + self,
      flagged: false,
      reasons: [],
      rankHarmful: 0,
      rankSuspect: 0,
      windows: engine.windowCumulative.map((w) => w[i]),
      inWindow: engine.inWindow.map((w) => w[i]),
      pattern: patterns ? patterns[i].pattern : 'stable',
      hash: rowHash(table.rows[r]),
    };
  }
  flagRows(records, settings, data.task);

  const validationRows = Array.from(split.validation).filter((r) => r < table.rows.length);
  const inSplit = new Set<number>([...split.train, ...split.validation]);
  const skipped: ScanResult['data']['skipped'] = [];
  for (let r = 0; r < table.rows.length; r++) {
    if (!inSplit.has(r)) skipped.push({ row: r, line: table.spans[r].startLine + 1, reason: 'label missing' });
  }

  const warnings: string[] = [...engine.warnings];
  // A screened-and-refined scan explains this in its approximation note.
  if (selfMissing && !engine.approximation) warnings.push(`Self-influence was not computed by ${engine.estimatorUsed} for every row; the label-suspect ranking uses the training loss there.`);
  // The engine already warns when the model does not beat the majority class / mean predictor.
  const beatsMajority = engine.beatsMajority;
  if (skipped.length > 0) warnings.push(`${skipped.length} row(s) have no label and were not trained on.`);

  const boundaries = engine.boundaries;
  const perEpoch = settings.windows === 0;
  const windowLabels = boundaries.slice(1).map((b, k) => (perEpoch ? `epoch ${k + 1}` : `steps ${boundaries[k]}–${b}`));

  return {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'influence-lens', version: TOOL_VERSION },
    file: input.file,
    format: table.format,
    contentHash: sha256(input.content),
    settings: { ...settings, learningRateUsed: engine.learningRate, modelUsed: engine.modelUsed, estimatorUsed: engine.estimatorUsed, acceleratorUsed: engine.acceleratorUsed },
    lrSearch: engine.lrSearch,
    data: {
      rows: table.rows.length,
      columns: table.columns,
      labelColumn: labelName,
      task: data.task,
      classes,
      features: data.X.cols,
      trainRows: n,
      validationRows,
      skipped,
    },
    metrics: {
      // Accuracy does not apply to a numeric target: the engine says NaN, the result says 0
      // (JSON has no NaN), and readers look at `data.task`.
      epochs: engine.epochs.map((e) => ({ ...e, trainAccuracy: finiteOr0(e.trainAccuracy), valAccuracy: finiteOr0(e.valAccuracy) })),
      valLoss: engine.valLoss,
      valAccuracy: finiteOr0(engine.valAccuracy),
      trainAccuracy: finiteOr0(engine.trainAccuracy),
      majorityRate: Number.isNaN(engine.majorityRate) ? 0 : engine.majorityRate,
      beatsMajority,
    },
    windows: { boundaries, labels: windowLabels },
    patterns: countPatterns(records),
    warnings,
    flaggedCount: records.filter((r) => r.flagged).length,
    rows: records,
    ...(engine.approximation ? { approximation: engine.approximation } : {}),
  };
}

function finiteOr0(x: number): number {
  return Number.isFinite(x) ? x : 0;
}

function formatValue(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toPrecision(4);
}

/**
 * The two signals and the flag. harmful: the topK most negative influences (only negative
 * ones), plus any below −threshold. label-suspect: the topK highest leave-one-out losses
 * among rows the model assigns to another class (regression: the topK highest).
 * Where the leave-one-out loss was not estimated (null) the training loss stands in: it
 * is what that loss would be with zero self-influence, and self-influence is nearly always
 * positive, so such a row is never ranked above a row whose estimated loss it cannot reach.
 * Ties are broken by row index so the ranking is deterministic.
 */
export function flagRows(
  records: Pick<RowRecord, 'row' | 'label' | 'predicted' | 'influence' | 'trainLoss' | 'looLoss' | 'flagged' | 'reasons' | 'rankHarmful' | 'rankSuspect'>[],
  settings: Pick<Settings, 'topK' | 'threshold'>,
  task: 'classification' | 'regression',
): void {
  const byInfluence = [...records].sort((a, b) => a.influence - b.influence || a.row - b.row);
  byInfluence.forEach((r, k) => (r.rankHarmful = k + 1));
  const bySuspect = [...records].sort((a, b) => suspectScore(b) - suspectScore(a) || a.row - b.row);
  bySuspect.forEach((r, k) => (r.rankSuspect = k + 1));
  const mark = (r: (typeof records)[number], reason: Reason): void => {
    if (!r.reasons.includes(reason)) r.reasons.push(reason);
    r.flagged = true;
  };
  byInfluence.slice(0, settings.topK).forEach((r) => r.influence < 0 && mark(r, 'harmful'));
  if (settings.threshold > 0) for (const r of records) if (r.influence < -settings.threshold) mark(r, 'harmful');
  let taken = 0;
  for (const r of bySuspect) {
    if (taken >= settings.topK) break;
    if (task === 'regression' || r.predicted !== r.label) {
      mark(r, 'label-suspect');
      taken++;
    }
  }
  for (const r of records) r.reasons.sort();
}

function makeAnalysis(result: ScanResult, table: ParsedTable, data: LabelledData, split: Split, engine: EngineResult, settings: Settings): Analysis {
  const positionOf = new Map<number, number>();
  split.train.forEach((r, i) => positionOf.set(r, i));
  const position = (row: number): number => {
    const i = positionOf.get(row);
    if (i === undefined) throw new RangeError(`row ${row} was not trained on (validation split or no label)`);
    return i;
  };
  return {
    result,
    rowDetails(row: number, neighbours = 3): RowDetails {
      const i = position(row);
      const record = result.rows[i];
      const cells: Record<string, string | null> = {};
      table.columns.forEach((c, j) => (cells[c] = table.rows[row][j]));
      const near = cosineNeighbours(data.X, split.train, row);
      const pick = (sign: 1 | -1) =>
        near
          .filter((c) => Math.sign(result.rows[c.position].influence) === sign)
          .slice(0, neighbours)
          .map((c) => {
            const o = result.rows[c.position];
            return { row: o.row, line: o.line, label: o.label, similarity: c.similarity, influence: o.influence };
          });
      return { record, cells, similarHelpful: pick(1), similarHarmful: pick(-1) };
    },
    verify(rows: readonly number[], hooks: AnalyzeHooks = {}): VerificationBlock {
      const unique = [...new Set(rows)].sort((a, b) => a - b);
      const positions = Int32Array.from(unique.map(position));
      const report = (percent: number, message: string): void => hooks.onProgress?.({ phase: 'verify', percent, message });
      report(0, `Retraining without ${unique.length} row(s)`);
      const real = engine.verifyWithout(positions, { shouldCancel: hooks.shouldCancel });
      report(50, `Retraining without ${unique.length} random row(s)`);
      const rng = createRng(settings.seed + 1000);
      const order = Int32Array.from({ length: split.train.length }, (_, k) => k);
      rng.shuffle(order);
      const randomPositions = order.slice(0, positions.length).sort();
      const random = engine.verifyWithout(randomPositions, { shouldCancel: hooks.shouldCancel });
      report(100, 'Verification done');
      return {
        rows: unique,
        estimator: engine.estimatorUsed,
        predictedChange: unique.reduce((s, r) => s + result.rows[position(r)].influence, 0),
        before: real.before,
        after: real.after,
        actualChange: real.after.valLoss - real.before.valLoss,
        random: {
          rows: Array.from(randomPositions, (p) => split.train[p]),
          actualChange: random.after.valLoss - random.before.valLoss,
          valAccuracy: random.after.valAccuracy,
        },
      };
    },
  };
}
