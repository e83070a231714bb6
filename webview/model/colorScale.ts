/**
 * Diverging colour scale for influence, centred at zero: harmful (negative) toward the
 * theme's red, helpful (positive) toward its blue, zero at the background colour. Pure.
 */

export type Rgb = readonly [number, number, number];

export interface DivergingScale {
  negative: Rgb;
  neutral: Rgb;
  positive: Rgb;
  /** |value| mapped to the full colour; larger values are clamped. */
  maxAbs: number;
}

/** Parses `#rgb`, `#rrggbb`, `#rrggbbaa`, `rgb(...)` and `rgba(...)` (alpha ignored); undefined otherwise. */
export function parseCssColor(s: string): Rgb | undefined {
  const t = s.trim();
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6}|[0-9a-f]{8})$/i.exec(t);
  if (hex) {
    const h = hex[1];
    if (h.length === 3) return [0, 1, 2].map((i) => parseInt(h[i] + h[i], 16)) as unknown as Rgb;
    return [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16)) as unknown as Rgb;
  }
  const fn = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)/i.exec(t);
  if (fn) return [1, 2, 3].map((i) => Math.min(255, Math.round(Number(fn[i])))) as unknown as Rgb;
  return undefined;
}

/**
 * The |value| that gets the full colour: the `q` quantile of |values| (so one outlier does
 * not wash out every other cell), never below the smallest non-zero |value|, 1 when all are 0.
 */
export function robustMaxAbs(values: ArrayLike<number>, q = 0.98): number {
  const abs: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const a = Math.abs(values[i]);
    if (a > 0 && Number.isFinite(a)) abs.push(a);
  }
  if (abs.length === 0) return 1;
  abs.sort((a, b) => a - b);
  return abs[Math.min(abs.length - 1, Math.floor(q * (abs.length - 1) + 0.5))];
}

/**
 * Strength 0..1 of a value's colour. The square root lifts small values so that rows with
 * modest influence remain distinguishable from zero; it is odd-symmetric by construction.
 */
export function intensity(v: number, maxAbs: number): number {
  if (!Number.isFinite(v) || maxAbs <= 0) return 0;
  return Math.sqrt(Math.min(1, Math.abs(v) / maxAbs));
}

export function divergingColor(v: number, scale: DivergingScale): Rgb {
  const t = intensity(v, scale.maxAbs);
  const end = v < 0 ? scale.negative : scale.positive;
  const n = scale.neutral;
  return [
    Math.round(n[0] + (end[0] - n[0]) * t),
    Math.round(n[1] + (end[1] - n[1]) * t),
    Math.round(n[2] + (end[2] - n[2]) * t),
  ];
}

export const rgbCss = (c: Rgb): string => `rgb(${c[0]}, ${c[1]}, ${c[2]})`;

/** Which side of zero a value is on, in the words the legend uses. */
export function side(v: number): 'harmful' | 'helpful' | 'neutral' {
  return v < 0 ? 'harmful' : v > 0 ? 'helpful' : 'neutral';
}
