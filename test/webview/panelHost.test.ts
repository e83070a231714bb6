import './fakeVscodeWebview';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { created, serializers, Uri, type FakePanel } from './fakeVscodeWebview';
import { InfluenceViewPanel, type ViewActions } from '../../src/extension/influenceView';
import type { ScanResult, VerificationBlock } from '../../src/core/report/types';
import { parseHostMessage } from '../../src/shared/webviewMessages';
import { syntheticScan } from './syntheticResult';

const extensionUri = Uri.parse('file:///ext');
let docCounter = 0;
const newDoc = () => Uri.parse(`file:///data/set${++docCounter}.csv`);

function recordingActions(reviewed: number[] = []) {
  const calls: string[] = [];
  const block: VerificationBlock = { rows: [0], estimator: 'acc', predictedChange: -0.01, actualChange: -0.009, before: { valLoss: 0.5, valAccuracy: 0.8 }, after: { valLoss: 0.491, valAccuracy: 0.8 } };
  const actions: ViewActions = {
    reveal: (r) => { calls.push(`reveal ${r}`); },
    markReviewed: (r) => { calls.push(`markReviewed ${r}`); },
    removeRow: (r) => { calls.push(`removeRow ${r}`); },
    relabel: (r, l) => { calls.push(`relabel ${r} ${l}`); },
    verify: async (rows) => { calls.push(`verify ${rows.join(',')}`); return { ...block, rows }; },
    rowCells: async (r) => { calls.push(`rowCells ${r}`); return { text: '<script>alert(1)</script>', label: null }; },
    reviewed: () => reviewed,
  };
  return { actions, calls };
}

function open(scan: ScanResult = syntheticScan({ rows: 20, windows: 4, classes: ['ham', 'spam'] }), reviewed: number[] = []) {
  const { actions, calls } = recordingActions(reviewed);
  const docUri = newDoc();
  const view = InfluenceViewPanel.createOrShow(extensionUri as never, docUri as never, scan, actions);
  const panel = created[created.length - 1];
  return { view, panel, calls, docUri, scan };
}

/** Waits (bounded) for the host's asynchronous answers to reach the fake webview. */
async function settle(panel: FakePanel, count: number): Promise<void> {
  for (let i = 0; i < 100 && panel.posted.length < count; i++) await new Promise((ok) => setImmediate(ok));
}

test('the panel: scripts on, resources only from dist/ and media/, command URIs off, CSP shell with nonce', () => {
  const { panel } = open();
  assert.equal(panel.viewType, InfluenceViewPanel.viewType);
  assert.equal(panel.webview.options.enableScripts, true);
  assert.equal(panel.webview.options.enableCommandUris, false);
  assert.deepEqual(panel.webview.options.localResourceRoots?.map(String), ['file:///ext/dist', 'file:///ext/media']);
  assert.match(panel.webview.html, /default-src 'none'; script-src 'nonce-[A-Za-z0-9+/=]+'; style-src https:\/\/fake\.vscode-cdn\.net/);
  assert.match(panel.webview.html, /src="https:\/\/fake\.vscode-cdn\.net\/ext\/dist\/webview\.js"/);
});

test('the scan is sent once the page is ready, then only incremental messages', async () => {
  const { panel, scan } = open(undefined, [3, 999]);
  assert.equal(panel.posted.length, 0, 'nothing before the page says ready');
  panel.send({ type: 'ready' });
  assert.equal(panel.posted.length, 1);
  const m = parseHostMessage(panel.posted[0]);
  assert.ok(m && m.type === 'result', 'the host posts what the page validator accepts');
  assert.equal(m.payload.columns.row.length, scan.rows.length);
  assert.deepEqual(m.reviewed, [3], 'reviewed rows from the store, limited to rows of this scan');
  panel.send({ type: 'markReviewed', row: 5 });
  panel.send({ type: 'reveal', row: 2 });
  assert.deepEqual(panel.posted.slice(1), [{ type: 'reviewState', rows: [5], reviewed: true }]);
});

