/**
 * Determinism: the same data, settings and seed give bit-identical JSON across CLI runs;
 * the memory budget (rows per chunk of estimator state) and the server's worker and job
 * counts change no score beyond 1e-12 relative and no ranking.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { analyze } from '../../src/core/analyze';
import { decodeDataset, detectFormat, featurize, inferSchema, parseTable, splitStrata, stratifiedSplit } from '../../src/core/data/index';
import { runInfluence, type EngineResult } from '../../src/core/influence/index';
import { resolveSettings } from '../../src/core/settings';
import type { ScanResult } from '../../src/core/report/types';
import { Methods, type ResultResponse } from '../../src/shared/protocol';
import { LspClient } from '../server/lspHarness';
import { DATASETS, FAST, ROOT, runCliAsync, tempDir } from './helpers';

/** Largest relative difference allowed between runs that differ only in chunking or threads. */
const REL_TOL = 1e-12;

function assertClose(a: ArrayLike<number>, b: ArrayLike<number>, what: string): void {
  assert.equal(a.length, b.length, what);
  for (let i = 0; i < a.length; i++) {
    if (Number.isNaN(a[i]) && Number.isNaN(b[i])) continue;
    const scale = Math.max(Math.abs(a[i]), Math.abs(b[i]), Number.MIN_VALUE);
    assert.ok(Math.abs(a[i] - b[i]) <= REL_TOL * scale, `${what}[${i}]: ${a[i]} vs ${b[i]}`);
  }
}

const ranking = (v: ArrayLike<number>): number[] => Array.from(v, (x, i) => [x, i] as const).sort((p, q) => p[0] - q[0] || p[1] - q[1]).map((p) => p[1]);

/** The first 400 lines of the spam JSONL (text features) in a temp folder, to keep the runs short. */
const tmp = tempDir('il-rel-det-');
after(() => rmSync(tmp, { recursive: true, force: true }));
const SPAM_400 = path.join(tmp, 'spam-400.jsonl');
writeFileSync(SPAM_400, `${readFileSync(path.join(DATASETS, 'spam-2k-noisy.jsonl'), 'utf8').split('\n').slice(0, 400).join('\n')}\n`);

test('CLI: two runs give bit-identical JSON (ACC on wine-noisy, SGD-IE on spam text, auto learning rate)', async () => {
  const cases: [string, string[]][] = [
    ['wine-noisy.csv', ['--epochs', '3', '--estimator', 'acc', '--seed', '7']],
    [SPAM_400, [...FAST]],
    ['diabetes.csv', ['--epochs', '2', '--estimator', 'sgd-ie']],
  ];
  // Both runs of every case at once: separate processes, so nothing is shared but the inputs.
  const runs = await Promise.all(cases.flatMap(([name, flags]) => {
    const args = ['scan', path.isAbsolute(name) ? name : path.join(DATASETS, name), '--format', 'json', ...flags];
    return [runCliAsync(args), runCliAsync(args)];
  }));
  for (const [k, [name]] of cases.entries()) {
    const [a, b] = [runs[2 * k], runs[2 * k + 1]];
    assert.equal(a.code, 0, a.stderr);
    assert.ok(a.stdout.length > 1000);
    assert.equal(b.stdout, a.stdout, `${name}: same data + settings + seed must give bit-identical JSON`);
  }
});

function engineOn(name: string, memoryBudgetMiB: number, estimator: 'acc' | 'sgd-ie'): EngineResult {
  const file = path.join(DATASETS, name);
  const table = parseTable(decodeDataset(readFileSync(file), file), file, detectFormat(file));
  const schema = inferSchema(table);
  const split = stratifiedSplit(splitStrata(table, schema), 0.2, 0);
  const data = featurize(table, schema, split);
  return runInfluence(data, split, {
    model: 'auto', epochs: 3, batchSize: 16, learningRate: 0.1, lrSchedule: 'constant', l2: 1e-3, hiddenUnits: 8, activation: 'tanh',
    seed: 3, estimator, windows: 0, memoryBudgetMiB, file,
  });
}

test('memory budget: ACC and SGD-IE state in chunks of a few rows or all at once give the same scores and ranking', () => {
  // wine: 142 training rows × 42 parameters; 0.02 MiB holds the state of about 15 rows.
  for (const estimator of ['acc', 'sgd-ie'] as const) {
    const whole = engineOn('wine-noisy.csv', 1024, estimator);
    for (const budget of [0.002, 0.02]) {
      const chunked = engineOn('wine-noisy.csv', budget, estimator);
      assert.equal(chunked.estimatorUsed, estimator);
      assertClose(chunked.influence, whole.influence, `${estimator} influence at ${budget} MiB`);
      // SGD-IE skips self-influence (NaN, with a note) when its forward state exceeds the budget: compare it only where both have it.
      if (estimator === 'acc' || !chunked.selfInfluence.some(Number.isNaN)) assertClose(chunked.selfInfluence, whole.selfInfluence, `${estimator} self-influence at ${budget} MiB`);
      else assert.ok(chunked.notes.some((n) => /memory budget/.test(n)), 'the skipped self-influence is explained');
      chunked.windowCumulative.forEach((w, k) => assertClose(w, whole.windowCumulative[k], `${estimator} window ${k}`));
      assert.deepEqual(ranking(chunked.influence), ranking(whole.influence), `${estimator} ranking at ${budget} MiB`);
    }
  }
});

test('server: one worker and one job at a time, or four workers and two jobs, give the result analyze() gives', async () => {
  const settings = { epochs: 3, learningRate: 0.1, estimator: 'acc', seed: 5 } as const;
  const names = ['wine-noisy.csv', 'iris-noisy.csv', 'vote-noisy.csv'];
  const direct = new Map<string, ScanResult>();
  for (const n of names) {
    const file = path.join(DATASETS, n);
    direct.set(n, analyze({ file, content: readFileSync(file, 'utf8'), settings: resolveSettings(settings) }).result);
  }
  for (const init of [{ maxWorkers: 1, maxConcurrentJobs: 1 }, { maxWorkers: 4, maxConcurrentJobs: 2 }]) {
    const c = await LspClient.start({ entry: path.join(ROOT, 'src', 'server', 'server.ts'), initializationOptions: init });
    try {
      // All three at once, so they compete for workers and job slots.
      await Promise.all(names.map((n) => {
        const file = path.join(DATASETS, n);
        return c.rpc.sendRequest(Methods.compute, { uri: `file://${file}`, path: file, text: readFileSync(file, 'utf8'), version: 1, settings });
      }));
      for (const n of names) {
        const got = (await c.rpc.sendRequest<ResultResponse>(Methods.result, { uri: `file://${path.join(DATASETS, n)}` })).result;
        const want = direct.get(n)!;
        assert.deepEqual(got.rows.map((r) => r.row), want.rows.map((r) => r.row), `${n}: same rows`);
        assertClose(got.rows.map((r) => r.influence), want.rows.map((r) => r.influence), `${n} influence (${JSON.stringify(init)})`);
        assert.deepEqual(got.rows.map((r) => r.rankHarmful), want.rows.map((r) => r.rankHarmful), `${n}: same ranking`);
        assert.deepEqual(got.rows.map((r) => r.flagged), want.rows.map((r) => r.flagged), `${n}: same flags`);
      }
    } finally {
      await c.stop();
    }
  }
});
