/**
 * Server responsiveness and cancel latency with the real engine (issue 6 targets):
 * while a 20-epoch ACC scan of spam-2k.jsonl runs in the worker, how long does a request
 * take to come back (target < 50 ms), and how long from a cancel to the job stopping
 * (target < 1 s)? Writes bench/server-results.json.
 *
 *   node --import tsx bench/server.ts [--dist] [--cancels N]
 *
 * `--dist` runs the bundled dist/server.js + dist/worker.js (run `npm run build` first);
 * the default runs the TypeScript sources through tsx.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import * as path from 'node:path';
import { ResponseError } from 'vscode-languageserver-protocol';
import { Methods, type ComputeParams, type ComputeResult, type StatusNotification } from '../src/shared/protocol';
import { DATASETS, elapsedMs, LspClient, REPO } from '../test/server/lspHarness';

const LATENCY_TARGET_MS = 50;
const CANCEL_TARGET_MS = 1000;
/** Pause between latency probes, so probing does not itself load the server. */
const PROBE_INTERVAL_MS = 25;

const args = process.argv.slice(2);
const useDist = args.includes('--dist');
const cancelsArg = args.indexOf('--cancels');
const cancelRuns = cancelsArg >= 0 ? Number(args[cancelsArg + 1]) : 3;
const entry = useDist ? path.join(REPO, 'dist', 'server.js') : path.join(REPO, 'src', 'server', 'server.ts');
const file = path.join(DATASETS, 'spam-2k.jsonl');
const text = readFileSync(file, 'utf8');

function summary(xs: number[]): { n: number; median: number; p95: number; max: number } {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number): number => s[Math.min(s.length - 1, Math.floor(q * s.length))];
  return { n: s.length, median: round(at(0.5)), p95: round(at(0.95)), max: round(s[s.length - 1]) };
}
const round = (x: number): number => Math.round(x * 100) / 100;

function computeParams(seed: number): ComputeParams {
  return { uri: `file://${file}`, path: file, text, version: seed + 1, settings: { epochs: 20, estimator: 'acc', seed } };
}

/** Probe `influenceLens/result` round trips until `done` resolves; returns latencies by phase. */
async function probeWhile(c: LspClient, uri: string, done: Promise<unknown>): Promise<Map<string, number[]>> {
  let finished = false;
  void done.finally(() => (finished = true)).catch(() => undefined);
  const byPhase = new Map<string, number[]>();
  while (!finished) {
    const phase = c.statuses.filter((s) => s.uri === uri).at(-1)?.phase ?? 'queued';
    const t0 = process.hrtime.bigint();
    await c.rpc.sendRequest(Methods.result, { uri });
    const ms = elapsedMs(t0);
    if (!finished) byPhase.set(phase, [...(byPhase.get(phase) ?? []), ms]);
    await new Promise((r) => setTimeout(r, PROBE_INTERVAL_MS));
  }
  return byPhase;
}

