/**
 * Data-layer throughput: decode + parse + schema + split + featurize on generated data.
 * - 100 000 rows × 20 columns of mixed CSV (12 numeric with ~2% missing, 7 categorical,
 *   one 3-class label); target: under 2 s on the 2-core dev machine.
 * - 20 000 rows of text JSONL (a 40-120 word message and a spam/ham label).
 * Data come from a seeded generator, so every run times the same bytes.
 * Usage: npm run bench:data   (writes bench/data-results.json)
 */
import { writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  decodeDataset, featurize, inferSchema, parseTable, splitStrata, stratifiedSplit,
} from '../src/core/data/index';
import { createRng, type Rng } from '../src/core/rng';

const REPEATS = 3;
const CSV_ROWS = 100_000;
const JSONL_ROWS = 20_000;
const TARGET_SECONDS = 2;

function mixedCsv(rows: number, rng: Rng): string {
  const numeric = 12, categorical = 7;
  const header = [
    ...Array.from({ length: numeric }, (_, j) => `x${j}`),
    ...Array.from({ length: categorical }, (_, j) => `c${j}`),
    'label',
  ];
  const levels = Array.from({ length: categorical }, (_, j) => Array.from({ length: 3 + 4 * j }, (_, k) => `lvl${j}_${k}`));
  const lines: string[] = [header.join(',')];
  for (let r = 0; r < rows; r++) {
    const cells: string[] = [];
    for (let j = 0; j < numeric; j++) {
      cells.push(rng.next() < 0.02 ? (rng.next() < 0.5 ? '' : 'NA') : (rng.normal() * 10 ** (j % 4)).toFixed(4));
    }
    for (let j = 0; j < categorical; j++) {
      cells.push(rng.next() < 0.02 ? '?' : levels[j][rng.int(levels[j].length)]);
    }
    cells.push(['alpha', 'beta', 'gamma'][rng.int(3)]);
    lines.push(cells.join(','));
  }
  return `${lines.join('\n')}\n`;
}

function textJsonl(rows: number, rng: Rng): string {
  const vocabulary = Array.from({ length: 5000 }, (_, k) => `w${k.toString(36)}${'xyz'[k % 3]}`);
  const lines: string[] = [];
  for (let r = 0; r < rows; r++) {
    const words = 40 + rng.int(81);
    const parts: string[] = [];
    for (let w = 0; w < words; w++) parts.push(vocabulary[Math.floor(vocabulary.length * rng.next() ** 2)]);
    if (rng.next() < 0.3) parts.push('<a href="http://example.com/?x=1&y=2">Click</a>');
    lines.push(JSON.stringify({ id: r, text: parts.join(' '), label: rng.next() < 0.4 ? 'spam' : 'ham' }));
  }
  return `${lines.join('\n')}\n`;
}

interface Timing { decode: number; parse: number; schema: number; split: number; featurize: number; total: number }

/** Process CPU seconds (user + system, all threads: includes V8's parallel GC helpers). */
function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

function run(bytes: Uint8Array, file: string, format: 'csv' | 'jsonl'): { timing: Timing; cpu: number; rows: number; cols: number; kind: string } {
  const c0 = cpuSeconds();
  const t0 = performance.now();
  const text = decodeDataset(bytes, file);
  const t1 = performance.now();
  const table = parseTable(text, file, format);
  const t2 = performance.now();
  const schema = inferSchema(table);
  const t3 = performance.now();
  const split = stratifiedSplit(splitStrata(table, schema), 0.2, 0);
  const t4 = performance.now();
  const data = featurize(table, schema, split);
  const t5 = performance.now();
  const cpu = cpuSeconds() - c0;
  const s = (a: number, b: number): number => (b - a) / 1000;
  return {
    cpu,
    timing: { decode: s(t0, t1), parse: s(t1, t2), schema: s(t2, t3), split: s(t3, t4), featurize: s(t4, t5), total: s(t0, t5) },
    rows: table.rows.length,
    cols: data.X.cols,
    kind: data.X.kind,
  };
}

function bench(name: string, text: string, file: string, format: 'csv' | 'jsonl'): Record<string, unknown> {
  const bytes = new TextEncoder().encode(text);
  const runs = Array.from({ length: REPEATS }, () => run(bytes, file, format));
  const best = runs.reduce((a, b) => (b.timing.total < a.timing.total ? b : a));
  const mb = bytes.length / (1024 * 1024);
  const result = {
    name,
    bytes: bytes.length,
    rows: best.rows,
    featureColumns: best.cols,
    matrix: best.kind,
    repeats: REPEATS,
    bestSeconds: Object.fromEntries(Object.entries(best.timing).map(([k, v]) => [k, Number(v.toFixed(4))])),
    bestCpuSeconds: Number(best.cpu.toFixed(4)),
    allTotalSeconds: runs.map((r) => Number(r.timing.total.toFixed(4))),
    allCpuSeconds: runs.map((r) => Number(r.cpu.toFixed(4))),
    rowsPerSecond: Math.round(best.rows / best.timing.total),
    mbPerSecond: Number((mb / best.timing.total).toFixed(2)),
  };
  const phases = Object.entries(best.timing).map(([k, v]) => `${k} ${v.toFixed(3)}s`).join(', ');
  console.log(`${name}: ${best.rows} rows, ${mb.toFixed(1)} MiB -> ${best.cols} ${best.kind} features`);
  console.log(`  best of ${REPEATS}: ${phases} (process CPU ${best.cpu.toFixed(3)}s)`);
  console.log(`  all runs, wall: ${result.allTotalSeconds.join(', ')} s; CPU: ${result.allCpuSeconds.join(', ')} s`);
  console.log(`  ${result.rowsPerSecond.toLocaleString('en-US')} rows/s, ${result.mbPerSecond} MiB/s`);
  return result;
}

const loadAtStart = os.loadavg()[0];
const rng = createRng(12345);
const csv = bench('mixed-csv-100k-x20', mixedCsv(CSV_ROWS, rng.fork(1)), 'bench.csv', 'csv');
const jsonl = bench('text-jsonl-20k', textJsonl(JSONL_ROWS, rng.fork(2)), 'bench.jsonl', 'jsonl');
const csvTotal = (csv.bestSeconds as Timing).total;
console.log(`target: 100k x 20 CSV under ${TARGET_SECONDS} s -> ${csvTotal.toFixed(3)} s ${csvTotal < TARGET_SECONDS ? 'MET' : 'NOT MET'}`);
const out = {
  date: new Date().toISOString(),
  node: process.version,
  cpus: os.cpus().length,
  cpuModel: os.cpus()[0]?.model ?? 'unknown',
  loadAverage1mAtStart: Number(loadAtStart.toFixed(2)),
  loadAverage1mAtEnd: Number(os.loadavg()[0].toFixed(2)),
  targetSeconds: TARGET_SECONDS,
  targetMet: csvTotal < TARGET_SECONDS,
  results: [csv, jsonl],
};
writeFileSync(path.join(__dirname, 'data-results.json'), `${JSON.stringify(out, null, 2)}\n`);
