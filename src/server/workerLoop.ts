/**
 * The worker side: runs scans, row-details and verification requests for one document,
 * keeping the last finished `Analysis` alive. The scan itself is synchronous, so the only
 * way in while it runs is the shared cancel flag that `shouldCancel` reads.
 */
import type { MessagePort } from 'node:worker_threads';
import type { AnalyzeHooks, Analysis, ProgressEvent } from '../core/analyzeTypes';
import { isCancelled, jobError, toJobError } from './jobErrors';
import type { Cell } from '../core/data/types';
import { CANCEL_SLOT, type FromWorker, type ToWorker, type WorkerEngine } from './workerProtocol';

/** Progress is forwarded when the phase or the whole percent changes, so a fast loop does not flood the port. */
function progressHooks(post: (m: FromWorker) => void, id: number, cancel: SharedArrayBuffer): AnalyzeHooks {
  const flag = new Int32Array(cancel);
  let lastPhase = '';
  let lastPercent = -1;
  return {
    shouldCancel: () => Atomics.load(flag, CANCEL_SLOT) !== 0,
    onProgress: (progress: ProgressEvent) => {
      const percent = Math.floor(progress.percent);
      if (progress.phase === lastPhase && percent === lastPercent) return;
      lastPhase = progress.phase;
      lastPercent = percent;
      post({ type: 'progress', id, progress });
    },
  };
}

export function serveAnalyses(port: MessagePort, engine: WorkerEngine): void {
  let analysis: Analysis | undefined;
  let table: { key: string; row: (row: number) => Record<string, Cell> } | undefined;
  let file = '';
  const post = (m: FromWorker): void => port.postMessage(m);
  const fail = (id: number, e: unknown): void => {
    post(isCancelled(e) ? { type: 'cancelled', id } : { type: 'failed', id, error: toJobError(e, file) });
  };

  port.on('message', (msg: ToWorker) => {
    switch (msg.type) {
      case 'analyze':
        // A new scan replaces the old one even if it fails: the old rows no longer describe the document.
        analysis = undefined;
        file = msg.input.file;
        try {
          analysis = engine.analyze(msg.input, progressHooks(post, msg.id, msg.cancel));
          post({ type: 'analyzed', id: msg.id, resultJson: JSON.stringify(analysis.result) });
        } catch (e) {
          fail(msg.id, e);
        }
        break;
      case 'rowDetails':
        if (!analysis) {
          post({ type: 'failed', id: msg.id, error: jobError('no-result', file, 'No live scan in this worker.') });
          break;
        }
        try {
          post({ type: 'rowDetails', id: msg.id, details: analysis.rowDetails(msg.row, msg.neighbours) });
        } catch (e) {
          fail(msg.id, e);
        }
        break;
      case 'rowCells':
        try {
          if (msg.input) table = { key: msg.key, row: engine.cells(msg.input) };
          if (!table || table.key !== msg.key) {
            post({ type: 'failed', id: msg.id, error: jobError('no-result', file, 'The worker has not read this table.') });
            break;
          }
          post({ type: 'rowCells', id: msg.id, cells: table.row(msg.row) });
        } catch (e) {
          fail(msg.id, e);
        }
        break;
      case 'verify':
        if (!analysis) {
          post({ type: 'failed', id: msg.id, error: jobError('no-result', file, 'No live scan in this worker.') });
          break;
        }
        try {
          post({ type: 'verified', id: msg.id, verification: analysis.verify(msg.rows, progressHooks(post, msg.id, msg.cancel)) });
        } catch (e) {
          fail(msg.id, e);
        }
        break;
    }
  });
}
