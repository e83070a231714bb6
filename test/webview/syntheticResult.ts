/**
 * A deterministic synthetic `ScanResult` of any size (rows × windows) for the view tests,
 * bench/webview.ts and the screenshot harness. Shapes follow the four patterns so the charts
 * look like real scans; window influences add up to the row's total, as the cumulative
 * window influence does (ALGORITHMS.md §4). Not produced by the engine: for the view only.
 */
import { createRng } from '../../src/core/rng';
import type { Pattern, RowRecord, ScanResult } from '../../src/core/report/types';
import { SCHEMA_VERSION } from '../../src/core/report/types';
import { DEFAULT_SETTINGS } from '../../src/core/settings';
import { PATTERNS } from '../../src/shared/webviewMessages';

export interface SyntheticOptions {
  rows: number;
  windows: number;
  classes?: string[];
  seed?: number;
  /** 1-based file line of data row i (default: i + 2, a CSV with a header). */
  lineOf?: (row: number) => number;
  /** Data rows forced to be the most harmful, in this order (e.g. a row with hostile text). */
  mostHarmful?: number[];
  file?: string;
}

export function syntheticScan(o: SyntheticOptions): ScanResult {
  const rng = createRng(o.seed ?? 7);
  const classes = o.classes ?? ['a', 'b', 'c'];
  const W = o.windows;
  const rows: RowRecord[] = [];
  const counts: Record<Pattern, number> = { 'highly-fluctuating': 0, 'early-influencer': 0, 'late-bloomer': 0, stable: 0 };
  for (let i = 0; i < o.rows; i++) {
    const pattern = PATTERNS[[2, 0, 0, 1, 3, 0, 3, 1][rng.int(8)] ?? 0];
    counts[pattern]++;
    // Moderately heavy-tailed size; most rows helpful, a minority harmful.
    const size = 0.002 * Math.exp(0.7 * rng.normal());
    const sign = rng.next() < 0.3 ? -1 : 1;
    const windows: number[] = [];
    const inWindow: number[] = [];
    for (let w = 0; w < W; w++) {
      const t = W > 1 ? w / (W - 1) : 0;
      const shape = pattern === 'early-influencer' ? Math.exp(-4 * t)
        : pattern === 'late-bloomer' ? Math.exp(-4 * (1 - t))
          : pattern === 'highly-fluctuating' ? (w % 2 === 0 ? 1 : -0.8)
            : 0.5;
      const v = (sign * size * shape) / Math.max(1, W / 4) + 0.0002 * rng.normal() * size;
      windows.push(v);
      inWindow.push(v * (1.1 + 0.2 * rng.normal()));
    }
    const influence = windows.reduce((a, b) => a + b, 0);
    const label = classes[rng.int(classes.length)];
    const flip = rng.next() < 0.08;
    const predicted = flip ? classes[(classes.indexOf(label) + 1) % classes.length] : label;
    const trainLoss = (flip ? 1.5 : 0.2) * (0.5 + rng.next());
    const selfInfluence = 0.1 * rng.next();
    rows.push({
      row: i, line: o.lineOf ? o.lineOf(i) : i + 2, endLine: o.lineOf ? o.lineOf(i) : i + 2, label, predicted,
      confidence: 0.5 + 0.49 * rng.next(), influence, selfInfluence, trainLoss, looLoss: trainLoss + selfInfluence,
      flagged: false, reasons: [], rankHarmful: 0, rankSuspect: 0, windows, inWindow, pattern,
      hash: (Math.imul(i + 1, 2654435761) >>> 0).toString(16).padStart(16, '0'),
    });
  }
  (o.mostHarmful ?? []).forEach((r, k) => {
    const row = rows[r];
    const scale = (-0.05 * (1 - k * 0.1)) / Math.max(1, W / 4);
    row.windows = row.windows.map((_, w) => scale * (1 + 0.3 * Math.sin(w)));
    row.inWindow = row.windows.map((v) => v * 1.2);
    row.influence = row.windows.reduce((a, b) => a + b, 0);
    row.predicted = classes.find((c) => c !== row.label) ?? row.label;
    row.looLoss = 5 - k;
  });
  const byHarm = [...rows].sort((a, b) => a.influence - b.influence || a.row - b.row);
  byHarm.forEach((r, k) => { r.rankHarmful = k + 1; });
  const bySuspect = [...rows].sort((a, b) => b.looLoss! - a.looLoss! || a.row - b.row);
  bySuspect.forEach((r, k) => { r.rankSuspect = k + 1; });
  const topK = Math.max(1, Math.round(o.rows * 0.05));
  for (const r of byHarm.slice(0, topK)) { r.flagged = true; r.reasons.push('harmful'); }
  for (const r of bySuspect.slice(0, topK)) { r.flagged = true; r.reasons.push('label-suspect'); }
  const epochs = Array.from({ length: W }, (_, e) => ({
    epoch: e + 1,
    trainLoss: 0.25 + 0.9 * Math.exp(-e / 3),
    valLoss: 0.35 + 0.8 * Math.exp(-e / 3) + 0.004 * e,
    trainAccuracy: 0.95 - 0.5 * Math.exp(-e / 2.5),
    valAccuracy: 0.9 - 0.5 * Math.exp(-e / 2.5) - 0.002 * e,
  }));
  const last = epochs[W - 1];
  return {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'influence-lens', version: '0.0.0-synthetic' },
    file: o.file ?? '/data/synthetic.csv',
    format: 'csv',
    contentHash: '0'.repeat(64),
    settings: { ...DEFAULT_SETTINGS, learningRateUsed: 0.1, modelUsed: 'softmax', estimatorUsed: 'acc' },
    lrSearch: [],
    data: {
      rows: o.rows, columns: ['text', 'label'], labelColumn: 'label', task: 'classification', classes, features: 64,
      trainRows: o.rows, validationRows: [], skipped: [],
    },
    metrics: {
      epochs, valLoss: last?.valLoss ?? 0, valAccuracy: last?.valAccuracy ?? 0, trainAccuracy: last?.trainAccuracy ?? 0,
      majorityRate: 1 / classes.length, beatsMajority: true,
    },
    windows: { boundaries: Array.from({ length: W + 1 }, (_, w) => w * 100), labels: Array.from({ length: W }, (_, w) => `epoch ${w + 1}`) },
    patterns: counts,
    warnings: [],
    flaggedCount: rows.filter((r) => r.flagged).length,
    rows,
  };
}
