/**
 * `npm run accuracy`: SGD-IE and ACC-SGD-IE against exact leave-one-out on every shared
 * dataset, under the reference protocol (η = 0.1 constant, B = 32, λ = 1e-3, seed 0,
 * validation fraction 0.2), after 1, 5, 20 and 50 epochs (prefixes of one run).
 * Writes bench/accuracy.json (merged per dataset/model, so runs can be split) and
 * bench/accuracy.md (rendered from the JSON with the reference figures beside ours).
 *
 * Flags: --datasets a,b   --models softmax,mlp   --mlp a,b (datasets that also get the MLP)
 *        --epochs 1,5,20,50   --no-windows   --auto-lr (the product-default run instead)
 *        --cap-epochs name=E (limit a costly dataset)   --report-only
 *        --auto-no-loo (auto-LR run without the exact-LOO comparison)   --auto-epochs E (default 20)
 *        --out file.json (write elsewhere, e.g. for parallel runs)   --merge a.json,b.json (into the default outputs)
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { selectRows } from '../src/core/linalg/features';
import { gemmNN } from '../src/core/linalg/dense';
import { createModel, rowLosses } from '../src/core/model';
import { evaluateStack } from '../src/core/model/objective';
import { createRng } from '../src/core/rng';
import { train } from '../src/core/train';
import {
  accEstimator, cumulativeWindows, type EstimateResult, type InfluenceContext, jaccardTopK, kendallTau, looEstimator, pearson,
  precisionAtK, replayWithout, rocAuc, runForward, runInfluence, sgdIeEstimator, spearman, windowBoundaries,
} from '../src/core/influence';
import { listDatasets, loadDataset, type LoadedDataset } from './datasets';
import { renderReport } from './accuracyReport';
import { createRowWorkers } from '../src/parallel/rowWorkers';

/** Estimators split rows over one thread per core (same numbers as one thread). */
const H = { workers: createRowWorkers() };

export const PROTOCOL = { learningRate: 0.1, batchSize: 32, l2: 1e-3, seed: 0, validationFraction: 0.2, hiddenUnits: 16 } as const;
const OUT_JSON = path.resolve(process.argv.includes('--out') ? process.argv[process.argv.indexOf('--out') + 1] : path.join('bench', 'accuracy.json'));
const OUT_MD = path.resolve('bench', 'accuracy.md');
const DEFAULT_MLP = ['iris', 'iris-noisy', 'wine', 'wine-noisy', 'breast_cancer', 'breast_cancer-noisy'];
/** Window analysis on the first min(20, E_max) epochs, one window per epoch. */
const WINDOW_EPOCHS = 20;
const TOP5 = 0.05;

export interface Agreement { pearson: number; spearman: number; kendall: number; jaccard10: number; jaccard5pct: number }
export interface EstStats { val: Agreement; self: Agreement; relErrMean: number; relErrMedian: number }
export interface Detect { auc: number; prec5: number }
export interface EpochEntry {
  E: number; T: number; valLoss: number; valAcc: number; trainAcc: number;
  sgd: EstStats; acc: EstStats;
  flips?: Record<'influence' | 'looLoss', Record<'loo' | 'acc' | 'sgd', Detect>> & { trainLoss: Detect };
  cleanse: { k: number; before: number; beforeAcc: number; rows: Record<'acc' | 'sgd' | 'loo' | 'random', { loss: number; acc: number; flips: number }> };
  cleanseK?: { pct: number; k: number; acc: number; sgd: number; random: number; predictedAcc: number }[];
}
export interface WindowEntry {
  E: number; W: number;
  cumulative: { early: number; middle: number; late: number; mean: number };
  inWindow: { early: number; middle: number; late: number; mean: number };
  sumCheckMaxRel: number;
  last?: { aucLastAcc: number; aucLastLoo: number; aucFullAcc: number; lastMs: number; fullMsScaled: number };
}
export interface Entry {
  name: string; model: 'softmax' | 'mlp'; n: number; p: number; d: number; K: number; majorityRate: number;
  epochs: EpochEntry[]; windows?: WindowEntry;
  timings: { trainMs: number; looMs: number; accMs: number; sgdReverseMs: number; sgdForwardMs: number; windowsMs: number };
  loadAvg: number;
}
export interface AutoEntry {
  name: string; E: number; learningRate: number; lrSearch: { learningRate: number; valLoss: number }[];
  valLoss: number; valAcc: number; majorityRate: number; beatsMajority: boolean;
  val: Agreement; self: Agreement; aucLooLoss: number; aucInfluence: number; aucTrainLoss: number; accMs: number;
}
export interface AccuracyJson { machine: { gflops: number; loadAvg: number; date: string; node: string }; entries: Record<string, Entry>; auto: Record<string, AutoEntry> }

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const has = (name: string) => process.argv.includes(`--${name}`);
const log = (...a: unknown[]) => console.error(`[${new Date().toISOString().slice(11, 19)}]`, ...a);

