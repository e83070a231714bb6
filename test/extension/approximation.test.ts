/**
 * How a screened-and-refined scan ('sgd-ie+acc') reads in the editor: rows only screened by
 * SGD-IE have no leave-one-out loss (null), and every surface says "not estimated" instead
 * of showing a number; the status bar and the hover say the scan is an approximation.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { flagSummary } from '../../src/core/report/wording';
import { formatTable } from '../../src/cli/format';
import { afterText, severityOf, severityScale } from '../../src/extension/decorations/wording';
import { hoverMarkdown, type HoverContext } from '../../src/extension/hover/hoverMarkdown';
import { doneStatus, statusView } from '../../src/extension/status/statusModel';
import { buildTree } from '../../src/extension/tree/flaggedTreeModel';
import type { ScanResult } from '../../src/core/report/types';
import { syntheticScan } from '../webview/syntheticResult';
import { record } from './fixtures';

const screened = record({ row: 4, flagged: true, reasons: ['label-suspect'], label: 'a', predicted: 'a', selfInfluence: null, looLoss: null, trainLoss: 0.93, rankSuspect: 12 });
const refined = record({ row: 5, flagged: true, reasons: ['label-suspect'], label: 'a', predicted: 'b', selfInfluence: 1.5, trainLoss: 2, looLoss: 3.5, rankSuspect: 1 });
const approximation = { screenedRows: 40_000, refinedRows: 103 };

function hover(over: Partial<HoverContext>): string {
  return hoverMarkdown({ uri: 'file:///d.csv', record: screened, trainedRows: 40_000, windowLabels: ['epoch 1', 'epoch 2', 'epoch 3'], stale: false, canEdit: true, ...over });
}

test('hover: a screened row says its leave-one-out loss was not estimated and that its influence is the SGD-IE screening estimate', () => {
  const md = hover({ approximation });
  assert.match(md, /loss if left out was not estimated; its training loss is 0\.93 \(rank 12 of 40\u202f000 as label suspect, by training loss\)/);
  assert.match(md, /Estimate from SGD-IE screening.*not among the 103 of 40\u202f000 rows refined by ACC-SGD-IE/);
  assert.doesNotMatch(md, /NaN|null/);
  const r = hover({ approximation, record: refined });
  assert.match(r, /would be 3\.5 if it were left out/);
  assert.match(r, /Refined by ACC-SGD-IE \(one of 103 of 40\u202f000 rows/);
  assert.doesNotMatch(hover({ record: refined }), /SGD-IE/, 'a full ACC scan says nothing about screening');
});

test('status bar: a finished approximate scan says so, with the refined share in the tooltip', () => {
  const scan = syntheticScan({ rows: 50, windows: 3 });
  const plain = statusView(doneStatus(scan, false));
  assert.doesNotMatch(plain.text, /screened/);
  const full: ScanResult = { ...scan, approximation: { ...approximation, method: 'sgd-ie screening + acc refinement', candidates: 80, budget: { computeGflop: 200, memoryMiB: 1024, fullAccGflop: 1e5, fullAccMiB: 368, screenGflop: 50, refineGflop: 199 }, note: 'n' } };
  const approx = statusView(doneStatus(full, false));
  assert.match(approx.text, /flagged \(screened\)$/);
  assert.match(approx.tooltip, /all 40\u202f000 trained rows were screened by SGD-IE and 103 refined by ACC-SGD-IE/);
});

test('after-text, severity, flag summary and tree use the training loss where the leave-one-out loss is not estimated', () => {
  assert.equal(afterText(screened), 'label suspect: training loss 0.93');
  const scale = severityScale([screened, refined]);
  assert.equal(scale.maxLooLoss, 3.5);
  assert.equal(severityOf(screened, scale), 'medium');
  assert.equal(flagSummary(screened), 'label suspect (training loss 0.93; leave-one-out loss not estimated) · labelled a, model agrees 90%');
  const rows = [screened, refined].map((r) => ({ uri: 'file:///d.csv', row: r.row, hash: r.hash, line: r.line, label: r.label, predicted: r.predicted, influence: r.influence, looLoss: r.looLoss, trainLoss: r.trainLoss, rankHarmful: r.rankHarmful, reasons: r.reasons, group: 'toReview' as const }));
  const nodes = buildTree([{ uri: 'file:///d.csv', name: 'd.csv', rows }])[0].groups[0].rows;
  assert.deepEqual(nodes.map((n) => n.input.row), [5, 4], 'ordered by the suspect score');
  assert.match(nodes[1].description, /^train loss 0\.93/);
  assert.match(nodes[1].tooltip, /loss if left out not estimated \(screened by SGD-IE only\)/);
});

test('CLI table: a screened row shows — in the loo loss column, never NaN', () => {
  const scan = syntheticScan({ rows: 30, windows: 3 });
  scan.rows.forEach((r) => { r.flagged = false; r.reasons = []; });
  Object.assign(scan.rows[0], { flagged: true, reasons: ['label-suspect'], selfInfluence: null, looLoss: null });
  const table = formatTable(scan);
  assert.match(table.split('\n')[2], / — /);
  assert.doesNotMatch(table, /NaN|null/);
});
