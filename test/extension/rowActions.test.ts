import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseTable, rowHash, type DataFormat } from '../../src/core/data/index';
import { planRowEdit, tableRowAtLine } from '../../src/extension/edits/rowActions';

function apply(text: string, e: { startOffset: number; endOffset: number; newText: string }): string {
  return text.slice(0, e.startOffset) + e.newText + text.slice(e.endOffset);
}

function plan(text: string, format: DataFormat, row: number, action: Parameters<typeof planRowEdit>[5], labelColumn = 'label') {
  const table = parseTable(text, `x.${format}`, format);
  const p = planRowEdit(text, table, rowHash(table.rows[row]), table.spans[row].startLine, labelColumn, action);
  assert.ok(p.ok, p.ok ? '' : p.reason);
  return { table, after: apply(text, p.edit) };
}

const CSV = 'text,label\nhello,spam\n"multi\nline, with comma",ham\nbye,spam\n';

test('removing a multi-line CSV row removes all its lines and leaves valid CSV', () => {
  const { table, after } = plan(CSV, 'csv', 1, { kind: 'remove' });
  assert.equal(after, 'text,label\nhello,spam\nbye,spam\n');
  const re = parseTable(after, 'x.csv', 'csv');
  assert.deepEqual(re.rows, [table.rows[0], table.rows[2]]);
});

test('removing the last row of a file without a final newline leaves no dangling line', () => {
  const text = 'a,label\n1,x\n2,y';
  const { after } = plan(text, 'csv', 1, { kind: 'remove' });
  assert.equal(after, 'a,label\n1,x');
});

test('relabelling a CSV row changes only the label field, quoting when needed', () => {
  const { after } = plan(CSV, 'csv', 1, { kind: 'relabel', label: 'spam, really' });
  assert.equal(after, 'text,label\nhello,spam\n"multi\nline, with comma","spam, really"\nbye,spam\n');
  assert.equal(parseTable(after, 'x.csv', 'csv').rows[1][1], 'spam, really');
});

test('TSV rows are relabelled by their tab-separated field', () => {
  const text = 'label\ttext\nx\tone\ny\ttwo\n';
  const { after } = plan(text, 'tsv', 1, { kind: 'relabel', label: 'z' });
  assert.equal(after, 'label\ttext\nx\tone\nz\ttwo\n');
});

test('JSONL: removal keeps every other line; relabel keeps key order and the value type', () => {
  const text = '{"text": "<script>alert(1)</script>", "label": "spam"}\n{"text": "hi", "label": 1}\r\n{"text": "x", "label": "ham"}\n';
  const removed = plan(text, 'jsonl', 0, { kind: 'remove' }).after;
  assert.equal(removed, '{"text": "hi", "label": 1}\r\n{"text": "x", "label": "ham"}\n');
  const numeric = plan(text, 'jsonl', 1, { kind: 'relabel', label: '0' }).after;
  assert.equal(numeric.split('\r\n')[0].split('\n')[1], '{"text": "hi", "label": 0}');
  const quoted = plan(text, 'jsonl', 2, { kind: 'relabel', label: 'say "hi"' }).after;
  for (const line of quoted.split(/\r?\n/).filter(Boolean)) JSON.parse(line);
  assert.equal((JSON.parse(quoted.trim().split('\n').pop()!) as { label: string }).label, 'say "hi"');
});

test('an edit is refused when the row at that line is not the scanned content', () => {
  const table = parseTable(CSV, 'x.csv', 'csv');
  const p = planRowEdit(CSV, table, rowHash(table.rows[0]), table.spans[2].startLine, 'label', { kind: 'remove' });
  assert.equal(p.ok, false);
  const gone = planRowEdit(CSV, table, rowHash(table.rows[0]), 3, 'label', { kind: 'remove' });
  assert.equal(gone.ok, false, 'line 3 is the middle of a multi-line row, not a row start');
  const noLabel = planRowEdit(CSV, table, rowHash(table.rows[0]), 1, 'class', { kind: 'relabel', label: 'x' });
  assert.equal(noLabel.ok, false);
});

test('rows are found by their first line', () => {
  const table = parseTable(CSV, 'x.csv', 'csv');
  assert.deepEqual([0, 1, 2, 3, 4, 5].map((l) => tableRowAtLine(table, l)), [-1, 0, 1, -1, 2, -1]);
});
