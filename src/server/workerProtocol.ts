/**
 * Messages between the server thread and a compute worker. The worker holds at most one
 * live `Analysis` (the last finished scan of its document), so row details and
 * verification are answered by the worker that computed the scan.
 */
import type { AnalyzeHooks, AnalyzeInput, Analysis, ProgressEvent } from '../core/analyzeTypes';
import type { Cell } from '../core/data/types';
import type { RowDetails, VerificationBlock } from '../core/report/types';
import type { JobError } from '../shared/protocol';

/** The engine front door as the worker sees it: injected so tests can drive the worker with a fake. */
export type RunAnalysis = (input: AnalyzeInput, hooks: AnalyzeHooks) => Analysis;
/** Parse a dataset once and return a reader of one data row's cells (keyed by column name). */
export type ReadCells = (input: AnalyzeInput) => (row: number) => Record<string, Cell>;

/** What a worker runs: the engine and a plain table reader. */
export interface WorkerEngine {
  analyze: RunAnalysis;
  cells: ReadCells;
}

export type ToWorker =
  /** `cancel` is a SharedArrayBuffer holding one Int32: non-zero means "stop". */
  | { type: 'analyze'; id: number; input: AnalyzeInput; cancel: SharedArrayBuffer }
  | { type: 'rowDetails'; id: number; row: number; neighbours?: number }
  | { type: 'verify'; id: number; rows: number[]; cancel: SharedArrayBuffer }
  /** `input` may be omitted when the worker already parsed the table with this `key`. */
  | { type: 'rowCells'; id: number; key: string; input?: AnalyzeInput; row: number };

export type FromWorker =
  | { type: 'progress'; id: number; progress: ProgressEvent }
  /** The result as JSON text: serialized in the worker so the server thread only parses it and writes it to the cache as is. */
  | { type: 'analyzed'; id: number; resultJson: string }
  | { type: 'rowDetails'; id: number; details: RowDetails }
  | { type: 'verified'; id: number; verification: VerificationBlock }
  | { type: 'rowCells'; id: number; cells: Record<string, Cell> }
  | { type: 'cancelled'; id: number }
  | { type: 'failed'; id: number; error: JobError };

/** Index of the flag inside the cancel buffer's Int32Array. */
export const CANCEL_SLOT = 0;
