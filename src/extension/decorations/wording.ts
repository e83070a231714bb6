/**
 * How a scanned row is put into words: after-text, severity, pattern names and the
 * window sparkline. Pure (no `vscode` import) so it is unit-tested and shared by the
 * decorations, the hover and the tree view.
 */
import type { Pattern, RowRecord } from '../../core/report/types';
import { formatNumber, suspectScore } from '../../core/report/wording';

/** Longest label shown inline; longer labels (free-text label columns) are cut with an ellipsis. */
export const MAX_INLINE_LABEL = 24;

export type Severity = 'high' | 'medium' | 'low';
export const SEVERITIES: readonly Severity[] = ['high', 'medium', 'low'];

/** Strength (0..1, relative to the strongest flagged row) at or above which a row is "high". */
export const HIGH_STRENGTH = 0.5;
/** Strength at or above which a row is "medium"; below it "low". */
export const MEDIUM_STRENGTH = 0.2;

/** Collapse whitespace and control characters so a dataset value fits on one line, then cut it. */
export function inlineText(value: string, max = MAX_INLINE_LABEL): string {
  const flat = value.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ').replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** A magnitude (sign dropped), in the project's one number format (core/report/wording). */
export function formatMagnitude(x: number): string {
  return Number.isFinite(x) ? formatNumber(Math.abs(x)) : '?';
}

/** A probability as a whole percentage, e.g. 0.936 → "94%". */
export function formatPercent(p: number): string {
  return `${Math.round(Math.max(0, Math.min(1, p)) * 100)}%`;
}

/** 1234567 → "1 234 567" (narrow no-break spaces group thousands, as in the product text). */
export function formatCount(n: number): string {
  return String(Math.trunc(n)).replace(/\B(?=(\d{3})+(?!\d))/g, '\u202f');
}

export function patternName(p: Pattern): string {
  switch (p) {
    case 'highly-fluctuating': return 'highly fluctuating';
    case 'early-influencer': return 'early influencer';
    case 'late-bloomer': return 'late bloomer';
    case 'stable': return 'stable';
  }
}

/** What the pattern means, for a hover. */
export function patternMeaning(p: Pattern): string {
  switch (p) {
    case 'highly-fluctuating': return 'its influence changes sign or size a lot between windows';
    case 'early-influencer': return 'most of its influence comes from the first windows of training';
    case 'late-bloomer': return 'most of its influence comes from the last windows of training';
    case 'stable': return 'its influence builds up evenly over training';
  }
}

/** The effect of removing the row on validation loss, in words ("lowers val loss by 0.031"). */
export function influencePhrase(influence: number, noun = 'val loss'): string {
  if (influence < 0) return `lowers ${noun} by ${formatMagnitude(influence)}`;
  if (influence > 0) return `raises ${noun} by ${formatMagnitude(influence)}`;
  return `leaves ${noun} unchanged`;
}

/** "labelled spam, model says ham 94%" or, when they agree, "labelled spam, model agrees 94%". */
export function labelPhrase(r: Pick<RowRecord, 'label' | 'predicted' | 'confidence'>, parenthesised = false): string {
  const label = inlineText(r.label);
  const conf = parenthesised ? ` (${formatPercent(r.confidence)})` : ` ${formatPercent(r.confidence)}`;
  if (r.predicted === r.label) return `labelled ${label}, model agrees${conf}`;
  return `labelled ${label}, model says ${inlineText(r.predicted)}${conf}`;
}

/**
 * The short text after a flagged row's first line. Always names why the row is flagged.
 * Examples: "removing lowers val loss by 0.031 · labelled spam, model says ham 94%",
 * "label suspect: labelled 1, model says 2 (97%)".
 */
export function afterText(r: RowRecord): string {
  const harmful = r.reasons.includes('harmful');
  const suspect = r.reasons.includes('label-suspect');
  const parts: string[] = [];
  if (harmful) parts.push(`removing ${influencePhrase(r.influence)}`);
  if (suspect) {
    const agree = r.predicted === r.label;
    // When the final model memorised the row, the evidence is the row's own held-out loss.
    parts.push(!agree
      ? `label suspect: ${labelPhrase(r, true)}`
      : r.looLoss === null
        ? `label suspect: training loss ${formatMagnitude(r.trainLoss)}`
        : `label suspect: loss without this row ${formatMagnitude(r.looLoss)}`);
  } else if (harmful) {
    parts.push(labelPhrase(r));
  }
  return parts.join(' · ');
}

/** Strongest values among flagged rows, used to scale severity. */
export interface SeverityScale {
  /** Most negative influence among harmful rows (≤ 0). */
  minInfluence: number;
  /** Largest leave-one-out loss (training loss where not estimated) among label-suspect rows (≥ 0). */
  maxLooLoss: number;
}

export function severityScale(rows: Iterable<RowRecord>): SeverityScale {
  let minInfluence = 0;
  let maxLooLoss = 0;
  for (const r of rows) {
    if (!r.flagged) continue;
    if (r.reasons.includes('harmful') && r.influence < minInfluence) minInfluence = r.influence;
    if (r.reasons.includes('label-suspect') && suspectScore(r) > maxLooLoss) maxLooLoss = suspectScore(r);
  }
  return { minInfluence, maxLooLoss };
}

/** Strength 0..1 of a flagged row relative to the strongest flagged row for each reason. */
export function strength(r: RowRecord, scale: SeverityScale): number {
  let s = 0;
  if (r.reasons.includes('harmful') && scale.minInfluence < 0) s = Math.max(s, Math.min(1, r.influence / scale.minInfluence));
  if (r.reasons.includes('label-suspect') && scale.maxLooLoss > 0) s = Math.max(s, Math.min(1, suspectScore(r) / scale.maxLooLoss));
  return Number.isFinite(s) ? Math.max(0, s) : 0;
}

export function severityOf(r: RowRecord, scale: SeverityScale): Severity {
  const s = strength(r, scale);
  return s >= HIGH_STRENGTH ? 'high' : s >= MEDIUM_STRENGTH ? 'medium' : 'low';
}

const BARS = '▁▂▃▄▅▆▇█';

/** A one-line Unicode sparkline of a series (min → ▁, max → █; a flat series sits in the middle). */
export function sparkline(values: readonly number[]): string {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return '';
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  const top = BARS.length - 1;
  return values.map((v) => {
    if (!Number.isFinite(v)) return ' ';
    if (hi === lo) return BARS[Math.floor(top / 2)];
    return BARS[Math.round(((v - lo) / (hi - lo)) * top)];
  }).join('');
}
