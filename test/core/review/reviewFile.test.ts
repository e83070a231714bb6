import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  loadReview, parseReview, reviewFileName, reviewFilePath, saveReview, serializeReview, updateReview, ReviewFileError, datasetKey,
} from '../../../src/core/review/reviewFile';
import { recordDecisions, readDecisions } from '../../../src/core/review/decisions';
import type { ReviewDecision } from '../../../src/core/review/types';
import { tempRepo } from './gitRepo';

function tmpDir(): string {
  return fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'il-reviewfile-')));
}

const D = (row: number, decision: ReviewDecision['decision'] = 'keep', comment?: string): ReviewDecision =>
  comment ? { decision, row, by: 'A <a@x>', at: '2026-01-02T03:04:05.000Z', comment } : { decision, row, by: 'A <a@x>', at: '2026-01-02T03:04:05.000Z' };

test('review file text: sorted keys, one decision per line, stable', () => {
  const decisions = new Map<string, ReviewDecision>([
    ['ffff000011112222', D(7, 'fixed', 'relabelled\nafter "check"')],
    ['0000aaaabbbbcccc', D(3)],
  ]);
  const text = serializeReview({ dataset: 'data/train.csv', decisions });
  const lines = text.split('\n');
  assert.deepEqual(lines, [
    '{',
    '  "dataset": "data/train.csv",',
    '  "decisions": {',
    '    "0000aaaabbbbcccc": {"at":"2026-01-02T03:04:05.000Z","by":"A <a@x>","decision":"keep","row":3},',
    '    "ffff000011112222": {"at":"2026-01-02T03:04:05.000Z","by":"A <a@x>","comment":"relabelled\\nafter \\"check\\"","decision":"fixed","row":7}',
    '  },',
    '  "version": 1',
    '}',
    '',
  ]);
  const parsed = parseReview(text);
  assert.ok(parsed.ok);
  assert.deepEqual(parsed.content.decisions, decisions);
  assert.equal(serializeReview(parsed.content), text);
  assert.ok(parseReview(serializeReview({ dataset: 'x.csv', decisions: new Map() })).ok);
});

test('review file names: one file per dataset path, no separators, bounded length', () => {
  const root = path.resolve('/repo');
  assert.equal(reviewFilePath(root, 'data/train.csv'), path.join(root, '.influence-lens', 'data%2Ftrain.csv.review.json'));
  assert.equal(reviewFileName('a%2Fb.csv'), 'a%252Fb.csv.review.json');
  assert.notEqual(reviewFileName('a/b.csv'), reviewFileName('a%2Fb.csv'));
  assert.equal(reviewFileName('we:ird?.csv'), 'we%3Aird%3F.csv.review.json');
  const long = reviewFileName(`${'d/'.repeat(150)}x.csv`);
  assert.ok(long.length <= 200 && long.endsWith('.review.json'));
  assert.notEqual(long, reviewFileName(`${'d/'.repeat(151)}x.csv`));
  assert.throws(() => datasetKey(root, '/elsewhere/x.csv'), /not inside/);
});

test('corrupt review file: reported when reading, moved aside (not overwritten) before writing', async () => {
  const dir = tmpDir();
  const file = reviewFilePath(dir, 'd.csv');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, '{"version": 1, "dataset": "d.csv", "decisions": {"abc": ');
  const read = await loadReview(file, 'd.csv', { moveAsideCorrupt: false });
  assert.equal(read.problems[0].kind, 'corrupt');
  assert.equal(read.content.decisions.size, 0);
  assert.ok(fs.existsSync(file), 'reading alone leaves the file where it is');

  const now = () => new Date('2026-03-04T05:06:07.089Z');
  const { problems } = await recordDecisions(dir, 'd.csv', [{ hash: '0123456789abcdef', row: 2, decision: 'keep' }], { by: 'B', now });
  assert.equal(problems.length, 1);
  assert.equal(problems[0].kind, 'corrupt');
  const moved = `${file}.corrupt-2026-03-04T05-06-07-089Z`;
  assert.equal(problems[0].movedTo, moved);
  assert.equal(fs.readFileSync(moved, 'utf8'), '{"version": 1, "dataset": "d.csv", "decisions": {"abc": ');
  const after = await readDecisions(dir, 'd.csv');
  assert.deepEqual([...after.content.decisions.keys()], ['0123456789abcdef']);
  assert.deepEqual(after.problems, []);
});