async function main(): Promise<void> {
  const storage = mkdtempSync(path.join(tmpdir(), 'il-bench-'));
  const c = await LspClient.start({ entry, storagePath: storage, initializationOptions: { maxConcurrentJobs: 1 } });
  try {
    // 1. A full scan, probing round trips throughout.
    const full = computeParams(0);
    const t0 = process.hrtime.bigint();
    const job = c.rpc.sendRequest<ComputeResult>(Methods.compute, full);
    const byPhase = await probeWhile(c, full.uri, job);
    const res = await job;
    const scanMs = elapsedMs(t0);
    const all = [...byPhase.values()].flat();
    const latency = { overall: summary(all), byPhase: Object.fromEntries([...byPhase].map(([k, v]) => [k, summary(v)])) };
    // The server logs its own event-loop delay over the scan: small = its thread never blocked, so slower round trips were scheduling.
    const loopLine = await c.waitFor('the server\'s scan log line', () => c.logs.find((l) => l.startsWith('scan analyzed')));
    const loop = /p99 ([\d.]+) ms, max ([\d.]+) ms/.exec(loopLine);
    const eventLoopDelayMs = { p99: Number(loop?.[1]), max: Number(loop?.[2]) };
    console.log(`scan: ${res.rows} rows, ${res.flaggedCount} flagged, ${(scanMs / 1000).toFixed(1)} s`);
    console.log(`server event-loop delay during the scan: p99 ${eventLoopDelayMs.p99} ms, max ${eventLoopDelayMs.max} ms`);
    console.log(`request round trip during the scan: median ${latency.overall.median} ms, p95 ${latency.overall.p95} ms, max ${latency.overall.max} ms over ${latency.overall.n} requests (target < ${LATENCY_TARGET_MS} ms)`);

    // 2. Cancels at several points of fresh scans (a new seed each time, so the cache does not answer).
    // Points are named by the phase the engine reports when the cancel is sent (recorded with its percent).
    const points: { label: string; match: (s: StatusNotification) => boolean }[] = [
      { label: 'first featurize status', match: (s) => s.phase === 'featurize' },
      { label: 'first train or influence status', match: (s) => s.phase === 'train' || s.phase === 'influence' },
      { label: 'influence phase', match: (s) => s.phase === 'influence' },
    ];
    const cancels: { point: string; phase: string; percent: number; ms: number; stoppedBy: string }[] = [];
    for (let i = 0; i < cancelRuns; i++) {
      const point = points[i % points.length];
      const p = computeParams(i + 1);
      const from = c.statuses.length;
      const logsBefore = c.logs.length;
      const running = c.rpc.sendRequest(Methods.compute, p);
      const at = await c.waitFor<StatusNotification>(point.label, () => c.statuses.slice(from).find((s) => s.uri === p.uri && point.match(s)), 10 * 60_000);
      const tc = process.hrtime.bigint();
      await c.rpc.sendRequest(Methods.cancel, { uri: p.uri });
      let stoppedBy = 'completed';
      try {
        await running;
      } catch (e) {
        stoppedBy = e instanceof ResponseError ? String((e.data as { kind?: string } | undefined)?.kind) : String(e);
      }
      const ms = round(elapsedMs(tc));
      // A worker terminated after the grace period logs it; otherwise the engine stopped itself.
      const terminated = c.logs.slice(logsBefore).some((l) => l.includes('did not stop'));
      cancels.push({ point: point.label, phase: at.phase, percent: at.percent, ms, stoppedBy: terminated ? `${stoppedBy} (worker terminated)` : stoppedBy });
      console.log(`cancel during ${point.label} (${at.phase} ${at.percent}%): ${stoppedBy} after ${ms} ms (target < ${CANCEL_TARGET_MS} ms)${terminated ? ', worker terminated' : ''}`);
    }

    // 3. A request sent right behind a compute carrying the 2.7 MB text waits for that message to be
    //    transferred and parsed. Measured with cache hits (no scan), with the text and with the path only.
    const behind = async (withText: boolean): Promise<number[]> => {
      const times: number[] = [];
      for (let i = 0; i < 5; i++) {
        const p = { ...computeParams(0), version: 100 + i, ...(withText ? {} : { text: undefined }) };
        const job = c.rpc.sendRequest<ComputeResult>(Methods.compute, p);
        const t1 = process.hrtime.bigint();
        // A document without a result, so the answer is small (a 2 MB result would measure its own serialization).
        await c.rpc.sendRequest(Methods.result, { uri: 'file:///probe/none.csv' });
        times.push(round(elapsedMs(t1)));
        if (!(await job).cached) throw new Error('expected a cache hit');
      }
      return times;
    };
    const behindCompute = { withTextMs: await behind(true), pathOnlyMs: await behind(false) };
    console.log(`request right behind a compute message: with the text ${behindCompute.withTextMs.join(', ')} ms; path only ${behindCompute.pathOnlyMs.join(', ')} ms`);

    const out = {
      date: new Date().toISOString(),
      machine: { cpus: cpus().length, model: cpus()[0]?.model ?? 'unknown', node: process.version },
      server: useDist ? 'dist/server.js' : 'src/server/server.ts (tsx)',
      dataset: 'spam-2k.jsonl',
      settings: { epochs: 20, estimator: 'acc' },
      scan: { rows: res.rows, flagged: res.flaggedCount, seconds: round(scanMs / 1000) },
      requestLatencyMs: latency,
      serverEventLoopDelayMs: eventLoopDelayMs,
      requestBehindComputeMessage: behindCompute,
      loadAverage: { atEnd: loadavg().map(round), note: 'machine shared with other jobs; 2 cores' },
      cancelLatencyMs: { runs: cancels, max: Math.max(...cancels.map((x) => x.ms)) },
      targets: { requestMs: LATENCY_TARGET_MS, cancelMs: CANCEL_TARGET_MS },
      met: { request: latency.overall.max < LATENCY_TARGET_MS, requestP95: latency.overall.p95 < LATENCY_TARGET_MS, cancel: cancels.every((x) => x.ms < CANCEL_TARGET_MS) },
    };
    writeFileSync(path.join(REPO, 'bench', 'server-results.json'), `${JSON.stringify(out, null, 2)}\n`);
    console.log('wrote bench/server-results.json');
  } finally {
    await c.stop();
    rmSync(storage, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
