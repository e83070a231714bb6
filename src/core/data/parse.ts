/**
 * CSV / TSV / JSONL parsing with an exact editor range for every data row.
 *
 * Why a hand-written scanner: the extension must put a decoration on the exact lines of
 * data row 812 even when earlier rows hold quoted fields that span several lines, and it
 * must report an unterminated quote at the line where the quote opened. Well-kept CSV
 * libraries give records and sometimes a byte offset or a line count at record end, but not
 * the start line, start/end character and UTF-16 offsets of each record together, and most
 * recover silently from malformed quoting. One pass over the string with `charCodeAt`
 * tracks line, line start and offset as it goes, slices fields without per-character string
 * building (short repeated values such as category levels share one string), treats CRLF,
 * LF and lone CR as line breaks exactly as editors do, and costs about 100 lines; it never
 * backtracks, so malformed input cannot make it hang. JSONL lines are handed to the
 * built-in `JSON.parse`.
 */
import { InputError, type Cell, type DataFormat, type ParsedTable, type RowSpan } from './types';

const LF = 10, CR = 13, QUOTE = 34, TAB = 9, COMMA = 44;

/**
 * Parse decoded text (a leading BOM is ignored; spans never count it).
 * Blank lines between CSV/TSV records and blank JSONL lines are skipped.
 * Throws InputError (1-based line/column): empty-file, header-only, unterminated-quote,
 * ragged-row, invalid-json, not-an-object.
 */
export function parseTable(text: string, file: string, format: DataFormat): ParsedTable {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  return format === 'jsonl' ? parseJsonl(body, file) : parseDelimited(body, file, format, format === 'tsv' ? TAB : COMMA);
}

function parseDelimited(text: string, file: string, format: DataFormat, delim: number): ParsedTable {
  const n = text.length;
  let pos = 0, line = 0, lineStart = 0;
  let header: string[] | null = null;
  let headerLine = 0;
  const rows: Cell[][] = [];
  const spans: RowSpan[] = [];
  const cache: (string | undefined)[] = new Array(INTERN_SLOTS);
  while (pos < n) {
    const first = text.charCodeAt(pos);
    if (first === LF || first === CR) {
      // A blank line between records.
      pos += first === CR && text.charCodeAt(pos + 1) === LF ? 2 : 1;
      line++;
      lineStart = pos;
      continue;
    }
    const startOffset = pos, startLine = line, startCharacter = pos - lineStart;
    // Sized to the header once known: one exact allocation per row instead of repeated growth.
    const fields: string[] = header === null ? [] : new Array<string>(header.length);
    let count = 0;
    for (;;) {
      if (pos < n && text.charCodeAt(pos) === QUOTE) {
        const quoteLine = line, quoteColumn = pos - lineStart;
        let i = pos + 1;
        let escaped = false;
        for (;;) {
          if (i >= n) {
            throw new InputError('unterminated-quote', file, quoteLine + 1,
              'a quoted field opened here is never closed', quoteColumn + 1,
              'Close the quote, or double any quote (") inside a quoted field.');
          }
          const ch = text.charCodeAt(i);
          if (ch === QUOTE) {
            if (text.charCodeAt(i + 1) === QUOTE) { escaped = true; i += 2; continue; }
            break;
          }
          if (ch === LF || (ch === CR && text.charCodeAt(i + 1) !== LF)) { line++; lineStart = i + 1; }
          i++;
        }
        let value = text.slice(pos + 1, i);
        if (escaped) value = value.replaceAll('""', '"');
        pos = i + 1;
        // Lenient like spreadsheets: text between the closing quote and the delimiter is kept literally.
        let j = pos;
        while (j < n) { const ch = text.charCodeAt(j); if (ch === delim || ch === LF || ch === CR) break; j++; }
        if (j > pos) { value += text.slice(pos, j); pos = j; }
        if (count < fields.length) fields[count++] = value;
        else { fields.push(value); count++; }
      } else {
        let j = pos, hash = 0;
        while (j < n) {
          const ch = text.charCodeAt(j);
          if (ch === delim || ch === LF || ch === CR) break;
          hash = (Math.imul(hash, 31) + ch) | 0;
          j++;
        }
        const value = j - pos <= INTERN_MAX_LENGTH ? interned(text, pos, j, hash, cache) : text.slice(pos, j);
        if (count < fields.length) fields[count++] = value;
        else { fields.push(value); count++; }
        pos = j;
      }
      if (pos < n && text.charCodeAt(pos) === delim) { pos++; continue; }
      break;
    }
    const span: RowSpan = { startLine, startCharacter, endLine: line, endCharacter: pos - lineStart, startOffset, endOffset: pos };
    if (pos < n) {
      pos += text.charCodeAt(pos) === CR && text.charCodeAt(pos + 1) === LF ? 2 : 1;
      line++;
      lineStart = pos;
    }
    if (header === null) {
      header = fields;
      headerLine = startLine;
      continue;
    }
    if (count !== header.length) {
      throw new InputError('ragged-row', file, startLine + 1,
        `row ${rows.length + 1} has ${count} field${count === 1 ? '' : 's'}, the header has ${header.length}`, 1,
        format === 'tsv' ? 'Fields are separated by tabs; quote values that contain tabs.' : 'Quote values that contain commas.');
    }
    rows.push(fields);
    spans.push(span);
  }
  if (header === null) throw new InputError('empty-file', file, 1, 'the file is empty', 0, 'Add a header line and data rows.');
  if (rows.length === 0) throw new InputError('header-only', file, headerLine + 1, 'the file has a header but no data rows', 0, 'Add data rows below the header.');
  return { file, format, columns: header, rows, spans };
}

