/**
 * From a file name and its bytes to checked text: format by extension, size limit,
 * binary / encoding checks and BOM removal. Everything the parser may assume about its
 * input (a JS string of real text) is established here.
 */
import { InputError, type DataFormat } from './types';

/** Largest file decoded by default (bytes). V8 strings top out near 512 MiB of UTF-16. */
export const DEFAULT_MAX_BYTES = 256 * 1024 * 1024;

/** Format from the file extension (case-insensitive); anything unknown is read as CSV. */
export function detectFormat(file: string): DataFormat {
  const dot = file.lastIndexOf('.');
  const ext = dot >= 0 ? file.slice(dot + 1).toLowerCase() : '';
  if (ext === 'tsv' || ext === 'tab') return 'tsv';
  if (ext === 'jsonl' || ext === 'ndjson') return 'jsonl';
  return 'csv';
}

export interface DecodeOptions {
  /** Reject files larger than this many bytes (default DEFAULT_MAX_BYTES). */
  maxBytes?: number;
}

/**
 * Decode a dataset file as UTF-8 text without its BOM.
 * Throws InputError: `too-large` (over maxBytes), `empty-file` (no bytes, or only a BOM),
 * `binary-content` (a NUL byte, a UTF-16 BOM, or bytes that are not valid UTF-8; line and
 * column of the first offending byte).
 */
export function decodeDataset(bytes: Uint8Array, file: string, opts: DecodeOptions = {}): string {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  if (bytes.length > maxBytes) {
    throw new InputError('too-large', file, 0,
      `file is ${formatBytes(bytes.length)}, over the ${formatBytes(maxBytes)} limit`, 0,
      'Scan a sample of its rows instead (for example the first 100 000).');
  }
  let start = 0;
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) start = 3;
  if (bytes.length - start === 0) throw new InputError('empty-file', file, 1, 'the file is empty', 0, 'Add a header line and data rows.');
  if (bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))) {
    throw new InputError('binary-content', file, 1, 'the file is UTF-16 encoded, not UTF-8', 1, 'Save it as UTF-8.');
  }
  const body = start === 0 ? bytes : bytes.subarray(start);
  const nul = body.indexOf(0);
  let text: string | null = null;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(body);
  } catch {
    // invalid UTF-8: located below
  }
  const bad = text === null ? firstInvalidUtf8(body) : -1;
  if (nul >= 0 && (bad < 0 || nul <= bad)) {
    const { line, column } = locateByte(body, nul);
    throw new InputError('binary-content', file, line, 'the file contains a NUL byte: it looks binary, not text', column,
      'Open a CSV, TSV or JSONL text file.');
  }
  if (text === null) {
    const { line, column } = locateByte(body, bad);
    throw new InputError('binary-content', file, line, `byte 0x${body[bad].toString(16).padStart(2, '0')} is not valid UTF-8`, column,
      'Save the file as UTF-8 (it may be Latin-1 or binary).');
  }
  return text;
}

/**
 * Index of the first byte that breaks UTF-8 (overlong forms, surrogates and code points
 * above U+10FFFF included). Only called after the native fatal decoder refused the bytes.
 */
function firstInvalidUtf8(b: Uint8Array): number {
  const n = b.length;
  let i = 0;
  while (i < n) {
    const c = b[i];
    if (c < 0x80) { i++; continue; }
    let need: number, min: number, max = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) { need = 1; min = 0x80; }
    else if (c === 0xe0) { need = 2; min = 0xa0; }
    else if (c === 0xed) { need = 2; min = 0x80; max = 0x9f; }
    else if (c >= 0xe1 && c <= 0xef) { need = 2; min = 0x80; }
    else if (c === 0xf0) { need = 3; min = 0x90; }
    else if (c === 0xf4) { need = 3; min = 0x80; max = 0x8f; }
    else if (c >= 0xf1 && c <= 0xf3) { need = 3; min = 0x80; }
    else return i;
    if (i + need >= n) return i;
    const c1 = b[i + 1];
    if (c1 === undefined || c1 < min || c1 > max) return i;
    for (let k = 2; k <= need; k++) {
      const ck = b[i + k];
      if (ck === undefined || ck < 0x80 || ck > 0xbf) return i;
    }
    i += need + 1;
  }
  // The native decoder disagreed with the loop; report the start rather than nothing.
  return 0;
}

/** 1-based line and UTF-16 column of byte `pos` (CRLF, LF and lone CR end lines, as in editors). */
function locateByte(b: Uint8Array, pos: number): { line: number; column: number } {
  let line = 1, lineStart = 0;
  for (let i = 0; i < pos; i++) {
    const c = b[i];
    if (c === 0x0a) { line++; lineStart = i + 1; }
    else if (c === 0x0d && b[i + 1] !== 0x0a) { line++; lineStart = i + 1; }
  }
  // Bytes before pos on this line are valid UTF-8 (pos is the first bad one), so decoding is exact.
  const column = new TextDecoder('utf-8').decode(b.subarray(lineStart, pos)).length + 1;
  return { line, column };
}

function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} bytes`;
}
