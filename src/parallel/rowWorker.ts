/**
 * A helper thread that runs one share of an estimate's rows (ACC/SGD-IE forward recursion
 * or exact LOO) and posts the result back on its port. Always replies and always bumps the
 * shared done counter, so the blocked host never waits on a part that ended.
 */
import { parentPort, type MessagePort } from 'node:worker_threads';
import { runForwardHere } from '../core/influence/forward';
import type { ForwardAccelerator } from '../core/influence/forwardState';
import { looHere } from '../core/influence/loo';
import { loadAccelerator } from '../accel/loader';
import { contextFromState } from '../core/influence/parallel';
import { createModel } from '../core/model';
import { scoreCandidate } from '../core/train/lrSearch';
import type { EstimateResult } from '../core/influence/types';
import { CancelledError } from '../core/train/trainer';
import { CANCEL_SLOT, DONE_SLOT, HEART_SLOT, type PartJob, type PartReply } from './protocol';

function run(job: PartJob, accelerator?: ForwardAccelerator): EstimateResult | number[] {
  const control = new Int32Array(job.control);
  const progress = new Float64Array(job.progress);
  const hooks = {
    // Polled between panels of rows: doubles as the heartbeat the host watches.
    shouldCancel: () => { Atomics.add(control, HEART_SLOT + job.index, 1); return Atomics.load(control, CANCEL_SLOT) !== 0; },
    onProgress: (f: number) => { progress[job.index] = f; Atomics.add(control, HEART_SLOT + job.index, 1); },
    accelerator,
  };
  if (isCandidates(job)) {
    const { spec, data, opts } = job.ctx;
    const model = createModel(spec);
    return job.req.map((lr) => scoreCandidate(model, data, opts, lr, hooks));
  }
  const { task, req } = job as Exclude<PartJob, CandidatesJob>;
  const ctx = contextFromState((job as Exclude<PartJob, CandidatesJob>).ctx);
  return task.kind === 'loo' ? looHere(ctx, req, hooks) : runForwardHere(ctx, req, task.correction, task.estimator, hooks);
}

type CandidatesJob = Extract<PartJob, { task: { kind: 'lr' } }>;

function isCandidates(job: PartJob): job is CandidatesJob {
  return job.task.kind === 'lr';
}

function transferables(r: EstimateResult | number[]): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  if (Array.isArray(r)) return [];
  const add = (a: Float64Array | Int32Array | null | undefined): void => { if (a && a.buffer instanceof ArrayBuffer) out.add(a.buffer); };
  for (const s of r.snapshots) { s.queries.forEach(add); add(s.self); add(s.deltas); }
  r.cumulative.forEach(add);
  r.inWindow?.forEach(add);
  return [...out];
}

/** The caller's accelerator when this part runs accelerated (loading it is asynchronous). */
async function jobAccelerator(job: PartJob): Promise<ForwardAccelerator | undefined> {
  if (!job.accel || isCandidates(job) || !job.req.accelerated) return undefined;
  return (await loadAccelerator(job.accel)).accelerator ?? undefined;
}

parentPort?.once('message', async (msg: { job: PartJob; port: MessagePort }) => {
  const { job, port } = msg;
  const control = new Int32Array(job.control);
  let reply: PartReply;
  let transfer: ArrayBuffer[] = [];
  try {
    const result = run(job, await jobAccelerator(job));
    reply = { ok: true, result };
    transfer = transferables(result);
  } catch (e) {
    const err = e as Error & { file?: string; line?: number; code?: string };
    reply = { ok: false, cancelled: e instanceof CancelledError, message: err?.message ?? String(e), name: err?.name ?? 'Error', file: err?.file, line: err?.line, code: err?.code };
  }
  port.postMessage(reply, transfer);
  Atomics.add(control, DONE_SLOT, 1);
  Atomics.notify(control, DONE_SLOT);
});
