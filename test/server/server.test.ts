/**
 * The language server over a real JSON-RPC connection, with workers running the fake engine
 * (fixtures/fakeEngine.ts) so that timing, cancellation and crashes are under the test's control.
 */
import { strict as assert } from 'node:assert';
import { after, before, describe, test } from 'node:test';
import { CancellationTokenSource, LSPErrorCodes, ResponseError } from 'vscode-languageserver-protocol';
import { DiagnosticSeverity } from 'vscode-languageserver-types';
import { Methods, type ComputeParams, type ComputeResult, type JobError, type ResultResponse, type VerifyResponse } from '../../src/shared/protocol';
import type { RowDetailsResponse } from '../../src/server/documentJobs';
import { CANCEL_GRACE_MS } from '../../src/server/computeWorker';
import { elapsedMs, fakeDataset, LspClient } from './lspHarness';

/** Cancel must stop a cooperative scan within this (the product target). */
const CANCEL_TARGET_MS = 1000;
/** A worker that ignores the flag is terminated after CANCEL_GRACE_MS; allow this much for thread teardown on a busy machine. */
const TERMINATE_SLACK_MS = 1000;
/** The product target for a request answered while a scan runs, applied to the median. */
const RESPONSIVE_MEDIAN_MS = 50;
/** Bound on the slowest of the probes: scheduling stalls on a loaded shared machine reach a few hundred ms, while a server blocked by the scan would take the whole scan. bench/server.ts measures the real figures. */
const RESPONSIVE_MAX_MS = 1000;
/** A long fake scan: 4000 steps × 5 ms = 20 s, far longer than any test waits. */
const LONG = 'steps=4000 stepMs=5';

let seq = 0;
function params(text: string, settings: ComputeParams['settings'] = {}, uri = `file:///data/test-${++seq}.csv`, version = 1): ComputeParams {
  return { uri, path: uri.replace('file://', ''), text, version, settings };
}

async function rejection(p: Promise<unknown>): Promise<ResponseError<JobError>> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof ResponseError, `expected a ResponseError, got ${String(e)}`);
    return e as ResponseError<JobError>;
  }
  assert.fail('expected the request to fail');
}

