/**
 * Compute worker entry (bundled to dist/worker.js): the worker loop over the real engine.
 * Started by the server for each document with a scan; see `workerLoop.ts`.
 */
import { parentPort } from 'node:worker_threads';
import { analyze } from '../core/analyze';
import { loadAccelerator } from '../accel/loader';
import { createRowWorkers } from '../parallel/rowWorkers';
import { readTableCells } from './tableCells';
import { serveAnalyses } from './workerLoop';

if (!parentPort) throw new Error('worker.ts must run in a worker thread');
// Estimators split rows over one thread per core (INFLUENCE_LENS_THREADS caps it); the
// numbers are the same with any count.
const workers = createRowWorkers(Number(process.env.INFLUENCE_LENS_THREADS ?? 0) || 0);
// The float32 accelerator loads first (wasm compilation is asynchronous); messages wait in
// the port's queue meanwhile, so every scan takes the same path. A scan whose settings say
// accelerator 'off' does not use it; a failed load leaves the float64 kernels in charge.
const port = parentPort;
void loadAccelerator('auto').then(({ accelerator }) => {
  serveAnalyses(port, { analyze: (input, hooks) => analyze(input, { ...hooks, workers, accelerator: accelerator ?? undefined }), cells: readTableCells });
});
