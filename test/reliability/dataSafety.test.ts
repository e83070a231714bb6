/**
 * Data safety: no code path writes to a dataset. The CLI (scan, verify, check), analyze()
 * and the server run on read-only copies whose bytes, mode and mtime must not change and
 * whose folder must gain no file; a corrupted review file is reported by `check` and left
 * exactly as it was; and a static audit confines file writes in src/ to an allow-list.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { analyze } from '../../src/core/analyze';
import { resolveSettings } from '../../src/core/settings';
import { Methods, type ComputeResult, type ResultResponse } from '../../src/shared/protocol';
import { LspClient } from '../server/lspHarness';
import { DATASETS, FAST, ROOT, runCli, tempDir } from './helpers';

interface Snapshot {
  bytes: Buffer;
  mtimeMs: number;
  mode: number;
}

function snapshot(file: string): Snapshot {
  const st = statSync(file);
  return { bytes: readFileSync(file), mtimeMs: st.mtimeMs, mode: st.mode };
}

function assertUnchanged(file: string, before: Snapshot, what: string): void {
  const now = snapshot(file);
  assert.ok(now.bytes.equals(before.bytes), `${what}: bytes of ${path.basename(file)} changed`);
  assert.equal(now.mtimeMs, before.mtimeMs, `${what}: mtime of ${path.basename(file)} changed`);
  assert.equal(now.mode, before.mode, `${what}: mode of ${path.basename(file)} changed`);
}

/** Every file under `dir` (relative paths), to show that nothing appeared next to the datasets. */
function listing(dir: string): string[] {
  return readdirSync(dir, { recursive: true }).map(String).sort();
}