function agreement(est: Float64Array, loo: Float64Array, harmfulFirst: boolean): Agreement {
  if (loo.some((v) => Number.isNaN(v))) return { pearson: NaN, spearman: NaN, kendall: NaN, jaccard10: NaN, jaccard5pct: NaN };
  const s = (a: Float64Array) => (harmfulFirst ? a.map((v) => -v) : a);
  const k5 = Math.max(1, Math.round(TOP5 * est.length));
  return {
    pearson: pearson(est, loo), spearman: spearman(est, loo), kendall: kendallTau(est, loo),
    jaccard10: jaccardTopK(s(est), s(loo), Math.min(10, est.length)), jaccard5pct: jaccardTopK(s(est), s(loo), k5),
  };
}

function relErrors(est: Float64Array, loo: Float64Array, n: number, p: number): { mean: number; median: number } {
  const e = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    let num = 0, den = 0;
    for (let a = 0; a < p; a++) { const l = loo[j * p + a]; num += (est[j * p + a] - l) ** 2; den += l * l; }
    e[j] = Math.sqrt(num / den);
  }
  const sorted = [...e].sort((a, b) => a - b);
  return { mean: e.reduce((s, v) => s + v, 0) / n, median: n % 2 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2 };
}

const detect = (score: Float64Array, pos: boolean[]): Detect => ({ auc: rocAuc(score, pos), prec5: precisionAtK(score, pos, Math.max(1, Math.round(TOP5 * score.length))) });
const mostNegative = (a: Float64Array, k: number) => Int32Array.from([...a.keys()].sort((x, y) => a[x] - a[y] || x - y).slice(0, k));

function measureGflops(): number {
  const n = 192, A = new Float64Array(n * n).map((_, i) => ((i * 7) % 13) - 6), B = A.slice(), C = new Float64Array(n * n);
  let best = 0;
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    gemmNN(n, n, n, A, B, C);
    best = Math.max(best, (2 * n ** 3) / ((performance.now() - t0) * 1e6));
  }
  return best;
}

function contextFor(ds: LoadedDataset, kind: 'softmax' | 'mlp', epochs: number) {
  const { data, split } = ds;
  const X = selectRows(data.X, split.train), y = Float64Array.from(split.train, (r) => data.y[r]);
  const Xval = selectRows(data.X, split.validation), yval = Float64Array.from(split.validation, (r) => data.y[r]);
  const model = createModel({ kind, d: X.cols, classes: data.classes.length, task: 'classification', hiddenUnits: PROTOCOL.hiddenUnits, activation: 'tanh' });
  const t0 = Date.now();
  const run = train(model, { X, y, Xval, yval }, { epochs, batchSize: PROTOCOL.batchSize, learningRate: PROTOCOL.learningRate, lrSchedule: 'constant', l2: PROTOCOL.l2, seed: PROTOCOL.seed, trajectoryBudgetMiB: 1024 });
  const ctx: InfluenceContext = { model, traj: run.trajectory, X, y, Xval, yval, l2: PROTOCOL.l2 };
  return { ctx, run, trainMs: Date.now() - t0 };
}

function majority(ctx: InfluenceContext, K: number): number {
  const counts = new Float64Array(K);
  for (const v of ctx.y) counts[v]++;
  const maj = counts.indexOf(Math.max(...counts));
  return ctx.yval.reduce((s, v) => s + (v === maj ? 1 : 0), 0) / ctx.yval.length;
}

function timed<T>(f: () => T): [T, number] {
  const t0 = Date.now();
  const r = f();
  return [r, Date.now() - t0];
}

