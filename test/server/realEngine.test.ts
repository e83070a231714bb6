/**
 * The production server (src/server/server.ts with src/server/worker.ts) on the shared
 * datasets: phases, results, row details, verification, diagnostics, bad input, and cancel
 * and responsiveness during a 20-epoch ACC scan of spam-2k.jsonl.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { LSPErrorCodes, ResponseError } from 'vscode-languageserver-protocol';
import type { RowDetailsResponse } from '../../src/server/documentJobs';
import { Methods, type ComputeParams, type ComputeResult, type JobError, type ResultResponse, type VerifyResponse } from '../../src/shared/protocol';
import { DATASETS, elapsedMs, LspClient, REPO } from './lspHarness';

/** The product targets (issue 6). */
const CANCEL_TARGET_MS = 1000;
/** The product target for a request answered while a scan runs, applied to the median. */
const RESPONSIVE_MEDIAN_MS = 50;
/** Bound on the slowest of the probes: scheduling stalls on a loaded shared machine reach a few hundred ms, while a server blocked by the scan would take the whole scan. bench/server.ts measures the real figures. */
const RESPONSIVE_MAX_MS = 1000;
/** Bound on reaching the influence phase of spam-2k (seconds unloaded). */
const SLOW_PHASE_WAIT_MS = 180_000;

function dataset(name: string, settings: ComputeParams['settings'] = {}, version = 1): ComputeParams {
  const file = path.join(DATASETS, name);
  return { uri: `file://${file}`, path: file, text: readFileSync(file, 'utf8'), version, settings };
}

async function rejection(p: Promise<unknown>): Promise<ResponseError<JobError>> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof ResponseError);
    return e as ResponseError<JobError>;
  }
  assert.fail('expected the request to fail');
}

