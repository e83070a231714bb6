/**
 * The scaling strategy for files where ACC-SGD-IE over every row does not fit the compute
 * or memory budget: screen every row with SGD-IE in reverse mode (one sweep for all rows),
 * then refine the rows that can become flags with ACC-SGD-IE, as many as the compute budget
 * pays for (cost model in cost.ts, so the choice is the same on every machine).
 *
 * Refinement order: alternately the next most harmful row by SGD-IE influence and the next
 * label-suspect candidate (rows the final model assigns to another class, highest training
 * loss first, then the other rows by training loss; regression: training loss), so the first
 * 2 · CANDIDATES_PER_TOPK · topK rows cover both flag lists several times over. Refined rows
 * get ACC influence, self-influence and cumulative windows; the other rows keep SGD-IE
 * influence and windows and have no self-influence (NaN here, null in the JSON result).
 * In-window values (the patterns) come from the SGD-IE screening for every row, so that
 * the per-window z-scores compare like with like.
 *
 * The MLP is refined with all its parameters. Last-layer-only ACC (the paper's cheaper
 * option) was measured (bench/strategy.md): it made the harmful ranking worse than the
 * SGD-IE screening it would replace, so it is not used here.
 */
import type { Hooks } from '../train/trainer';
import { accEstimator } from './acc';
import { accFlops, accRowFlops, type CostShape, gflop, screenFlops } from './cost';
import { sgdIeEstimator } from './sgdIe';
import { type EstimateRequest, type EstimateResult, F64, type InfluenceContext } from './types';

/**
 * Refined candidates wanted per ranking, as a multiple of topK. bench/strategy.md: refining
 * 2·topK per ranking gave the same flags as full ACC on every shared set measured.
 */
export const CANDIDATES_PER_TOPK = 2;

/** What a screened-and-refined scan did, as reported in the engine and JSON results. */
export interface Approximation {
  method: 'sgd-ie screening + acc refinement';
  /** Every training row was screened by SGD-IE. */
  screenedRows: number;
  /** Rows refined by ACC-SGD-IE (their self-influence and leave-one-out loss are estimated). */
  refinedRows: number;
  /** Flag candidates wanted (CANDIDATES_PER_TOPK · topK from each of the two rankings, at most the row count). */
  candidates: number;
  /** Budgets and the cost model's estimates (GFLOP = 10⁹ operations, 3 significant digits). */
  budget: {
    computeGflop: number;
    memoryMiB: number;
    /** Full ACC-SGD-IE (with in-window state when requested) over every row. */
    fullAccGflop: number;
    /** Its per-row state, MiB. */
    fullAccMiB: number;
    screenGflop: number;
    refineGflop: number;
  };
  /** One paragraph for people. */
  note: string;
}

export interface RefinementPlan {
  rows: number;
  flops: number;
  candidates: number;
}

/**
 * How many rows the budgets refine: as many as the compute budget pays for (cost.ts,
 * ACC-SGD-IE without in-window state) and as one chunk of state (state + HVP output,
 * 2 · p doubles per row) holds in the memory budget.
 */
export function planRefinement(s: CostShape, n: number, budgetFlops: number, memoryBytes: number, topK: number): RefinementPlan {
  const candidates = Math.min(n, 2 * CANDIDATES_PER_TOPK * Math.max(0, topK));
  const perRow = accRowFlops(s);
  const rows = Math.max(0, Math.min(n, Math.floor(budgetFlops / perRow), Math.floor(memoryBytes / (2 * s.p * F64))));
  return { rows, flops: rows * perRow, candidates };
}

/**
 * Every row once, in refinement priority: alternately the harm ranking (influence
 * ascending) and the suspect ranking (`misclassified` first, then training loss
 * descending). Ties go to the lower index. `misclassified` is null for regression.
 */
export function refinementOrder(influence: Float64Array, trainLoss: Float64Array, misclassified: Uint8Array | null): Int32Array {
  const n = influence.length;
  const idx = (): number[] => Array.from({ length: n }, (_, i) => i);
  const byHarm = idx().sort((a, b) => influence[a] - influence[b] || a - b);
  const mis = (i: number): number => (misclassified ? misclassified[i] : 0);
  const bySuspect = idx().sort((a, b) => mis(b) - mis(a) || trainLoss[b] - trainLoss[a] || a - b);
  const out = new Int32Array(n);
  const taken = new Uint8Array(n);
  let m = 0;
  for (let i = 0; i < n && m < n; i++) {
    for (const r of [byHarm[i], bySuspect[i]]) {
      if (!taken[r]) { taken[r] = 1; out[m++] = r; }
    }
  }
  return out;
}

export interface StrategyInput {
  shape: CostShape;
  /** The request every estimator gets (all rows, boundaries, in-window flag, memory budget). */
  req: EstimateRequest;
  computeBudgetGflop: number;
  memoryBudgetMiB: number;
  topK: number;
  /** Data loss of every training row under θ_T, and whether the model predicts another class (null: regression). */
  trainLoss: Float64Array;
  misclassified: Uint8Array | null;
  /** Why full ACC was not run (for the note). */
  overCompute: boolean;
  overMemory: boolean;
}

