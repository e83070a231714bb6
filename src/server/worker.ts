/**
 * Compute worker entry (bundled to dist/worker.js): the worker loop over the real engine.
 * Started by the server for each document with a scan; see `workerLoop.ts`.
 */
import { parentPort } from 'node:worker_threads';
import { analyze } from '../core/analyze';
import { readTableCells } from './tableCells';
import { serveAnalyses } from './workerLoop';

if (!parentPort) throw new Error('worker.ts must run in a worker thread');
serveAnalyses(parentPort, { analyze, cells: readTableCells });
