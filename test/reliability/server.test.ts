/**
 * The production language server (real engine, worker threads) under bad input and faults:
 * bad files give a JobError with file and line while the server keeps answering; cancel at
 * every phase; an edit during a scan; two scans at once; the server killed mid-scan.
 * Fake-engine fault tests (worker crash, a worker ignoring cancel, corrupted cache) live in
 * test/server/ and are not repeated here.
 */
import { strict as assert } from 'node:assert';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ResponseError } from 'vscode-languageserver-protocol';
import { Methods, type ComputeParams, type ComputeResult, type JobError, type ResultResponse } from '../../src/shared/protocol';
import { LspClient } from '../server/lspHarness';
import { BAD_CASES, DATASETS, ROOT, tempDir } from './helpers';

const SERVER = path.join(ROOT, 'src', 'server', 'server.ts');
/** Settings that keep a scan well under a second of CPU. */
const QUICK = { epochs: 2, learningRate: 0.1, estimator: 'sgd-ie' } as const;
/** Settings that keep a scan of spam-2k busy far longer than any wait below. */
const LONG = { epochs: 20, estimator: 'acc', learningRate: 0.1 } as const;
/** Cancel must be acknowledged within this on a loaded shared machine (the product target is 1 s unloaded; test/server measures it). */
const CANCEL_BOUND_MS = 5000;

const dir = tempDir('il-rel-server-');
after(() => rmSync(dir, { recursive: true, force: true }));

function onDisk(name: string, content: string | Buffer): ComputeParams {
  const file = path.join(dir, name);
  writeFileSync(file, content);
  return { uri: `file://${file}`, path: file, version: 1, settings: QUICK };
}

/** Lines of spam-2k.jsonl used for long scans: enough for ACC to run for seconds, few enough to parse and train fast. */
const SPAM_LINES = 1000;

function shared(name: string, settings: ComputeParams['settings'], version = 1, uri?: string): ComputeParams {
  const file = path.join(DATASETS, name);
  let text = readFileSync(file, 'utf8');
  if (name === 'spam-2k.jsonl') text = `${text.split('\n').slice(0, SPAM_LINES).join('\n')}\n`;
  return { uri: uri ?? `file://${file}`, path: file, text, version, settings };
}

async function rejection(p: Promise<unknown>): Promise<JobError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof ResponseError, `expected a ResponseError, got ${String(e)}`);
    return (e as ResponseError<JobError>).data!;
  }
  assert.fail('expected the request to fail');
}

