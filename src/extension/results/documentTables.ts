/**
 * Parses of the current text of dataset documents, one per document version, and what the
 * status bar says about a dataset before any scan ("ready (1 234 rows, label column x)").
 * Pure (no `vscode`): the caller passes text and versions.
 */
import { inferSchema, isInputError, LABEL_NAMES, parseTable, rowHash, type DataFormat, type ParsedTable } from '../../core/data/index';
import type { Settings } from '../../core/settings';
import type { DatasetStatus } from '../status/statusModel';
import type { CurrentRow } from './rowTracker';

/**
 * Above this many characters the client does not re-parse a document while it is edited
 * (the status uses the header and a line count instead).
 */
export const REPARSE_LIMIT_CHARS = 20 * 1024 * 1024;

/**
 * Above this many scanned rows, rows that lost their place in an edit are not looked for by
 * content: a full re-parse and hash of every row holds the extension host for seconds at
 * 100 000 rows (`contentRematch` in bench/editor-results.json). They stay unflagged until the
 * next scan; rows that only moved are still followed by the line shifts.
 */
export const REMATCH_ROW_LIMIT = 25_000;
export const REMATCH_CHAR_LIMIT = 8 * 1024 * 1024;

export type TableOrError = { ok: true; table: ParsedTable } | { ok: false; message: string; line: number };

export function parseDocument(text: string, file: string, format: DataFormat): TableOrError {
  try {
    return { ok: true, table: parseTable(text, file, format) };
  } catch (e) {
    if (isInputError(e)) return { ok: false, message: e.format(), line: e.line };
    throw e;
  }
}

/** Content hash and lines of every row of a parse, for `RowTracker.rematch`. */
export function currentRows(table: ParsedTable): CurrentRow[] {
  return table.rows.map((cells, i) => ({ hash: rowHash(cells), startLine: table.spans[i].startLine, endLine: table.spans[i].endLine }));
}

/** The ready / cannot-scan status of a parsed dataset under the given settings (no training). */
export function readiness(parsed: TableOrError, settings: Pick<Settings, 'labelColumn' | 'textColumns'>): DatasetStatus {
  if (!parsed.ok) return { kind: 'unusable', reason: parsed.message };
  try {
    const schema = inferSchema(parsed.table, { labelColumn: settings.labelColumn, textColumns: settings.textColumns });
    return { kind: 'ready', rows: parsed.table.rows.length, rowsApproximate: false, labelColumn: schema.labelName };
  } catch (e) {
    if (isInputError(e)) return { kind: 'unusable', reason: e.format() };
    throw e;
  }
}

/**
 * Readiness of a document too large to re-parse while typing: the header line and a line
 * count only (a multi-line CSV field makes the count an upper bound, hence "~").
 */
export function headerReadiness(text: string, format: DataFormat, labelSetting: string | null): DatasetStatus {
  let lines = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lines++;
  if (text.length > 0 && !text.endsWith('\n')) lines++;
  let columns: string[] = [];
  const firstBreak = text.search(/\r?\n|\r/);
  const first = firstBreak < 0 ? text : text.slice(0, firstBreak);
  if (format === 'jsonl') {
    try { columns = Object.keys(JSON.parse(first) as object); } catch { return { kind: 'unusable', reason: 'line 1 is not a JSON object' }; }
  } else {
    columns = first.split(format === 'tsv' ? '\t' : ',').map((c) => c.trim().replace(/^"(.*)"$/, '$1'));
  }
  const label = labelSetting ?? LABEL_NAMES.map((n) => columns.find((c) => c.toLowerCase() === n)).find((c) => c !== undefined) ?? columns[columns.length - 1];
  if (!label) return { kind: 'unusable', reason: 'the file has no columns' };
  return { kind: 'ready', rows: Math.max(0, format === 'jsonl' ? lines : lines - 1), rowsApproximate: true, labelColumn: label };
}
