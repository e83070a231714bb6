/** Status bar, tree, settings mapping, readiness and request-failure models (no VS Code needed). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseTable } from '../../src/core/data/index';
import { DEFAULT_SETTINGS } from '../../src/core/settings';
import { classifyFailure, describeJobError, REQUEST_CANCELLED } from '../../src/extension/client/jobErrors';
import { Commands, parseRelabelArgs, parseRowArgs } from '../../src/extension/commandTable';
import { settingsFromConfiguration } from '../../src/extension/configMapping';
import { baseName, formatOfPath } from '../../src/extension/datasetFiles';
import { DatasetStore } from '../../src/extension/results/datasetState';
import { headerReadiness, parseDocument, readiness } from '../../src/extension/results/documentTables';
import { phaseWords, statusView } from '../../src/extension/status/statusModel';
import { buildTree, mergeStaged, type TreeRowInput } from '../../src/extension/tree/flaggedTreeModel';
import type { ScanResult } from '../../src/core/report/types';
import { record } from './fixtures';

test('status texts and click actions fit each state', () => {
  assert.equal(statusView({ kind: 'ready', rows: 1234, rowsApproximate: false, labelColumn: 'label' }).text, '$(beaker) Influence Lens: ready (1\u202f234 rows, label column label)');
  assert.equal(statusView({ kind: 'ready', rows: 1234, rowsApproximate: false, labelColumn: 'label' }).command, Commands.compute);
  const running = statusView({ kind: 'running', phase: 'train', percent: 42.4, message: 'train: epoch 3/20' });
  assert.equal(running.text, '$(sync~spin) Influence Lens: training epoch 3 of 20 42%');
  assert.equal(running.command, Commands.cancel);
  assert.equal(statusView({ kind: 'done', flagged: 20, rows: 178, cached: true }).command, Commands.review);
  const stale = statusView({ kind: 'stale', flagged: 3 });
  assert.equal(stale.command, Commands.compute);
  assert.match(stale.text, /stale/);
  assert.equal(statusView({ kind: 'error', message: 'unterminated quote', file: 'a.csv', line: 12 }).tone, 'error');
  assert.match(statusView({ kind: 'error', message: 'unterminated quote', file: 'a.csv', line: 12 }).tooltip, /a\.csv:12: unterminated quote/);
  assert.equal(phaseWords('influence', ''), 'estimating influence');
  assert.equal(phaseWords('train', 'training epoch 2 of 5'), 'training epoch 2 of 5');
  assert.equal(phaseWords('train', 'train: epoch 3/20'), 'training epoch 3 of 20');
  assert.equal(phaseWords('influence', 'influence: acc 200/1600 rows'), 'estimating influence: acc 200 of 1600 rows');
  assert.equal(phaseWords('parse', 'parse'), 'parsing');
  assert.equal(phaseWords('parse', 'parse: Reading /tmp/ws/long-scan.csv'), 'parsing: Reading long-scan.csv');
  assert.equal(phaseWords('parse', 'parse: Reading C:\\data\\wine.csv'), 'parsing: Reading wine.csv');
});

test('settings: user values are validated, a bad value falls back alone and is named', () => {
  const values: Record<string, unknown> = { epochs: 5, batchSize: 'lots', model: 'mlp', topK: -1 };
  const { settings, problems } = settingsFromConfiguration((k) => values[k]);
  assert.equal(settings.epochs, 5);
  assert.equal(settings.model, 'mlp');
  assert.equal(settings.batchSize, DEFAULT_SETTINGS.batchSize);
  assert.equal(settings.topK, DEFAULT_SETTINGS.topK);
  assert.equal(problems.length, 2);
  assert.ok(problems.every((p) => p.startsWith('influenceLens.')));
  assert.deepEqual(settingsFromConfiguration(() => undefined).settings, DEFAULT_SETTINGS);
});

test('dataset files are recognised by extension, case-insensitively', () => {
  assert.equal(formatOfPath('/a/b/Data.CSV'), 'csv');
  assert.equal(formatOfPath('x.tab'), 'tsv');
  assert.equal(formatOfPath('x.ndjson'), 'jsonl');
  assert.equal(formatOfPath('x.json'), undefined);
  assert.equal(baseName('C:\\data\\wine.csv'), 'wine.csv');
});

test('readiness names the label column, or the reason a file cannot be scanned', () => {
  const ok = readiness(parseDocument('f,class\n1,a\n2,b\n3,a\n4,b\n', 'x.csv', 'csv'), DEFAULT_SETTINGS);
  assert.deepEqual(ok, { kind: 'ready', rows: 4, rowsApproximate: false, labelColumn: 'class' });
  const single = readiness(parseDocument('f,label\n1,a\n2,a\n3,a\n4,a\n', 'x.csv', 'csv'), DEFAULT_SETTINGS);
  assert.equal(single.kind, 'unusable');
  const broken = parseDocument('a,b\n"oops,1\n', 'x.csv', 'csv');
  assert.equal(broken.ok, false);
  assert.equal(readiness(broken, DEFAULT_SETTINGS).kind, 'unusable');
  assert.deepEqual(headerReadiness('a,"target",b\n1,2,3\n4,5,6', 'csv', null), { kind: 'ready', rows: 2, rowsApproximate: true, labelColumn: 'target' });
  assert.equal((headerReadiness('{"x":1,"y":2}\n{"x":2,"y":3}\n', 'jsonl', null) as { labelColumn: string }).labelColumn, 'y');
});

test('the tree groups flagged rows by file and review state, most harmful first', () => {
  const row = (over: Partial<TreeRowInput>): TreeRowInput => ({ uri: 'file:///b.csv', row: 0, hash: 'h', line: 2, label: 'a', predicted: 'b', influence: -0.1, looLoss: 1, trainLoss: 0.5, rankHarmful: 5, reasons: ['harmful'], group: 'toReview', ...over });
  const tree = buildTree([
    { uri: 'file:///b.csv', name: 'b.csv', rows: [row({ row: 3, rankHarmful: 9 }), row({ row: 1, rankHarmful: 2 }), row({ row: 7, group: 'kept' }), row({ row: 8, group: 'fixed', line: 0 })] },
    { uri: 'file:///a.csv', name: 'a.csv', rows: [row({ uri: 'file:///a.csv', row: 0, reasons: ['label-suspect'] })] },
  ]);
  assert.deepEqual(tree.map((f) => f.label), ['a.csv', 'b.csv']);
  const b = tree[1];
  assert.deepEqual(b.groups.map((g) => g.label), ['To review (2)', 'Kept (1)', 'Fixed (1)']);
  assert.deepEqual(b.groups[0].rows.map((r) => r.input.row), [1, 3]);
  assert.equal(b.groups[0].rows[0].label, 'row 2 · a → b');
  assert.equal(b.groups[0].rows[0].description, '−0.1 · line 2');
  assert.match(b.groups[2].rows[0].description, /edited since the scan/);
  assert.equal(b.description, '2 to review');
  const merged = mergeStaged([row({ hash: 'x' }), row({ hash: 'y' })], [row({ hash: 'x', group: 'beforeCommit' })]);
  assert.deepEqual(merged.map((r) => `${r.hash}:${r.group}`), ['y:toReview', 'x:beforeCommit']);
});

test('request failures: cancellations, job errors with a line, anything else', () => {
  assert.deepEqual(classifyFailure({ code: REQUEST_CANCELLED, message: 'x' }), { kind: 'cancelled' });
  const err = { kind: 'unterminated-quote', file: '/d/a.csv', line: 12, column: 5, message: 'unterminated quote', hint: 'Close it.' };
  assert.deepEqual(classifyFailure({ code: -32803, message: 'x', data: err }), { kind: 'job', error: err });
  assert.deepEqual(classifyFailure({ code: -32803, data: { ...err, kind: 'superseded' } }), { kind: 'cancelled' });
  assert.deepEqual(classifyFailure(new Error('boom')), { kind: 'other', message: 'boom' });
  assert.equal(describeJobError(err, 'a.csv'), 'a.csv:12:5: unterminated quote Close it.');
});

test('untrusted link arguments are checked', () => {
  assert.deepEqual(parseRowArgs({ uri: 'file:///a', row: 3, hash: 'abc', extra: 1 }), { uri: 'file:///a', row: 3, hash: 'abc' });
  assert.equal(parseRowArgs({ uri: 'file:///a', row: -1, hash: 'abc' }), undefined);
  assert.equal(parseRowArgs({ uri: 'file:///a', row: 1.5, hash: 'abc' }), undefined);
  assert.equal(parseRowArgs('file:///a'), undefined);
  assert.equal(parseRelabelArgs({ uri: 'u', row: 1, hash: 'h' }), undefined);
  assert.deepEqual(parseRelabelArgs({ uri: 'u', row: 1, hash: 'h', label: 'x' }), { uri: 'u', row: 1, hash: 'h', label: 'x' });
});

function result(rows = [record({ row: 0, flagged: true, reasons: ['harmful'] })]): ScanResult {
  return { flaggedCount: rows.filter((r) => r.flagged).length, rows, data: { rows: 10 }, contentHash: 'c' } as unknown as ScanResult;
}

test('the store marks a result from another document version stale, and fresh again when content returns', () => {
  const store = new DatasetStore();
  const seen: string[] = [];
  store.onDidChange((u) => seen.push(u));
  store.setResult('u', result(), 3, 3, false);
  assert.equal(store.get('u')!.status.kind, 'done');
  store.setResult('u', result(), 3, 5, false);
  assert.equal(store.get('u')!.stale, true);
  assert.equal(store.get('u')!.status.kind, 'stale');
  store.rowsMoved('u', false);
  assert.equal(store.get('u')!.status.kind, 'done');
  store.clear('u');
  assert.equal(store.get('u')!.result, undefined);
  assert.equal(seen.length, 4);
});

test('a parsed table is what the row tracker and quick fixes use', () => {
  const t = parseDocument('a,label\n1,x\n', 'x.csv', 'csv');
  assert.ok(t.ok);
  assert.deepEqual(t.table.rows, parseTable('a,label\n1,x\n', 'x.csv', 'csv').rows);
});

test('back at the scanned text, rows return to the result\'s own lines and the result is fresh', () => {
  const store = new DatasetStore();
  store.setResult('u', result([record({ row: 0, line: 5, endLine: 5, flagged: true, reasons: ['harmful'] })]), 1, 1, false);
  store.get('u')!.tracker!.applyChanges([{ startLine: 0, endLine: 0, insertedLineBreaks: 2 }], 2);
  store.rowsMoved('u', true);
  assert.equal(store.get('u')!.tracker!.startLine(0), 6);
  store.resetPositions('u', 3);
  assert.equal(store.get('u')!.tracker!.startLine(0), 4);
  assert.equal(store.get('u')!.tracker!.version, 3);
  assert.equal(store.get('u')!.status.kind, 'done');
});