function evaluateDataset(ds: LoadedDataset, kind: 'softmax' | 'mlp', Es: number[], windows: boolean): Entry {
  const Emax = Math.max(...Es);
  const { ctx, trainMs } = contextFor(ds, kind, Emax);
  const { model, traj } = ctx;
  const n = ctx.X.rows, p = model.p, spe = traj.stepsPerEpoch;
  const rows = Int32Array.from({ length: n }, (_, i) => i);
  const evalSteps = Es.map((E) => E * spe);
  const req = { rows, evalSteps, self: true, keepDeltas: true, memoryBudgetMiB: 1024 };
  log(`${ds.name}/${kind}: n=${n} p=${p} T=${traj.steps} (train ${trainMs} ms)`);
  const [loo, looMs] = timed(() => looEstimator.estimate(ctx, req, H));
  log(`  loo ${looMs} ms`);
  const [acc, accMs] = timed(() => accEstimator.estimate(ctx, req, H));
  log(`  acc ${accMs} ms`);
  const [sgdRev, sgdReverseMs] = timed(() => sgdIeEstimator.estimate(ctx, { rows, evalSteps }, H));
  const [sgdFwd, sgdForwardMs] = timed(() => runForward(ctx, req, 'none', 'sgd-ie', H));
  log(`  sgd-ie reverse ${sgdReverseMs} ms, forward ${sgdForwardMs} ms`);
  const flippedRows = ds.flips ? Array.from(ds.split.train, (r) => ds.flips!.has(r)) : null;

  const epochs: EpochEntry[] = Es.map((E, k) => {
    const step = E * spe, thetaE = traj.theta(step);
    const L = loo.snapshots[k], A = acc.snapshots[k], S = sgdFwd.snapshots[k];
    const sRev = sgdRev.snapshots[k].queries[0];
    const ev = evaluateStack(model, thetaE, 1, ctx.Xval, ctx.yval), evT = evaluateStack(model, thetaE, 1, ctx.X, ctx.y);
    const stats = (val: Float64Array, self: Float64Array, deltas: Float64Array): EstStats => {
      const re = relErrors(deltas, L.deltas!, n, p);
      return { val: agreement(val, L.queries[0], true), self: agreement(self, L.self!, false), relErrMean: re.mean, relErrMedian: re.median };
    };
    const losses = rowLosses(model, thetaE, ctx.X, ctx.y);
    const kk = Math.max(1, Math.round(TOP5 * n));
    const rng = createRng(1000 + E);
    const random = Int32Array.from(rng.shuffle(Int32Array.from(rows)).subarray(0, kk)).sort();
    const sets = { acc: mostNegative(A.queries[0], kk), sgd: mostNegative(sRev, kk), loo: mostNegative(L.queries[0], kk), random };
    const names = ['acc', 'sgd', 'loo', 'random'] as const;
    const th = replayWithout(ctx, names.map((s) => sets[s]), step);
    const after = evaluateStack(model, th, 4, ctx.Xval, ctx.yval);
    const flipsIn = (set: Int32Array) => (flippedRows ? [...set].filter((i) => flippedRows[i]).length : 0);
    const entry: EpochEntry = {
      E, T: step, valLoss: ev.loss[0], valAcc: ev.accuracy[0], trainAcc: evT.accuracy[0],
      sgd: stats(sRev, S.self!, S.deltas!), acc: stats(A.queries[0], A.self!, A.deltas!),
      cleanse: {
        k: kk, before: ev.loss[0], beforeAcc: ev.accuracy[0],
        rows: Object.fromEntries(names.map((s, i) => [s, { loss: after.loss[i], acc: after.accuracy[i], flips: flipsIn(sets[s]) }])) as EpochEntry['cleanse']['rows'],
      },
    };
    if (flippedRows) {
      const neg = (a: Float64Array) => a.map((v) => -v);
      const looLoss = (self: Float64Array) => losses.map((v, i) => v + self[i]);
      entry.flips = {
        influence: { loo: detect(neg(L.queries[0]), flippedRows), acc: detect(neg(A.queries[0]), flippedRows), sgd: detect(neg(sRev), flippedRows) },
        looLoss: { loo: detect(looLoss(L.self!), flippedRows), acc: detect(looLoss(A.self!), flippedRows), sgd: detect(looLoss(S.self!), flippedRows) },
        trainLoss: detect(losses, flippedRows),
      };
      // Issue 5 item 5: k = 1%, 5%, 10% by ACC, SGD-IE and random rows.
      const pcts = [0.01, 0.05, 0.1];
      const kSets = pcts.flatMap((pct) => {
        const kp = Math.max(1, Math.round(pct * n));
        const r2 = createRng(2000 + E + Math.round(pct * 100));
        return [mostNegative(A.queries[0], kp), mostNegative(sRev, kp), Int32Array.from(r2.shuffle(Int32Array.from(rows)).subarray(0, kp)).sort()];
      });
      const thK = replayWithout(ctx, kSets, step);
      const evK = evaluateStack(model, thK, kSets.length, ctx.Xval, ctx.yval);
      entry.cleanseK = pcts.map((pct, i) => ({
        pct, k: kSets[3 * i].length, acc: evK.loss[3 * i], sgd: evK.loss[3 * i + 1], random: evK.loss[3 * i + 2],
        predictedAcc: [...kSets[3 * i]].reduce((s, j) => s + A.queries[0][j], 0),
      }));
    }
    return entry;
  });

  let windowsEntry: WindowEntry | undefined;
  let windowsMs = 0;
  if (windows) {
    const Ew = Math.min(WINDOW_EPOCHS, Emax);
    const boundaries = windowBoundaries({ windows: 0 }, spe, Ew);
    const wreq = { rows, boundaries, inWindow: true, evalSteps: [Ew * spe], memoryBudgetMiB: 1024 };
    const t0 = Date.now();
    const aw = accEstimator.estimate(ctx, wreq, H);
    const lw = looEstimator.estimate(ctx, wreq, H);
    windowsMs = Date.now() - t0;
    const W = boundaries.length - 1;
    const pick = (f: (k: number) => number) => {
      const all = Array.from({ length: W }, (_, k) => f(k));
      return { early: all[0], middle: all[Math.floor(W / 2)], late: all[W - 1], mean: all.reduce((s, v) => s + v, 0) / W };
    };
    const ca = cumulativeWindows(aw.cumulative), cl = cumulativeWindows(lw.cumulative);
    let sumCheck = 0;
    for (let j = 0; j < n; j++) {
      const s = ca.reduce((acc2, w) => acc2 + w[j], 0), tot = aw.snapshots[0].queries[0][j];
      sumCheck = Math.max(sumCheck, Math.abs(s - tot) / Math.max(Math.abs(tot), 1e-300));
    }
    windowsEntry = { E: Ew, W, cumulative: pick((k) => spearman(ca[k], cl[k])), inWindow: pick((k) => spearman(aw.inWindow![k], lw.inWindow![k])), sumCheckMaxRel: sumCheck };
    if (flippedRows) {
      const [, lastMs] = timed(() => accEstimator.estimate(ctx, { rows, startStep: boundaries[W - 1], evalSteps: [boundaries[W]], memoryBudgetMiB: 1024 }, H));
      windowsEntry.last = {
        aucLastAcc: rocAuc(aw.inWindow![W - 1].map((v) => -v), flippedRows),
        aucLastLoo: rocAuc(lw.inWindow![W - 1].map((v) => -v), flippedRows),
        aucFullAcc: rocAuc(aw.snapshots[0].queries[0].map((v) => -v), flippedRows),
        lastMs,
        fullMsScaled: (accMs * Ew) / Emax,
      };
    }
    log(`  windows ${windowsMs} ms`);
  }
  return {
    name: ds.name, model: kind, n, p, d: ctx.X.cols, K: model.k, majorityRate: majority(ctx, ds.data.classes.length),
    epochs, windows: windowsEntry, timings: { trainMs, looMs, accMs, sgdReverseMs, sgdForwardMs, windowsMs }, loadAvg: os.loadavg()[0],
  };
}

