/**
 * Random tables for property tests, serialized to CSV / TSV / JSONL together with the cells
 * and row spans a correct parser must return. Shared by the fuzz and edit tests.
 */
import fc from 'fast-check';
import type { Cell, DataFormat, ParsedTable, RowSpan } from '../../../src/core/data/index';

/** Characters that stress quoting, delimiters, line breaks and UTF-16 columns. */
const PIECES = ['a', 'b', 'Z', '1', '0', '.', '-', ' ', ',', '\t', '"', '""', '\n', '\r\n', '\r', 'é', '😀', '<b>', ';', '?', 'NA'];

export const cellText = fc.array(fc.constantFrom(...PIECES), { maxLength: 6 }).map((p) => p.join(''));

export interface GenTable {
  columns: string[];
  rows: Cell[][];
}

/** A table of 1-6 columns and 1-12 rows of arbitrary text cells (JSONL: also numbers, booleans, nulls). */
export function genTable(format: DataFormat): fc.Arbitrary<GenTable> {
  return fc.integer({ min: 1, max: 6 }).chain((width) =>
    fc.record({
      columns: format === 'jsonl'
        ? fc.constant(Array.from({ length: width }, (_, i) => `k${i}`))
        : fc.array(cellText, { minLength: width, maxLength: width }),
      rows: fc.array(fc.array(format === 'jsonl' ? jsonCell : cellText, { minLength: width, maxLength: width }), { minLength: 1, maxLength: 12 }),
    }));
}

/** JSONL values: the cell text the parser must produce, and the JSON value to write (undefined = key omitted). */
const jsonCell: fc.Arbitrary<Cell> = fc.oneof(
  cellText,
  fc.constant(null),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((v) => `#n${v}`),
  fc.boolean().map((b) => `#b${b}`),
  fc.constant('#omit'),
);

export interface SerializeOptions {
  eol: '\n' | '\r\n';
  bom: boolean;
  trailingEol: boolean;
  quoteAll: boolean;
  /** Number of blank lines inserted before each record (cycled). */
  blankLines: number[];
}

export const serializeOptions: fc.Arbitrary<SerializeOptions> = fc.record({
  eol: fc.constantFrom<'\n' | '\r\n'>('\n', '\r\n'),
  bom: fc.boolean(),
  trailingEol: fc.boolean(),
  quoteAll: fc.boolean(),
  blankLines: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 1, maxLength: 4 }),
});

export interface Serialized {
  text: string;
  expected: Pick<ParsedTable, 'columns' | 'rows' | 'spans'>;
}

function quote(v: string, delim: string, always: boolean, single: boolean): string {
  const needs = always || v.includes(delim) || v.includes('"') || v.includes('\n') || v.includes('\r') || (single && v === '');
  return needs ? `"${v.replaceAll('"', '""')}"` : v;
}

/** Editor position after `s` starting from (line, character): CRLF, LF and lone CR end lines. */
function advance(s: string, line: number, character: number): [number, number] {
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\n' || (c === '\r' && s[i + 1] !== '\n')) { line++; character = 0; } else character++;
  }
  return [line, character];
}

export function serialize(table: GenTable, format: DataFormat, o: SerializeOptions): Serialized {
  const records: string[] = [];
  const cells: Cell[][] = [];
  let columns = table.columns;
  if (format === 'jsonl') {
    const seen: string[] = [];
    for (const row of table.rows) {
      const obj: Record<string, unknown> = {};
      row.forEach((v, j) => {
        if (v === '#omit') return;
        const key = table.columns[j];
        if (!seen.includes(key)) seen.push(key);
        obj[key] = v === null ? null : v.startsWith('#n') ? Number(v.slice(2)) : v.startsWith('#b') ? v === '#btrue' : v;
      });
      records.push(JSON.stringify(obj));
    }
    columns = seen;
    for (const row of table.rows) {
      cells.push(columns.map((key) => {
        const v = row[table.columns.indexOf(key)];
        if (v === null || v === '#omit') return null;
        if (v.startsWith('#n')) return String(JSON.parse(JSON.stringify(Number(v.slice(2)))));
        if (v.startsWith('#b')) return v.slice(2);
        return v;
      }));
    }
  } else {
    const delim = format === 'tsv' ? '\t' : ',';
    const single = table.columns.length === 1;
    records.push(table.columns.map((c) => quote(c, delim, o.quoteAll, single)).join(delim));
    for (const row of table.rows) {
      records.push(row.map((c) => quote(c as string, delim, o.quoteAll, single)).join(delim));
      cells.push(row);
    }
  }
  let text = '';
  let line = 0, character = 0;
  const spans: RowSpan[] = [];
  records.forEach((rec, k) => {
    const blanks = o.blankLines[k % o.blankLines.length];
    for (let b = 0; b < blanks; b++) { text += o.eol; line++; character = 0; }
    const startOffset = text.length, startLine = line, startCharacter = character;
    text += rec;
    [line, character] = advance(rec, line, character);
    const isRow = format === 'jsonl' || k > 0;
    if (isRow) spans.push({ startLine, startCharacter, endLine: line, endCharacter: character, startOffset, endOffset: text.length });
    if (k < records.length - 1 || o.trailingEol) { text += o.eol; line++; character = 0; }
  });
  return { text: (o.bom ? '\uFEFF' : '') + text, expected: { columns, rows: cells, spans } };
}