export interface StrategyOutput {
  result: EstimateResult;
  approximation: Approximation;
  /** Refined rows (train positions, ascending). */
  refined: Int32Array;
  /** In-window influence of the last window from SGD-IE when in-window values were not requested. */
  lastWindow: Float64Array | null;
}

/** Screen with SGD-IE, refine with ACC-SGD-IE within the budget. Progress 0..1 over both phases by estimated cost. */
export function screenAndRefine(ctx: InfluenceContext, input: StrategyInput, hooks: Hooks = {}): StrategyOutput {
  const { shape: s, req } = input;
  const n = req.rows.length;
  const T = ctx.traj.steps;
  const boundaries = req.boundaries ?? [];
  const W = Math.max(0, boundaries.length - 1);
  const wantIn = !!req.inWindow && W > 0;
  const screen = screenFlops(s, boundaries, wantIn);
  const plan = planRefinement(s, n, input.computeBudgetGflop * 1e9, input.memoryBudgetMiB * 1024 * 1024, input.topK);
  const total = Math.max(1, screen + plan.flops);
  const part = (from: number, to: number) => (f: number, msg: string) => hooks.onProgress?.((from + (to - from) * f) / total, msg);
  const queries = req.queries ? [req.queries[0]] : undefined;

  // Screening: one reverse sweep for the total, every window boundary and every window
  // (the sweep carries each direction only while it is non-zero).
  const r = sgdIeEstimator.estimate(ctx, { ...req, queries, self: false }, { shouldCancel: hooks.shouldCancel, onProgress: part(0, screen) });
  r.notes.push('every row screened by SGD-IE in reverse mode');
  const infl = r.snapshots[0].queries[0];
  let lastWindow: Float64Array | null = null;
  if (!wantIn && W > 0) {
    lastWindow = sgdIeEstimator.estimate(ctx, { rows: req.rows, queries, startStep: boundaries[W - 1], evalSteps: [T], self: false }, { shouldCancel: hooks.shouldCancel }).snapshots[0].queries[0];
  }
  const order = refinementOrder(infl, input.trainLoss, input.misclassified);
  const refine = Int32Array.from(order.subarray(0, plan.rows)).sort();
  const self = new Float64Array(n).fill(NaN);
  if (refine.length > 0) {
    const acc = accEstimator.estimate(
      ctx,
      { ...req, rows: Int32Array.from(refine, (i) => req.rows[i]), inWindow: false, self: true },
      { shouldCancel: hooks.shouldCancel, onProgress: part(screen, total), workers: hooks.workers, accelerator: hooks.accelerator },
    );
    refine.forEach((row, q) => {
      infl[row] = acc.snapshots[0].queries[0][q];
      self[row] = acc.snapshots[0].self![q];
      r.cumulative.forEach((c, k) => { c[row] = acc.cumulative[k][q]; });
    });
    r.notes.push(...acc.notes);
    if (acc.accelerator) r.accelerator = acc.accelerator;
  }
  r.snapshots[0].self = self;

  const fullAcc = accFlops(s, n, { inWindow: wantIn });
  const fullMiB = (2 * (wantIn ? 2 : 1) * n * s.p * F64) / (1024 * 1024);
  const why = [
    input.overCompute ? `would cost about ${fmt(gflop(fullAcc))} GFLOP, over the ${fmt(input.computeBudgetGflop)} GFLOP compute budget` : '',
    input.overMemory ? `would need ${fmt(Math.ceil(fullMiB))} MiB of state, over the ${fmt(input.memoryBudgetMiB)} MiB memory budget` : '',
  ].filter(Boolean).join(' and ');
  const missing = Math.max(0, plan.candidates - plan.rows);
  const note = [
    `ACC-SGD-IE for all ${fmt(n)} rows × ${fmt(s.p)} parameters ${why || 'was not requested'}.`,
    `Every row was screened by SGD-IE; the ${fmt(refine.length)} most harmful and most label-suspect rows were refined by ACC-SGD-IE (about ${fmt(gflop(plan.flops))} GFLOP).`,
    missing > 0 ? `The budgets cover only ${fmt(plan.rows)} of the ${fmt(plan.candidates)} flag candidates; raise computeBudgetGflop (or memoryBudgetMiB) for ACC-quality flags.` : '',
    `Self-influence and leave-one-out loss are not estimated for the other ${fmt(n - refine.length)} rows; they rank as label suspects by training loss.`,
    wantIn ? 'In-window values (patterns) are SGD-IE estimates for every row.' : '',
  ].filter(Boolean).join(' ');
  return {
    result: r,
    refined: refine,
    lastWindow,
    approximation: {
      method: 'sgd-ie screening + acc refinement',
      screenedRows: n,
      refinedRows: refine.length,
      candidates: plan.candidates,
      budget: {
        computeGflop: input.computeBudgetGflop,
        memoryMiB: input.memoryBudgetMiB,
        fullAccGflop: gflop(fullAcc),
        fullAccMiB: Math.ceil(fullMiB),
        screenGflop: gflop(screen),
        refineGflop: gflop(plan.flops),
      },
      note,
    },
  };
}

/** Thousands separated by a thin space, so notes read the same in every locale. */
function fmt(x: number): string {
  const [int, frac] = String(x).split('.');
  return int.replace(/\B(?=(\d{3})+(?!\d))/g, '\u2009') + (frac ? `.${frac}` : '');
}
