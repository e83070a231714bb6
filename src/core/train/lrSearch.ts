/**
 * Automatic learning rate: a short deterministic search. Each candidate on a log grid
 * trains with the run's own seed (same θ_0, same row orders) for the run's own number of
 * epochs (at most LR_SEARCH_MAX_EPOCHS) and is scored by validation loss; diverged
 * candidates score +∞. Scoring at the run's length matters: after a few epochs a large
 * rate looks best and then overshoots. Training is cheap next to the estimators (ACC costs
 * about n trainings), so the search adds little. Among candidates within
 * LR_TIE_TOLERANCE of the best loss the smallest rate wins: the linearised estimators
 * are more faithful with smaller steps. Every candidate and score is returned.
 */
import { isInputError } from '../data/types';
import type { Model } from '../model/types';
import { type Hooks, train, type TrainData, type TrainOptions } from './trainer';

/** Log grid, half-decade spacing: standardized features sit near 0.1-1, L2-normalised text needs more. */
export const LR_CANDIDATES: readonly number[] = [3.16, 1, 0.316, 0.1, 0.0316, 0.01];
/** Epochs per candidate: the run's own, capped here. */
export const LR_SEARCH_MAX_EPOCHS = 20;
/** Relative validation-loss margin within which the smaller rate is preferred. */
export const LR_TIE_TOLERANCE = 0.01;

export interface LrSearchResult {
  learningRate: number;
  candidates: { learningRate: number; valLoss: number }[];
}

/** Validation loss after training with rate `lr` (+∞ when it diverges). */
export function scoreCandidate(model: Model, data: TrainData, opts: Omit<TrainOptions, 'learningRate'>, lr: number, hooks?: Hooks): number {
  const epochs = Math.min(opts.epochs, LR_SEARCH_MAX_EPOCHS);
  try {
    const r = train(model, data, { ...opts, epochs, learningRate: lr, trajectoryBudgetMiB: 1 }, hooks);
    const last = r.epochs[r.epochs.length - 1];
    // With no validation rows fall back to the training loss.
    const valLoss = Number.isFinite(last.valLoss) ? last.valLoss : last.trainLoss;
    return Number.isFinite(valLoss) ? valLoss : Infinity;
  } catch (e) {
    if (!isInputError(e) || e.kind !== 'diverged') throw e;
    return Infinity;
  }
}

/** Below this many row-feature visits per candidate, scoring on other threads costs more than it saves. */
const SPLIT_MIN_WORK = 5e7;

export function searchLearningRate(model: Model, data: TrainData, opts: Omit<TrainOptions, 'learningRate'>, hooks?: Hooks): LrSearchResult {
  const epochs = Math.min(opts.epochs, LR_SEARCH_MAX_EPOCHS);
  const X = data.X;
  const work = epochs * (X.kind === 'sparse' ? X.indptr[X.rows] : X.rows * X.cols);
  const workers = hooks?.workers;
  let losses: number[];
  if (workers && workers.extra > 0 && model.spec && work >= (workers.minWork ?? SPLIT_MIN_WORK)) {
    // Candidates dealt round-robin to the threads; every score is the same as on one thread.
    const threads = Math.min(1 + workers.extra, LR_CANDIDATES.length);
    const parts = Array.from({ length: threads }, (_, t) => LR_CANDIDATES.filter((_, i) => i % threads === t));
    const scores = workers.runCandidates({ spec: model.spec, data, opts }, parts, (rates, h) => rates.map((lr, ci) => scoreCandidate(model, data, opts, lr, {
      shouldCancel: h.shouldCancel,
      onProgress: (f) => h.onProgress?.((ci + f) / rates.length, `learning rate ${lr}`),
    })), { shouldCancel: hooks.shouldCancel, onProgress: (f, m) => hooks.onProgress?.(f, m) });
    losses = LR_CANDIDATES.map((_, i) => scores[i % threads][Math.floor(i / threads)]);
  } else {
    losses = LR_CANDIDATES.map((lr, ci) => scoreCandidate(model, data, opts, lr, {
      shouldCancel: hooks?.shouldCancel,
      onProgress: (f) => hooks?.onProgress?.((ci + f) / LR_CANDIDATES.length, `learning rate ${lr}`),
    }));
  }
  const candidates = LR_CANDIDATES.map((learningRate, i) => ({ learningRate, valLoss: losses[i] }));
  const bestLoss = Math.min(...candidates.map((c) => c.valLoss));
  if (!Number.isFinite(bestLoss)) return { learningRate: Math.min(...LR_CANDIDATES), candidates };
  const near = candidates.filter((c) => c.valLoss <= bestLoss + LR_TIE_TOLERANCE * Math.abs(bestLoss));
  return { learningRate: Math.min(...near.map((c) => c.learningRate)), candidates };
}
