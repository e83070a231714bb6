import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_UI, readUiState } from '../../webview/state';
import { TOP_N_MAX } from '../../webview/model/heatmapModel';
import { verifyRows } from '../../webview/views/verifyPanel';
import { buildViewModel } from '../../webview/model/viewModel';
import { decodeViewPayload, toViewPayload } from '../../src/shared/webviewMessages';
import { syntheticScan } from './syntheticResult';

test('persisted UI state is read defensively: garbage gives defaults, values are clamped and checked', () => {
  for (const raw of [undefined, null, 3, 'x', []]) assert.deepEqual(readUiState(raw), DEFAULT_UI);
  const s = readUiState({
    docUri: 'file:///d.csv', selected: 7, topN: 10_000, mode: 'helpful', metric: 'bogus',
    query: { scope: 'all', label: 'spam', pattern: 'stable', review: 'nope', sortKey: 'looLoss', sortDir: 'sideways' }, verifyChoice: '1000',
  });
  assert.equal(s.docUri, 'file:///d.csv');
  assert.equal(s.selected, 7);
  assert.equal(s.topN, TOP_N_MAX);
  assert.equal(s.mode, 'helpful');
  assert.equal(s.metric, 'cumulative');
  assert.deepEqual(s.query, { scope: 'all', label: 'spam', pattern: 'stable', review: 'all', sortKey: 'looLoss', sortDir: 'asc' });
  assert.equal(s.verifyChoice, '10');
  assert.equal(readUiState({ selected: -1 }).selected, undefined);
  assert.equal(readUiState({ docUri: 5 }).docUri, undefined);
});

test('verify removes the k most harmful flagged rows, or the selected row', () => {
  const vm = buildViewModel(decodeViewPayload(toViewPayload(syntheticScan({ rows: 300, windows: 4 }))));
  const rows = verifyRows(vm, '5', undefined);
  const want = vm.result.rows.filter((r) => r.flagged && r.reasons.includes('harmful')).sort((a, b) => a.influence - b.influence).slice(0, 5).map((r) => r.row);
  assert.deepEqual(rows, want);
  assert.deepEqual(verifyRows(vm, 'selected', 42), [42]);
  assert.deepEqual(verifyRows(vm, 'selected', undefined), []);
});
