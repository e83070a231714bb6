/**
 * The Influence View with a screened-and-refined scan: null leave-one-out losses cross to
 * the page as NaN ("not estimated"), pass validation (±Infinity still does not), sort last,
 * and a verification block of such a scan ('sgd-ie+acc') is accepted.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeViewPayload, isVerificationBlock, parseHostMessage, toViewPayload } from '../../src/shared/webviewMessages';
import { DEFAULT_QUERY, queryTable } from '../../webview/model/tableModel';
import { syntheticScan } from './syntheticResult';

function screenedScan() {
  const scan = syntheticScan({ rows: 60, windows: 4 });
  scan.rows.forEach((r, i) => { if (i % 3 !== 0) { r.selfInfluence = null; r.looLoss = null; } });
  scan.approximation = {
    method: 'sgd-ie screening + acc refinement', screenedRows: 60, refinedRows: 20, candidates: 20,
    budget: { computeGflop: 1, memoryMiB: 1024, fullAccGflop: 3, fullAccMiB: 1, screenGflop: 0.1, refineGflop: 0.9 }, note: 'Every row was screened by SGD-IE.',
  };
  return scan;
}

test('null leave-one-out losses cross as NaN, validate, and decode; the note reaches the page', () => {
  const scan = screenedScan();
  const m = parseHostMessage(structuredClone({ type: 'result', docUri: 'file:///d.csv', payload: toViewPayload(scan), reviewed: [] }));
  assert.ok(m && m.type === 'result');
  const view = decodeViewPayload(m.payload);
  scan.rows.forEach((r, i) => assert.ok(r.looLoss === null ? Number.isNaN(view.rows[i].looLoss) : view.rows[i].looLoss === r.looLoss));
  assert.equal(view.approximationNote, 'Every row was screened by SGD-IE.');
  const bad = toViewPayload(scan);
  bad.columns.looLoss[0] = Infinity;
  assert.equal(parseHostMessage({ type: 'result', docUri: 'file:///d.csv', payload: bad, reviewed: [] }), undefined);
});

test('sorting by leave-one-out loss puts the not-estimated rows last, both ways', () => {
  const rows = decodeViewPayload(toViewPayload(screenedScan())).rows;
  for (const sortDir of ['desc', 'asc'] as const) {
    const order = queryTable(rows, new Set(), { ...DEFAULT_QUERY, scope: 'all', sortKey: 'looLoss', sortDir }).map((p) => rows[p]);
    const firstNaN = order.findIndex((r) => Number.isNaN(r.looLoss));
    assert.equal(firstNaN, 20);
    assert.ok(order.slice(firstNaN).every((r) => Number.isNaN(r.looLoss)));
    assert.deepEqual(order.slice(firstNaN).map((r) => r.row), order.slice(firstNaN).map((r) => r.row).sort((a, b) => a - b), 'then by row');
    for (let i = 1; i < firstNaN; i++) assert.ok(sortDir === 'desc' ? order[i - 1].looLoss >= order[i].looLoss : order[i - 1].looLoss <= order[i].looLoss);
  }
});

test('a verification block from a screened-and-refined scan is accepted', () => {
  const block = { rows: [1, 2], estimator: 'sgd-ie+acc', predictedChange: -0.01, before: { valLoss: 0.5, valAccuracy: 0.8 }, after: { valLoss: 0.49, valAccuracy: 0.8 }, actualChange: -0.01 };
  assert.ok(isVerificationBlock(block));
  assert.ok(!isVerificationBlock({ ...block, estimator: 'magic' }));
});

test('a float32 scan names its accelerator next to the estimator in the view; a float64 one does not', () => {
  const scan = syntheticScan({ rows: 10, windows: 2 });
  assert.equal(decodeViewPayload(toViewPayload(scan)).estimator, scan.settings.estimatorUsed);
  scan.settings.acceleratorUsed = 'tfjs-wasm';
  const m = parseHostMessage(structuredClone({ type: 'result', docUri: 'file:///d.csv', payload: toViewPayload(scan), reviewed: [] }));
  assert.ok(m && m.type === 'result', 'the payload passes the page-side validation');
  assert.equal(decodeViewPayload(m.payload).estimator, `${scan.settings.estimatorUsed} (float32, tfjs-wasm)`);
});