test('invalid entries count as corruption; a newer format version is never overwritten', async () => {
  for (const bad of ['[]', '{"version":1,"dataset":"d.csv","decisions":{"0123456789abcdef":{"decision":"maybe","row":1,"by":"x","at":"y"}}}',
    '{"version":1,"dataset":"d.csv","decisions":{"NOT-A-HASH":{"decision":"keep","row":1,"by":"x","at":"y"}}}',
    '{"version":1,"dataset":"d.csv","decisions":{"0123456789abcdef":{"decision":"keep","row":-1,"by":"x","at":"y"}}}']) {
    const p = parseReview(bad);
    assert.equal(p.ok, false, bad);
  }
  const dir = tmpDir();
  const file = reviewFilePath(dir, 'd.csv');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const newer = '{"version": 2, "dataset": "d.csv", "decisions": {}, "extra": true}\n';
  fs.writeFileSync(file, newer);
  await assert.rejects(recordDecisions(dir, 'd.csv', [{ hash: '0123456789abcdef', row: 0, decision: 'keep' }], { by: 'B' }), ReviewFileError);
  assert.equal(fs.readFileSync(file, 'utf8'), newer);
  // A review "file" that cannot be read at all is an error naming it, not a crash or an empty store.
  const dirInstead = reviewFilePath(dir, 'e.csv');
  fs.mkdirSync(dirInstead);
  await assert.rejects(loadReview(dirInstead, 'e.csv', { moveAsideCorrupt: false }), (e: unknown) => e instanceof ReviewFileError && e.problem.kind === 'unreadable' && e.message.includes('EISDIR'));
});

test('a review file with git merge-conflict markers keeps both sides\' decisions', async () => {
  const ours = serializeReview({ dataset: 'd.csv', decisions: new Map([['00000000000000aa', D(1)], ['00000000000000bb', { ...D(2), at: '2026-01-01T00:00:00.000Z' }]]) });
  const theirs = serializeReview({ dataset: 'd.csv', decisions: new Map([['00000000000000bb', { ...D(2, 'fixed'), at: '2026-02-01T00:00:00.000Z' }], ['00000000000000cc', D(3)]]) });
  const conflicted = ['{', '  "dataset": "d.csv",', '  "decisions": {', '<<<<<<< HEAD', ...ours.split('\n').slice(3, 5), '=======',
    ...theirs.split('\n').slice(3, 5), '>>>>>>> other', '  },', '  "version": 1', '}', ''].join('\n');
  const p = parseReview(conflicted);
  assert.ok(p.ok && p.merged === 'conflict');
  assert.deepEqual([...p.content.decisions.keys()].sort(), ['00000000000000aa', '00000000000000bb', '00000000000000cc']);
  assert.equal(p.content.decisions.get('00000000000000bb')?.decision, 'fixed', 'the later decision wins');
  const dir = tmpDir();
  const file = reviewFilePath(dir, 'd.csv');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, conflicted);
  const loaded = await loadReview(file, 'd.csv', { moveAsideCorrupt: true });
  assert.equal(loaded.problems[0].kind, 'conflict-merged');
  assert.equal(loaded.content.decisions.size, 3);
});

test('writes are atomic and serialized: concurrent updates keep every decision, no temporary files remain', async () => {
  const dir = tmpDir();
  const file = reviewFilePath(dir, 'd.csv');
  const hashes = Array.from({ length: 20 }, (_, i) => i.toString(16).padStart(16, '0'));
  await Promise.all(hashes.map((h, i) => updateReview(file, 'd.csv', (m) => { m.set(h, D(i)); })));
  const loaded = await loadReview(file, 'd.csv', { moveAsideCorrupt: false });
  assert.equal(loaded.content.decisions.size, 20);
  assert.deepEqual(fs.readdirSync(path.dirname(file)).sort(), ['.gitattributes', path.basename(file)]);
  await assert.rejects(saveReview(path.join(dir, 'd.csv'), { dataset: 'd.csv', decisions: new Map() }), /not a review file/);
});

