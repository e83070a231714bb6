/**
 * The hover of a scanned row, as Markdown. Pure (no `vscode`): every piece of dataset
 * text goes through `escapeMarkdown`, and the only links are `command:` links to our
 * own commands (the MarkdownString is trusted for exactly those ids).
 */
import type { RowDetails, RowRecord } from '../../core/report/types';
import { Commands, type CommandId, type RelabelCommandArgs, type RowCommandArgs } from '../commandTable';
import { formatCount, formatMagnitude, formatPercent, influencePhrase, inlineText, patternMeaning, patternName, sparkline } from '../decorations/wording';

/** Longest dataset value shown in a hover. */
export const MAX_HOVER_TEXT = 60;
/** How many similar helpful / harmful rows the hover lists. */
export const HOVER_NEIGHBOURS = 3;

/**
 * Make dataset text inert in Markdown: HTML special characters become entities and every
 * other Markdown punctuation is backslash-escaped, so no tag, link, autolink (`:` and `.`
 * are escaped too), emphasis or code span can form. Newlines become spaces.
 */
export function escapeMarkdown(text: string, max = MAX_HOVER_TEXT): string {
  return inlineText(text, max)
    // Bidi and zero-width controls would reorder or hide the text around them: show their code points.
    .replace(/[\u200B-\u200F\u202A-\u202E\u2066-\u2069\u061C\uFEFF]/g, (c) => `\u27e8U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}\u27e9`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_{}[\]()#+\-.!|~:"'=$%^@]/g, '\\$&');
}

/** A `command:` link with JSON arguments, the way VS Code expects them (URI-encoded array). */
export function commandLink(title: string, command: CommandId, args: unknown, tooltip = ''): string {
  // encodeURIComponent leaves ( ) ' ! * alone; a ")" from dataset text would end the link early.
  const query = encodeURIComponent(JSON.stringify([args])).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  const tip = tooltip ? ` "${tooltip.replace(/["\\]/g, '')}"` : '';
  return `[${title}](command:${command}?${query}${tip})`;
}

export interface HoverContext {
  uri: string;
  record: RowRecord;
  /** Rows trained on (ranks are out of this). */
  trainedRows: number;
  /** Window labels, one per entry of record.windows. */
  windowLabels: readonly string[];
  /** Present once the server answered the row-details request. */
  details?: RowDetails;
  /** Set when the result no longer matches the document exactly. */
  stale: boolean;
  /** Review decision already recorded for this row, if any. */
  decision?: string;
  /** False in an untrusted workspace: no edit links. */
  canEdit: boolean;
  /** Set when the scan screened every row with SGD-IE and refined only some with ACC-SGD-IE. */
  approximation?: { screenedRows: number; refinedRows: number };
}

function rowArgs(c: HoverContext, row: number, hash: string): RowCommandArgs {
  return { uri: c.uri, row, hash };
}

export function hoverMarkdown(c: HoverContext): string {
  const r = c.record;
  const lines: string[] = [];
  const reasons = r.reasons.map((x) => (x === 'harmful' ? 'harmful' : 'label suspect')).join(' and ');
  lines.push(`**Influence Lens** · row ${formatCount(r.row + 1)}${r.flagged ? ` · flagged: ${reasons}` : ''}${c.stale ? ' · *results are stale*' : ''}`);
  lines.push('');
  lines.push(`- Removing this row ${influencePhrase(r.influence, 'validation loss')} (rank ${formatCount(r.rankHarmful)} of ${formatCount(c.trainedRows)} by harm${r.influence > 0 ? '; it helps the model' : ''}).`);
  if (r.looLoss !== null) {
    lines.push(`- Its own loss would be ${formatMagnitude(r.looLoss)} if it were left out (rank ${formatCount(r.rankSuspect)} of ${formatCount(c.trainedRows)} as label suspect).`);
  } else {
    lines.push(`- Its loss if left out was not estimated; its training loss is ${formatMagnitude(r.trainLoss)} (rank ${formatCount(r.rankSuspect)} of ${formatCount(c.trainedRows)} as label suspect, by training loss).`);
  }
  if (c.approximation) {
    lines.push(r.selfInfluence === null
      ? `- *Estimate from SGD-IE screening*: this row is not among the ${formatCount(c.approximation.refinedRows)} of ${formatCount(c.approximation.screenedRows)} rows refined by ACC-SGD-IE within the compute budget.`
      : `- Refined by ACC-SGD-IE (one of ${formatCount(c.approximation.refinedRows)} of ${formatCount(c.approximation.screenedRows)} rows; the others were screened by SGD-IE only).`);
  }
  const agree = r.predicted === r.label;
  lines.push(`- Labelled **${escapeMarkdown(r.label)}**; the model ${agree ? 'agrees' : `says **${escapeMarkdown(r.predicted)}**`} (${formatPercent(r.confidence)}).`);
  if (r.windows.length > 0) {
    const first = c.windowLabels[0] ?? 'start';
    const last = c.windowLabels[c.windowLabels.length - 1] ?? 'end';
    lines.push(`- Pattern: **${patternName(r.pattern)}** — ${patternMeaning(r.pattern)}. \`${sparkline(r.windows)}\` (${escapeMarkdown(first, 20)} → ${escapeMarkdown(last, 20)})`);
  }
  if (c.decision) lines.push(`- Reviewed: ${escapeMarkdown(c.decision, 20)}`);
  if (c.details) {
    lines.push(...neighbourLines(c, 'Most similar harmful rows', c.details.similarHarmful));
    lines.push(...neighbourLines(c, 'Most similar helpful rows', c.details.similarHelpful));
  }
  lines.push('');
  const args = rowArgs(c, r.row, r.hash);
  const links = [commandLink('Show in Influence View', Commands.showRowInView, args, 'Open the Influence View on this row')];
  if (c.canEdit) {
    links.push(commandLink('Mark Reviewed (keep)', Commands.markReviewed, args, 'Keep the row and record the decision'));
    links.push(commandLink('Remove Row', Commands.removeRow, args, 'Delete the row (undo with Ctrl+Z)'));
    if (!agree) {
      const relabel: RelabelCommandArgs = { ...args, label: r.predicted };
      links.push(commandLink(`Relabel as ${escapeMarkdown(r.predicted, 24)}`, Commands.relabelRow, relabel, 'Replace the label with the prediction (undo with Ctrl+Z)'));
    }
  }
  lines.push(links.join(' · '));
  return lines.join('\n');
}

function neighbourLines(c: HoverContext, title: string, rows: RowDetails['similarHarmful']): string[] {
  if (rows.length === 0) return [];
  const items = rows.slice(0, HOVER_NEIGHBOURS).map((n) => {
    // Neighbours carry no hash in the protocol; the reveal command moves to the row's line.
    const link = commandLink(`row ${formatCount(n.row + 1)}`, Commands.revealRow, { uri: c.uri, row: n.row, hash: '', line: n.line }, `Go to line ${n.line}`);
    return `${link} (${escapeMarkdown(n.label, 24)}, similarity ${formatPercent(n.similarity)}, influence ${n.influence < 0 ? '−' : ''}${formatMagnitude(n.influence)})`;
  });
  return [`- ${title}: ${items.join(', ')}`];
}
