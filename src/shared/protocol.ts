/**
 * The client/server protocol: one method constant and one params/result type per message.
 * Shared by src/extension (client) and src/server. Results carry the document version
 * they were computed from, so a stale result is never applied to the wrong rows.
 */
import type { ScanResult, VerificationBlock, RowDetails, Phase } from '../core/report/types';
import type { Settings } from '../core/settings';

export type JobPhase = 'queued' | Phase | 'done';
export type { RowDetails };

export interface ComputeParams {
  uri: string;
  /** Filesystem path of the dataset (the server reads the file when `text` is absent). */
  path: string;
  /** The document's text when it is open and may be unsaved. */
  text?: string;
  version: number;
  settings: Partial<Settings>;
}

export interface ComputeResult {
  uri: string;
  version: number;
  /** True when served from the cache. */
  cached: boolean;
  flaggedCount: number;
  rows: number;
}

export interface JobError {
  kind: string;
  file: string;
  line: number;
  column: number;
  message: string;
  hint: string;
}

export const Methods = {
  compute: 'influenceLens/compute',
  cancel: 'influenceLens/cancel',
  result: 'influenceLens/result',
  rowDetails: 'influenceLens/rowDetails',
  verify: 'influenceLens/verify',
  status: 'influenceLens/status',
  clear: 'influenceLens/clear',
} as const;

export interface UriParams { uri: string }

export interface ResultResponse { version: number; result: ScanResult }

export interface RowDetailsParams { uri: string; row: number }

export interface VerifyParams { uri: string; rows: number[] }
export type VerifyResponse = VerificationBlock;

/** Server → client notification while a job runs (and once when it ends). */
export interface StatusNotification {
  uri: string;
  phase: JobPhase | 'error' | 'cancelled' | 'idle';
  /** 0..100 within the whole job. */
  percent: number;
  message: string;
  error?: JobError;
}
