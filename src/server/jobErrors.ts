/**
 * Turning anything a job can throw into a `JobError` the client can show: bad input keeps
 * its file, line and hint; cancellation and worker faults get their own kinds.
 */
import { isInputError } from '../core/data/types';
import type { JobError } from '../shared/protocol';

/** Kinds the server adds to the engine's `InputErrorKind`s. */
export type JobErrorKind = 'cancelled' | 'superseded' | 'worker-crashed' | 'no-result' | 'internal';

export function jobError(kind: JobErrorKind | string, file: string, message: string, hint = '', line = 0, column = 0): JobError {
  return { kind, file, line, column, message, hint };
}

/** `CancelledError` lives in `src/core/analyze.ts`; matched by name so the server does not depend on its class. */
export function isCancelled(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { name?: unknown }).name === 'CancelledError';
}

export function toJobError(e: unknown, file: string): JobError {
  if (isInputError(e)) {
    return jobError(e.kind, e.file || file, e.message, e.hint, e.line, e.column);
  }
  if (isCancelled(e)) return jobError('cancelled', file, 'The scan was cancelled.');
  const name = typeof e === 'object' && e !== null ? (e as { name?: unknown }).name : undefined;
  if (name === 'SettingsError') {
    return jobError('bad-setting', file, (e as Error).message, 'Fix the influenceLens setting named in the message.');
  }
  const message = e instanceof Error ? e.message : String(e);
  return jobError('internal', file, `Internal error: ${message}`, 'Please report this with the dataset shape and settings.');
}