test('CLI scan/verify/check, analyze() and the server leave read-only datasets untouched and add no file beside them', async () => {
  const dir = tempDir('il-rel-ro-');
  try {
    // A CSV from the shared datasets and the first 300 lines of the spam JSONL (text features), kept small for speed.
    const csv = path.join(dir, 'wine-noisy.csv');
    copyFileSync(path.join(DATASETS, 'wine-noisy.csv'), csv);
    const jsonl = path.join(dir, 'spam-300.jsonl');
    writeFileSync(jsonl, `${readFileSync(path.join(DATASETS, 'spam-2k-noisy.jsonl'), 'utf8').split('\n').slice(0, 300).join('\n')}\n`);
    const files = [csv, jsonl];
    for (const f of files) chmodSync(f, 0o444);
    const before = files.map(snapshot);
    const listed = listing(dir);
    const check = (what: string): void => {
      files.forEach((f, i) => assertUnchanged(f, before[i], what));
      assert.deepEqual(listing(dir), listed, `${what}: no file created beside the datasets`);
    };

    for (const f of files) {
      const scan = runCli(['scan', f, '--format', 'json', ...FAST], dir);
      assert.equal(scan.code, 0, scan.stderr);
      check(`scan ${path.basename(f)}`);
    }
    const verify = runCli(['verify', files[0], '--format', 'json', ...FAST], dir);
    assert.equal(verify.code, 0, verify.stderr);
    check('verify');
    const checked = runCli(['check', ...files, '--format', 'json', ...FAST], dir);
    assert.ok(checked.code === 0 || checked.code === 1, checked.stderr);
    check('check');

    const settings = resolveSettings({ epochs: 2, learningRate: 0.1, estimator: 'sgd-ie' });
    const a = analyze({ file: files[0], content: readFileSync(files[0]), settings });
    a.verify(a.result.rows.filter((r) => r.flagged).map((r) => r.row));
    check('analyze and verify');

    const c = await LspClient.start({ entry: path.join(ROOT, 'src', 'server', 'server.ts') });
    try {
      for (const f of files) {
        // No text: the server reads the file itself, as for a file not open in an editor.
        const res = await c.rpc.sendRequest<ComputeResult>(Methods.compute, { uri: `file://${f}`, path: f, version: 1, settings: { epochs: 2, learningRate: 0.1, estimator: 'sgd-ie' } });
        assert.ok(res.rows > 0);
        const stored = (await c.rpc.sendRequest<ResultResponse>(Methods.result, { uri: `file://${f}` })).result;
        await c.rpc.sendRequest(Methods.verify, { uri: `file://${f}`, rows: stored.rows.slice(0, 2).map((r) => r.row) });
      }
    } finally {
      await c.stop();
    }
    check('server compute and verify');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('check with a corrupted review file: the problem is reported, the file is neither moved nor rewritten', () => {
  const dir = tempDir('il-rel-review-');
  try {
    const data = path.join(dir, 'iris-noisy.csv');
    copyFileSync(path.join(DATASETS, 'iris-noisy.csv'), data);
    const reviewDir = path.join(dir, '.influence-lens');
    mkdirSync(reviewDir);
    const review = path.join(reviewDir, 'iris-noisy.csv.review.json');
    writeFileSync(review, '{"version":1,"dataset":"iris-noisy.csv","decisions":{"00000000000000ab": {"decision":"ke');
    const before = snapshot(review);
    const r = runCli(['check', data, '--format', 'json', ...FAST], dir);
    assert.equal(r.code, 1, r.stderr);
    const report = (JSON.parse(r.stdout) as { files: { problems: string[] }[] }).files;
    assert.ok(report[0].problems.some((p) => p.includes(review) && /cannot be read/.test(p)), JSON.stringify(report[0].problems));
    assertUnchanged(review, before, 'check');
    assert.deepEqual(readdirSync(reviewDir), ['iris-noisy.csv.review.json'], 'nothing moved aside or added by a read-only command');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/**
 * The only modules allowed to write, rename or delete files, and why. Anything else in src/
 * that calls a writing fs function fails the audit below.
 */
const WRITERS: Record<string, string> = {
  // Review decisions in .influence-lens/: atomic temp-file + rename, corrupt files moved aside, .gitattributes created once.
  'src/core/review/reviewFile.ts': 'review store',
  // The pre-commit hook: written only after the user confirms, an existing hook kept as a backup.
  'src/core/review/hook.ts': 'hook installer',
  // Scan results in the extension's storage folder (never next to the data): atomic write, LRU eviction.
  'src/server/resultCache.ts': 'result cache',
  // `scan --out FILE` / `check --out FILE`: the user names the output file.
  'src/cli/cli.ts': 'CLI --out',
};

/** fs calls that change the file system (sync, callback and promise forms share these names). */
const WRITING_CALL = /\b(writeFile|writeFileSync|appendFile|appendFileSync|rename|renameSync|unlink|unlinkSync|rm|rmSync|rmdir|rmdirSync|truncate|truncateSync|copyFile|copyFileSync|cp|cpSync|createWriteStream|mkdir|mkdirSync|chmod|chmodSync|utimes|utimesSync|symlink|symlinkSync|link|linkSync)\s*\(/g;

function sources(dir: string): string[] {
  return readdirSync(dir, { recursive: true }).map(String).filter((f) => f.endsWith('.ts')).map((f) => path.join(dir, f));
}

test('static audit: only the allow-listed modules call file-writing functions in src/', () => {
  const files = sources(path.join(ROOT, 'src'));
  assert.ok(files.length > 50, `found ${files.length} sources`);
  const offenders: string[] = [];
  const writers = new Set<string>();
  for (const f of files) {
    const rel = path.relative(ROOT, f).split(path.sep).join('/');
    // Strip comments so that prose such as "rename (…)" does not count.
    const code = readFileSync(f, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');
    for (const m of code.matchAll(WRITING_CALL)) {
      // Method calls on our own objects (e.g. `map.rm(`) are not fs; fs calls are `fs.x(`, `promises.x(`, `handle.x(` or a bare imported name.
      const before = code.slice(Math.max(0, m.index - 20), m.index);
      if (/\.\s*$/.test(before) && !/\b(fs|fsp|promises|handle|fsPromises)\.\s*$/.test(before)) continue;
      if (WRITERS[rel]) writers.add(rel);
      else offenders.push(`${rel}: ${m[1]}(`);
    }
  }
  assert.deepEqual(offenders, [], 'file writes outside the allow-list');
  // Every allow-listed module still writes (a stale allow-list entry would hide a future writer).
  assert.deepEqual([...writers].sort(), Object.keys(WRITERS).sort());
});