/** Short unquoted fields are shared through a small direct-mapped cache of this many slots... */
const INTERN_SLOTS = 4096;
/** ...if at most this long: category levels and labels repeat, and one string per value saves memory and hashing later. */
const INTERN_MAX_LENGTH = 24;

/** text.slice(from, to), reusing an equal string from the cache when the slot holds one. */
function interned(text: string, from: number, to: number, hash: number, cache: (string | undefined)[]): string {
  const slot = hash & (INTERN_SLOTS - 1);
  const cached = cache[slot];
  const length = to - from;
  if (cached !== undefined && cached.length === length) {
    let k = 0;
    while (k < length && cached.charCodeAt(k) === text.charCodeAt(from + k)) k++;
    if (k === length) return cached;
  }
  const fresh = text.slice(from, to);
  cache[slot] = fresh;
  return fresh;
}

function parseJsonl(text: string, file: string): ParsedTable {
  const n = text.length;
  const objects: Record<string, unknown>[] = [];
  const spans: RowSpan[] = [];
  const columns: string[] = [];
  const columnIndex = new Map<string, number>();
  let pos = 0, line = 0;
  while (pos <= n) {
    let end = pos;
    while (end < n) { const ch = text.charCodeAt(end); if (ch === LF || ch === CR) break; end++; }
    if (!isBlank(text, pos, end)) {
      const source = text.slice(pos, end);
      let value: unknown;
      try {
        value = JSON.parse(source);
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        const at = /position (\d+)/.exec(message);
        throw new InputError('invalid-json', file, line + 1, `invalid JSON: ${message}`, at ? Number(at[1]) + 1 : 0,
          'Each non-blank line must be one JSON object.');
      }
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        const what = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
        throw new InputError('not-an-object', file, line + 1, `the line holds ${what}, not a JSON object`, 1,
          'Each non-blank line must be one JSON object such as {"text": "...", "label": "..."}.');
      }
      const object = value as Record<string, unknown>;
      for (const key of Object.keys(object)) {
        if (!columnIndex.has(key)) { columnIndex.set(key, columns.length); columns.push(key); }
      }
      objects.push(object);
      spans.push({ startLine: line, startCharacter: 0, endLine: line, endCharacter: end - pos, startOffset: pos, endOffset: end });
    }
    if (end >= n) break;
    pos = end + (text.charCodeAt(end) === CR && text.charCodeAt(end + 1) === LF ? 2 : 1);
    line++;
  }
  if (objects.length === 0) throw new InputError('empty-file', file, 1, 'the file has no JSON lines', 0, 'Add one JSON object per line.');
  const rows: Cell[][] = new Array(objects.length);
  for (let r = 0; r < objects.length; r++) {
    const object = objects[r];
    const cells: Cell[] = new Array(columns.length).fill(null);
    for (const key of Object.keys(object)) cells[columnIndex.get(key) as number] = jsonCell(object[key], file, spans[r].startLine + 1);
    rows[r] = cells;
  }
  return { file, format: 'jsonl', columns, rows, spans };
}

/** Strings as they are; numbers and booleans via String(); null -> null; nested values as JSON text. */
function jsonCell(v: unknown, file: string, line: number): Cell {
  if (v === null) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  try {
    return JSON.stringify(v);
  } catch {
    // Only a nesting too deep for the stack gets here.
    throw new InputError('invalid-json', file, line, 'a value is nested too deeply to read', 0, 'Flatten nested values.');
  }
}

function isBlank(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== TAB && c !== 0xfeff) return false;
  }
  return true;
}