test('page actions reach ViewActions only when well-formed and about rows of the current scan', async () => {
  const { panel, calls } = open();
  panel.send({ type: 'ready' });
  for (const bad of [
    { type: 'reveal', row: 9999 }, { type: 'reveal', row: '1' }, { type: 'removeRow', row: -1 }, { type: 'writeFile', path: '/etc/passwd' },
    { type: 'relabel', row: 1, label: 'not-a-class' }, { type: 'verify', requestId: 1, rows: [1, 9999] }, { type: 'reveal', row: 1, extra: true },
    null, 'reveal',
  ]) panel.send(bad);
  assert.deepEqual(calls, []);
  panel.send({ type: 'reveal', row: 1 });
  panel.send({ type: 'removeRow', row: 2 });
  panel.send({ type: 'relabel', row: 3, label: 'spam' });
  assert.deepEqual(calls, ['reveal 1', 'removeRow 2', 'relabel 3 spam']);
  assert.deepEqual(panel.posted.slice(1), [
    { type: 'rowEdited', row: 2, edit: 'removed' },
    { type: 'rowEdited', row: 3, edit: 'relabelled', label: 'spam' },
  ]);
});

test('select(row) reaches the page after the scan, queued when the page is not ready yet', () => {
  const { view, panel } = open();
  view.select(6);
  view.select(9999);
  assert.equal(panel.posted.length, 0);
  panel.send({ type: 'ready' });
  assert.deepEqual(panel.posted.slice(1), [{ type: 'select', row: 6 }]);
  view.select(2);
  assert.deepEqual(panel.posted.slice(2), [{ type: 'select', row: 2 }]);
});

test('cells and verification are answered with the request they belong to', async () => {
  const { panel, calls } = open();
  panel.send({ type: 'ready' });
  panel.send({ type: 'requestCells', row: 4 });
  panel.send({ type: 'verify', requestId: 7, rows: [1, 2] });
  await settle(panel, 3);
  assert.deepEqual(calls, ['rowCells 4', 'verify 1,2']);
  const answers = panel.posted.slice(1).map(parseHostMessage);
  assert.deepEqual(answers[0], { type: 'rowCells', row: 4, cells: { text: '<script>alert(1)</script>', label: null } });
  assert.ok(answers[1] && answers[1].type === 'verifyResult' && answers[1].requestId === 7 && answers[1].block?.rows.join() === '1,2');
});

test('one panel per dataset: createOrShow reveals and updates the existing one; update after close is a no-op', () => {
  const { view, panel, docUri } = open();
  panel.send({ type: 'ready' });
  const again = InfluenceViewPanel.createOrShow(extensionUri as never, docUri as never, syntheticScan({ rows: 5, windows: 4 }), recordingActions().actions);
  assert.equal(again, view);
  assert.equal(panel.revealed, 1);
  assert.equal(panel.posted.length, 2, 'the new scan was sent');
  assert.equal(InfluenceViewPanel.forDocument(docUri as never), view);
  panel.dispose();
  assert.equal(InfluenceViewPanel.forDocument(docUri as never), undefined);
  assert.doesNotThrow(() => view.update(syntheticScan({ rows: 5, windows: 4 })));
  assert.equal(panel.posted.length, 2);
});

test('the serializer restores a panel from the page state, and closes it when there is nothing to show', async () => {
  const scan = syntheticScan({ rows: 8, windows: 3 });
  const asked: string[] = [];
  const d = InfluenceViewPanel.registerSerializer({ extensionUri } as never, async (docUri) => {
    asked.push(String(docUri));
    return String(docUri).endsWith('known.csv') ? { result: scan, actions: recordingActions().actions } : undefined;
  });
  const s = serializers.get(InfluenceViewPanel.viewType)!;
  const restored = new (created[0].constructor as new (v: string, t: string) => FakePanel)(InfluenceViewPanel.viewType, 'old title');
  await s.deserializeWebviewPanel(restored, { docUri: 'file:///data/known.csv', selected: 3 });
  assert.equal(restored.disposed, false);
  assert.equal(restored.title, 'Influence: known.csv');
  assert.match(restored.webview.html, /Content-Security-Policy/);
  restored.send({ type: 'ready' });
  assert.equal((parseHostMessage(restored.posted[0]) as { type: string }).type, 'result');
  for (const state of [{ docUri: 'file:///data/gone.csv' }, { docUri: 42 }, undefined, { docUri: 'not a uri' }]) {
    const p = new (created[0].constructor as new (v: string, t: string) => FakePanel)(InfluenceViewPanel.viewType, 't');
    await s.deserializeWebviewPanel(p, state);
    assert.equal(p.disposed, true, JSON.stringify(state));
  }
  assert.deepEqual(asked, ['file:///data/known.csv', 'file:///data/gone.csv']);
  d.dispose();
});
