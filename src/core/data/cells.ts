/**
 * How single cells are read: missing-value tokens, numbers, labels. One definition shared by
 * schema inference, the split and featurization so that they never disagree about a cell.
 */
import type { Cell } from './types';

/** Missing-value tokens, compared case-insensitively after trimming; JSON null is missing too. */
export const MISSING_TOKENS: readonly string[] = ['', '?', 'na', 'n/a', 'null', 'nan'];
const MISSING = new Set(MISSING_TOKENS);
const LONGEST_MISSING = 4;

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 0xa0 || c === 0xfeff;
}

/** The cell without surrounding white space (no copy when there is none). */
export function trimCell(s: string): string {
  return s.length > 0 && (isSpace(s.charCodeAt(0)) || isSpace(s.charCodeAt(s.length - 1))) ? s.trim() : s;
}

export function isMissing(c: Cell): boolean {
  if (c === null) return true;
  const s = trimCell(c);
  if (s.length === 0) return true;
  if (s.length > LONGEST_MISSING) return false;
  // Every token but '' and '?' starts with n/N: most cells are decided by one character.
  const c0 = s.charCodeAt(0);
  if (c0 === 63) return s.length === 1;
  return (c0 | 32) === 110 && MISSING.has(s.toLowerCase());
}

/**
 * The number a non-missing cell spells, or NaN when it is not a plain decimal literal
 * (hex, binary and octal prefixes are text here). `Infinity`, `inf` and overflowing
 * literals such as `1e400` give ±Infinity, so a numeric column can report them.
 */
export function parseNumber(raw: string): number {
  const s = trimCell(raw);
  const n = s.length;
  if (n === 0) return NaN;
  const c0 = s.charCodeAt(0);
  let k = c0 === 43 || c0 === 45 ? 1 : 0; // sign
  const c = s.charCodeAt(k);
  if ((c >= 48 && c <= 57) || c === 46) {
    if (c === 48 && k + 1 < n) {
      const p = s.charCodeAt(k + 1) | 32;
      if (p === 120 || p === 98 || p === 111) return NaN; // 0x 0b 0o
    }
    return fastDecimal(s, k, c0 === 45) ?? Number(s);
  }
  const word = s.slice(k).toLowerCase();
  if (word === 'inf' || word === 'infinity') return c0 === 45 ? -Infinity : Infinity;
  return NaN;
}

/**
 * Plain decimals ("-12.3456") with at most 15 significant digits and at most 22 decimals,
 * computed as integer / 10^k: both are exact doubles, so the quotient is correctly rounded
 * and equals Number(s) (Clinger's fast path). Anything else -> undefined (use Number).
 */
function fastDecimal(s: string, from: number, negative: boolean): number | undefined {
  let mantissa = 0, digits = 0, decimals = 0, dot = false;
  for (let i = from; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (digits > 0 || c !== 48) digits++;
      mantissa = mantissa * 10 + (c - 48);
      if (dot) decimals++;
    } else if (c === 46 && !dot) dot = true;
    else return undefined;
  }
  if (digits > 15 || decimals > 22 || (dot && s.length - from === 1)) return undefined;
  const v = decimals === 0 ? mantissa : mantissa / POW10[decimals];
  return negative ? -v : v;
}

const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);

/** The label of a cell: trimmed text, or null when missing. */
export function labelOf(c: Cell): string | null {
  return isMissing(c) ? null : trimCell(c as string);
}
