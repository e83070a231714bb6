import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  decodeViewPayload, isVerificationBlock, MAX_STRING, MAX_VERIFY_ROWS, parseHostMessage, parsePageMessage, toViewPayload,
  type ViewPayload,
} from '../../src/shared/webviewMessages';
import { syntheticScan } from './syntheticResult';

const scan = syntheticScan({ rows: 200, windows: 6 });
const payload = (): ViewPayload => structuredClone(toViewPayload(scan));
const resultMessage = (p: unknown = payload()) => ({ type: 'result', docUri: 'file:///d.csv', payload: p, reviewed: [1, 2] });

test('a scan crosses host → page intact: encoded, cloned, validated, decoded', () => {
  const m = parseHostMessage(structuredClone(resultMessage()));
  assert.ok(m && m.type === 'result');
  const view = decodeViewPayload(m.payload);
  assert.equal(view.rows.length, scan.rows.length);
  scan.rows.forEach((r, i) => {
    const v = view.rows[i];
    assert.deepEqual(
      { row: v.row, line: v.line, label: v.label, predicted: v.predicted, influence: v.influence, looLoss: v.looLoss, confidence: v.confidence,
        flagged: v.flagged, reasons: v.reasons, pattern: v.pattern, hash: v.hash, rankHarmful: v.rankHarmful, rankSuspect: v.rankSuspect },
      { row: r.row, line: r.line, label: r.label, predicted: r.predicted, influence: r.influence, looLoss: r.looLoss, confidence: r.confidence,
        flagged: r.flagged, reasons: r.reasons, pattern: r.pattern, hash: r.hash, rankHarmful: r.rankHarmful, rankSuspect: r.rankSuspect },
    );
    assert.deepEqual([...v.windows], r.windows);
    assert.deepEqual([...v.inWindow], r.inWindow);
  });
  assert.deepEqual(view.windowLabels, scan.windows.labels);
  assert.deepEqual(view.epochs, scan.metrics.epochs);
});

test('hostile strings in a scan are carried as data, byte for byte', () => {
  const hostile = ['<script>alert(1)</script>', '<img src=x onerror=alert(1)>', 'javascript:alert(1)', 'a\u202eb\u2066c', 'x'.repeat(50_000)];
  const s = syntheticScan({ rows: hostile.length, windows: 3 });
  s.rows.forEach((r, i) => { r.label = hostile[i]; r.predicted = hostile[(i + 1) % hostile.length]; });
  s.file = '/tmp/<b>bold</b>.csv';
  const m = parseHostMessage(structuredClone({ type: 'result', docUri: 'file:///x', payload: toViewPayload(s), reviewed: [] }));
  assert.ok(m && m.type === 'result');
  const view = decodeViewPayload(m.payload);
  assert.deepEqual(view.rows.map((r) => r.label), hostile);
  assert.equal(view.file, s.file);
});

test('the optional measured window faithfulness is validated and carried', () => {
  const s = { ...syntheticScan({ rows: 5, windows: 4 }), windowFaithfulness: { method: 'Spearman', perWindow: [0.9, 0.8, null, 0.3] } };
  const m = parseHostMessage(resultMessage(structuredClone(toViewPayload(s))));
  assert.ok(m && m.type === 'result');
  assert.deepEqual(m.payload.meta.windowFaithfulness, s.windowFaithfulness);
  const wrongLength = { ...s, windowFaithfulness: { method: 'Spearman', perWindow: [0.9] } };
  assert.equal(parseHostMessage(resultMessage(toViewPayload(wrongLength))), undefined);
  const outOfRange = { ...s, windowFaithfulness: { method: 'Spearman', perWindow: [0.9, 2, 0, 0] } };
  assert.equal(parseHostMessage(resultMessage(toViewPayload(outOfRange))), undefined);
});

test('malformed result payloads are rejected', () => {
  const cases: [string, (p: ViewPayload) => void][] = [
    ['NaN in windows', (p) => { p.columns.windows[3] = NaN; }],
    ['Infinity in influence', (p) => { p.columns.influence[0] = Infinity; }],
    ['windows of the wrong length', (p) => { p.columns.windows = p.columns.windows.subarray(1); }],
    ['windows as a plain array', (p) => { (p.columns as unknown as Record<string, unknown>).windows = [...p.columns.windows]; }],
    ['a column of another length', (p) => { p.columns.line = new Int32Array(3); }],
    ['a negative row index', (p) => { p.columns.row[0] = -1; }],
    ['a label code outside the string table', (p) => { p.columns.label[0] = p.columns.strings.length; }],
    ['a pattern code outside the four patterns', (p) => { p.columns.pattern[0] = 4; }],
    ['unknown flag bits', (p) => { p.columns.flags[0] = 8; }],
    ['a non-string in the string table', (p) => { (p.columns.strings as unknown[])[0] = { toString: () => 'x' }; }],
    ['a missing hash', (p) => { p.columns.hash.pop(); }],
    ['an unknown task', (p) => { (p.meta as unknown as Record<string, unknown>).task = 'ranking'; }],
    ['a pattern count missing', (p) => { delete (p.meta.patterns as Partial<Record<string, number>>).stable; }],
    ['an epoch with a string loss', (p) => { (p.meta.epochs[0] as unknown as Record<string, unknown>).valLoss = '0.3'; }],
    ['a warning that is not text', (p) => { (p.meta.warnings as unknown[]).push(42); }],
    ['an over-long file name', (p) => { p.meta.file = 'x'.repeat(MAX_STRING + 1); }],
    ['an extra top-level key', (p) => { (p as unknown as Record<string, unknown>).html = '<script>'; }],
  ];
  for (const [name, corrupt] of cases) {
    const p = payload();
    corrupt(p);
    assert.equal(parseHostMessage(resultMessage(p)), undefined, name);
  }
});