describe('real server: bad input and faults', () => {
  let c: LspClient;
  before(async () => {
    c = await LspClient.start({ entry: SERVER });
  });
  after(async () => {
    await c.stop();
  });

  test(`${BAD_CASES.length} bad files read from disk: a JobError with kind, file, line and hint each; the server keeps answering`, async () => {
    for (const bad of BAD_CASES) {
      // One document URI for all cases, so one worker thread serves them (as when a user fixes a file step by step).
      const p = { ...onDisk(bad.name, bad.content), uri: `file://${path.join(dir, 'bad-input')}` };
      p.settings = { ...QUICK, ...(bad.flags?.includes('100') ? { learningRate: 100 } : {}), ...(bad.flags?.includes('auto') ? { learningRate: 'auto' } : {}) };
      const from = c.statuses.length;
      const err = await rejection(c.rpc.sendRequest(Methods.compute, p));
      assert.equal(err.kind, bad.kind, `${bad.name}: ${err.message}`);
      assert.equal(err.file, p.path, bad.name);
      if (bad.line !== undefined) assert.equal(err.line, bad.line, `${bad.name}: ${err.message}`);
      assert.ok(err.hint.length > 0, `${bad.name}: hint`);
      const status = await c.waitForStatus(p.uri, (s) => s.phase === 'error', from);
      assert.equal(status.error?.kind, bad.kind);
    }
    const ok = await c.rpc.sendRequest<ComputeResult>(Methods.compute, shared('iris.csv', QUICK));
    assert.equal(ok.rows, 150);
  });

  test('cancel at every phase: the scan stops, and the stored result of the earlier version stays', async (t) => {
    const uri = `file://${path.join(dir, 'spam-cancel.jsonl')}`;
    const first = await c.rpc.sendRequest<ComputeResult>(Methods.compute, shared('spam-2k.jsonl', QUICK, 1, uri));
    assert.equal(first.version, 1);
    let version = 1;
    for (const phase of ['parse', 'train', 'influence'] as const) {
      const p = shared('spam-2k.jsonl', { ...LONG, seed: ++version }, version, uri);
      const from = c.statuses.length;
      const running = c.rpc.sendRequest(Methods.compute, p);
      await c.waitForStatus(uri, (s) => s.phase === phase, from);
      const t0 = process.hrtime.bigint();
      assert.equal(await c.rpc.sendRequest<boolean>(Methods.cancel, { uri }), true);
      const err = await rejection(running);
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      t.diagnostic(`cancel during ${phase}: stopped after ${ms.toFixed(0)} ms`);
      assert.equal(err.kind, 'cancelled', phase);
      assert.ok(ms < CANCEL_BOUND_MS, `${phase}: ${ms.toFixed(0)} ms`);
      const stored = await c.rpc.sendRequest<ResultResponse | null>(Methods.result, { uri });
      assert.equal(stored?.version, 1, `after cancelling during ${phase} the version-1 result is still the one served`);
      assert.equal(stored?.result.settings.seed, 0);
    }
  });

  test('an edit during a scan: the old scan gives way, the result is tagged with the new version and matches the new text', async () => {
    const uri = `file://${path.join(dir, 'spam-edit.jsonl')}`;
    const v1 = shared('spam-2k.jsonl', LONG, 1, uri);
    const running = c.rpc.sendRequest<ComputeResult>(Methods.compute, v1);
    await c.waitForStatus(uri, (s) => s.phase === 'train');
    // The user deletes the last 300 lines and the client scans the new text.
    const lines = v1.text!.split('\n').filter((l) => l.length > 0);
    const edited = `${lines.slice(0, lines.length - 300).join('\n')}\n`;
    const oldOutcome = rejection(running);
    const v2 = await c.rpc.sendRequest<ComputeResult>(Methods.compute, { ...v1, text: edited, version: 2, settings: QUICK });
    const old = await oldOutcome;
    assert.equal(old.kind, 'superseded');
    assert.equal(v2.version, 2);
    assert.equal(v2.rows, lines.length - 300);
    const stored = (await c.rpc.sendRequest<ResultResponse | null>(Methods.result, { uri }))!;
    assert.equal(stored.version, 2);
    assert.equal(stored.result.data.rows, lines.length - 300);
    assert.ok(stored.result.rows.every((r) => r.line <= lines.length - 300), 'no row points past the end of the edited text');
  });

  test('verify of rows that were not trained on: a no-result JobError naming the rows, and the server keeps answering', async () => {
    const p = shared('iris.csv', QUICK);
    await c.rpc.sendRequest<ComputeResult>(Methods.compute, p);
    const stored = (await c.rpc.sendRequest<ResultResponse>(Methods.result, { uri: p.uri })).result;
    const held = stored.data.validationRows[0];
    const err = await rejection(c.rpc.sendRequest(Methods.verify, { uri: p.uri, rows: [stored.rows[0].row, held] }));
    assert.equal(err.kind, 'no-result', err.message);
    assert.match(err.message, new RegExp(`${held}`));
    const ok = await c.rpc.sendRequest<{ rows: number[] }>(Methods.verify, { uri: p.uri, rows: [stored.rows[0].row] });
    assert.deepEqual(ok.rows, [stored.rows[0].row]);
  });

  test('an edit after a finished scan: the earlier result keeps its old version tag (the client shows it as stale)', async () => {
    const uri = `file://${path.join(dir, 'iris-stale.csv')}`;
    const v1 = shared('iris.csv', QUICK, 1, uri);
    await c.rpc.sendRequest<ComputeResult>(Methods.compute, v1);
    // Version 2 exists in the editor but was not scanned: the server still says the result is of version 1.
    const stored = (await c.rpc.sendRequest<ResultResponse | null>(Methods.result, { uri }))!;
    assert.equal(stored.version, 1);
    // A scan of version 3 that fails (bad text) does not remove or re-tag the version-1 result.
    const err = await rejection(c.rpc.sendRequest(Methods.compute, { ...v1, text: 'a,b,label\n', version: 3 }));
    assert.equal(err.kind, 'header-only');
    assert.equal((await c.rpc.sendRequest<ResultResponse | null>(Methods.result, { uri }))?.version, 1);
  });

  test('two scans of the same file at once: identical requests share one run; different settings, the later one wins', async () => {
    const uri = `file://${path.join(dir, 'wine-twice.csv')}`;
    const p = shared('wine-noisy.csv', { ...QUICK, seed: 11 }, 1, uri);
    const from = c.statuses.length;
    const [a, b] = await Promise.all([c.rpc.sendRequest<ComputeResult>(Methods.compute, p), c.rpc.sendRequest<ComputeResult>(Methods.compute, p)]);
    assert.deepEqual(a, b);
    assert.equal(c.statuses.slice(from).filter((s) => s.uri === uri && s.phase === 'parse').length, 1, 'one run');

    const slow = c.rpc.sendRequest<ComputeResult>(Methods.compute, shared('wine-noisy.csv', { ...QUICK, seed: 12 }, 2, uri));
    const fast = c.rpc.sendRequest<ComputeResult>(Methods.compute, shared('wine-noisy.csv', { ...QUICK, seed: 13 }, 3, uri));
    const settled = await Promise.allSettled([slow, fast]);
    assert.equal(settled[1].status, 'fulfilled');
    if (settled[0].status === 'rejected') assert.equal((settled[0].reason as ResponseError<JobError>).data?.kind, 'superseded');
    const stored = (await c.rpc.sendRequest<ResultResponse | null>(Methods.result, { uri }))!;
    assert.equal(stored.version, 3);
    assert.equal(stored.result.settings.seed, 13);
  });
});

