/**
 * The server side of one compute worker thread: sends it requests, routes progress, cancels
 * through a shared flag, and replaces the thread when it ignores a cancel or dies.
 */
import { Worker } from 'node:worker_threads';
import type { ProgressEvent } from '../core/analyzeTypes';
import { jobError } from './jobErrors';
import { CANCEL_SLOT, type FromWorker, type ToWorker } from './workerProtocol';

/** How long a worker may take to notice its cancel flag before the thread is terminated. */
/**
 * How long a worker may take to notice its cancel flag before the thread is terminated.
 * Below the 1 s target so that terminating the thread (~0.1 s, more on a loaded machine) still fits in it.
 */
export const CANCEL_GRACE_MS = 700;

/** The final answer to one request (progress messages are delivered separately). */
export type WorkerReply = Exclude<FromWorker, { type: 'progress' }>;

type Request = ToWorker extends infer M ? (M extends ToWorker ? Omit<M, 'id' | 'cancel'> : never) : never;

interface Pending {
  file: string;
  flag: Int32Array;
  onProgress?: (p: ProgressEvent) => void;
  resolve: (reply: WorkerReply) => void;
  graceTimer?: NodeJS.Timeout;
}

/** A running request: its reply, and a way to stop it. */
export interface WorkerCall {
  readonly reply: Promise<WorkerReply>;
  cancel(): void;
}

/**
 * Start a worker thread from a bundled `.js` entry, or from a `.ts` entry through tsx
 * (tests and `node --import tsx src/server/server.ts`): `execArgv` loaders do not reach
 * worker threads on Node 20, so a one-line bootstrap registers tsx inside the thread.
 */
export function startWorkerThread(entry: string): Worker {
  if (!entry.endsWith('.ts')) return new Worker(entry);
  const e = JSON.stringify(entry);
  return new Worker(`const r = require('node:module').createRequire(${e}); r('tsx/cjs'); r(${e});`, { eval: true });
}

export class ComputeWorker {
  private thread: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  /** True while the thread holds the `Analysis` of the last successful scan it ran. */
  hasAnalysis = false;
  /** Cache key of the table the thread has parsed for row cells (see `rowCells`). */
  tableKey: string | undefined;
  lastUsed = Date.now();

  constructor(
    private readonly entry: string,
    private readonly log: (message: string) => void,
  ) {}

  get busy(): boolean {
    return this.pending.size > 0;
  }

  get alive(): boolean {
    return this.thread !== undefined;
  }

  /** Send one request; `file` names the dataset in errors. */
  call(request: Request, file: string, onProgress?: (p: ProgressEvent) => void): WorkerCall {
    const thread = this.thread ?? this.spawn();
    const id = this.nextId++;
    const buffer = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT);
    const flag = new Int32Array(buffer);
    this.lastUsed = Date.now();
    const reply = new Promise<WorkerReply>((resolve) => {
      this.pending.set(id, { file, flag, onProgress, resolve });
    });
    if (request.type === 'analyze') this.hasAnalysis = false;
    thread.postMessage({ ...request, id, cancel: buffer } as ToWorker);
    return { reply, cancel: () => this.cancel(id) };
  }

  /** Stop everything and release the thread. */
  dispose(): void {
    const thread = this.thread;
    this.thread = undefined;
    this.settleAll((id) => ({ type: 'cancelled', id }));
    void thread?.terminate();
  }

  private cancel(id: number): void {
    const p = this.pending.get(id);
    if (!p || p.graceTimer) return;
    Atomics.store(p.flag, CANCEL_SLOT, 1);
    p.graceTimer = setTimeout(() => {
      if (!this.pending.has(id)) return;
      this.log(`worker did not stop within ${CANCEL_GRACE_MS} ms of a cancel; terminating it`);
      const thread = this.thread;
      this.thread = undefined;
      this.hasAnalysis = false;
      // Every request on this thread dies with it; the cancelled one is reported as cancelled.
      this.settleAll((pid, q) =>
        pid === id ? { type: 'cancelled', id: pid } : { type: 'failed', id: pid, error: jobError('worker-crashed', q.file, 'The computation was stopped.', 'Run it again.') },
      );
      void thread?.terminate();
    }, CANCEL_GRACE_MS);
  }

  private spawn(): Worker {
    const thread = startWorkerThread(this.entry);
    this.thread = thread;
    this.hasAnalysis = false;
    this.tableKey = undefined;
    let crash = '';
    thread.on('message', (m: FromWorker) => this.onMessage(m));
    thread.on('error', (e) => {
      crash = e instanceof Error ? e.message : String(e);
      this.log(`worker error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    });
    thread.on('exit', (code) => {
      if (this.thread !== thread) return; // already replaced after a cancel timeout
      this.thread = undefined;
      this.hasAnalysis = false;
      if (this.pending.size > 0) this.log(`worker exited with code ${code} during a job`);
      const why = crash ? `: ${crash}` : ` (exit code ${code})`;
      this.settleAll((id, p) =>
        p.graceTimer
          ? { type: 'cancelled', id }
          : { type: 'failed', id, error: jobError('worker-crashed', p.file, `The computation stopped unexpectedly${why}.`, 'Run the scan again; a new worker will be started. If it happens again, try fewer rows or a smaller memory budget.') },
      );
    });
    return thread;
  }

  private onMessage(m: FromWorker): void {
    const p = this.pending.get(m.id);
    if (!p) return;
    if (m.type === 'progress') {
      p.onProgress?.(m.progress);
      return;
    }
    if (m.type === 'analyzed') this.hasAnalysis = true;
    this.settle(m.id, p, m);
  }

  private settle(id: number, p: Pending, reply: WorkerReply): void {
    clearTimeout(p.graceTimer);
    this.pending.delete(id);
    this.lastUsed = Date.now();
    p.resolve(reply);
  }

  private settleAll(make: (id: number, p: Pending) => WorkerReply): void {
    for (const [id, p] of [...this.pending]) this.settle(id, p, make(id, p));
  }
}