describe('language server (real engine)', () => {
  let c: LspClient;
  before(async () => {
    c = await LspClient.start({ entry: path.join(REPO, 'src', 'server', 'server.ts') });
  });
  after(async () => {
    await c.stop();
  });

  test('iris.csv: progress by phase, result, live row details with neighbours, verification', async () => {
    const p = { ...dataset('iris.csv', {}, 3), workDoneToken: 'iris' };
    c.watchProgress('iris');
    const from = c.statuses.length;
    const res = await c.rpc.sendRequest<ComputeResult>(Methods.compute, p);
    assert.equal(res.cached, false);
    assert.equal(res.rows, 150);
    assert.ok(res.flaggedCount > 0);
    const phases = new Set(c.statuses.slice(from).filter((s) => s.uri === p.uri).map((s) => s.phase));
    for (const phase of ['parse', 'featurize', 'influence', 'done'] as const) assert.ok(phases.has(phase), `phase ${phase} in ${[...phases].join(',')}`);
    await c.waitFor('progress end', () => c.progress.get('iris')!.at(-1)?.kind === 'end');

    const stored = (await c.rpc.sendRequest<ResultResponse | null>(Methods.result, { uri: p.uri }))!;
    assert.equal(stored.version, 3);
    const worst = stored.result.rows.find((r) => r.rankHarmful === 1)!;
    const details = await c.rpc.sendRequest<RowDetailsResponse>(Methods.rowDetails, { uri: p.uri, row: worst.row });
    assert.equal(details.source, 'live');
    assert.equal(details.record.row, worst.row);
    assert.ok(Object.keys(details.cells).length >= 5, 'all columns');
    assert.ok(details.similarHelpful.length + details.similarHarmful.length > 0, 'neighbours from the live analysis');

    const top = stored.result.rows.filter((r) => r.rankHarmful <= 2).map((r) => r.row);
    const v = await c.rpc.sendRequest<VerifyResponse>(Methods.verify, { uri: p.uri, rows: top });
    assert.deepEqual([...v.rows].sort(), [...top].sort());
    assert.ok(Number.isFinite(v.predictedChange) && Number.isFinite(v.actualChange));
  });

  test('wine-noisy.csv: diagnostics on the flagged rows\' lines', async () => {
    const p = dataset('wine-noisy.csv', { diagnostics: true });
    const from = c.diagnostics.length;
    const res = await c.rpc.sendRequest<ComputeResult>(Methods.compute, p);
    const published = await c.waitFor('diagnostics', () => c.diagnostics.slice(from).find((d) => d.uri === p.uri && d.diagnostics.length > 0));
    const result = (await c.rpc.sendRequest<ResultResponse>(Methods.result, { uri: p.uri })).result;
    const flagged = result.rows.filter((r) => r.flagged);
    assert.equal(flagged.length, res.flaggedCount);
    assert.equal(published.diagnostics.length, flagged.reduce((s, r) => s + r.reasons.length, 0));
    const lines = p.text!.split('\n');
    for (const d of published.diagnostics) {
      const row = flagged.find((r) => r.line - 1 === d.range.start.line);
      assert.ok(row, `diagnostic on line ${d.range.start.line} belongs to a flagged row`);
      assert.ok(row.reasons.includes(d.code as never));
      assert.equal(d.range.end.character, lines[row.endLine - 1].replace(/\r$/, '').length);
    }
  });

  test('bad input from the real parser keeps its file and line', async () => {
    const file = path.join(DATASETS, 'broken.csv');
    const text = 'a,b,label\n1,2,x\n3,"4,y\n5,6,z\n';
    const err = await rejection(c.rpc.sendRequest(Methods.compute, { uri: `file://${file}`, path: file, text, version: 1, settings: {} }));
    assert.equal(err.code, LSPErrorCodes.RequestFailed);
    assert.equal(err.data?.file, file);
    assert.ok((err.data?.line ?? 0) >= 3, `line ${err.data?.line}: ${err.data?.message}`);
    assert.ok(err.data?.message);
    const header = await rejection(c.rpc.sendRequest(Methods.compute, { uri: `file://${file}`, path: file, text: 'a,b,label\n', version: 2, settings: {} }));
    assert.equal(header.data?.kind, 'header-only');
  });

  test('spam-2k.jsonl, 20-epoch ACC: requests answered during the scan, cancel stops it within 1 s', async (t) => {
    const p = dataset('spam-2k.jsonl', { epochs: 20, estimator: 'acc' });
    const running = c.rpc.sendRequest(Methods.compute, p);
    running.catch(() => undefined); // observed below; never left unhandled if a wait fails first
    // Parsing, featurizing and the learning-rate search take seconds, far more on a loaded machine.
    await c.waitFor('the influence phase', () => c.statuses.find((s) => s.uri === p.uri && s.phase === 'influence'), SLOW_PHASE_WAIT_MS);
    const times: number[] = [];
    for (let i = 0; i < 20; i++) {
      const t0 = process.hrtime.bigint();
      await c.rpc.sendRequest(Methods.result, { uri: p.uri });
      times.push(elapsedMs(t0));
    }
    times.sort((a, b) => a - b);
    const t0 = process.hrtime.bigint();
    await c.rpc.sendRequest(Methods.cancel, { uri: p.uri });
    const err = await rejection(running);
    const cancelMs = elapsedMs(t0);
    const forced = c.logs.some((l) => l.includes('did not stop'));
    t.diagnostic(`round trip during the scan: median ${times[10].toFixed(1)} ms, max ${times[19].toFixed(1)} ms; cancel → stopped ${cancelMs.toFixed(0)} ms${forced ? ' (worker terminated)' : ''}`);
    assert.equal(err.data?.kind, 'cancelled');
    assert.ok(cancelMs < CANCEL_TARGET_MS, `cancel took ${cancelMs.toFixed(0)} ms`);
    assert.ok(times[10] < RESPONSIVE_MEDIAN_MS && times[19] < RESPONSIVE_MAX_MS, `round trips: median ${times[10].toFixed(1)} ms, max ${times[19].toFixed(1)} ms`);
  });

  test('the engine honours the shared cancel flag itself (the worker is not terminated)', async (t) => {
    // Many cheap epochs on a small file: steps are short, so a poll between mini-batches comes at once.
    const p = dataset('wine-noisy.csv', { epochs: 1000, seed: 7 });
    const logsBefore = c.logs.length;
    const running = c.rpc.sendRequest(Methods.compute, p);
    running.catch(() => undefined); // observed below; never left unhandled if a wait fails first
    await c.waitFor('progress past 10%', () => c.statuses.find((s) => s.uri === p.uri && s.percent >= 10 && s.phase !== 'done'), SLOW_PHASE_WAIT_MS);
    const t0 = process.hrtime.bigint();
    await c.rpc.sendRequest(Methods.cancel, { uri: p.uri });
    const err = await rejection(running);
    const ms = elapsedMs(t0);
    t.diagnostic(`cancel → stopped ${ms.toFixed(0)} ms`);
    assert.equal(err.data?.kind, 'cancelled');
    assert.ok(ms < CANCEL_TARGET_MS);
    assert.deepEqual(c.logs.slice(logsBefore).filter((l) => l.includes('did not stop')), []);
  });
});

test('the bundled server finds its bundled worker next to it and scans', async () => {
  // Same bundle options as scripts/build.mjs, into a temporary directory (dist/ belongs to the build).
  const { build } = await import('esbuild');
  const out = mkdtempSync(path.join(tmpdir(), 'il-bundle-'));
  try {
    await build({
      entryPoints: { server: path.join(REPO, 'src/server/server.ts'), worker: path.join(REPO, 'src/server/worker.ts') },
      outdir: out, platform: 'node', target: 'node20', format: 'cjs', bundle: true, logLevel: 'warning',
    });
    const c = await LspClient.start({ entry: path.join(out, 'server.js') });
    try {
      const res = await c.rpc.sendRequest<ComputeResult>(Methods.compute, dataset('iris.csv', { epochs: 3 }));
      assert.equal(res.rows, 150);
      assert.ok(c.logs.some((l) => l.includes(`worker ${path.join(out, 'worker.js')}`)), c.logs.join('\n'));
    } finally {
      await c.stop();
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
