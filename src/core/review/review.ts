/**
 * Which flagged rows still need a person: the flagged rows among the rows considered
 * (those added or changed in a diff, or every row), each with the decision on its content.
 * Pure: the caller supplies the scan, the decoded text and the stored decisions.
 */
import { parseTable, rowHash } from '../data/index';
import type { DataFormat, ParsedTable } from '../data/types';
import type { RowRecord, ScanResult } from '../report/types';
import { changedRowIndices, type LineChanges } from './diffRows';
import { matchDecisions } from './match';
import type { ReviewDecision, StaleDecision } from './types';

export interface RowToReview {
  record: RowRecord;
  /** The stored decision on this row's content; absent = unreviewed. */
  decision?: ReviewDecision;
}

export interface RowsReview {
  /** Flagged rows among the considered rows, in row order. */
  flagged: RowToReview[];
  /** The flagged rows without a decision. */
  unreviewed: RowRecord[];
  /** How many data rows were considered: the added/changed ones, or all. */
  considered: number;
  /** Data rows in the file. */
  totalRows: number;
  /** Decisions whose row was edited ('outdated') or removed ('missing'): kept, and reported. */
  stale: StaleDecision[];
}

/** Content hash of every data row of `table` (index = data-row index). */
export function tableRowHashes(table: ParsedTable): string[] {
  return table.rows.map((cells) => rowHash(cells));
}

/** Parse decoded text and hash its rows. Throws InputError on malformed input. */
export function hashRows(text: string, file: string, format: DataFormat): { table: ParsedTable; hashes: string[] } {
  const table = parseTable(text, file, format);
  return { table, hashes: tableRowHashes(table) };
}

export interface ReviewScanInput {
  result: ScanResult;
  /** The decoded text the scan ran on (for line mapping). */
  text: string;
  table: ParsedTable;
  hashes: readonly string[];
  /** Line changes against the base, or 'all' to consider every row. */
  changes: LineChanges | 'all';
  decisions: ReadonlyMap<string, ReviewDecision>;
}

export function reviewScan(input: ReviewScanInput): RowsReview {
  const { result, table, hashes } = input;
  const considered = input.changes === 'all' ? undefined : changedRowIndices(input.text, table.spans, input.changes);
  const matched = matchDecisions(input.decisions, hashes);
  const flagged: RowToReview[] = [];
  for (const record of result.rows) {
    if (!record.flagged || (considered && !considered.has(record.row))) continue;
    const d = matched.byRow.get(record.row);
    flagged.push(d ? { record, decision: d.decision } : { record });
  }
  flagged.sort((a, b) => a.record.row - b.record.row);
  return {
    flagged,
    unreviewed: flagged.filter((f) => !f.decision).map((f) => f.record),
    considered: considered ? considered.size : table.rows.length,
    totalRows: table.rows.length,
    stale: matched.stale,
  };
}