test('recordDecisions takes who from git config or the OS, and clear removes a decision', async () => {
  const dir = tmpDir();
  await recordDecisions(dir, path.join(dir, 'sub', 'd.csv'), [{ hash: 'aaaaaaaaaaaaaaaa', row: 4, decision: 'ignore', comment: 'duplicate of row 3' }]);
  let r = await readDecisions(dir, 'sub/d.csv');
  const d = r.content.decisions.get('aaaaaaaaaaaaaaaa');
  assert.equal(d?.decision, 'ignore');
  assert.equal(d?.comment, 'duplicate of row 3');
  assert.ok(d && d.by.length > 0);
  assert.ok(!Number.isNaN(Date.parse(d?.at ?? '')));
  assert.ok(r.file.endsWith(`sub%2Fd.csv.review.json`));
  await recordDecisions(dir, 'sub/d.csv', [{ hash: 'aaaaaaaaaaaaaaaa', row: 4, decision: 'clear' }], { by: 'x' });
  r = await readDecisions(dir, 'sub/d.csv');
  assert.equal(r.content.decisions.size, 0);
  await assert.rejects(recordDecisions(dir, 'sub/d.csv', [{ hash: 'Robert"); drop', row: 0, decision: 'keep' }], { by: 'x' }), /not a row/);
});

test('two branches reviewing different rows merge with git: by union (the attributes we write) and through conflict markers', async () => {
  const h = (i: number) => i.toString(16).padStart(16, '0');
  for (const keepAttributes of [true, false]) {
    const r = tempRepo('il-merge-');
    try {
      r.write('d.csv', 'a,label\n1,x\n');
      await recordDecisions(r.root, 'd.csv', [{ hash: h(1), row: 0, decision: 'keep' }, { hash: h(5), row: 4, decision: 'keep' }], { by: 'base' });
      if (!keepAttributes) fs.rmSync(path.join(r.root, '.influence-lens', '.gitattributes'));
      else assert.match(fs.readFileSync(path.join(r.root, '.influence-lens', '.gitattributes'), 'utf8'), /merge=union/);
      r.git('add', '-A');
      r.git('commit', '-q', '-m', 'base');
      r.git('checkout', '-q', '-b', 'other');
      await recordDecisions(r.root, 'd.csv', [{ hash: h(2), row: 1, decision: 'fixed' }, { hash: h(6), row: 5, decision: 'ignore' }], { by: 'other' });
      if (!keepAttributes) fs.rmSync(path.join(r.root, '.influence-lens', '.gitattributes'), { force: true });
      r.git('commit', '-q', '-am', 'other reviews');
      r.git('checkout', '-q', 'main');
      await recordDecisions(r.root, 'd.csv', [{ hash: h(3), row: 2, decision: 'keep' }, { hash: h(7), row: 6, decision: 'keep' }], { by: 'main' });
      if (!keepAttributes) fs.rmSync(path.join(r.root, '.influence-lens', '.gitattributes'), { force: true });
      r.git('commit', '-q', '-am', 'main reviews');
      let mergedCleanly = true;
      try {
        r.git('merge', '-q', '--no-edit', 'other');
      } catch {
        mergedCleanly = false;
      }
      assert.equal(mergedCleanly, keepAttributes, 'with the union attribute git merges without stopping');
      const merged = await readDecisions(r.root, 'd.csv');
      assert.deepEqual([...merged.content.decisions.keys()].sort(), [1, 2, 3, 5, 6, 7].map(h), `attributes: ${keepAttributes}`);
      assert.equal(merged.problems.length, 1);
      assert.match(merged.problems[0].message, keepAttributes ? /merged line by line by git/ : /merge-conflict markers/);
      // The next decision rewrites the file as clean JSON with every decision.
      await recordDecisions(r.root, 'd.csv', [{ hash: h(8), row: 7, decision: 'keep' }], { by: 'after' });
      const clean = JSON.parse(r.read('.influence-lens/d.csv.review.json')) as { decisions: Record<string, unknown> };
      assert.deepEqual(Object.keys(clean.decisions), [1, 2, 3, 5, 6, 7, 8].map(h));
    } finally {
      r.cleanup();
    }
  }
});
