/**
 * Pure parts of `npm run bench` (bench/run.ts): the FLOP formulas, the flattening of a
 * results file into comparable figures, the direction-aware baseline comparison, the
 * least-squares exponent on log-log axes and the scaling SVG. Nothing here times or
 * spawns anything, so the unit tests in test/bench/ exercise it directly.
 */
import type { AccelResults } from './accel';


/** Relative worsening at or above which `--compare` flags a figure. */
export const REGRESSION_THRESHOLD = 0.2;

// ---------------------------------------------------------------------------------------
// FLOP formulas (softmax regression; a multiply-add counts 2). They count the useful work
// of the generic algorithms of ALGORITHMS.md, not what one implementation happens to do.
//   E epochs, T = E·⌈n/B⌉ steps, K classes, d features (with intercept), p = d·K,
//   nnzX = nonzero entries of the n training rows, so Σ_t nnz(X_{S_t}) = E·nnzX exactly.
// ---------------------------------------------------------------------------------------

export interface CostShape {
  /** Training rows. */
  n: number;
  /** Parameters (d·K for softmax). */
  p: number;
  K: number;
  /** Nonzero feature entries over the training rows. */
  nnzX: number;
  epochs: number;
  /** Steps T. */
  T: number;
}

/**
 * Training: per step the logits X_B·W (2·nnz_B·K), the gradient X_Bᵀ·E (2·nnz_B·K) and the
 * update θ ← c·θ − s·g (3·p):  T·(4·nnz_B·K + 3p) = 4K·E·nnzX + 3T·p.
 */
export function trainFlops(s: CostShape): number {
  return 4 * s.K * s.epochs * s.nnzX + 3 * s.T * s.p;
}

/**
 * ACC-SGD-IE over M tracked rows: per step the batch Hessian applied to the M stacked
 * δ's, X_B·D then X_Bᵀ·(A∘U) (4·nnz_B·M·K), and the state update D ← c·D − s·HD (3·M·p):
 * T·(4·nnz_B·M·K + 3·M·p) = M·(4K·E·nnzX + 3T·p). Same form as training, times M.
 */
export function accFlops(s: CostShape, M: number): number {
  return M * (4 * s.K * s.epochs * s.nnzX + 3 * s.T * s.p);
}

/**
 * Exact LOO, M counterfactual models replayed as one stack: per step X_B·Θ and X_Bᵀ·E
 * (4·nnz_B·M·K) and the update (3·M·p): the same count as ACC over M rows.
 */
export function looFlops(s: CostShape, M: number): number {
  return accFlops(s, M);
}

/**
 * SGD-IE in reverse mode, one direction (the validation-loss query) for all rows at once:
 * per step the logits at θ_t (2·nnz_B·K), one HVP (4·nnz_B·K), every batch row's gradient
 * dotted with u (2·nnz_B·K) and the update of u (3p): T·(8·nnz_B·K + 3p).
 */
export function sgdIeFlops(s: CostShape): number {
  return 8 * s.K * s.epochs * s.nnzX + 3 * s.T * s.p;
}

export const FLOP_FORMULAS: { phase: string; formula: string }[] = [
  { phase: 'training', formula: 'T·(4·nnz_B·K + 3·p) = 4K·E·nnz(X) + 3·T·p' },
  { phase: 'SGD-IE (reverse, all rows)', formula: 'T·(8·nnz_B·K + 3·p)' },
  { phase: 'ACC-SGD-IE (M rows)', formula: 'T·(4·nnz_B·M·K + 3·M·p) = M·(4K·E·nnz(X) + 3·T·p)' },
  { phase: 'exact LOO (M rows, batched replay)', formula: 'T·(4·nnz_B·M·K + 3·M·p), the same count as ACC' },
];

// ---------------------------------------------------------------------------------------
// Figures and comparison.
// ---------------------------------------------------------------------------------------

export type Better = 'lower' | 'higher';

