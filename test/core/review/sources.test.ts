/**
 * From a real git index to changed data rows, without the engine: multi-line CSV rows,
 * renames, unusual file names, CRLF, and the working-tree mode with untracked files.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { decodeDataset, parseTable } from '../../../src/core/data/index';
import { changedRowIndices } from '../../../src/core/review/diffRows';
import { changedDatasetSources, type DatasetSource } from '../../../src/core/review/sources';
import { tempRepo, type TempRepo } from './gitRepo';

const repos: TempRepo[] = [];
after(() => repos.forEach((r) => r.cleanup()));
function repo(): TempRepo {
  const r = tempRepo('il-sources-');
  repos.push(r);
  return r;
}

function rowsChanged(s: DatasetSource): number[] {
  const text = decodeDataset(s.bytes, s.display);
  const table = parseTable(text, s.display, s.display.endsWith('.jsonl') ? 'jsonl' : 'csv');
  if (s.changes === 'all') return table.rows.map((_, i) => i);
  return [...changedRowIndices(text, table.spans, s.changes)].sort((a, b) => a - b);
}

const MULTI = 'id,text,label\n1,"first line\nsecond line\nthird line",a\n2,plain,b\n3,"x\ny",c\n4,last,d\n';

test('an edit on the middle line of a quoted multi-line field changes exactly that row, in the staged blob', async () => {
  const r = repo();
  r.write('d.csv', MULTI);
  r.write('notes.md', 'not a dataset');
  r.git('add', '.');
  r.git('commit', '-q', '-m', 'base');
  r.write('d.csv', MULTI.replace('second line', 'second line, edited'));
  r.write('notes.md', 'changed');
  r.git('add', '.');
  r.write('d.csv', MULTI.replace('second line', 'second line, edited').replace('4,last,d', '4,working copy only,d'));
  const sources = await changedDatasetSources(r.root, { staged: true });
  assert.deepEqual(sources.map((s) => [s.display, s.origin]), [['d.csv', 'staged']]);
  assert.ok(Buffer.from(sources[0].bytes).toString('utf8').includes('second line, edited'), 'the staged blob, not the working copy');
  assert.deepEqual(rowsChanged(sources[0]), [0]);
  // Working-tree mode sees both the staged and the unstaged edit.
  const working = await changedDatasetSources(r.root, { staged: false });
  assert.deepEqual(rowsChanged(working[0]), [0, 3]);
  assert.equal(working[0].origin, 'working-tree');
});

test('deleting a line inside a multi-line row, and deleting whole rows', async () => {
  const r = repo();
  r.write('d.csv', MULTI);
  r.git('add', '.');
  r.git('commit', '-q', '-m', 'base');
  r.write('d.csv', MULTI.replace('second line\n', '').replace('2,plain,b\n', ''));
  r.git('add', 'd.csv');
  const [s] = await changedDatasetSources(r.root, { staged: true });
  assert.deepEqual(rowsChanged(s), [0]);
});

test('a renamed and edited file: only the edited row counts; odd names and CRLF are fine', async () => {
  const r = repo();
  const rows = Array.from({ length: 30 }, (_, i) => `${i},${i % 3},value ${i}`);
  r.write('old name.csv', ['a,label,text', ...rows, ''].join('\r\n'));
  r.git('add', '.');
  r.git('commit', '-q', '-m', 'base');
  fs.mkdirSync(path.join(r.root, 'dáta'));
  r.git('mv', 'old name.csv', 'dáta/new "name".csv');
  const edited = [...rows];
  edited[17] = '17,0,value seventeen';
  r.write('dáta/new "name".csv', ['a,label,text', ...edited, ''].join('\r\n'));
  r.git('add', '.');
  const [s] = await changedDatasetSources(r.root, { staged: true });
  assert.equal(s.display, 'dáta/new "name".csv');
  assert.deepEqual(rowsChanged(s), [17]);
});

test('working-tree mode includes untracked datasets (all rows new); only restricts to the given paths', async () => {
  const r = repo();
  r.write('a.jsonl', '{"x":1,"label":"p"}\n{"x":2,"label":"q"}\n');
  r.write('b.tsv', 'x\tlabel\n1\tp\n');
  r.git('add', 'b.tsv');
  const all = await changedDatasetSources(r.root, { staged: false });
  assert.deepEqual(all.map((s) => [s.display, s.changes === 'all']).sort(), [['a.jsonl', true], ['b.tsv', true]]);
  assert.deepEqual(rowsChanged(all.find((s) => s.display === 'a.jsonl') as DatasetSource), [0, 1]);
  const staged = await changedDatasetSources(r.root, { staged: true });
  assert.deepEqual(staged.map((s) => s.display), ['b.tsv']);
  const only = await changedDatasetSources(r.root, { staged: false, only: new Set([`${r.root}/a.jsonl`]) });
  assert.deepEqual(only.map((s) => s.display), ['a.jsonl']);
});