test('host messages: unknown types, extra keys and wrong shapes are rejected', () => {
  const bad: unknown[] = [
    null, undefined, 42, 'result', [], {}, { type: 'eval', code: 'alert(1)' }, { type: 'RESULT' },
    { ...resultMessage(), extra: 1 }, { ...resultMessage(), reviewed: [-1] }, { ...resultMessage(), reviewed: [1.5] },
    { ...resultMessage(), docUri: 7 },
    { type: 'reviewState', rows: [1], reviewed: 'yes' }, { type: 'reviewState', rows: ['1'], reviewed: true },
    { type: 'rowEdited', row: 1, edit: 'deleted' }, { type: 'rowEdited', row: 1, edit: 'relabelled' },
    { type: 'rowCells', row: 1, cells: { text: 5 } }, { type: 'rowCells', row: 1, cells: ['a'] }, { type: 'rowCells', row: 1 },
    { type: 'verifyResult', requestId: 1, block: { rows: [1] } }, { type: 'verifyResult', requestId: -1, block: null },
    JSON.parse('{"type":"reviewState","rows":[1],"reviewed":true,"__proto__":{"polluted":true}}'),
  ];
  for (const m of bad) assert.equal(parseHostMessage(m), undefined, JSON.stringify(m));
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.deepEqual(parseHostMessage({ type: 'reviewState', rows: [1, 2], reviewed: true }), { type: 'reviewState', rows: [1, 2], reviewed: true });
  assert.ok(parseHostMessage({ type: 'rowCells', row: 3, cells: { text: '<script>x</script>', other: null } }));
  assert.ok(parseHostMessage({ type: 'rowEdited', row: 3, edit: 'relabelled', label: 'spam' }));
  assert.deepEqual(parseHostMessage({ type: 'select', row: 4 }), { type: 'select', row: 4 });
  for (const m of [{ type: 'select' }, { type: 'select', row: -4 }, { type: 'select', row: 4, reveal: true }]) assert.equal(parseHostMessage(m), undefined);
});

test('page messages: only the known actions with well-formed rows pass, as fresh objects', () => {
  assert.deepEqual(parsePageMessage({ type: 'ready' }), { type: 'ready' });
  assert.deepEqual(parsePageMessage({ type: 'reveal', row: 3 }), { type: 'reveal', row: 3 });
  assert.deepEqual(parsePageMessage({ type: 'relabel', row: 3, label: 'spam' }), { type: 'relabel', row: 3, label: 'spam' });
  const rows = [1, 2];
  const v = parsePageMessage({ type: 'verify', requestId: 1, rows });
  assert.deepEqual(v, { type: 'verify', requestId: 1, rows: [1, 2] });
  assert.notEqual((v as { rows: number[] }).rows, rows, 'the host gets a copy, not the page\'s array');
  const bad: unknown[] = [
    null, 'reveal', { type: 'reveal' }, { type: 'reveal', row: '3' }, { type: 'reveal', row: -1 }, { type: 'reveal', row: 1.5 },
    { type: 'reveal', row: Number.MAX_SAFE_INTEGER + 2 }, { type: 'reveal', row: 1, path: '/etc/passwd' },
    { type: 'writeFile', path: '/x', text: 'y' }, { type: 'ready', now: 1 },
    { type: 'relabel', row: 1, label: '' }, { type: 'relabel', row: 1 }, { type: 'relabel', row: 1, label: 7 },
    { type: 'verify', requestId: 1, rows: [] }, { type: 'verify', requestId: 1, rows: [1, -2] },
    { type: 'verify', requestId: 1, rows: Array.from({ length: MAX_VERIFY_ROWS + 1 }, (_, i) => i) },
    { type: 'markReviewed', row: NaN }, { type: 'removeRow', row: Infinity }, { type: 'requestCells', row: null },
  ];
  for (const m of bad) assert.equal(parsePageMessage(m), undefined, JSON.stringify(m)?.slice(0, 80));
});

test('verification blocks are checked field by field', () => {
  const block = { rows: [1, 2], estimator: 'acc', predictedChange: -0.01, actualChange: -0.008, before: { valLoss: 0.5, valAccuracy: 0.8 }, after: { valLoss: 0.49, valAccuracy: 0.81 } };
  assert.ok(isVerificationBlock(block));
  assert.ok(isVerificationBlock({ ...block, random: { rows: [3, 4], actualChange: 0.001, valAccuracy: 0.8 } }));
  assert.ok(!isVerificationBlock({ ...block, estimator: 'magic' }));
  assert.ok(!isVerificationBlock({ ...block, actualChange: NaN }));
  assert.ok(!isVerificationBlock({ ...block, after: { valLoss: 0.49 } }));
  assert.ok(!isVerificationBlock({ ...block, random: { rows: [3], actualChange: '0' } }));
});
