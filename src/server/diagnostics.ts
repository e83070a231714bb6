/**
 * Flagged rows as Problems-panel entries (setting `influenceLens.diagnostics`, off by default):
 * harmful rows as Warnings, label-suspect rows as Information, one entry per reason.
 */
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver/node';
import type { Reason, RowRecord, ScanResult } from '../core/report/types';

/** VS Code shows at most this many diagnostics per file. */
export const MAX_DIAGNOSTICS = 1000;
export const DIAGNOSTIC_SOURCE = 'Influence Lens';

/** Attached to each diagnostic so the client's code actions can act on the row. */
export interface DiagnosticData {
  row: number;
  hash: string;
  predicted: string;
}

/**
 * Length of every line of `text` in UTF-16 units (line breaks \n, \r\n or \r excluded), to end
 * ranges exactly. One scan without building line strings: it runs on the server thread.
 */
export function lineLengths(text: string): number[] {
  const out: number[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch !== 10 && ch !== 13) continue;
    out.push(i - start);
    if (ch === 13 && text.charCodeAt(i + 1) === 10) i++;
    start = i + 1;
  }
  out.push(text.length - start);
  return out;
}

function message(r: RowRecord, reason: Reason): string {
  if (reason === 'harmful') {
    return `Harmful row (rank ${r.rankHarmful}): removing it would change validation loss by ${r.influence.toPrecision(3)}.`;
  }
  return `Label suspect (rank ${r.rankSuspect}): labelled "${r.label}", the model predicts "${r.predicted}" (${(r.confidence * 100).toFixed(0)}%).`;
}

/**
 * Diagnostics for the flagged rows, most harmful first then most suspect, capped at
 * MAX_DIAGNOSTICS. `lines` are the line lengths of the text the result was computed from.
 */
export function flaggedDiagnostics(result: ScanResult, lines: readonly number[]): Diagnostic[] {
  const entries: { r: RowRecord; reason: Reason; rank: number }[] = [];
  for (const r of result.rows) {
    if (!r.flagged) continue;
    for (const reason of r.reasons) entries.push({ r, reason, rank: reason === 'harmful' ? r.rankHarmful : r.rankSuspect });
  }
  entries.sort((a, b) => (a.reason === b.reason ? a.rank - b.rank : a.reason === 'harmful' ? -1 : 1));
  return entries.slice(0, MAX_DIAGNOSTICS).map(({ r, reason }) => {
    const endLine = Math.max(r.line, r.endLine) - 1;
    const data: DiagnosticData = { row: r.row, hash: r.hash, predicted: r.predicted };
    return {
      range: { start: { line: r.line - 1, character: 0 }, end: { line: endLine, character: lines[endLine] ?? 0 } },
      severity: reason === 'harmful' ? DiagnosticSeverity.Warning : DiagnosticSeverity.Information,
      code: reason,
      source: DIAGNOSTIC_SOURCE,
      message: message(r, reason),
      data,
    };
  });
}
