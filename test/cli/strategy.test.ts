/**
 * A screened-and-refined scan (estimator 'sgd-ie+acc') as users get it: from analyze() and
 * from the CLI. Rows not refined by ACC carry null self-influence and leave-one-out loss
 * (never NaN, never a made-up number), flags and ranks still work, the approximation is
 * stated in the JSON and the table header, and the result validates against the schema.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Ajv from 'ajv';
import AjvDraft04 from 'ajv-draft-04';
import { analyze } from '../../src/core/analyze';
import { resolveSettings } from '../../src/core/settings';
import type { ScanResult } from '../../src/core/report/types';
import { suspectScore } from '../../src/core/report/wording';

const ROOT = resolve(__dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'cli.js');
const FILE = resolve(ROOT, '..', 'shared', 'datasets', 'wine-noisy.csv');
const resultSchema = JSON.parse(readFileSync(join(ROOT, 'src/core/report/result.schema.json'), 'utf8'));
const validateResult = new Ajv({ allErrors: true, strict: false }).compile(resultSchema);
const sarifSchema = JSON.parse(readFileSync(join(ROOT, 'node_modules/@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8'));
const validateSarif = new AjvDraft04({ allErrors: true, strict: false, unicodeRegExp: false }).compile(sarifSchema);

/** wine-noisy, 5 epochs: full ACC costs ≈ 0.042 GFLOP by the cost model, one row ≈ 0.00015. */
function scan(computeBudgetGflop: number, topK = 3): ScanResult {
  const settings = resolveSettings({ epochs: 5, learningRate: 0.1, topK, computeBudgetGflop });
  return analyze({ file: FILE, content: readFileSync(FILE), settings }).result;
}

function roundTrip(r: ScanResult): ScanResult {
  const text = JSON.stringify(r);
  assert.doesNotMatch(text, /NaN|Infinity/);
  const back = JSON.parse(text) as ScanResult;
  assert.ok(validateResult(back), JSON.stringify(validateResult.errors?.slice(0, 3)));
  return back;
}

test('refined rows carry numbers, screened rows null; flags and ranks still work; the JSON validates', () => {
  const r = roundTrip(scan(0.005));
  assert.equal(r.schemaVersion, 2);
  assert.equal(r.settings.estimatorUsed, 'sgd-ie+acc');
  const a = r.approximation!;
  assert.ok(a.refinedRows > 0 && a.refinedRows < r.rows.length);
  assert.equal(a.screenedRows, r.rows.length);
  assert.equal(a.budget.computeGflop, 0.005);
  assert.ok(a.budget.fullAccGflop > a.budget.computeGflop);
  assert.match(a.note, /not estimated for the other/);
  const estimated = r.rows.filter((x) => x.looLoss !== null);
  assert.equal(estimated.length, a.refinedRows);
  for (const x of r.rows) {
    assert.equal(x.looLoss === null, x.selfInfluence === null);
    if (x.looLoss !== null) assert.equal(x.looLoss, x.trainLoss + x.selfInfluence!);
  }
  // Ranks are a permutation, ordered by the label-suspect score (training loss where not estimated).
  const bySuspect = [...r.rows].sort((x, y) => x.rankSuspect - y.rankSuspect);
  assert.deepEqual(bySuspect.map((x) => x.rankSuspect), r.rows.map((_, i) => i + 1));
  for (let i = 1; i < bySuspect.length; i++) assert.ok(suspectScore(bySuspect[i - 1]) >= suspectScore(bySuspect[i]));
  assert.deepEqual([...r.rows].map((x) => x.rankHarmful).sort((x, y) => x - y), r.rows.map((_, i) => i + 1));
  // The budget covers the flag candidates: every label-suspect flag has an ACC estimate.
  assert.ok(a.refinedRows >= a.candidates);
  const suspects = r.rows.filter((x) => x.reasons.includes('label-suspect'));
  assert.equal(suspects.length, 3);
  assert.ok(suspects.every((x) => x.looLoss !== null));
  // The note is the one place that explains it: no duplicate warning.
  assert.ok(!r.warnings.some((w) => /Self-influence was not computed/.test(w)));
});

test('a budget too small for any refinement: everything from SGD-IE, label suspects by training loss', () => {
  const r = roundTrip(scan(1e-9));
  assert.equal(r.approximation!.refinedRows, 0);
  assert.match(r.approximation!.note, /cover only 0 of the 12 flag candidates/);
  assert.ok(r.rows.every((x) => x.looLoss === null && x.selfInfluence === null));
  const suspects = r.rows.filter((x) => x.reasons.includes('label-suspect'));
  assert.equal(suspects.length, 3);
  const wrong = r.rows.filter((x) => x.predicted !== x.label).sort((x, y) => y.trainLoss - x.trainLoss || x.row - y.row);
  assert.deepEqual(suspects.map((x) => x.row).sort((x, y) => x - y), wrong.slice(0, 3).map((x) => x.row).sort((x, y) => x - y));
});

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, 'scan', FILE, '--epochs', '5', '--lr', '0.1', '--top', '3', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

test('CLI: --compute-budget gives the approximation line in the table header and a valid JSON and SARIF result', () => {
  const table = cli(['--compute-budget', '1e-9']);
  assert.match(table, /estimator sgd-ie\+acc/);
  assert.match(table, /^approximation: full ACC-SGD-IE would cost ≈ [\d.]+ GFLOP \(budget 1e-9\) .* all 142 rows screened by SGD-IE, 0 refined by ACC-SGD-IE;/m);
  assert.doesNotMatch(table, /NaN/);
  const flaggedLines = table.split('\n').filter((l) => /label-suspect/.test(l));
  assert.ok(flaggedLines.length > 0 && flaggedLines.every((l) => l.includes('—')), 'loo loss shown as not estimated');
  const json = JSON.parse(cli(['--compute-budget', '0.005', '--format', 'json'])) as ScanResult;
  assert.ok(validateResult(json), JSON.stringify(validateResult.errors?.slice(0, 3)));
  assert.equal(json.settings.computeBudgetGflop, 0.005);
  assert.ok(json.approximation!.refinedRows > 0);
  const sarif = JSON.parse(cli(['--compute-budget', '1e-9', '--format', 'sarif']));
  assert.ok(validateSarif(sarif), JSON.stringify(validateSarif.errors?.slice(0, 3)));
  const plain = cli([]);
  assert.match(plain, /estimator acc\b/, 'the default budget covers full ACC on a small file');
  assert.doesNotMatch(plain, /approximation:/);
});
