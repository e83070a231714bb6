/**
 * Number and text formatting for the Influence View. Pure: no DOM access, tested in node.
 * Dataset strings are always shown with `textContent`; `displayText` additionally makes
 * invisible or reordering characters visible so what a user reads is what the file holds.
 */

const MINUS = '\u2212';

/** A signed number with a real minus sign, e.g. "−0.031" / "+0.012"; tiny values in exponent form. */
export function formatSigned(v: number, digits = 3): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const abs = Math.abs(v);
  const body = abs < 10 ** -digits || abs >= 1e6 ? abs.toExponential(2) : abs.toFixed(digits);
  return (v < 0 ? MINUS : '+') + body;
}

/** A non-negative figure (loss) with `digits` decimals. */
export function formatNumber(v: number, digits = 3): string {
  if (!Number.isFinite(v)) return String(v);
  const s = Math.abs(v) >= 1e6 || (v !== 0 && Math.abs(v) < 10 ** -digits) ? v.toExponential(2) : v.toFixed(digits);
  return s.replace('-', MINUS);
}

/** A fraction 0..1 as a percentage, e.g. "94.2%". */
export function formatPercent(p: number, digits = 1): string {
  return Number.isFinite(p) ? `${(p * 100).toFixed(digits)}%` : String(p);
}

/** An integer with thin-space thousands separators, e.g. "10 000" (locale-independent, deterministic). */
export function formatCount(n: number): string {
  return String(Math.trunc(n)).replace(/\B(?=(\d{3})+(?!\d))/g, '\u202f');
}

/**
 * Unicode bidirectional controls (embeddings, overrides, isolates, marks) and other
 * invisible format characters: they can make displayed text read differently from what the
 * file holds ("Trojan Source"), so they are shown as visible code points instead.
 */
const INVISIBLE = /[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;

/** Longest text shown for one cell before it is cut (the full value stays in the file). */
export const MAX_DISPLAY_CHARS = 2000;

/**
 * A dataset string made safe to *read*: invisible/bidi characters become `⟨U+202E⟩`, and a
 * very long value is cut with a note of how much was left out. The result must still be
 * put into the page with `textContent` (it is not HTML-escaped, because it is never HTML).
 */
export function displayText(s: string, max = MAX_DISPLAY_CHARS): string {
  let cut = s;
  let more = 0;
  if (s.length > max) {
    let end = max;
    // Do not split a surrogate pair.
    const code = s.charCodeAt(end - 1);
    if (code >= 0xd800 && code <= 0xdbff) end -= 1;
    cut = s.slice(0, end);
    more = s.length - end;
  }
  const shown = cut.replace(INVISIBLE, (c) => `\u27e8U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}\u27e9`);
  return more > 0 ? `${shown}\u2026 (${formatCount(more)} more characters)` : shown;
}

const PATTERN_NAMES: Record<string, string> = {
  'highly-fluctuating': 'Highly fluctuating',
  'early-influencer': 'Early influencer',
  'late-bloomer': 'Late bloomer',
  stable: 'Stable',
};
const PATTERN_MEANINGS: Record<string, string> = {
  'highly-fluctuating': 'its influence changes sign between windows at least half the time',
  'early-influencer': 'its influence is strongest early in training and fades',
  'late-bloomer': 'its influence grows as training goes on',
  stable: 'its influence stays about the same across training',
};

export const patternName = (p: string): string => PATTERN_NAMES[p] ?? p;
export const patternMeaning = (p: string): string => PATTERN_MEANINGS[p] ?? '';

/** Influence in words: negative means removing the row lowers validation loss. */
export function influenceWords(v: number): string {
  if (v < 0) return `harmful: removing it lowers validation loss by ${formatNumber(-v, 4)}`;
  if (v > 0) return `helpful: removing it raises validation loss by ${formatNumber(v, 4)}`;
  return 'no measurable effect on validation loss';
}
