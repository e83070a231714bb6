/**
 * `check` against real temporary git repositories (the git binary) and the real engine:
 * staged blobs, diff-to-row mapping, review decisions, exit codes, SARIF, data safety.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import AjvDraft04 from 'ajv-draft-04';
import { analyze } from '../../src/core/analyze';
import type { ScanResult } from '../../src/core/report/types';
import type { ScanFn } from '../../src/core/review/checkSources';
import { runCheck, type CheckOptions, type CheckOutcome } from '../../src/cli/check';
import { resolveSettings } from '../../src/core/settings';
import { parseTable, rowHash } from '../../src/core/data/index';
import { recordDecisions } from '../../src/core/review/decisions';
import { reviewFilePath } from '../../src/core/review/reviewFile';
import { dataset, flips, tempRepo, type TempRepo } from '../core/review/gitRepo';

/** Short training keeps each scan well under a second on wine (178 rows). */
const FAST = resolveSettings({ epochs: 5, learningRate: 0.1 });
/** wine-noisy, 5 epochs, seed 0: all 10 label-suspect rows are known flips (measured); require most of them. */
const MIN_FLIPS_AMONG_LABEL_SUSPECT = 8;
const DATA = 'data/wine.csv';
const WINE_FLIPS = new Set(flips('wine-noisy.flips.json'));

const sarifSchema = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../node_modules/@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8'));
// The official schema has a pattern that is invalid under the `u` flag; format keywords need ajv-formats (not installed).
const validateSarif = new AjvDraft04({ allErrors: true, strict: false, unicodeRegExp: false, validateFormats: false, logger: false }).compile(sarifSchema);

const repos: TempRepo[] = [];
after(() => repos.forEach((r) => r.cleanup()));
function repo(): TempRepo {
  const r = tempRepo('il-check-');
  repos.push(r);
  return r;
}

/**
 * The engine is deterministic (same bytes and settings give the same result), so scans of
 * content already seen are reused: these tests are about what check does with a result.
 * Tests that need the default scan path call runCheck directly or pass `scan: undefined`.
 */
const scans = new Map<string, ScanResult>();
const memoScan: ScanFn = (s) => {
  const key = createHash('sha256').update(s.display).update('\0').update(s.bytes).digest('hex');
  let res = scans.get(key);
  if (!res) {
    res = analyze({ file: s.display, content: s.bytes, settings: FAST }).result;
    scans.set(key, res);
  }
  return res;
};

function check(r: TempRepo, over: Partial<CheckOptions> = {}): Promise<CheckOutcome> {
  return runCheck({ staged: true, cwd: r.root, format: 'text', settings: FAST, scan: memoScan, ...over });
}

/** Mark these rows of the check's output reviewed ('keep'). */
async function review(r: TempRepo, rows: { row: number; hash: string }[]): Promise<void> {
  await recordDecisions(r.root, DATA, rows.map((x) => ({ ...x, decision: 'keep' as const })), { by: 'Test Reviewer <reviewer@example.com>' });
}

/** Data lines of a CSV (header excluded), to reorder or edit rows. */
function dataLines(text: string): { header: string; rows: string[] } {
  const lines = text.split('\n').filter((l) => l !== '');
  return { header: lines[0], rows: lines.slice(1) };
}

