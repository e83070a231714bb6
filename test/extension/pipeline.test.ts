/**
 * The editor pipeline on a real scan: the engine's result for wine-noisy.csv goes through the
 * row tracker and the decoration plan, and the highlights land on exactly the lines of the
 * flagged rows, with after-text naming each row's reason. Then an edit above them shifts every
 * highlight by one line, and a quick fix removes a flagged row whole.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { analyze } from '../../src/core/analyze';
import { parseTable } from '../../src/core/data/index';
import { DEFAULT_SETTINGS, resolveSettings } from '../../src/core/settings';
import { flaggedBase, flaggedRows, planVisible } from '../../src/extension/decorations/decorationPlan';
import { planRowEdit } from '../../src/extension/edits/rowActions';
import { RowTracker } from '../../src/extension/results/rowTracker';

const datasets = path.resolve(__dirname, '../../../shared/datasets');
const file = path.join(datasets, 'wine-noisy.csv');
const text = readFileSync(file, 'utf8');
const flips: number[] = JSON.parse(readFileSync(path.join(datasets, 'wine-noisy.flips.json'), 'utf8')).rows;
const result = analyze({ file, content: text, settings: resolveSettings({ epochs: 10 }) }).result;

function decoratedLines(tracker: RowTracker): Map<number, string> {
  const rows = flaggedRows(tracker, flaggedBase(tracker.records));
  const plan = planVisible(rows, [{ start: 0, end: 1_000 }], DEFAULT_SETTINGS.maxDecoratedRows);
  const out = new Map<number, string>();
  for (const sev of ['high', 'medium', 'low'] as const) for (const h of plan.heads[sev]) out.set(h.line, h.text);
  return out;
}

test('highlights sit on the flagged rows\' lines and name the reason', () => {
  const flagged = result.rows.filter((r) => r.flagged);
  assert.ok(flagged.length > 0);
  const lines = decoratedLines(new RowTracker(result.rows, 1));
  assert.deepEqual([...lines.keys()].sort((a, b) => a - b), flagged.map((r) => r.line - 1).sort((a, b) => a - b));
  const fileLines = text.split(/\r?\n/);
  for (const r of flagged) {
    // The decorated line holds this row's content (its label is the last field).
    assert.equal(fileLines[r.line - 1].split(',').pop(), r.label, `line ${r.line}`);
    assert.match(lines.get(r.line - 1)!, r.reasons.includes('label-suspect') ? /label suspect/ : /removing (lowers|raises) val loss/);
  }
  const suspects = flagged.filter((r) => r.reasons.includes('label-suspect'));
  const found = suspects.filter((r) => flips.includes(r.row)).length;
  assert.ok(found * 2 >= suspects.length, `${found} of ${suspects.length} label suspects are known flips`);
});

test('an inserted line above shifts every highlight; removing a flagged row removes its line only', () => {
  const tracker = new RowTracker(result.rows, 1);
  const before = decoratedLines(tracker);
  tracker.applyChanges([{ startLine: 1, endLine: 1, insertedLineBreaks: 1 }], 2);
  const after = decoratedLines(tracker);
  const touched = result.rows.find((r) => r.line === 2);
  const expected = [...before.keys()].filter((l) => !(touched?.flagged && l === 1)).map((l) => l + 1);
  assert.deepEqual([...after.keys()].sort((a, b) => a - b), expected.sort((a, b) => a - b));

  const target = result.rows.find((r) => r.flagged)!;
  const table = parseTable(text, file, 'csv');
  const plan = planRowEdit(text, table, target.hash, target.line - 1, result.data.labelColumn, { kind: 'remove' });
  assert.ok(plan.ok);
  const edited = text.slice(0, plan.edit.startOffset) + text.slice(plan.edit.endOffset);
  const lines = text.split('\n');
  assert.deepEqual(edited.split('\n'), [...lines.slice(0, target.line - 1), ...lines.slice(target.line)]);
});