function autoRun(ds: LoadedDataset, E: number): AutoEntry {
  const [r, accMs] = timed(() => runInfluence(ds.data, ds.split, {
    model: 'softmax', epochs: E, batchSize: PROTOCOL.batchSize, learningRate: 'auto', lrSchedule: 'constant', l2: PROTOCOL.l2,
    hiddenUnits: PROTOCOL.hiddenUnits, activation: 'tanh', seed: PROTOCOL.seed, estimator: 'acc', windows: 0, memoryBudgetMiB: 1024, inWindow: false,
  }));
  const rows = Int32Array.from({ length: r.influence.length }, (_, i) => i);
  // --auto-no-loo: skip the exact replay (costly sets); agreement is then not reported.
  const nan = new Float64Array(rows.length).fill(NaN);
  const loo: EstimateResult | null = has('auto-no-loo') ? null : looEstimator.estimate(r.context, { rows, self: true, memoryBudgetMiB: 1024 }, H);
  const L = loo ? loo.snapshots[0] : { queries: [nan], self: nan };
  const flipped = ds.flips ? Array.from(ds.split.train, (row) => ds.flips!.has(row)) : null;
  const looLoss = r.trainLoss.map((v, i) => v + r.selfInfluence[i]);
  return {
    name: ds.name, E, learningRate: r.learningRate, lrSearch: r.lrSearch, valLoss: r.valLoss, valAcc: r.valAccuracy, majorityRate: r.majorityRate,
    beatsMajority: r.beatsMajority, val: agreement(r.influence, L.queries[0], true), self: agreement(r.selfInfluence, L.self!, false),
    aucLooLoss: flipped ? rocAuc(looLoss, flipped) : NaN, aucInfluence: flipped ? rocAuc(r.influence.map((v) => -v), flipped) : NaN,
    aucTrainLoss: flipped ? rocAuc(r.trainLoss, flipped) : NaN, accMs,
  };
}

