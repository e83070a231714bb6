/**
 * The editor side of the review, run against a stand-in `vscode` module, real git
 * repositories and the real engine: several repositories, rows placed on edited editor
 * text, the Git extension missing, cancellation, trust, and recording decisions.
 */
import { fake, gitExtensionWith, recorded, state } from './fakeVscode';
import { test, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import type * as vscode from 'vscode';
import { analyze } from '../../../src/core/analyze';
import { resolveSettings } from '../../../src/core/settings';
import type { RowRecord, ScanResult } from '../../../src/core/report/types';
import { reviewChangedData, type ReviewDeps, type RowsToReviewInfo } from '../../../src/extension/review/reviewStaged';
import { readReviewState, registerReviewFeatures, ReviewCommands, setRowDecision } from '../../../src/extension/review/index';
import { reviewFilePath } from '../../../src/core/review/reviewFile';
import { dataset, tempRepo, type TempRepo } from '../../core/review/gitRepo';

const FAST = resolveSettings({ epochs: 5, learningRate: 0.1 });
const repos: TempRepo[] = [];
const scans = new Map<string, ScanResult>();
after(() => repos.forEach((r) => r.cleanup()));

function stagedRepo(file: string, content: string): TempRepo {
  const r = tempRepo('il-ext-review-');
  repos.push(r);
  r.write(file, content);
  r.git('add', file);
  return r;
}

interface Shown { uri: string; rows: RowRecord[]; info: RowsToReviewInfo }

function deps(opts: { cancel?: boolean } = {}): { deps: ReviewDeps; shown: Shown[]; scanned: string[] } {
  const shown: Shown[] = [];
  const scanned: string[] = [];
  return {
    shown,
    scanned,
    deps: {
      compute: async (uri, text) => {
        scanned.push(uri.fsPath);
        if (opts.cancel) return undefined;
        // Deterministic engine: the same content scanned again gives the same result, so reuse it.
        const key = `${uri.fsPath}\0${text}`;
        const cached = scans.get(key) ?? analyze({ file: uri.fsPath, content: text, settings: FAST }).result;
        scans.set(key, cached);
        return cached;
      },
      showRowsToReview: (uri, rows, info) => { shown.push({ uri: uri.fsPath, rows, info }); },
    },
  };
}

const progress = { report: () => undefined };
const token = { isCancellationRequested: false, onCancellationRequested: () => ({ dispose: () => undefined }) } as unknown as vscode.CancellationToken;

beforeEach(() => {
  state.trusted = true;
  state.folders = [];
  state.documents = [];
  state.gitExtension = undefined;
  recorded.errors.length = 0;
  recorded.warnings.length = 0;
  recorded.infos.length = 0;
});

test('several repositories: each staged dataset is scanned as staged and its flagged additions shown', async () => {
  const a = stagedRepo('wine.csv', dataset('wine-noisy.csv'));
  const b = stagedRepo('sub/iris.csv', dataset('iris-noisy.csv'));
  state.gitExtension = gitExtensionWith([a.root, b.root]);
  const d = deps();
  const summary = await reviewChangedData(d.deps, false, progress, token);
  assert.deepEqual(d.scanned, [`${a.root}/wine.csv`, `${b.root}/sub/iris.csv`]);
  assert.deepEqual(d.shown.map((s) => [s.uri, s.info.source, s.info.repository]), [
    [`${a.root}/wine.csv`, 'staged', a.root],
    [`${b.root}/sub/iris.csv`, 'staged', b.root],
  ]);
  for (const s of d.shown) {
    assert.ok(s.rows.length > 0);
    assert.ok(s.rows.every((r) => r.flagged));
  }
  assert.equal(summary.files, 2);
  assert.equal(summary.unreviewed, d.shown.reduce((n, s) => n + s.rows.length, 0));
  assert.deepEqual(summary.messages.filter((m) => !m.includes('not staged')), []);
});

test('rows are placed on the editor text: a row inserted above shifts them; a flagged row edited since staging is not shown', async () => {
  const r = stagedRepo('wine.csv', dataset('wine-noisy.csv'));
  state.gitExtension = gitExtensionWith([r.root]);
  const plain = deps();
  await reviewChangedData(plain.deps, false, progress, token);
  const stagedRows = plain.shown[0].rows;

  const lines = dataset('wine-noisy.csv').split('\n');
  const victim = stagedRows[0];
  const edited = [...lines];
  edited[victim.line - 1] = edited[victim.line - 1].replace(/^[^,]+/, '77.7');
  edited.splice(1, 0, lines[1].replace(/^[^,]+/, '1.5'));
  state.documents = [{ uri: fake.Uri.file(`${r.root}/wine.csv`), getText: () => edited.join('\n') }];
  const placed = deps();
  const summary = await reviewChangedData(placed.deps, false, progress, token);
  const shown = placed.shown[0];
  assert.equal(shown.info.lostRows, 1);
  assert.deepEqual(shown.rows.map((x) => [x.row, x.line, x.hash]), stagedRows.slice(1).map((x) => [x.row + 1, x.line + 1, x.hash]));
  assert.ok(summary.messages.some((m) => m.includes('were edited since staging')));
});

test('without the Git extension, git on PATH is used for the workspace folders, with a note; with neither, a clear message', async () => {
  const r = stagedRepo('wine.csv', dataset('wine-noisy.csv'));
  state.folders = [{ uri: fake.Uri.file(r.root), name: 'wine', index: 0 }];
  const d = deps();
  const summary = await reviewChangedData(d.deps, false, progress, token);
  assert.equal(d.shown.length, 1);
  assert.ok(summary.messages.some((m) => m.includes('built-in Git extension (vscode.git) is not installed') && m.includes('using git from PATH')));

  const outside = fs.mkdtempSync(`${r.root}-nogit-`);
  repos.push({ ...r, cleanup: () => fs.rmSync(outside, { recursive: true, force: true }) });
  state.folders = [{ uri: fake.Uri.file(outside), name: 'x', index: 0 }];
  const none = deps();
  const s2 = await reviewChangedData(none.deps, false, progress, token);
  assert.equal(none.shown.length, 0);
  assert.match(s2.messages[0], /^Review Staged Data needs git: .*no git repository was found/);

  // git itself missing: said in so many words.
  const savedPath = process.env.PATH;
  process.env.PATH = outside;
  try {
    const s3 = await reviewChangedData(deps().deps, false, progress, token);
    assert.match(s3.messages[0], /git is not on PATH/);
  } finally {
    process.env.PATH = savedPath;
  }
});

test('unstaged mode reviews the working tree; a cancelled scan stops without showing anything', async () => {
  const r = stagedRepo('a.csv', 'x\n');
  r.git('commit', '-q', '-m', 'base');
  r.write('wine.csv', dataset('wine-noisy.csv'));
  state.gitExtension = gitExtensionWith([r.root]);
  const staged = deps();
  assert.equal((await reviewChangedData(staged.deps, false, progress, token)).files, 0, 'nothing staged');
  const working = deps();
  await reviewChangedData(working.deps, true, progress, token);
  assert.deepEqual(working.shown.map((s) => [s.uri, s.info.source]), [[`${r.root}/wine.csv`, 'working-tree']]);
  const cancelled = deps({ cancel: true });
  const s = await reviewChangedData(cancelled.deps, true, progress, token);
  assert.equal(cancelled.shown.length, 0);
  assert.equal(s.files, 0);
});

test('decisions from the editor: refused in Restricted Mode, recorded when trusted, read back on the current text', async () => {
  const r = stagedRepo('wine.csv', dataset('wine-noisy.csv'));
  state.gitExtension = gitExtensionWith([r.root]);
  state.folders = [{ uri: fake.Uri.file(r.root), name: 'w', index: 0 }];
  const d = deps();
  await reviewChangedData(d.deps, false, progress, token);
  const row = d.shown[0].rows[0];
  const uri = fake.Uri.file(`${r.root}/wine.csv`) as unknown as vscode.Uri;
  state.trusted = false;
  assert.equal(await setRowDecision(uri, row, 'keep'), false);
  assert.equal(fs.existsSync(reviewFilePath(r.root, 'wine.csv')), false);
  assert.match(recorded.errors[0], /Restricted Mode/);
  state.trusted = true;
  assert.equal(await setRowDecision(uri, row, 'fixed', 'relabelled'), true);
  const st = await readReviewState(uri, dataset('wine-noisy.csv'));
  assert.equal(st.byRow.get(row.row)?.decision, 'fixed');
  assert.equal(st.byRow.get(row.row)?.by, 'Test Reviewer <reviewer@example.com>');
  const again = deps();
  await reviewChangedData(again.deps, false, progress, token);
  assert.equal(again.shown[0].info.decisions.get(row.row)?.comment, 'relabelled');

  // The commands are registered, and refuse to run git or install hooks in Restricted Mode.
  const disposables = registerReviewFeatures({ workspaceState: { get: () => undefined, update: async () => undefined } } as unknown as vscode.ExtensionContext, again.deps);
  assert.deepEqual([...recorded.commands.keys()].sort(), [ReviewCommands.installHook, ReviewCommands.reviewStaged].sort());
  state.trusted = false;
  await recorded.commands.get(ReviewCommands.installHook)?.();
  await recorded.commands.get(ReviewCommands.reviewStaged)?.({ includeUnstaged: false });
  assert.equal(fs.existsSync(`${r.root}/.git/hooks/pre-commit`), false);
  assert.ok(recorded.errors.filter((m) => m.includes('Restricted Mode')).length >= 3);
  disposables.forEach((x) => x.dispose());
});

test('the command clears files from the view once they are no longer staged', async () => {
  const r = stagedRepo('wine.csv', dataset('wine-noisy.csv'));
  state.gitExtension = gitExtensionWith([r.root]);
  const d = deps();
  const disposables = registerReviewFeatures({ workspaceState: { get: () => undefined, update: async () => undefined } } as unknown as vscode.ExtensionContext, d.deps);
  try {
    await recorded.commands.get(ReviewCommands.reviewStaged)?.({ includeUnstaged: false });
    assert.equal(d.shown.length, 1);
    assert.ok(d.shown[0].rows.length > 0);
    assert.ok(recorded.infos.some((m) => m.includes('flagged row(s) to review')), recorded.infos.join('\n'));
    r.git('commit', '-q', '--no-verify', '-m', 'data');
    await recorded.commands.get(ReviewCommands.reviewStaged)?.({ includeUnstaged: false });
    assert.deepEqual(d.shown.slice(1).map((s) => [s.uri, s.rows.length]), [[`${r.root}/wine.csv`, 0]]);
    assert.ok(recorded.infos.some((m) => m === 'No staged dataset files (CSV, TSV, JSONL).'));
  } finally {
    disposables.forEach((x) => x.dispose());
  }
});