/** One comparable number of a results file. */
export interface Figure {
  /** Stable key, e.g. "spam-2k/acc/msAll". */
  key: string;
  value: number;
  unit: string;
  better: Better;
  /** Differences smaller than this (in `unit`) are never flagged (timer and scheduler noise). */
  minDelta?: number;
}

export interface Regression {
  key: string;
  unit: string;
  baseline: number;
  current: number;
  /** How much worse, as a fraction (0.25 = 25% worse). */
  worse: number;
}

export interface Comparison {
  regressions: Regression[];
  improved: { key: string; baseline: number; current: number; better: number }[];
  compared: number;
  /** Keys present in only one of the two files. */
  missing: string[];
  added: string[];
}

/**
 * How much worse `current` is than `baseline`, direction-aware, as a fraction of the
 * baseline: lower-is-better 100 → 125 is 0.25 worse; higher-is-better 100 → 75 is 0.25
 * worse. Negative = better. NaN when either is not a finite number.
 */
export function worseness(baseline: number, current: number, better: Better): number {
  if (!Number.isFinite(baseline) || !Number.isFinite(current)) return NaN;
  if (baseline === 0) return current === 0 ? 0 : (better === 'lower' ? (current > 0 ? Infinity : -Infinity) : (current < 0 ? Infinity : -Infinity));
  const rel = (current - baseline) / Math.abs(baseline);
  return better === 'lower' ? rel : -rel;
}

/**
 * Compare two lists of figures by key. A figure regresses when it is at least `threshold`
 * worse (direction-aware) and the absolute change is at least its `minDelta`.
 */
export function compareFigures(baseline: Figure[], current: Figure[], threshold = REGRESSION_THRESHOLD): Comparison {
  const base = new Map(baseline.map((f) => [f.key, f]));
  const cur = new Map(current.map((f) => [f.key, f]));
  const out: Comparison = { regressions: [], improved: [], compared: 0, missing: [], added: [] };
  for (const [key, b] of base) {
    const c = cur.get(key);
    if (!c) { out.missing.push(key); continue; }
    const w = worseness(b.value, c.value, c.better);
    if (Number.isNaN(w)) { out.regressions.push({ key, unit: c.unit, baseline: b.value, current: c.value, worse: NaN }); continue; }
    out.compared++;
    const delta = Math.abs(c.value - b.value);
    const floor = c.minDelta ?? b.minDelta ?? 0;
    // A tiny epsilon so that exactly 20% worse counts as "≥ 20%" despite rounding.
    if (w >= threshold - 1e-12 && delta >= floor) out.regressions.push({ key, unit: c.unit, baseline: b.value, current: c.value, worse: w });
    else if (w <= -threshold && delta >= floor) out.improved.push({ key, baseline: b.value, current: c.value, better: -w });
  }
  for (const key of cur.keys()) if (!base.has(key)) out.added.push(key);
  out.regressions.sort((a, b) => (b.worse || Infinity) - (a.worse || Infinity) || a.key.localeCompare(b.key));
  return out;
}

/** Human-readable report of a comparison (one regression per line). */
export function formatComparison(c: Comparison, threshold = REGRESSION_THRESHOLD): string {
  const lines: string[] = [];
  const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toPrecision(3));
  if (c.regressions.length === 0) {
    lines.push(`No figure is ${Math.round(threshold * 100)}% or more worse than the baseline (${c.compared} compared).`);
  } else {
    lines.push(`${c.regressions.length} figure(s) at least ${Math.round(threshold * 100)}% worse than the baseline (${c.compared} compared):`);
    for (const r of c.regressions) {
      const how = Number.isNaN(r.worse) ? 'not a finite number' : `${(100 * r.worse).toFixed(0)}% worse`;
      lines.push(`  - ${r.key}: ${fmt(r.baseline)} → ${fmt(r.current)} ${r.unit} (${how})`);
    }
  }
  if (c.improved.length > 0) lines.push(`${c.improved.length} figure(s) at least ${Math.round(threshold * 100)}% better: ${c.improved.map((i) => i.key).join(', ')}`);
  if (c.missing.length > 0) lines.push(`In the baseline but not measured now: ${c.missing.join(', ')}`);
  if (c.added.length > 0) lines.push(`New figures (no baseline): ${c.added.join(', ')}`);
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------
// Results schema (what run.ts writes) and its figures.
// ---------------------------------------------------------------------------------------

