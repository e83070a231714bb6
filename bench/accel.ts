/**
 * The float32 accelerator against the float64 JS kernels, measured in one run:
 *
 *   npm run bench:accel [-- --quick] [-- --out bench/accel]   (also a section of npm run bench)
 *
 * For each dense dataset: train once (the bench protocol: softmax, η = 0.1, batch 32,
 * λ = 1e-3, 20 epochs), then run ACC-SGD-IE (val-loss influence + self-influence) on the same
 * rows with the float64 fused state and with the accelerator's float32 state. Reports both
 * wall times and their ratio, the accelerator's throughput as a fraction of the tfjs wasm
 * matMul peak measured in the same run, and how closely the float32 scores follow the
 * float64 ones (Pearson, Spearman, Kendall, top-10 overlap, max relative difference).
 */
import { writeFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { loadAccelerator } from '../src/accel/loader';
import { runForward, runForwardHere } from '../src/core/influence/forward';
import { jaccardTopK, kendallTau, pearson, spearman } from '../src/core/influence/metrics';
import type { EstimateRequest, InfluenceContext } from '../src/core/influence/types';
import { selectRows } from '../src/core/linalg/features';
import { createModel } from '../src/core/model';
import { train } from '../src/core/train';
import { createRowWorkers } from '../src/parallel/rowWorkers';
import { loadDataset } from './datasets';
import { generateDataset, spacedRows, type GeneratedSpec } from './phase';

const PROTOCOL = { learningRate: 0.1, batchSize: 32, l2: 1e-3, seed: 0, validationFraction: 0.2, epochs: 20 } as const;

interface Plan { name: string; data: string | { gen: GeneratedSpec }; rows?: number }

interface Agreement { pearson: number; spearman: number; kendall: number; top10: number; maxRel: number }

export interface AccelRow {
  name: string; n: number; d: number; K: number; density: number; rows: number; T: number;
  f64Ms: number; f32Ms: number; speedup: number;
  /** State-product FLOPs of the float32 run: T·4·b·d·M·kk (two dense products per step). */
  gflop: number; gflops: number; ofWasmPeak: number;
  /** Would `runForward` choose the accelerator for all rows of this set? */
  chosen: boolean;
  val: Agreement; self: Agreement;
}

function agreement(a: Float64Array, b: Float64Array): Agreement {
  let maxAbs = 0, maxDiff = 0;
  for (let i = 0; i < b.length; i++) { maxAbs = Math.max(maxAbs, Math.abs(b[i])); maxDiff = Math.max(maxDiff, Math.abs(a[i] - b[i])); }
  return { pearson: pearson(a, b), spearman: spearman(a, b), kendall: kendallTau(a, b), top10: jaccardTopK(a, b, Math.min(10, a.length)), maxRel: maxAbs > 0 ? maxDiff / maxAbs : 0 };
}

function context(plan: Plan): { ctx: InfluenceContext; K: number } {
  const { data, split } = typeof plan.data === 'string'
    ? loadDataset(plan.data, { validationFraction: PROTOCOL.validationFraction, seed: PROTOCOL.seed })
    : generateDataset(plan.data.gen, PROTOCOL.validationFraction);
  const X = selectRows(data.X, split.train), y = Float64Array.from(split.train, (r) => data.y[r]);
  const Xval = selectRows(data.X, split.validation), yval = Float64Array.from(split.validation, (r) => data.y[r]);
  const K = data.classes.length;
  const model = createModel({ kind: 'softmax', d: X.cols, classes: K, task: 'classification', hiddenUnits: 16, activation: 'tanh' });
  const run = train(model, { X, y, Xval, yval }, { ...PROTOCOL, lrSchedule: 'constant', trajectoryBudgetMiB: 1024 });
  return { ctx: { model, traj: run.trajectory, X, y, Xval, yval, l2: PROTOCOL.l2 }, K };
}

function density(ctx: InfluenceContext): number {
  const X = ctx.X;
  if (X.kind === 'sparse') return X.indptr[X.rows] / (X.rows * X.cols);
  let nz = 0;
  for (let i = 0; i < X.data.length; i++) if (X.data[i] !== 0) nz++;
  return nz / X.data.length;
}

/** Best square float32 matMul rate on the wasm backend (its ops run synchronously: no read-back needed). */
function wasmPeak(): number {
  let best = 0;
  for (const s of [256, 512, 1024]) {
    const a = tf.randomNormal([s, s]), b = tf.randomNormal([s, s]);
    tf.matMul(a, b).dispose();
    let ms = Infinity;
    const until = performance.now() + 300;
    for (let r = 0; r < 10 || performance.now() < until; r++) {
      const t0 = performance.now();
      tf.matMul(a, b).dispose();
      ms = Math.min(ms, performance.now() - t0);
    }
    a.dispose(); b.dispose();
    best = Math.max(best, (2 * s ** 3) / ms / 1e6);
  }
  return best;
}

const fmt = (x: number, d = 3): string => (Number.isFinite(x) ? x.toFixed(d) : String(x));

export interface AccelThreads { name: string; ms1: number; ms2: number; speedup: number; bitIdentical: boolean }

export interface AccelResults {
  date: string;
  quick: boolean;
  /** tfjs wasm matMul peak, float32 GFLOP/s, measured in the same run. */
  wasmPeakGflops: number;
  protocol: typeof PROTOCOL;
  rows: AccelRow[];
  threads: AccelThreads | null;
}

export async function measureAccelerator(quick: boolean): Promise<AccelResults> {
  const load = await loadAccelerator('wasm');
  if (!load.accelerator) throw new Error(`no accelerator: ${load.note}`);
  const accel = load.accelerator;
  const peak = wasmPeak();
  const plans: Plan[] = quick
    ? [{ name: 'breast_cancer', data: 'breast_cancer' }, { name: 'generated-4000x100', data: { gen: { rows: 4000, features: 100, classes: 2, seed: 1 } }, rows: 256 }]
    : [
      { name: 'breast_cancer', data: 'breast_cancer' },
      { name: 'ionosphere', data: 'ionosphere' },
      { name: 'wine', data: 'wine' },
      { name: 'soybean', data: 'soybean' },
      { name: 'spam-2k', data: 'spam-2k', rows: 200 },
      { name: 'generated-20000x100', data: { gen: { rows: 20000, features: 100, classes: 2, seed: 1 } }, rows: 1024 },
      { name: 'generated-5000x200-4', data: { gen: { rows: 5000, features: 200, classes: 4, seed: 1 } }, rows: 512 },
    ];
  const rows: AccelRow[] = [];
  for (const plan of plans) {
    const { ctx, K } = context(plan);
    const tracked = spacedRows(ctx.X.rows, plan.rows);
    const req: EstimateRequest = { rows: tracked, self: true, memoryBudgetMiB: 1024 };
    let t0 = performance.now();
    const f64 = runForwardHere(ctx, req, 'full', 'acc');
    const f64Ms = performance.now() - t0;
    t0 = performance.now();
    const f32 = runForwardHere(ctx, { ...req, accelerated: true }, 'full', 'acc', { accelerator: accel });
    const f32Ms = performance.now() - t0;
    const T = ctx.traj.steps, b = PROTOCOL.batchSize, kk = Math.max(1, K - 1);
    const gflop = (T * 4 * b * ctx.X.cols * tracked.length * kk) / 1e9;
    const chosen = runForward(ctx, { rows: Int32Array.from({ length: ctx.X.rows }, (_, i) => i), evalSteps: [0] }, 'full', 'acc', { accelerator: accel }).notes.some((s) => s.includes('float32'));
    rows.push({
      name: plan.name, n: ctx.X.rows, d: ctx.X.cols, K, density: density(ctx), rows: tracked.length, T,
      f64Ms, f32Ms, speedup: f64Ms / f32Ms, gflop, gflops: gflop / (f32Ms / 1000), ofWasmPeak: gflop / (f32Ms / 1000) / peak, chosen,
      val: agreement(f32.snapshots[0].queries[0], f64.snapshots[0].queries[0]),
      self: agreement(f32.snapshots[0].self!, f64.snapshots[0].self!),
    });
    process.stderr.write(`${plan.name}: float64 ${fmt(f64Ms / 1000, 2)} s, float32 ${fmt(f32Ms / 1000, 2)} s\n`);
  }

  // Both cores, each helper thread with its own wasm instance (the product's path).
  let threads: AccelThreads | null = null;
  const workers = createRowWorkers(2, { minWork: 0 });
  if (workers && !quick) {
    const big = plans.find((p) => p.name === 'generated-20000x100')!;
    const { ctx } = context(big);
    const req: EstimateRequest = { rows: spacedRows(ctx.X.rows, 1024), self: true, memoryBudgetMiB: 1024 };
    let t0 = performance.now();
    const one = runForward(ctx, req, 'full', 'acc', { accelerator: accel });
    const ms1 = performance.now() - t0;
    t0 = performance.now();
    const two = runForward(ctx, req, 'full', 'acc', { accelerator: accel, workers });
    const ms2 = performance.now() - t0;
    const same = one.snapshots[0].queries[0].every((v, i) => Object.is(v, two.snapshots[0].queries[0][i])) && one.snapshots[0].self!.every((v, i) => Object.is(v, two.snapshots[0].self![i]));
    threads = { name: big.name, ms1, ms2, speedup: ms1 / ms2, bitIdentical: same };
  }
  return { date: new Date().toISOString(), quick, wasmPeakGflops: peak, protocol: PROTOCOL, rows, threads };
}

/** The Markdown section (a heading of the given level, the table, the thread figure). */
export function accelMarkdown(r: AccelResults, level = '#'): string {
  const { quick, rows, threads } = r;
  const peak = r.wasmPeakGflops;

  const L: string[] = [];
  L.push(`${level} Float32 accelerator (tfjs wasm) vs float64 JS kernels`, '');
  L.push(`Measured ${r.date.slice(0, 16).replace('T', ' ')} UTC${quick ? ' (--quick)' : ''}. tfjs wasm matMul peak this run: **${fmt(peak, 1)} GFLOP/s** (float32, SIMD, one thread; square products 256–1024). ` +
    `Protocol: softmax, η = ${PROTOCOL.learningRate}, batch ${PROTOCOL.batchSize}, λ = ${PROTOCOL.l2}, ${PROTOCOL.epochs} epochs; ACC-SGD-IE (val-loss influence and self-influence) on the same rows both ways, one thread. ` +
    'GFLOP = T·4·b·d·M·(K−1), the two dense state products per step. "auto" = whether the product picks the accelerator for all rows of this set (dense and enough work; see `shouldAccelerate`).', '');
  L.push('| dataset | n × d, K | density | rows | float64 | float32 | speed-up | GFLOP/s | of wasm peak | auto | val: Pearson / Spearman / Kendall / top-10 / max rel. diff | self: Pearson / Spearman / Kendall / top-10 / max rel. diff |');
  L.push('|---|---|---:|---:|---:|---:|---:|---:|---:|---|---|---|');
  const ag = (a: Agreement): string => `${fmt(a.pearson, 6)} / ${fmt(a.spearman, 6)} / ${fmt(a.kendall, 4)} / ${fmt(a.top10, 2)} / ${a.maxRel.toExponential(1)}`;
  for (const r of rows) {
    L.push(`| ${r.name} | ${r.n} × ${r.d}, ${r.K} | ${fmt(r.density, 2)} | ${r.rows} | ${fmt(r.f64Ms / 1000, 2)} s | ${fmt(r.f32Ms / 1000, 2)} s | ${fmt(r.speedup, 2)}× | ${fmt(r.gflops, 1)} | ${fmt(100 * r.ofWasmPeak, 0)}% | ${r.chosen ? 'yes' : 'no'} | ${ag(r.val)} | ${ag(r.self)} |`);
  }
  if (threads) {
    L.push('', `Two threads (each helper loads its own wasm instance), ${threads.name}, 1024 rows, accelerated: ${fmt(threads.ms1 / 1000, 2)} s → ${fmt(threads.ms2 / 1000, 2)} s (${fmt(threads.speedup, 2)}×); results ${threads.bitIdentical ? 'bit-identical' : 'NOT bit-identical'} to one thread.`);
  }
  return `${L.join('\n')}\n`;
}

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const outArg = process.argv.indexOf('--out');
  const r = await measureAccelerator(quick);
  // --json: one JSON line on stdout for bench/run.ts; otherwise the report files.
  if (process.argv.includes('--json')) {
    process.stdout.write(`${JSON.stringify(r)}\n`);
    return;
  }
  const out = outArg > 0 ? process.argv[outArg + 1] : 'bench/accel';
  writeFileSync(`${out}.md`, accelMarkdown(r));
  writeFileSync(`${out}.json`, `${JSON.stringify(r, null, 2)}\n`);
  process.stdout.write(accelMarkdown(r));
}

if (process.argv[1] && /accel\.ts$/.test(process.argv[1])) {
  main().catch((e: unknown) => { process.stderr.write(`${(e as Error)?.stack ?? e}\n`); process.exit(1); });
}
