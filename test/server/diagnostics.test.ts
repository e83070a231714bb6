/** Diagnostics helpers: exact line lengths for every line-break style, the 1000 cap and the order. */
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import fc from 'fast-check';
import { resolveSettings } from '../../src/core/settings';
import { flaggedDiagnostics, lineLengths, MAX_DIAGNOSTICS } from '../../src/server/diagnostics';
import { fakeAnalyze } from './fixtures/fakeEngine';
import { fakeDataset } from './lspHarness';

test('line lengths match splitting on \\r\\n, \\r and \\n (property)', () => {
  const line = fc.string({ unit: fc.constantFrom('a', 'é', '😀', ',', '"', ' ') });
  const eol = fc.constantFrom('\n', '\r\n', '\r');
  fc.assert(
    fc.property(fc.array(fc.tuple(line, eol)), line, (parts, last) => {
      const text = parts.map(([l, e]) => l + e).join('') + last;
      assert.deepEqual(lineLengths(text), text.split(/\r\n|\r|\n/).map((l) => l.length));
    }),
    { numRuns: 500 },
  );
});

test('flagged rows become at most 1000 diagnostics, harmful first by rank', () => {
  const text = fakeDataset('steps=1', 3300); // 1100 flagged rows × 2 reasons
  const result = fakeAnalyze({ file: 'x.csv', content: text, settings: resolveSettings({}) }, {}).result;
  const diags = flaggedDiagnostics(result, lineLengths(text));
  assert.equal(diags.length, MAX_DIAGNOSTICS);
  assert.ok(diags.every((d) => d.code === 'harmful'), '1100 harmful entries come before any label-suspect one');
  const ranks = diags.map((d) => result.rows[(d.data as { row: number }).row].rankHarmful);
  assert.deepEqual(ranks, [...ranks].sort((a, b) => a - b));
});