export interface PhaseResult {
  /** Rows whose influence was computed in the timed run (training: all). */
  rowsTimed: number;
  /** Rows of the dataset the all-rows figure refers to. */
  rowsAll: number;
  /** Wall time of the timed run, ms. */
  ms: number;
  /** All-rows wall time: measured, or ms · rowsAll / rowsTimed when extrapolated. */
  msAll: number;
  extrapolated: boolean;
  /** Process CPU time (user + system) during the timed run, ms; cpuMs / ms = parallelism used. */
  cpuMs: number;
  /** FLOPs of the timed run by the stated formula. */
  flop: number;
  /** flop / ms, in GFLOP/s. */
  gflops: number;
  /** gflops / the run's float64 peak. */
  fractionOfPeak: number;
  /** Peak resident set size of the child process during the phase alone, MiB. */
  peakRssMiB: number;
  /** Resident set size when the phase started (data, trajectory, runtime), MiB. */
  startRssMiB: number;
}

export interface DatasetResult {
  name: string;
  /** Training rows n, features d (with intercept), classes K, parameters p. */
  n: number; d: number; K: number; p: number;
  nnzX: number; density: number; sparse: boolean;
  T: number; epochs: number;
  phases: { train: PhaseResult; sgdIe: PhaseResult; acc: PhaseResult; loo: PhaseResult };
  ratios: { accOverTrain: number; sgdIeOverTrain: number; accOverLoo: number };
}

export interface ScalingPoint {
  n: number; nTrain: number; features: number; p: number;
  train: PhaseResult; sgdIe: PhaseResult; acc: PhaseResult;
}

export interface PeakEntry { size: number; gflops: number }
/** One matrix-product kernel's GFLOP/s at each square size, and the best of them. */
export interface BackendPeak { backend: string; precision: 'f64' | 'f32'; sizes: PeakEntry[]; peak: number; note?: string }
export interface ShapeEntry {
  name: string;
  /** C (m × n) = A (m × k) · B (k × n), or Aᵀ·B with A (k × m) when `transposeA`. */
  m: number; k: number; n: number; transposeA: boolean;
  /** Milliseconds per product; null when that backend was not available. */
  jsF64Ms: number;
  /** The register-blocked float64 kernel (NN form only). */
  jsF64BlockedMs: number | null;
  jsF32Ms: number;
  /** Our sparse kernel on a real batch of the dataset (CSR), when the shape comes from sparse data. */
  jsSparseMs: number | null;
  sparseDensity: number | null;
  wasmMs: number | null;
  /** Including the copy of B from a Float64Array into a float32 tensor (state kept in JS). */
  wasmUploadMs: number | null;
}

export interface BenchResults {
  schema: 1;
  mode: 'full' | 'quick';
  date: string;
  machine: { cpus: number; cpu: string; node: string; loadAvgStart: number[]; loadAvgEnd: number[] };
  protocol: { learningRate: number; batchSize: number; l2: number; epochs: number; seed: number; validationFraction: number; model: string };
  threads: { engine: number; note: string };
  /** The same phase timed with 1 and with 2 threads. */
  threadScaling: { dataset: string; phase: 'acc' | 'loo'; rows: number; threadsAsked: number; threadsUsed: number; ms1: number; ms2: number; speedup: number; cpuOverWall2: number }[];
  /** bench/accel.ts: the float32 accelerator against float64 on the same rows (absent with --no-accel). */
  accelerator?: AccelResults | null;
  /**
   * Kernels: js-gemmNN-f64 (the engine's), js-regblock-f64, their float32 twins, tfjs-wasm,
   * tfjs-cpu. f64 / f32 = the best peak over the kernels of that precision; f64 is the
   * denominator of every "fraction of peak".
   */
  peak: { kernels: BackendPeak[]; f64: number; f32: number; tfjsNote: string; shapes: ShapeEntry[] };
  datasets: DatasetResult[];
  scaling: { fixedFeatures: number; fixedN: number; trackedRows: number; byN: ScalingPoint[]; byP: ScalingPoint[]; exponents: Record<string, number> };
  editor: Record<string, number> | null;
  server: Record<string, number> | null;
  notes: string[];
  /** The engine measured: git commit, and whether src/ had uncommitted changes. */
  source: { commit: string; uncommittedSrc: boolean };
  totalSeconds: number;
}

