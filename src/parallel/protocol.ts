/** Messages between the row-splitting host (`NodeRowWorkers`) and one helper thread (`rowWorker`). */
import type { ContextState, LrShared, PartTask } from '../core/influence/parallel';
import type { EstimateRequest, EstimateResult } from '../core/influence/types';

/** Int32 slots of the shared control block. */
export const DONE_SLOT = 0;
export const CANCEL_SLOT = 1;
/** Per helper i: a heartbeat counter at HEART_SLOT + i (bumped with every progress report). */
export const HEART_SLOT = 2;

/** An estimator share (rows of `req`), or learning-rate candidates to score. */
export type PartJob = PartCommon & ({ task: PartTask; ctx: ContextState; req: EstimateRequest } | { task: { kind: 'lr' }; ctx: LrShared; req: number[] });

interface PartCommon {
  /** Index of this helper (its progress and heartbeat slots). */
  index: number;
  control: SharedArrayBuffer;
  /** Float64 per helper: fraction done. */
  progress: SharedArrayBuffer;
  /** The caller's accelerator (`ForwardAccelerator.id`), for parts that run accelerated. */
  accel?: string;
}

export type PartReply = { ok: true; result: EstimateResult | number[] } | { ok: false; cancelled: boolean; message: string; name: string; file?: string; line?: number; code?: string };
