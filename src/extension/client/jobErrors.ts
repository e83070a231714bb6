/**
 * Reading failures of server requests: a job error (bad input, with file and line), a
 * cancellation, or something else. Pure (no `vscode`).
 */
import type { JobError } from '../../shared/protocol';

/** LSP's RequestCancelled error code (what the server answers for a cancelled or superseded job). */
export const REQUEST_CANCELLED = -32800;

export type RequestFailure =
  | { kind: 'cancelled' }
  | { kind: 'job'; error: JobError }
  | { kind: 'other'; message: string };

function isJobError(v: unknown): v is JobError {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return typeof o.kind === 'string' && typeof o.message === 'string' && typeof o.file === 'string' && typeof o.line === 'number';
}

export function classifyFailure(e: unknown): RequestFailure {
  const o = (typeof e === 'object' && e !== null ? e : {}) as { code?: unknown; data?: unknown; message?: unknown };
  if (o.code === REQUEST_CANCELLED) return { kind: 'cancelled' };
  if (isJobError(o.data)) return o.data.kind === 'cancelled' || o.data.kind === 'superseded' ? { kind: 'cancelled' } : { kind: 'job', error: o.data };
  return { kind: 'other', message: typeof o.message === 'string' ? o.message : String(e) };
}

/** "wine.csv:12: unterminated quote … (hint)" */
export function describeJobError(error: JobError, displayName: string): string {
  const where = error.line > 0 ? `${displayName}:${error.line}${error.column > 0 ? `:${error.column}` : ''}` : displayName;
  return `${where}: ${error.message}${error.hint ? ` ${error.hint}` : ''}`;
}