const phaseNames = ['train', 'sgdIe', 'acc', 'loo'] as const;

/** Every comparable figure of a results file, with its direction. */
export function figuresOf(r: BenchResults): Figure[] {
  const f: Figure[] = [];
  const add = (key: string, value: number, unit: string, better: Better, minDelta?: number) => f.push({ key, value, unit, better, ...(minDelta !== undefined ? { minDelta } : {}) });
  add('peak/f64', r.peak.f64, 'GFLOP/s', 'higher');
  add('peak/f32', r.peak.f32, 'GFLOP/s', 'higher');
  for (const b of r.peak.kernels) add(`peak/${b.backend}`, b.peak, 'GFLOP/s', 'higher');
  for (const d of r.datasets) {
    for (const ph of phaseNames) {
      const p = d.phases[ph];
      add(`${d.name}/${ph}/msAll`, p.msAll, 'ms', 'lower', 20);
      add(`${d.name}/${ph}/fractionOfPeak`, p.fractionOfPeak, '', 'higher');
      add(`${d.name}/${ph}/peakRssMiB`, p.peakRssMiB, 'MiB', 'lower', 8);
    }
    add(`${d.name}/ratio/accOverTrain`, d.ratios.accOverTrain, '×', 'lower');
    add(`${d.name}/ratio/sgdIeOverTrain`, d.ratios.sgdIeOverTrain, '×', 'lower');
    add(`${d.name}/ratio/accOverLoo`, d.ratios.accOverLoo, '×', 'lower');
  }
  for (const [axis, pts] of [['n', r.scaling.byN], ['p', r.scaling.byP]] as const) {
    for (const pt of pts) {
      const at = axis === 'n' ? pt.n : pt.features;
      for (const ph of ['train', 'sgdIe', 'acc'] as const) add(`scaling/${axis}=${at}/${ph}/msAll`, pt[ph].msAll, 'ms', 'lower', 20);
    }
  }
  for (const [k, v] of Object.entries(r.scaling.exponents)) add(`scaling/exponent/${k}`, v, '', 'lower');
  for (const t of r.threadScaling ?? []) add(`threads/${t.dataset}/${t.phase}/speedup`, t.speedup, '×', 'higher');
  for (const a of r.accelerator?.rows ?? []) {
    add(`accel/${a.name}/speedup`, a.speedup, '×', 'higher');
    add(`accel/${a.name}/ofWasmPeak`, a.ofWasmPeak, '', 'higher');
  }
  if (r.accelerator?.threads) add(`accel/threads/speedup`, r.accelerator.threads.speedup, '×', 'higher');
  if (r.editor) for (const [k, v] of Object.entries(r.editor)) add(`editor/${k}`, v, 'ms', 'lower', 2);
  if (r.server) for (const [k, v] of Object.entries(r.server)) add(`server/${k}`, v, 'ms', 'lower', 5);
  return f;
}

/**
 * Problems with a results file: missing sections, and any figure that is not a finite
 * number (NaN, ±∞). Empty when the file is sound.
 */
