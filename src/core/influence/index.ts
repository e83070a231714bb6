/**
 * Influence engine, front door for the rest of the product: `runInfluence` trains and
 * estimates; the estimators, queries, windows and metrics are exported for the accuracy
 * report, the tests and advanced callers.
 */
export { runInfluence, type EngineOptions, type EngineHooks, type EngineResult, type Metrics } from './engine';
export type { Estimator, EstimateRequest, EstimateResult, InfluenceContext, Query, Snapshot } from './types';
export { accEstimator } from './acc';
export { sgdIeEstimator } from './sgdIe';
export { looEstimator, replay, replayWithout, evaluateReplays } from './loo';
export { runForward, type Correction, DEFAULT_STATE_BUDGET_MIB } from './forward';
export { queryGrad, queryValues, predictedLogitQuery } from './queries';
export { windowBoundaries, cumulativeWindows, type WindowSpec } from './windows';
export * from './metrics';
export { CancelledError } from '../train/trainer';
