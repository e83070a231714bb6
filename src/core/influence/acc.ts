/**
 * ACC-SGD-IE (Shi et al.): forward mode over all requested rows with the exact own-term
 * correction every time a row reappears in a batch; δ_j carried across all steps and
 * epochs. Cost: one batch HVP applied to every tracked row per step; memory: rows × p
 * doubles per chunk (× 2 with in-window state). Options: last-layer restriction and the
 * randomized correction (probability ½), as the paper proposes.
 */
import type { Hooks } from '../train/trainer';
import { runForward } from './forward';
import type { EstimateRequest, EstimateResult, Estimator, InfluenceContext } from './types';

export const accEstimator: Estimator = {
  name: 'acc',
  estimate(ctx: InfluenceContext, req: EstimateRequest, hooks?: Hooks): EstimateResult {
    return runForward(ctx, req, req.correction === 'random' ? 'random' : 'full', 'acc', hooks);
  },
};
