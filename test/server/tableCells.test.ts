/**
 * Row cells read without a scan (row details from a stored result) must be the cells the
 * engine's live row details give for the same row.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { analyze } from '../../src/core/analyze';
import { resolveSettings } from '../../src/core/settings';
import { readTableCells } from '../../src/server/tableCells';
import { DATASETS } from './lspHarness';

test('cells from the table reader match the live analysis (CSV, text and bytes)', () => {
  const file = path.join(DATASETS, 'wine-noisy.csv');
  const bytes = readFileSync(file);
  const input = { file, content: bytes, settings: resolveSettings({ epochs: 2 }) };
  const live = analyze(input, {});
  const fromBytes = readTableCells(input);
  const fromText = readTableCells({ ...input, content: bytes.toString('utf8') });
  for (const r of live.result.rows.slice(0, 25)) {
    const expected = live.rowDetails(r.row).cells;
    assert.deepEqual(fromBytes(r.row), expected, `row ${r.row}`);
    assert.deepEqual(fromText(r.row), expected, `row ${r.row}`);
  }
});

test('cells of a JSONL row are its fields; a row past the end is an error, not undefined', () => {
  const file = path.join(DATASETS, 'spam-2k.jsonl');
  const text = readFileSync(file, 'utf8');
  const cells = readTableCells({ file, content: text, settings: resolveSettings({}) });
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  for (const i of [0, 1, 999, lines.length - 1]) {
    const json = JSON.parse(lines[i]) as Record<string, unknown>;
    for (const [k, v] of Object.entries(json)) assert.equal(cells(i)[k], v === null ? null : String(v), `row ${i} ${k}`);
  }
  assert.throws(() => cells(lines.length), RangeError);
});