describe('language server (fake engine)', () => {
  let c: LspClient;
  before(async () => {
    c = await LspClient.start();
  });
  after(async () => {
    await c.stop();
  });

  test('compute reports phases by $/progress and status, then serves result, row details and verify', async () => {
    const p = { ...params(fakeDataset('steps=20 stepMs=2'), {}, undefined, 7), workDoneToken: 'tok-compute' };
    c.watchProgress('tok-compute');
    const from = c.statuses.length;
    const res = await c.rpc.sendRequest<ComputeResult>(Methods.compute, p);
    assert.deepEqual(res, { uri: p.uri, version: 7, cached: false, flaggedCount: 2, rows: 6 });

    const progress = c.progress.get('tok-compute')!;
    await c.waitFor('progress end', () => progress.at(-1)?.kind === 'end');
    assert.equal(progress[0].kind, 'begin');
    const percents = progress.flatMap((x) => (x.kind === 'report' && x.percentage !== undefined ? [x.percentage] : []));
    assert.ok(percents.length >= 5, `expected several progress reports, got ${percents.length}`);
    assert.deepEqual([...percents].sort((a, b) => a - b), percents, 'percentages never go back');
    const phases = new Set(c.statuses.slice(from).filter((s) => s.uri === p.uri).map((s) => s.phase));
    for (const phase of ['queued', 'parse', 'featurize', 'train', 'influence', 'windows', 'done']) assert.ok(phases.has(phase as never), `status phase ${phase}`);

    const stored = await c.rpc.sendRequest<ResultResponse | null>(Methods.result, { uri: p.uri });
    assert.equal(stored?.version, 7);
    assert.equal(stored?.result.rows.length, 6);

    const details = await c.rpc.sendRequest<RowDetailsResponse>(Methods.rowDetails, { uri: p.uri, row: 2 });
    assert.equal(details.source, 'live');
    assert.deepEqual(details.cells, { text: 'row 2 bad' });
    assert.equal(details.similarHarmful.length, 1);

    c.watchProgress('tok-verify');
    const v = await c.rpc.sendRequest<VerifyResponse>(Methods.verify, { uri: p.uri, rows: [2, 5], workDoneToken: 'tok-verify' });
    assert.deepEqual(v.rows, [2, 5]);
    assert.ok(c.progress.get('tok-verify')!.some((x) => x.kind === 'report' && x.message?.startsWith('verify')));
    const withVerification = await c.rpc.sendRequest<ResultResponse | null>(Methods.result, { uri: p.uri });
    assert.deepEqual(withVerification?.result.verification?.rows, [2, 5]);
  });

  test('an unchanged file is served from the cache with the new document version', async () => {
    const p = params(fakeDataset('steps=20 stepMs=2', 7));
    assert.equal((await c.rpc.sendRequest<ComputeResult>(Methods.compute, p)).cached, false);
    const again = await c.rpc.sendRequest<ComputeResult>(Methods.compute, { ...p, version: 2 });
    assert.equal(again.cached, true);
    assert.equal(again.version, 2);
    assert.equal((await c.rpc.sendRequest<ResultResponse | null>(Methods.result, { uri: p.uri }))?.version, 2);
    // Different settings are a different result.
    assert.equal((await c.rpc.sendRequest<ComputeResult>(Methods.compute, { ...p, version: 3, settings: { topK: 3 } })).cached, false);
  });

  test('influenceLens/cancel stops a running scan within 1 s', async (t) => {
    const p = params(fakeDataset(LONG));
    const running = c.rpc.sendRequest(Methods.compute, p);
    running.catch(() => undefined); // observed below; never left unhandled if a wait fails first
    await c.waitForStatus(p.uri, (s) => s.phase === 'parse');
    const t0 = process.hrtime.bigint();
    assert.equal(await c.rpc.sendRequest<boolean>(Methods.cancel, { uri: p.uri }), true);
    const err = await rejection(running);
    const ms = elapsedMs(t0);
    assert.equal(err.code, LSPErrorCodes.RequestCancelled);
    assert.equal(err.data?.kind, 'cancelled');
    t.diagnostic(`cancel → stopped: ${ms.toFixed(1)} ms`);
    assert.ok(ms < CANCEL_TARGET_MS, `cancel took ${ms.toFixed(0)} ms`);
    await c.waitForStatus(p.uri, (s) => s.phase === 'cancelled');
  });

  test('cancelling the LSP request ($/cancelRequest) stops the scan', async (t) => {
    const p = params(fakeDataset(LONG));
    const source = new CancellationTokenSource();
    const running = c.rpc.sendRequest(Methods.compute, p, source.token);
    running.catch(() => undefined); // observed below; never left unhandled if a wait fails first
    await c.waitForStatus(p.uri, (s) => s.phase === 'parse');
    const t0 = process.hrtime.bigint();
    source.cancel();
    await c.waitForStatus(p.uri, (s) => s.phase === 'cancelled');
    const ms = elapsedMs(t0);
    t.diagnostic(`$/cancelRequest → cancelled status: ${ms.toFixed(1)} ms`);
    assert.ok(ms < CANCEL_TARGET_MS);
    await rejection(running);
  });

  test('a worker that ignores the cancel flag is terminated and replaced', async (t) => {
    const p = params(fakeDataset(`${LONG} ignoreCancel`));
    const running = c.rpc.sendRequest(Methods.compute, p);
    running.catch(() => undefined); // observed below; never left unhandled if a wait fails first
    await c.waitForStatus(p.uri, (s) => s.phase === 'parse');
    const t0 = process.hrtime.bigint();
    await c.rpc.sendRequest(Methods.cancel, { uri: p.uri });
    const err = await rejection(running);
    const ms = elapsedMs(t0);
    assert.equal(err.data?.kind, 'cancelled');
    t.diagnostic(`unresponsive worker terminated after ${ms.toFixed(1)} ms`);
    assert.ok(ms >= CANCEL_GRACE_MS - 50 && ms < CANCEL_GRACE_MS + TERMINATE_SLACK_MS, `stopped after ${ms.toFixed(0)} ms`);
    const next = await c.rpc.sendRequest<ComputeResult>(Methods.compute, params(fakeDataset('steps=5'), {}, p.uri, 2));
    assert.equal(next.rows, 6);
  });

  test('a second compute of the same file supersedes the running one', async () => {
    const first = params(fakeDataset(LONG));
    const running = c.rpc.sendRequest(Methods.compute, first);
    running.catch(() => undefined); // observed below; never left unhandled if a wait fails first
    await c.waitForStatus(first.uri, (s) => s.phase === 'parse');
    const second = c.rpc.sendRequest<ComputeResult>(Methods.compute, params(fakeDataset('steps=5', 9), {}, first.uri, 2));
    const err = await rejection(running);
    assert.equal(err.data?.kind, 'superseded');
    assert.equal(err.code, LSPErrorCodes.RequestCancelled);
    const res = await second;
    assert.equal(res.rows, 9);
    assert.equal((await c.rpc.sendRequest<ResultResponse | null>(Methods.result, { uri: first.uri }))?.version, 2);
  });

  test('a new compute cancels a verification of the previous result', async () => {
    const p = params(fakeDataset('steps=3 verifySteps=4000 stepMs=5'));
    await c.rpc.sendRequest(Methods.compute, p);
    const verifying = c.rpc.sendRequest(Methods.verify, { uri: p.uri, rows: [2] });
    verifying.catch(() => undefined); // observed below; never left unhandled if a wait fails first
    await c.waitForStatus(p.uri, (s) => s.phase === 'verify');
    const next = c.rpc.sendRequest<ComputeResult>(Methods.compute, params(fakeDataset('steps=3', 4), {}, p.uri, 2));
    const err = await rejection(verifying);
    assert.equal(err.data?.kind, 'cancelled');
    assert.equal((await next).rows, 4);
  });

  test('two identical computes at once share one run and one result', async () => {
    const p = params(fakeDataset('steps=40 stepMs=2'));
    const from = c.statuses.length;
    const [a, b] = await Promise.all([c.rpc.sendRequest<ComputeResult>(Methods.compute, p), c.rpc.sendRequest<ComputeResult>(Methods.compute, p)]);
    assert.deepEqual(a, b);
    const firstSteps = c.statuses.slice(from).filter((s) => s.uri === p.uri && s.message.includes('step 1 of'));
    assert.equal(firstSteps.length, 1, 'the scan ran once');
  });

  test('a worker crash mid-scan is reported and the next compute gets a new worker', async () => {
    const p = params(fakeDataset('steps=50 stepMs=1 crashAt=10'));
    const err = await rejection(c.rpc.sendRequest(Methods.compute, p));
    assert.equal(err.code, LSPErrorCodes.RequestFailed);
    assert.equal(err.data?.kind, 'worker-crashed');
    assert.match(err.data?.message ?? '', /stopped unexpectedly/);
    const status = await c.waitForStatus(p.uri, (s) => s.phase === 'error');
    assert.equal(status.error?.kind, 'worker-crashed');
    const ok = await c.rpc.sendRequest<ComputeResult>(Methods.compute, params(fakeDataset('steps=5'), {}, p.uri, 2));
    assert.equal(ok.flaggedCount, 2);
  });

  test('bad input is a RequestFailed error with file, line, column and hint', async () => {
    const p = params(fakeDataset('badLine=7'));
    const err = await rejection(c.rpc.sendRequest(Methods.compute, p));
    assert.equal(err.code, LSPErrorCodes.RequestFailed);
    assert.deepEqual(err.data, { kind: 'ragged-row', file: p.path, line: 7, column: 4, message: 'row has 3 cells, expected 2.', hint: 'Quote the field or fix the row.' });
    const status = await c.waitForStatus(p.uri, (s) => s.phase === 'error');
    assert.equal(status.error?.line, 7);
  });

  test('bad settings and unreadable files are reported, not thrown', async () => {
    const bad = await rejection(c.rpc.sendRequest(Methods.compute, params(fakeDataset('steps=1'), { epochs: -1 })));
    assert.equal(bad.data?.kind, 'bad-setting');
    assert.match(bad.data?.message ?? '', /epochs/);
    const missing = { uri: 'file:///nonexistent/x.csv', path: '/nonexistent/x.csv', version: 1, settings: {} };
    const io = await rejection(c.rpc.sendRequest(Methods.compute, missing));
    assert.equal(io.data?.kind, 'io');
    assert.equal(io.data?.file, '/nonexistent/x.csv');
  });

  test('the server answers requests while a scan runs', async (t) => {
    const p = params(fakeDataset(LONG));
    const running = c.rpc.sendRequest(Methods.compute, p);
    running.catch(() => undefined); // observed below; never left unhandled if a wait fails first
    await c.waitForStatus(p.uri, (s) => s.phase === 'parse');
    const times: number[] = [];
    for (let i = 0; i < 20; i++) {
      const t0 = process.hrtime.bigint();
      await c.rpc.sendRequest(Methods.result, { uri: p.uri });
      times.push(elapsedMs(t0));
    }
    await c.rpc.sendRequest(Methods.cancel, { uri: p.uri });
    await rejection(running);
    times.sort((a, b) => a - b);
    const median = times[times.length >> 1];
    const max = times[times.length - 1];
    t.diagnostic(`round trips while scanning: median ${median.toFixed(1)} ms, max ${max.toFixed(1)} ms (20 requests)`);
    assert.ok(median < RESPONSIVE_MEDIAN_MS && max < RESPONSIVE_MAX_MS, `round trips while scanning: median ${median.toFixed(1)} ms, max ${max.toFixed(1)} ms`);
  });

  test('row details while a newer scan runs come from the stored result', async () => {
    const p = params(fakeDataset('steps=5'));
    await c.rpc.sendRequest(Methods.compute, p);
    const running = c.rpc.sendRequest(Methods.compute, params(fakeDataset(LONG), {}, p.uri, 2));
    running.catch(() => undefined); // observed below; never left unhandled if a wait fails first
    await c.waitForStatus(p.uri, (s) => s.phase === 'parse');
    const d = await c.rpc.sendRequest<RowDetailsResponse>(Methods.rowDetails, { uri: p.uri, row: 5 });
    assert.equal(d.source, 'result');
    assert.equal(d.record.row, 5);
    assert.deepEqual(d.similarHarmful, []);
    await c.rpc.sendRequest(Methods.cancel, { uri: p.uri });
    await rejection(running);
  });

  test('clear without a uri forgets every document', async () => {
    const a = params(fakeDataset('steps=2', 3));
    const b = params(fakeDataset('steps=2', 4));
    await c.rpc.sendRequest(Methods.compute, a);
    await c.rpc.sendRequest(Methods.compute, b);
    await c.rpc.sendRequest(Methods.clear, {});
    assert.equal(await c.rpc.sendRequest(Methods.result, { uri: a.uri }), null);
    assert.equal(await c.rpc.sendRequest(Methods.result, { uri: b.uri }), null);
    await c.waitForStatus(b.uri, (s) => s.phase === 'idle');
  });

  test('diagnostics: published when enabled, withdrawn when turned off and on clear', async () => {
    const p = params(fakeDataset('steps=5'), { diagnostics: true });
    const from = c.diagnostics.length;
    await c.rpc.sendRequest(Methods.compute, p);
    const published = await c.waitFor('diagnostics', () => c.diagnostics.slice(from).find((d) => d.uri === p.uri && d.diagnostics.length > 0));
    assert.equal(published.diagnostics.length, 4, 'two flagged rows × two reasons');
    const [first] = published.diagnostics;
    assert.equal(first.source, 'Influence Lens');
    assert.equal(first.code, 'harmful');
    assert.equal(first.severity, DiagnosticSeverity.Warning);
    assert.deepEqual(first.range, { start: { line: 3, character: 0 }, end: { line: 3, character: 'row 2 bad'.length } });
    assert.ok(published.diagnostics.some((d) => d.code === 'label-suspect' && d.severity === DiagnosticSeverity.Information));

    const mark = c.diagnostics.length;
    await c.rpc.sendNotification('workspace/didChangeConfiguration', { settings: { influenceLens: { diagnostics: false } } });
    await c.waitFor('diagnostics withdrawn', () => c.diagnostics.slice(mark).find((d) => d.uri === p.uri && d.diagnostics.length === 0));
    await c.rpc.sendNotification('workspace/didChangeConfiguration', { settings: { influenceLens: { diagnostics: true } } });
    const mark2 = c.diagnostics.length;
    await c.waitFor('diagnostics back', () => c.diagnostics.slice(mark2).find((d) => d.uri === p.uri && d.diagnostics.length === 4));

    const mark3 = c.diagnostics.length;
    await c.rpc.sendRequest(Methods.clear, { uri: p.uri });
    await c.waitFor('diagnostics cleared', () => c.diagnostics.slice(mark3).find((d) => d.uri === p.uri && d.diagnostics.length === 0));
    assert.equal(await c.rpc.sendRequest(Methods.result, { uri: p.uri }), null);
  });
});