export function validateResults(r: BenchResults): string[] {
  const errs: string[] = [];
  if (r.schema !== 1) errs.push(`schema is ${String(r.schema)}, expected 1`);
  if (r.mode !== 'full' && r.mode !== 'quick') errs.push(`mode is ${String(r.mode)}`);
  if (!r.peak?.kernels?.some((k) => k.precision === 'f64' && k.sizes.length > 0)) errs.push('no float64 peak measured');
  if (!r.datasets?.length) errs.push('no dataset measured');
  if (!r.scaling?.byN?.length || !r.scaling?.byP?.length) errs.push('no scaling points');
  const walk = (v: unknown, at: string) => {
    if (typeof v === 'number') { if (!Number.isFinite(v)) errs.push(`${at} is ${v}`); return; }
    if (Array.isArray(v)) { v.forEach((x, i) => walk(x, `${at}[${i}]`)); return; }
    if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, at ? `${at}.${k}` : k);
  };
  walk(r, '');
  for (const fig of figuresOf(r)) if (!Number.isFinite(fig.value)) errs.push(`figure ${fig.key} is ${fig.value}`);
  return [...new Set(errs)];
}

// ---------------------------------------------------------------------------------------
// Least squares on log-log axes.
// ---------------------------------------------------------------------------------------

/** Fit log y = a + b·log x; returns the exponent b (NaN with fewer than two usable points). */
export function fitExponent(xs: number[], ys: number[]): number {
  const pts = xs.map((x, i) => [x, ys[i]]).filter(([x, y]) => x > 0 && y > 0 && Number.isFinite(x) && Number.isFinite(y));
  if (pts.length < 2) return NaN;
  const lx = pts.map(([x]) => Math.log(x)), ly = pts.map(([, y]) => Math.log(y));
  const mx = lx.reduce((s, v) => s + v, 0) / lx.length, my = ly.reduce((s, v) => s + v, 0) / ly.length;
  let sxy = 0, sxx = 0;
  for (let i = 0; i < lx.length; i++) { sxy += (lx[i] - mx) * (ly[i] - my); sxx += (lx[i] - mx) ** 2; }
  return sxx === 0 ? NaN : sxy / sxx;
}

// ---------------------------------------------------------------------------------------
// Hand-written SVG: log-log panels with a legend that carries the fitted exponent.
// ---------------------------------------------------------------------------------------

export interface Series { label: string; xs: number[]; ys: number[]; color: string; dashed?: boolean }
export interface Panel { title: string; xLabel: string; yLabel: string; series: Series[] }

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Powers of ten (and 2×, 5× when the range is short) inside [lo, hi]. */
export function logTicks(lo: number, hi: number): number[] {
  const out: number[] = [];
  const e0 = Math.floor(Math.log10(lo)), e1 = Math.ceil(Math.log10(hi));
  const mult = e1 - e0 <= 2 ? [1, 2, 5] : [1];
  for (let e = e0; e <= e1; e++) for (const m of mult) { const v = m * 10 ** e; if (v >= lo * 0.999 && v <= hi * 1.001) out.push(v); }
  return out;
}

function tickLabel(v: number): string {
  if (v >= 1e6) return `${+(v / 1e6).toPrecision(3)}M`;
  if (v >= 1e3) return `${+(v / 1e3).toPrecision(3)}k`;
  return `${+v.toPrecision(3)}`;
}

