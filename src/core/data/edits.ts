/**
 * The only changes the product ever makes to a dataset: remove a row, or change its label.
 * Both are computed as one text replacement that the editor applies as an undoable edit;
 * the rest of the file stays byte-identical and the result still parses.
 */
import { parseNumber } from './cells';
import { InputError, type ParsedTable } from './types';

const LF = 10, CR = 13, QUOTE = 34, TAB = 9, COMMA = 44;

/** An editor position (0-based line, UTF-16 character), BOM excluded as in the editor. */
export interface TextPosition { line: number; character: number }

/**
 * Replace `text.slice(startOffset, endOffset)` by `newText`. Offsets index `text` as passed
 * (BOM included if it had one); `range` is the same stretch in editor coordinates.
 */
export interface TextEdit {
  startOffset: number;
  endOffset: number;
  newText: string;
  range: { start: TextPosition; end: TextPosition };
}

/**
 * Remove data row `row` whole, with its line break (for a multi-line CSV record, every line
 * of it). The last row of a file without a final line break takes the preceding break instead.
 */
export function removeRowEdit(text: string, table: ParsedTable, row: number): TextEdit {
  const { start: spanStart, end: spanEnd } = rowBounds(text, table, row);
  let start = spanStart, end = spanEnd;
  const c = text.charCodeAt(end);
  if (c === CR && text.charCodeAt(end + 1) === LF) end += 2;
  else if (c === LF || c === CR) end += 1;
  else if (start > bomLength(text)) {
    const p = text.charCodeAt(start - 1);
    if (p === LF) start -= text.charCodeAt(start - 2) === CR ? 2 : 1;
    else if (p === CR) start -= 1;
  }
  return makeEdit(text, start, end, '');
}

/**
 * Set the label (column `labelIndex`) of data row `row` to `newLabel`.
 * CSV/TSV: only that field changes; the value is quoted when it holds the delimiter, a
 * quote or a line break (or when the old value was quoted). JSONL: only the label's value
 * on that line changes (key order and formatting of everything else untouched); it stays a
 * JSON number when the old value was a number and the new label is a canonical number, a boolean when
 * it was a boolean and the new label is true/false; a missing key is appended.
 */
export function relabelRowEdit(text: string, table: ParsedTable, row: number, labelIndex: number, newLabel: string): TextEdit {
  if (!(labelIndex >= 0 && labelIndex < table.columns.length)) throw new RangeError(`label column ${labelIndex} out of range`);
  const { start, end } = rowBounds(text, table, row);
  if (table.format === 'jsonl') return relabelJsonLine(text, table, row, start, end, table.columns[labelIndex], newLabel);
  const delim = table.format === 'tsv' ? TAB : COMMA;
  const fields = fieldBounds(text, start, end, delim);
  if (fields.length !== table.columns.length) throw stale(table, row);
  const [fs, fe] = fields[labelIndex];
  const wasQuoted = text.charCodeAt(fs) === QUOTE;
  return makeEdit(text, fs, fe, quoteField(newLabel, delim, wasQuoted || table.columns.length === 1));
}

/** A field as CSV/TSV text: quoted (inner quotes doubled) when needed or asked. */
export function quoteField(value: string, delim: number, always = false): string {
  let needs = always;
  for (let i = 0; !needs && i < value.length; i++) {
    const c = value.charCodeAt(i);
    needs = c === delim || c === QUOTE || c === LF || c === CR;
  }
  return needs ? `"${value.replaceAll('"', '""')}"` : value;
}

function bomLength(text: string): number {
  return text.charCodeAt(0) === 0xfeff ? 1 : 0;
}

function stale(table: ParsedTable, row: number): InputError {
  return new InputError('io', table.file, (table.spans[row]?.startLine ?? 0) + 1,
    'the file changed since it was scanned', 0, 'Run the scan again before editing rows.');
}

/** The row's [start, end) in `text` (BOM-aware), checked against the text. */
function rowBounds(text: string, table: ParsedTable, row: number): { start: number; end: number } {
  if (!(Number.isInteger(row) && row >= 0 && row < table.rows.length)) throw new RangeError(`row ${row} out of range`);
  const bom = bomLength(text);
  const span = table.spans[row];
  const start = span.startOffset + bom, end = span.endOffset + bom;
  if (end > text.length) throw stale(table, row);
  return { start, end };
}

/** [start, end) of every field of the record text[from, to), quotes included. */
function fieldBounds(text: string, from: number, to: number, delim: number): [number, number][] {
  const out: [number, number][] = [];
  let pos = from;
  for (;;) {
    const s = pos;
    if (pos < to && text.charCodeAt(pos) === QUOTE) {
      pos++;
      while (pos < to) {
        if (text.charCodeAt(pos) === QUOTE) {
          if (text.charCodeAt(pos + 1) === QUOTE && pos + 1 < to) { pos += 2; continue; }
          pos++;
          break;
        }
        pos++;
      }
    }
    while (pos < to && text.charCodeAt(pos) !== delim) pos++;
    out.push([s, pos]);
    if (pos < to) { pos++; continue; }
    return out;
  }
}