function main(): void {
  const json: AccuracyJson = existsSync(OUT_JSON) ? JSON.parse(readFileSync(OUT_JSON, 'utf8')) : { machine: { gflops: 0, loadAvg: 0, date: '', node: '' }, entries: {}, auto: {} };
  json.auto ??= {};
  for (const f of arg('merge')?.split(',') ?? []) {
    const other = JSON.parse(readFileSync(f, 'utf8')) as AccuracyJson;
    Object.assign(json.entries, other.entries);
    Object.assign(json.auto, other.auto ?? {});
    if (other.machine.gflops > json.machine.gflops) json.machine = other.machine;
  }
  if (!has('report-only') && !arg('merge')) {
    json.machine = { gflops: measureGflops(), loadAvg: os.loadavg()[0], date: new Date().toISOString(), node: process.version };
    log(`GEMM peak ${json.machine.gflops.toFixed(2)} GFLOP/s, load ${json.machine.loadAvg.toFixed(1)}`);
    const names = arg('datasets')?.split(',') ?? listDatasets();
    const Es = (arg('epochs') ?? '1,5,20,50').split(',').map(Number);
    const models = (arg('models') ?? 'softmax,mlp').split(',');
    const mlpSet = new Set(arg('mlp')?.split(',') ?? DEFAULT_MLP);
    const caps = new Map((arg('cap-epochs') ?? '').split(',').filter(Boolean).map((s) => [s.split('=')[0], Number(s.split('=')[1])] as const));
    const save = () => {
      writeFileSync(OUT_JSON, JSON.stringify(json, (_, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 1));
      if (!arg('out')) writeFileSync(OUT_MD, renderReport(json));
    };
    for (const name of names) {
      const ds = loadDataset(name, { validationFraction: PROTOCOL.validationFraction, seed: PROTOCOL.seed });
      const cap = caps.get(name) ?? caps.get(name.replace(/-noisy$/, ''));
      const EsHere = cap ? Es.filter((E) => E <= cap) : Es;
      if (has('auto-lr')) {
        json.auto[name] = autoRun(ds, Number(arg('auto-epochs') ?? 20));
        log(`auto ${name}: lr ${json.auto[name].learningRate} acc ${json.auto[name].valAcc.toFixed(3)} (majority ${json.auto[name].majorityRate.toFixed(3)})`);
        save();
        continue;
      }
      for (const kind of models as ('softmax' | 'mlp')[]) {
        if (kind === 'mlp' && !mlpSet.has(name)) continue;
        json.entries[`${name}/${kind}`] = evaluateDataset(ds, kind, EsHere, !has('no-windows'));
        save();
      }
    }
  }
  if (arg('merge')) writeFileSync(OUT_JSON, JSON.stringify(json, null, 1));
  if (!arg('out')) writeFileSync(OUT_MD, renderReport(json));
  log(`wrote ${arg('out') ? OUT_JSON : OUT_MD}`);
}

main();
