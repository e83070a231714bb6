/** Human-readable output of a scan for the terminal. */
import type { ScanResult, VerificationBlock } from '../core/report/types';
import { formatNumber, influenceInWords, percent } from '../core/report/wording';

function pad(s: string, w: number): string {
  return s.length >= w ? s : s + ' '.repeat(w - s.length);
}

function clip(s: string, w: number): string {
  return s.length <= w ? s : `${s.slice(0, w - 1)}…`;
}

export function formatSummary(r: ScanResult): string {
  const m = r.metrics;
  const lines = [
    `${r.file}: ${r.data.rows} rows (${r.data.trainRows} trained, ${r.data.validationRows.length} validation), label column "${r.data.labelColumn}", ${r.data.classes.length > 0 ? `${r.data.classes.length} classes` : 'numeric target'}, ${r.data.features} features`,
    `model ${r.settings.modelUsed}, ${r.settings.epochs} epochs, batch ${r.settings.batchSize}, learning rate ${formatNumber(r.settings.learningRateUsed)}${r.settings.learningRate === 'auto' ? ' (auto)' : ''}, estimator ${r.settings.estimatorUsed}${r.settings.acceleratorUsed ? ` (float32 on ${r.settings.acceleratorUsed})` : ''}`,
    r.data.task === 'classification'
      ? `validation loss ${formatNumber(m.valLoss)}, accuracy ${percent(m.valAccuracy)} (majority class ${percent(m.majorityRate)})`
      : `validation loss ${formatNumber(m.valLoss)}`,
  ];
  if (r.approximation) lines.push(approximationLine(r));
  for (const w of r.warnings) lines.push(`warning: ${w}`);
  return lines.join('\n');
}

/**
 * The header line of a screened-and-refined scan, e.g. "approximation: full ACC-SGD-IE would
 * cost ≈ 153000 GFLOP (budget 200) and need 368 MiB (budget 1024): all 40000 rows screened
 * by SGD-IE, 103 refined by ACC-SGD-IE; other rows: SGD-IE influence, loo loss not estimated (—)".
 */
export function approximationLine(r: ScanResult): string {
  const a = r.approximation!;
  const b = a.budget;
  return `approximation: full ACC-SGD-IE would cost ≈ ${b.fullAccGflop} GFLOP (budget ${b.computeGflop}) and need ${b.fullAccMiB} MiB (budget ${b.memoryMiB}):` +
    ` all ${a.screenedRows} rows screened by SGD-IE, ${a.refinedRows} refined by ACC-SGD-IE;` +
    ' other rows: SGD-IE influence, loo loss not estimated (—)';
}

/** Ranked table of flagged rows: row, line, label, predicted, reasons, influence in words, pattern. */
export function formatTable(r: ScanResult): string {
  const flagged = r.rows.filter((x) => x.flagged).sort((a, b) => Math.min(a.rankHarmful, a.rankSuspect) - Math.min(b.rankHarmful, b.rankSuspect) || a.row - b.row);
  if (flagged.length === 0) return 'No rows flagged.';
  const head = ['row', 'line', 'label', 'predicted', 'reason', 'influence', 'loo loss', 'pattern'];
  const body = flagged.map((x) => [
    String(x.row),
    String(x.line),
    clip(x.label, 16),
    r.data.task === 'classification' ? `${clip(x.predicted, 16)} ${percent(x.confidence)}` : clip(x.predicted, 16),
    x.reasons.join('+'),
    influenceInWords(x.influence),
    x.looLoss === null ? '—' : formatNumber(x.looLoss),
    x.pattern,
  ]);
  const widths = head.map((h, j) => Math.max(h.length, ...body.map((b) => b[j].length)));
  const fmt = (cells: string[]): string => cells.map((c, j) => pad(c, widths[j])).join('  ').trimEnd();
  return [fmt(head), fmt(widths.map((w) => '-'.repeat(w))), ...body.map(fmt), '', `${flagged.length} of ${r.data.trainRows} trained rows flagged.`].join('\n');
}

export function formatVerification(v: VerificationBlock): string {
  const lines = [
    `Retrained without ${v.rows.length} row(s) by exact replay (same initialisation and batch order):`,
    `  validation loss ${formatNumber(v.before.valLoss)} → ${formatNumber(v.after.valLoss)}  (real change ${formatNumber(v.actualChange)}, predicted by ${v.estimator} ${formatNumber(v.predictedChange)})`,
    `  validation accuracy ${percent(v.before.valAccuracy)} → ${percent(v.after.valAccuracy)}`,
  ];
  if (v.random) lines.push(`  removing ${v.random.rows.length} random row(s) instead: change ${formatNumber(v.random.actualChange)}, accuracy ${percent(v.random.valAccuracy)}`);
  return lines.join('\n');
}
