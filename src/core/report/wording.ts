/**
 * How numbers are said to people: one place, so the CLI table, SARIF messages, hovers and
 * the webview use the same words. Sign convention: influence = change of mean validation
 * loss when the row is removed; negative means removing the row helps (harmful row).
 */
import type { RowRecord } from './types';

/** Compact number with 3 significant digits, no exponent for everyday magnitudes. */
export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  if (a === 0) return '0';
  if (a >= 1e-3 && a < 1e4) return x.toPrecision(3).replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
  return x.toExponential(2);
}

export function percent(p: number): string {
  return `${Math.round(p * 100)}%`;
}

/** "removing lowers val loss by 0.031" / "removing raises val loss by 0.002". */
export function influenceInWords(influence: number): string {
  if (influence === 0) return 'removing leaves val loss unchanged';
  return influence < 0
    ? `removing lowers val loss by ${formatNumber(-influence)}`
    : `removing raises val loss by ${formatNumber(influence)}`;
}

/** "labelled spam, model says ham 94%" or "" when the model agrees. */
export function labelInWords(r: Pick<RowRecord, 'label' | 'predicted' | 'confidence'>): string {
  if (r.label === r.predicted) return `labelled ${r.label}, model agrees ${percent(r.confidence)}`;
  return `labelled ${r.label}, model says ${r.predicted} ${percent(r.confidence)}`;
}

/**
 * The label-suspect score: the leave-one-out loss, or the training loss where it was not
 * estimated (rows only screened by SGD-IE; self-influence is nearly always positive, so the
 * training loss is what the leave-one-out loss would be at least).
 */
export function suspectScore(r: Pick<RowRecord, 'looLoss' | 'trainLoss'>): number {
  return r.looLoss ?? r.trainLoss;
}

/** "leave-one-out loss 2.31", or "training loss 0.912; leave-one-out loss not estimated". */
export function looLossInWords(r: Pick<RowRecord, 'looLoss' | 'trainLoss'>): string {
  return r.looLoss === null
    ? `training loss ${formatNumber(r.trainLoss)}; leave-one-out loss not estimated`
    : `leave-one-out loss ${formatNumber(r.looLoss)}`;
}

/** One line summarising why a row is flagged. */
export function flagSummary(r: RowRecord): string {
  const parts: string[] = [];
  if (r.reasons.includes('harmful')) parts.push(influenceInWords(r.influence));
  if (r.reasons.includes('label-suspect')) parts.push(`label suspect (${looLossInWords(r)})`);
  parts.push(labelInWords(r));
  return parts.join(' · ');
}
