/**
 * The engine's one front door, as types. `src/core/analyze.ts` implements
 * `analyze(input, hooks): Analysis`; the worker, the CLI and the tests call it.
 */
import type { ForwardAccelerator } from './influence/forwardState';
import type { RowWorkers } from './influence/parallel';
import type { Settings } from './settings';
import type { Phase, RowDetails, ScanResult, VerificationBlock } from './report/types';

export interface AnalyzeInput {
  /** Path or name used in messages and in the result. */
  file: string;
  /** Dataset text (decoded, BOM stripped or not) or raw bytes. */
  content: string | Uint8Array;
  settings: Settings;
  /** A trusted validation file's content and name (same columns), overriding the split. */
  validation?: { file: string; content: string | Uint8Array };
}

export interface ProgressEvent {
  phase: Phase;
  /** 0..100 over the whole scan. */
  percent: number;
  message: string;
}

export interface AnalyzeHooks {
  onProgress?: (p: ProgressEvent) => void;
  /** Polled between mini-batches; when it returns true the scan throws CancelledError. */
  shouldCancel?: () => boolean;
  /** Other threads the influence estimators may split rows across (same numbers, faster). */
  workers?: RowWorkers;
  /** Float32 accelerator for the estimators' big dense products (used unless settings say 'off'). */
  accelerator?: ForwardAccelerator;
}

/** A finished scan that can still answer questions about its rows. */
export interface Analysis {
  readonly result: ScanResult;
  /** Details of one trained data row (0-based data-row index). */
  rowDetails(row: number, neighbours?: number): RowDetails;
  /** Retrain without the given data rows by exact replay; compare with the predicted change. */
  verify(rows: readonly number[], hooks?: AnalyzeHooks): VerificationBlock;
}
