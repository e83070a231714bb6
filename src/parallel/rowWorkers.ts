/**
 * `RowWorkers` on Node worker threads: the estimators hand over shares of their rows, this
 * thread computes its own share meanwhile, then blocks (Atomics.wait, in short slices so
 * cancellation and progress keep flowing) until every helper has replied. Helpers are
 * started per estimate and stopped afterwards, so nothing lingers between scans.
 */
import { existsSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { ContextState, LrShared, PartTask, RowWorkers } from '../core/influence/parallel';
import type { EstimateRequest, EstimateResult } from '../core/influence/types';
import { CancelledError, type Hooks } from '../core/train/trainer';
import { CANCEL_SLOT, DONE_SLOT, HEART_SLOT, type PartJob, type PartReply } from './protocol';

/** A helper that neither progresses nor polls for cancellation this long is taken as dead. */
const STALL_MS = 120_000;
/**
 * Threads chosen automatically at most: every helper holds its own copy of the data and the
 * recorded run (up to the trajectory budget), so memory grows with the count.
 */
const AUTO_MAX_THREADS = 4;
/** Wake-up interval of the blocked host (cancellation and progress latency). */
const POLL_MS = 50;

interface HelperScript { file: string; tsx: boolean }

/** The helper script next to this bundle (dist/rowWorker.js), or the TypeScript source under tsx. */
function helperScript(): HelperScript | null {
  const dir = typeof __dirname === 'string' ? __dirname : '';
  const js = path.join(dir, 'rowWorker.js');
  if (existsSync(js)) return { file: js, tsx: false };
  const ts = path.join(dir, 'rowWorker.ts');
  if (existsSync(ts)) return { file: ts, tsx: true };
  return null;
}

/**
 * Loads the helper script; if loading fails (a missing file, a broken install) it still
 * counts itself done, and the host computes that share itself.
 */
const BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
try {
  if (workerData.tsx) require('tsx/cjs');
  require(workerData.file);
} catch (e) {
  const c = new Int32Array(workerData.control);
  Atomics.add(c, ${DONE_SLOT}, 1);
  Atomics.notify(c, ${DONE_SLOT});
}`;

export class NodeRowWorkers implements RowWorkers {
  constructor(readonly extra: number, private readonly script: HelperScript, readonly minWork?: number) {}

  run(task: PartTask, ctx: ContextState, parts: EstimateRequest[], here: (req: EstimateRequest, hooks: Hooks) => EstimateResult, hooks?: Hooks): EstimateResult[] {
    const fallbackNote = 'a helper thread did not start; its rows were computed on the calling thread.';
    return this.dispatch(
      (i) => ({ task, ctx, req: parts[i], accel: hooks?.accelerator?.id }), parts, here, hooks,
      (r) => ({ ...r, notes: [...r.notes, fallbackNote] }),
    );
  }

  runCandidates(shared: LrShared, parts: number[][], here: (rates: number[], hooks: Hooks) => number[], hooks?: Hooks): number[][] {
    return this.dispatch((i) => ({ task: { kind: 'lr' as const }, ctx: shared, req: parts[i] }), parts, here, hooks, (r) => r);
  }

  /**
   * parts[0] here, parts[1..] on helper threads (job(i) describes part i); results in order.
   * A part whose helper could not start is computed here and passed through `fallback`.
   */
  private dispatch<P, R>(
    job: (i: number) => Pick<PartJob, 'task' | 'ctx' | 'req' | 'accel'>, parts: P[], here: (part: P, hooks: Hooks) => R, hooks: Hooks | undefined, fallback: (r: R) => R,
  ): R[] {
    const k = parts.length - 1;
    const control = new SharedArrayBuffer(4 * (HEART_SLOT + k));
    const progress = new SharedArrayBuffer(8 * Math.max(1, k));
    const ctl = new Int32Array(control), prog = new Float64Array(progress);
    const workers: Worker[] = [];
    const ports: MessagePort[] = [];
    let localFraction = 0;
    const report = (msg: string): void => {
      let f = localFraction;
      for (let i = 0; i < k; i++) f += prog[i];
      hooks?.onProgress?.(f / (k + 1), msg);
    };
    try {
      for (let i = 0; i < k; i++) {
        const { port1, port2 } = new MessageChannel();
        const w = new Worker(BOOTSTRAP, { eval: true, workerData: { file: this.script.file, tsx: this.script.tsx, control }, stdout: true, stderr: true });
        const message = { ...job(i + 1), index: i, control, progress } as PartJob;
        w.postMessage({ job: message, port: port2 }, [port2]);
        workers.push(w);
        ports.push(port1);
      }
      const mine = here(parts[0], {
        shouldCancel: hooks?.shouldCancel,
        onProgress: (f, msg) => { localFraction = f; report(msg); },
      });
      localFraction = 1;
      let beats = -1, lastBeat = Date.now();
      for (;;) {
        const done = Atomics.load(ctl, DONE_SLOT);
        if (done >= k) break;
        Atomics.wait(ctl, DONE_SLOT, done, POLL_MS);
        if (hooks?.shouldCancel?.()) Atomics.store(ctl, CANCEL_SLOT, 1);
        report('waiting for the other threads');
        let sum = 0;
        for (let i = 0; i < k; i++) sum += Atomics.load(ctl, HEART_SLOT + i);
        if (sum !== beats) { beats = sum; lastBeat = Date.now(); } else if (Date.now() - lastBeat > STALL_MS) {
          throw new Error('A helper thread of the influence computation stopped responding; run again with "threads": 1.');
        }
      }
      const remote = ports.map((p, i): R => {
        const reply = receiveMessageOnPort(p)?.message as PartReply | undefined;
        // The helper could not start: compute its share here (same numbers, more time).
        if (!reply) return fallback(here(parts[i + 1], { shouldCancel: hooks?.shouldCancel }));
        if (reply.ok) return reply.result as R;
        if (reply.cancelled) throw new CancelledError();
        throw Object.assign(new Error(reply.message), { name: reply.name, file: reply.file, line: reply.line, code: reply.code });
      });
      if (Atomics.load(ctl, CANCEL_SLOT) !== 0) throw new CancelledError();
      return [mine, ...remote];
    } finally {
      Atomics.store(ctl, CANCEL_SLOT, 1);
      for (const p of ports) p.close();
      for (const w of workers) void w.terminate();
    }
  }
}

/**
 * Row workers for `threads` threads in all (0 = one per available core, at most
 * AUTO_MAX_THREADS), or undefined when that is one thread or the helper script is not found
 * next to this module.
 */
export function createRowWorkers(threads = 0, opts: { minWork?: number } = {}): RowWorkers | undefined {
  const total = threads > 0 ? Math.floor(threads) : Math.min(AUTO_MAX_THREADS, os.availableParallelism?.() ?? os.cpus().length);
  const script = helperScript();
  if (total < 2 || !script) return undefined;
  return new NodeRowWorkers(total - 1, script, opts.minWork);
}