test('a staged new dataset: check finds the flipped rows among the staged additions; passes only when all are reviewed', async () => {
  const r = repo();
  r.write(DATA, dataset('wine-noisy.csv'));
  r.git('add', DATA);
  const first = await check(r);
  assert.equal(first.exitCode, 1, first.summary);
  assert.equal(first.results.length, 1);
  const f = first.results[0];
  assert.equal(f.file, DATA);
  assert.equal(f.origin, 'staged');
  assert.equal(f.considered, 178, 'every row of a new file is an addition');
  const suspects = f.rowsToReview.filter((x) => x.reasons.includes('label-suspect'));
  const found = suspects.filter((x) => WINE_FLIPS.has(x.row)).length;
  assert.ok(found >= MIN_FLIPS_AMONG_LABEL_SUSPECT, `${found} of ${suspects.length} label-suspect rows are flips`);
  // Row hashes in the result are the content keys the review file uses.
  const table = parseTable(dataset('wine-noisy.csv'), DATA, 'csv');
  for (const x of f.rowsToReview) assert.equal(x.hash, rowHash(table.rows[x.row]));
  assert.match(first.summary, new RegExp(`^influence-lens check: ${f.unreviewed} unreviewed flagged rows among 178 added or changed rows in 1 staged dataset file`));
  assert.ok(first.text.includes(`${DATA}:${f.rowsToReview[0].line}: row ${f.rowsToReview[0].row} `));

  // Review all but one: still blocked, by exactly that row.
  const [last, ...rest] = f.rowsToReview;
  await review(r, rest);
  const partial = await check(r);
  assert.equal(partial.exitCode, 1);
  assert.equal(partial.results[0].unreviewed, 1);
  assert.deepEqual(partial.results[0].rowsToReview.filter((x) => !x.decision).map((x) => x.row), [last.row]);
  assert.ok(partial.results[0].problems.some((p) => p.includes('not staged')), 'unstaged review decisions are pointed out');
  assert.match(partial.summary, /decisions not staged: git add \.influence-lens\/data%2Fwine\.csv\.review\.json/);

  await review(r, [last]);
  r.git('add', '.influence-lens');
  const done = await check(r);
  assert.equal(done.exitCode, 0, done.summary);
  assert.deepEqual(done.results[0].problems, []);
  assert.match(done.summary, /^influence-lens check: ok, all \d+ flagged rows reviewed among 178 added or changed rows/);
  assert.equal(done.results[0].rowsToReview.every((x) => x.decision?.by === 'Test Reviewer <reviewer@example.com>'), true);

  // --all-rows and --format sarif: valid SARIF 2.1.0; reviewed rows carry an accepted suppression.
  const sarif = await check(r, { format: 'sarif', allRows: true });
  assert.ok(validateSarif(sarif.sarif), JSON.stringify(validateSarif.errors?.slice(0, 3)));
  const results = (sarif.sarif as { runs: { results: { suppressions?: { status: string }[]; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[] }).runs[0].results;
  assert.equal(results.length, done.results[0].rowsToReview.reduce((s, x) => s + x.reasons.length, 0));
  assert.ok(results.every((x) => x.suppressions?.[0]?.status === 'accepted'));
  assert.equal(results[0].locations[0].physicalLocation.artifactLocation.uri, DATA);
});

test('only rows changed in the staged diff are considered: a clean file committed, then the noisy labels staged', async () => {
  const r = repo();
  r.write(DATA, dataset('wine.csv'));
  r.git('add', DATA);
  r.git('commit', '-q', '-m', 'clean wine');
  r.write(DATA, dataset('wine-noisy.csv'));
  r.git('add', DATA);
  const out = await check(r, { format: 'json' });
  const f = out.results[0];
  assert.equal(f.considered, WINE_FLIPS.size, 'the changed rows are exactly the flipped ones');
  assert.ok(f.rowsToReview.length > 0, 'some flipped rows are flagged');
  assert.ok(f.rowsToReview.every((x) => WINE_FLIPS.has(x.row)), `flagged changed rows ${f.rowsToReview.map((x) => x.row)} are flips`);
  assert.equal(out.exitCode, 1);
  // The same check over all rows also reports unchanged rows.
  const all = await check(r, { allRows: true });
  assert.equal(all.results[0].considered, 178);
  assert.ok(all.results[0].flagged >= f.flagged);

  // CI: the same change committed on a branch, checked against its base (the committed blob, not the working copy).
  r.git('checkout', '-q', '-b', 'noisy-labels');
  r.git('commit', '-q', '-m', 'noisy labels');
  r.write(DATA, 'f0,label\n1,"unterminated\n');
  const ci = await check(r, { staged: false, base: 'main', format: 'sarif' });
  assert.equal(ci.results[0].origin, 'committed');
  assert.deepEqual(ci.results[0].rowsToReview, f.rowsToReview);
  assert.equal(ci.exitCode, 1);
  assert.match(ci.summary, /among 18 added or changed rows in 1 dataset file changed since main/);
  assert.ok(validateSarif(ci.sarif), JSON.stringify(validateSarif.errors?.slice(0, 3)));
  for (const base of ['no-such-branch', '--output=x']) {
    const bad = await check(r, { staged: false, base });
    assert.equal(bad.exitCode, 2, base);
    assert.match(bad.summary, base.startsWith('-') ? /is not a revision/ : /names no commit/);
  }
});

test('decisions survive reordering; an edited row\'s decision is reported outdated, not applied or dropped', async () => {
  const r = repo();
  r.write(DATA, dataset('wine-noisy.csv'));
  r.git('add', DATA);
  const first = await check(r);
  const decided = first.results[0].rowsToReview;
  await review(r, decided);
  const decidedHashes = new Set(decided.map((x) => x.hash));
  r.git('commit', '-q', '-m', 'reviewed');

  // Reverse the data rows: every row moves, no decision is lost.
  const { header, rows } = dataLines(dataset('wine-noisy.csv'));
  r.write(DATA, [header, ...[...rows].reverse(), ''].join('\n'));
  r.git('add', DATA);
  const reordered = await check(r, { allRows: true });
  const fr = reordered.results[0];
  assert.deepEqual(fr.staleDecisions, []);
  for (const x of fr.rowsToReview) {
    assert.equal(Boolean(x.decision), decidedHashes.has(x.hash), `row ${x.row}`);
  }
  assert.ok(fr.rowsToReview.some((x) => x.decision), 'reviewed rows are still recognised after the move');

  // Edit one reviewed row's features in place: its decision becomes outdated.
  const target = decided[0];
  const edited = [...rows];
  edited[target.row] = edited[target.row].replace(/^[^,]+/, '99.99');
  r.write(DATA, [header, ...edited, ''].join('\n'));
  r.git('add', DATA);
  const after = await check(r);
  const fa = after.results[0];
  assert.deepEqual(fa.staleDecisions.map((s) => [s.hash, s.state, s.row, s.nowRow]), [[target.hash, 'outdated', target.row, target.row]]);
  assert.equal(fa.considered, 1, 'only the edited row changed');
  assert.ok(after.text.includes(`the "keep" decision on row ${target.row} is outdated`));
  const reviewText = fs.readFileSync(reviewFilePath(r.root, DATA), 'utf8');
  assert.ok(reviewText.includes(target.hash), 'the outdated decision is still in the review file');
});

test('the staged blob is checked, not the working copy; bad input exits 2 naming file and line', async () => {
  const r = repo();
  r.write(DATA, dataset('wine-noisy.csv'));
  r.git('add', DATA);
  const staged = await check(r, { scan: undefined });
  // The working copy is now broken; the commit would still hold the staged content.
  r.write(DATA, 'f0,label\n1,"unterminated\n2,0\n');
  const again = await check(r, { scan: undefined });
  assert.equal(again.exitCode, staged.exitCode);
  assert.deepEqual(again.results[0].rowsToReview, staged.results[0].rowsToReview);
  const working = await runCheck({ files: [DATA], staged: false, cwd: r.root, format: 'text', settings: FAST });
  assert.equal(working.exitCode, 2);
  assert.match(working.summary, /bad input: data\/wine\.csv:2(:\d+)?: /);

  // Staging the broken content makes the staged check fail the same way.
  r.git('add', DATA);
  const bad = await check(r, { scan: undefined });
  assert.equal(bad.exitCode, 2);
  assert.match(bad.summary, /data\/wine\.csv:2/);
});

test('exit codes without datasets, outside a repository, and for missing files', async () => {
  const r = repo();
  r.write('notes.txt', 'hello');
  r.git('add', 'notes.txt');
  const none = await check(r);
  assert.equal(none.exitCode, 0);
  assert.match(none.summary, /no staged dataset files/);
  const outside = fs.realpathSync(fs.mkdtempSync(path.join(path.dirname(r.root), 'il-norepo-')));
  repos.push({ ...r, cleanup: () => fs.rmSync(outside, { recursive: true, force: true }) });
  const notRepo = await runCheck({ staged: true, cwd: outside, format: 'text', settings: FAST });
  assert.equal(notRepo.exitCode, 2);
  assert.match(notRepo.summary, /not inside a git repository/);
  const missing = await runCheck({ files: ['nope.csv'], staged: false, cwd: r.root, format: 'json', settings: FAST });
  assert.equal(missing.exitCode, 2);
  assert.match(missing.summary, /nope\.csv: no such file/);
  const noFiles = await runCheck({ staged: false, cwd: r.root, format: 'text', settings: FAST });
  assert.equal(noFiles.exitCode, 2);
  assert.match(noFiles.summary, /name the dataset files/);
  const badValidation = await runCheck({ staged: true, cwd: r.root, format: 'text', settings: resolveSettings({ ...FAST, validationFile: 'trusted.csv' }) });
  assert.equal(badValidation.exitCode, 2);
  assert.match(badValidation.summary, /trusted\.csv: no such file/);
});

test('data safety: the review path never writes to the dataset, even when it is read-only', async () => {
  const r = repo();
  const file = r.write(DATA, dataset('wine-noisy.csv'));
  r.git('add', DATA);
  fs.chmodSync(file, 0o444);
  const before = { bytes: fs.readFileSync(file), mtimeMs: fs.statSync(file).mtimeMs };
  const writes: string[] = [];
  const methods = ['writeFile', 'appendFile', 'rename', 'copyFile', 'rm', 'unlink', 'truncate', 'chmod', 'open', 'mkdir', 'cp', 'symlink', 'link', 'utimes'] as const;
  // The module object itself (not an import namespace), so replacing its methods is seen by every importer.
  const fsp = fs.promises as unknown as Record<string, unknown>;
  const originals = new Map<string, unknown>();
  for (const m of methods) {
    const orig = fsp[m] as (...a: unknown[]) => unknown;
    originals.set(m, orig);
    fsp[m] = (...args: unknown[]) => {
      const flags = m === 'open' ? String(args[1] ?? 'r') : 'w';
      const targets = ['rename', 'copyFile', 'cp', 'symlink', 'link'].includes(m) ? args.slice(0, 2) : args.slice(0, 1);
      if (flags !== 'r') for (const a of targets) if (typeof a === 'string') writes.push(path.resolve(a));
      return orig.apply(fsp, args);
    };
  }
  try {
    // A corrupt review file on the way, so the move-aside path runs too.
    fs.mkdirSync(path.join(r.root, '.influence-lens'));
    fs.writeFileSync(reviewFilePath(r.root, DATA), 'not json');
    const out = await check(r, { scan: undefined });
    await review(r, out.results[0].rowsToReview);
    await check(r, { format: 'sarif', allRows: true, scan: undefined });
    await runCheck({ files: [DATA], staged: false, cwd: r.root, format: 'json', settings: FAST });
  } finally {
    for (const m of methods) fsp[m] = originals.get(m);
  }
  assert.ok(writes.length > 0, 'the spy saw the review file being written');
  assert.deepEqual(writes.filter((w) => w === file), []);
  assert.ok(writes.every((w) => w.startsWith(path.join(r.root, '.influence-lens'))), writes.join('\n'));
  assert.deepEqual(fs.readFileSync(file), before.bytes);
  assert.equal(fs.statSync(file).mtimeMs, before.mtimeMs);
});
