import assert from 'node:assert/strict';
import { test } from 'node:test';
import { afterText, formatCount, inlineText, MAX_INLINE_LABEL, severityOf, severityScale, sparkline } from '../../src/extension/decorations/wording';
import { record } from './fixtures';

test('after-text of a harmful row says what removing it does and what the model thinks', () => {
  const r = record({ flagged: true, reasons: ['harmful'], influence: -0.031, label: 'spam', predicted: 'ham', confidence: 0.936 });
  assert.equal(afterText(r), 'removing lowers val loss by 0.031 · labelled spam, model says ham 94%');
});

test('after-text of a label suspect names the disagreement in parentheses', () => {
  const r = record({ flagged: true, reasons: ['label-suspect'], label: '1', predicted: '2', confidence: 0.971 });
  assert.equal(afterText(r), 'label suspect: labelled 1, model says 2 (97%)');
});

test('a label suspect the final model agrees with is explained by its held-out loss', () => {
  const r = record({ flagged: true, reasons: ['label-suspect'], label: 'a', predicted: 'a', looLoss: 3.2 });
  assert.equal(afterText(r), 'label suspect: loss without this row 3.2');
});

test('a row flagged for both reasons names both, once', () => {
  const r = record({ flagged: true, reasons: ['harmful', 'label-suspect'], influence: -0.5, label: 'x', predicted: 'y', confidence: 0.5 });
  assert.equal(afterText(r), 'removing lowers val loss by 0.5 · label suspect: labelled x, model says y (50%)');
});

test('labels are flattened to one line and cut', () => {
  assert.equal(inlineText('a\nb\t\u0000c'), 'a b c');
  const long = inlineText('x'.repeat(100));
  assert.equal(long.length, MAX_INLINE_LABEL);
  assert.ok(long.endsWith('…'));
});

test('severity buckets scale with the strongest flagged row', () => {
  const rows = [
    record({ row: 0, flagged: true, reasons: ['harmful'], influence: -1 }),
    record({ row: 1, flagged: true, reasons: ['harmful'], influence: -0.3 }),
    record({ row: 2, flagged: true, reasons: ['harmful'], influence: -0.1 }),
    record({ row: 3, flagged: true, reasons: ['label-suspect'], looLoss: 4 }),
    record({ row: 4, flagged: true, reasons: ['label-suspect'], looLoss: 1 }),
  ];
  const scale = severityScale(rows);
  assert.deepEqual(rows.map((r) => severityOf(r, scale)), ['high', 'medium', 'low', 'high', 'medium']);
});

test('sparkline maps min to the lowest bar and max to the highest', () => {
  assert.equal(sparkline([0, 1, 2, 3, 4, 5, 6, 7]), '▁▂▃▄▅▆▇█');
  assert.equal(sparkline([-1, 1]), '▁█');
  assert.equal(sparkline([2, 2, 2]), '▄▄▄');
  assert.equal(sparkline([]), '');
  assert.equal(sparkline([1, Number.NaN, 0]), '█ ▁');
});

test('counts are grouped by thousands', () => {
  assert.equal(formatCount(1234), '1\u202f234');
  assert.equal(formatCount(999), '999');
  assert.equal(formatCount(1234567), '1\u202f234\u202f567');
});