test('with a pull-configuration client, a settings change without values is read back with workspace/configuration', async () => {
  let diagnostics = true;
  const c = await LspClient.start({ configuration: () => [{ diagnostics }] });
  try {
    const p = params(fakeDataset('steps=3', 5), { diagnostics: true });
    await c.rpc.sendRequest(Methods.compute, p);
    await c.waitFor('diagnostics', () => c.diagnostics.find((d) => d.uri === p.uri && d.diagnostics.length === 2));
    diagnostics = false;
    const mark = c.diagnostics.length;
    await c.rpc.sendNotification('workspace/didChangeConfiguration', { settings: null });
    await c.waitFor('diagnostics withdrawn', () => c.diagnostics.slice(mark).find((d) => d.uri === p.uri && d.diagnostics.length === 0));
  } finally {
    await c.stop();
  }
});

test('with more documents than workers, the least recently used worker is released and row details fall back to the stored result', async () => {
  const c = await LspClient.start({ initializationOptions: { maxWorkers: 1 } });
  try {
    const a = params(fakeDataset('steps=4', 4));
    const b = params(fakeDataset('steps=4', 5));
    await c.rpc.sendRequest(Methods.compute, a);
    assert.equal((await c.rpc.sendRequest<RowDetailsResponse>(Methods.rowDetails, { uri: a.uri, row: 1 })).source, 'live');
    await c.rpc.sendRequest(Methods.compute, b);
    await c.waitFor('release logged', () => c.logs.find((l) => l.includes(`releasing the worker of ${a.uri}`)));
    const d = await c.rpc.sendRequest<RowDetailsResponse>(Methods.rowDetails, { uri: a.uri, row: 1 });
    assert.equal(d.source, 'result');
    assert.deepEqual(d.cells, { text: 'row 1 ok' });
    assert.deepEqual(d.similarHarmful, []);
    assert.equal((await c.rpc.sendRequest<RowDetailsResponse>(Methods.rowDetails, { uri: b.uri, row: 1 })).source, 'result');
  } finally {
    await c.stop();
  }
});

test('a verification that must re-run a released scan can be cancelled during the re-run', async (t) => {
  const c = await LspClient.start({ initializationOptions: { maxWorkers: 1 } });
  try {
    const a = params(fakeDataset('steps=300 stepMs=5 verifySteps=1', 4));
    await c.rpc.sendRequest(Methods.compute, a);
    await c.rpc.sendRequest(Methods.compute, params(fakeDataset('steps=2', 3)));
    const from = c.statuses.length;
    const verifying = c.rpc.sendRequest(Methods.verify, { uri: a.uri, rows: [2] });
    verifying.catch(() => undefined); // observed below; never left unhandled if a wait fails first
    await c.waitForStatus(a.uri, (s) => s.phase === 'parse', from);
    const t0 = process.hrtime.bigint();
    assert.equal(await c.rpc.sendRequest(Methods.cancel, { uri: a.uri }), true);
    const err = await rejection(verifying);
    const ms = elapsedMs(t0);
    t.diagnostic(`cancel during the re-run → stopped ${ms.toFixed(0)} ms`);
    assert.equal(err.data?.kind, 'cancelled');
    assert.ok(ms < CANCEL_TARGET_MS);
  } finally {
    await c.stop();
  }
});