test('the server killed mid-scan: no partial cache file, and a new server on the same storage works', async () => {
  const storage = tempDir('il-rel-storage-');
  try {
    const first = await LspClient.start({ entry: SERVER, storagePath: storage });
    const quick = shared('iris.csv', QUICK);
    await first.rpc.sendRequest<ComputeResult>(Methods.compute, quick);
    const long = shared('spam-2k.jsonl', LONG);
    void first.rpc.sendRequest(Methods.compute, long).catch(() => undefined);
    await first.waitForStatus(long.uri, (s) => s.phase === 'influence');
    const exited = new Promise((resolve) => first.child.once('exit', resolve));
    first.child.kill('SIGKILL');
    await exited;
    first.rpc.dispose();

    const results = path.join(storage, 'results');
    const files = existsSync(results) ? readdirSync(results) : [];
    for (const f of files.filter((x) => x.endsWith('.json'))) {
      const body = JSON.parse(readFileSync(path.join(results, f), 'utf8')) as { result: { rows: unknown[] } };
      assert.ok(Array.isArray(body.result.rows), `${f} is a whole result`);
    }
    assert.equal(files.filter((x) => x.endsWith('.json')).length, 1, 'only the finished scan was stored');

    const second = await LspClient.start({ entry: SERVER, storagePath: storage });
    try {
      assert.equal((await second.rpc.sendRequest<ComputeResult>(Methods.compute, { ...quick, version: 2 })).cached, true);
      const again = await second.rpc.sendRequest<ComputeResult>(Methods.compute, { ...long, settings: QUICK });
      assert.equal(again.rows, SPAM_LINES);
    } finally {
      await second.stop();
    }
  } finally {
    rmSync(storage, { recursive: true, force: true });
  }
});
