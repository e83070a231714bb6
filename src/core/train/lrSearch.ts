/**
 * Automatic learning rate: a short deterministic search. Each candidate on a log grid
 * trains a few epochs with the run's own seed (same θ_0, same row orders) and is scored
 * by validation loss; diverged candidates score +∞. The lowest wins (ties: the smaller
 * rate). Every candidate and score is returned so the result records the choice.
 */
import { isInputError } from '../data/types';
import type { Model } from '../model/types';
import { type Hooks, train, type TrainData, type TrainOptions } from './trainer';

/** Log grid, half-decade spacing: standardized features sit near 0.1-1, L2-normalised text needs more. */
export const LR_CANDIDATES: readonly number[] = [3.16, 1, 0.316, 0.1, 0.0316, 0.01];
/** Epochs per candidate (fewer if the run itself is shorter). */
export const LR_SEARCH_EPOCHS = 5;

export interface LrSearchResult {
  learningRate: number;
  candidates: { learningRate: number; valLoss: number }[];
}

export function searchLearningRate(model: Model, data: TrainData, opts: Omit<TrainOptions, 'learningRate'>, hooks?: Hooks): LrSearchResult {
  const epochs = Math.min(opts.epochs, LR_SEARCH_EPOCHS);
  const candidates: { learningRate: number; valLoss: number }[] = [];
  LR_CANDIDATES.forEach((lr, ci) => {
    let valLoss = Infinity;
    try {
      const r = train(model, data, { ...opts, epochs, learningRate: lr, trajectoryBudgetMiB: 1 }, {
        shouldCancel: hooks?.shouldCancel,
        onProgress: (f) => hooks?.onProgress?.((ci + f) / LR_CANDIDATES.length, `learning rate ${lr}`),
      });
      const last = r.epochs[r.epochs.length - 1];
      // With no validation rows fall back to the training loss.
      valLoss = Number.isFinite(last.valLoss) ? last.valLoss : last.trainLoss;
      if (!Number.isFinite(valLoss)) valLoss = Infinity;
    } catch (e) {
      if (!isInputError(e) || e.kind !== 'diverged') throw e;
    }
    candidates.push({ learningRate: lr, valLoss });
  });
  let best = candidates[0];
  for (const c of candidates) if (c.valLoss < best.valLoss || (c.valLoss === best.valLoss && c.learningRate < best.learningRate)) best = c;
  if (!Number.isFinite(best.valLoss)) best = candidates[candidates.length - 1];
  return { learningRate: best.learningRate, candidates };
}