interface JsonMember { key: string; valueStart: number; valueEnd: number }

function relabelJsonLine(text: string, table: ParsedTable, row: number, start: number, end: number, key: string, newLabel: string): TextEdit {
  const line = text.slice(start, end);
  const parsed = scanObject(line);
  if (parsed === null) throw stale(table, row);
  let target: JsonMember | undefined;
  for (const m of parsed.members) if (m.key === key) target = m; // JSON.parse keeps the last duplicate
  if (target === undefined) {
    const member = `${JSON.stringify(key)}:${JSON.stringify(newLabel)}`;
    const at = start + parsed.close;
    return makeEdit(text, at, at, parsed.members.length > 0 ? `,${member}` : member);
  }
  const old = line.slice(target.valueStart, target.valueEnd);
  return makeEdit(text, start + target.valueStart, start + target.valueEnd, jsonValue(old, newLabel));
}

/**
 * The JSON text for the new label. A number is written only when it reads back as exactly the
 * label (String(Number(label)) === label, e.g. "1", "-0.5"), so the parsed cell always equals
 * the label the user chose; "1.0" or " 1" stay strings.
 */
function jsonValue(old: string, label: string): string {
  const c = old.charCodeAt(0);
  if (c === 45 || (c >= 48 && c <= 57)) {
    const v = parseNumber(label);
    if (Number.isFinite(v) && String(v) === label) return label;
  }
  if ((old === 'true' || old === 'false') && (label === 'true' || label === 'false')) return label;
  return JSON.stringify(label);
}

function isJsonSpace(c: number): boolean {
  return c === 32 || c === TAB || c === LF || c === CR;
}

/** Top-level members of a JSON object text with the index of its closing brace; null if it is not one. */
function scanObject(s: string): { members: JsonMember[]; close: number } | null {
  const n = s.length;
  const skip = (i: number): number => { while (i < n && isJsonSpace(s.charCodeAt(i))) i++; return i; };
  const stringEnd = (i: number): number => {
    let j = i + 1;
    while (j < n) {
      const c = s.charCodeAt(j);
      if (c === 92) j += 2;
      else if (c === QUOTE) return j + 1;
      else j++;
    }
    return -1;
  };
  const valueEnd = (i: number): number => {
    const c = s.charCodeAt(i);
    if (c === QUOTE) return stringEnd(i);
    if (c === 123 || c === 91) {
      let depth = 0, j = i;
      while (j < n) {
        const d = s.charCodeAt(j);
        if (d === QUOTE) { j = stringEnd(j); if (j < 0) return -1; continue; }
        if (d === 123 || d === 91) depth++;
        else if (d === 125 || d === 93) { depth--; if (depth === 0) return j + 1; }
        j++;
      }
      return -1;
    }
    let j = i;
    while (j < n) { const d = s.charCodeAt(j); if (d === 44 || d === 125 || d === 93 || isJsonSpace(d)) break; j++; }
    return j > i ? j : -1;
  };
  let i = skip(0);
  if (s.charCodeAt(i) !== 123) return null;
  i = skip(i + 1);
  const members: JsonMember[] = [];
  if (s.charCodeAt(i) === 125) return { members, close: i };
  for (;;) {
    if (s.charCodeAt(i) !== QUOTE) return null;
    const keyEnd = stringEnd(i);
    if (keyEnd < 0) return null;
    let key: string;
    try { key = JSON.parse(s.slice(i, keyEnd)) as string; } catch { return null; }
    i = skip(keyEnd);
    if (s.charCodeAt(i) !== 58) return null;
    const valueStart = skip(i + 1);
    const end = valueEnd(valueStart);
    if (end < 0) return null;
    members.push({ key, valueStart, valueEnd: end });
    i = skip(end);
    const c = s.charCodeAt(i);
    if (c === 125) return { members, close: i };
    if (c !== 44) return null;
    i = skip(i + 1);
  }
}

function makeEdit(text: string, startOffset: number, endOffset: number, newText: string): TextEdit {
  return { startOffset, endOffset, newText, range: { start: positionAt(text, startOffset), end: positionAt(text, endOffset) } };
}

/** Editor position of a text offset (CRLF, LF and lone CR end lines; a BOM is not a character). */
function positionAt(text: string, offset: number): TextPosition {
  const bom = bomLength(text);
  let line = 0, lineStart = bom;
  for (let i = bom; i < offset; i++) {
    const c = text.charCodeAt(i);
    if (c === LF || (c === CR && text.charCodeAt(i + 1) !== LF)) { line++; lineStart = i + 1; }
  }
  return { line, character: offset - lineStart };
}