function panelSvg(p: Panel, x0: number, y0: number, w: number, h: number): string {
  const m = { l: 62, r: 12, t: 26, b: 44 };
  const legendH = 16 * p.series.length + 6;
  const pw = w - m.l - m.r, ph = h - m.t - m.b - legendH;
  const all = p.series.flatMap((s) => s.xs.map((x, i) => [x, s.ys[i]])).filter(([x, y]) => x > 0 && y > 0 && Number.isFinite(y));
  const xsAll = all.map(([x]) => x), ysAll = all.map(([, y]) => y);
  const pad = (lo: number, hi: number): [number, number] => (lo === hi ? [lo / 2, hi * 2] : [lo / 1.15, hi * 1.15]);
  const [xlo, xhi] = pad(Math.min(...xsAll), Math.max(...xsAll));
  const [ylo, yhi] = pad(Math.min(...ysAll), Math.max(...ysAll));
  const sx = (x: number) => x0 + m.l + ((Math.log(x) - Math.log(xlo)) / (Math.log(xhi) - Math.log(xlo))) * pw;
  const sy = (y: number) => y0 + m.t + ph - ((Math.log(y) - Math.log(ylo)) / (Math.log(yhi) - Math.log(ylo))) * ph;
  const out: string[] = [];
  out.push(`<g class="panel"><title>${esc(p.title)}</title>`);
  out.push(`<text x="${x0 + m.l + pw / 2}" y="${y0 + 16}" text-anchor="middle" font-weight="bold">${esc(p.title)}</text>`);
  out.push(`<rect x="${x0 + m.l}" y="${y0 + m.t}" width="${pw}" height="${ph}" fill="none" stroke="#888"/>`);
  for (const t of logTicks(xlo, xhi)) {
    const X = sx(t).toFixed(1);
    out.push(`<line x1="${X}" y1="${y0 + m.t}" x2="${X}" y2="${y0 + m.t + ph}" stroke="#ddd"/>`);
    out.push(`<text x="${X}" y="${y0 + m.t + ph + 14}" text-anchor="middle" font-size="10">${tickLabel(t)}</text>`);
  }
  for (const t of logTicks(ylo, yhi)) {
    const Y = sy(t).toFixed(1);
    out.push(`<line x1="${x0 + m.l}" y1="${Y}" x2="${x0 + m.l + pw}" y2="${Y}" stroke="#ddd"/>`);
    out.push(`<text x="${x0 + m.l - 4}" y="${(+Y + 3).toFixed(1)}" text-anchor="end" font-size="10">${tickLabel(t)}</text>`);
  }
  out.push(`<text x="${x0 + m.l + pw / 2}" y="${y0 + m.t + ph + 30}" text-anchor="middle" font-size="11">${esc(p.xLabel)} (log)</text>`);
  out.push(`<text transform="translate(${x0 + 14},${y0 + m.t + ph / 2}) rotate(-90)" text-anchor="middle" font-size="11">${esc(p.yLabel)} (log)</text>`);
  p.series.forEach((s, si) => {
    const pts = s.xs.map((x, i) => [x, s.ys[i]]).filter(([x, y]) => x > 0 && y > 0 && Number.isFinite(y));
    const dash = s.dashed ? ' stroke-dasharray="5 3"' : '';
    if (pts.length > 1) out.push(`<polyline fill="none" stroke="${s.color}" stroke-width="1.8"${dash} points="${pts.map(([x, y]) => `${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join(' ')}"/>`);
    for (const [x, y] of pts) out.push(`<circle cx="${sx(x).toFixed(1)}" cy="${sy(y).toFixed(1)}" r="2.6" fill="${s.color}"><title>${esc(`${s.label}: ${tickLabel(x)} → ${+y.toPrecision(3)}`)}</title></circle>`);
    const b = fitExponent(s.xs, s.ys);
    const ly = y0 + m.t + ph + 44 + 16 * si;
    out.push(`<line x1="${x0 + m.l}" y1="${ly - 4}" x2="${x0 + m.l + 22}" y2="${ly - 4}" stroke="${s.color}" stroke-width="2"${dash}/>`);
    out.push(`<text x="${x0 + m.l + 28}" y="${ly}" font-size="11">${esc(s.label)}: slope ${Number.isFinite(b) ? b.toFixed(2) : 'n/a'}</text>`);
  });
  out.push('</g>');
  return out.join('\n');
}

/** A grid of log-log panels (2 per row) as a standalone SVG document. */
export function scalingSvg(panels: Panel[], caption: string): string {
  const W = 460, H = 330, cols = 2;
  const rows = Math.ceil(panels.length / cols);
  const width = W * cols, height = H * rows + 34;
  const body = panels.map((p, i) => panelSvg(p, (i % cols) * W, Math.floor(i / cols) * H, W, H)).join('\n');
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    body,
    `<text x="8" y="${height - 12}" font-size="11" fill="#444">${esc(caption)}</text>`,
    '</svg>',
    '',
  ].join('\n');
}
