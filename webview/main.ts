/**
 * The Influence View page. Receives one scan per load (validated), builds the pure
 * view-model, and links the views by selection. Every dataset string reaches the DOM via
 * `textContent` (see dom.ts); the page never touches files — edits are requests to the host.
 */
// Only the components used, so the bundle stays small.
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import { decodeViewPayload, parseHostMessage, type HostMessage, type PageMessage, type Pattern, type ViewRow } from '../src/shared/webviewMessages';
import { displayText, formatCount, formatNumber, formatPercent } from './model/format';
import { parseTopN, type HeatmapMetric, type HeatmapMode } from './model/heatmapModel';
import { buildViewModel, relabelTargets, type ViewModel } from './model/viewModel';
import { button, el, fillSelect, labelledSelect, setDisabled } from './dom';
import { readUiState, type UiState } from './state';
import { FlaggedTable, type RowState } from './views/flaggedTable';
import { HeatmapView } from './views/heatmap';
import { renderLineChart } from './views/lineChart';
import { PatternChart } from './views/patternChart';
import { RowPanel } from './views/rowPanel';
import { VerifyPanel, verifyRows } from './views/verifyPanel';

interface VsCodeApi { postMessage(m: unknown): void; getState(): unknown; setState(s: unknown): void }
declare function acquireVsCodeApi(): VsCodeApi;

const api = acquireVsCodeApi();
let ui: UiState = readUiState(api.getState());
const post = (m: PageMessage) => api.postMessage(m);
const saveUi = () => api.setState(ui);

let vm: ViewModel | undefined;
let reviewed = new Set<number>();
let edits = new Map<number, string>();
let cells = new Map<number, Record<string, string | null> | null>();
let cellsPending = new Set<number>();
let verifyRequest = 0;
/** Width the width-dependent views were last drawn at. */
let drawnWidth = 0;

const rowState = (row: number): RowState => ({ reviewed: reviewed.has(row), edit: edits.get(row) });
const rowOf = (row: number): ViewRow | undefined => {
  const p = vm?.positionOf.get(row);
  return p === undefined ? undefined : vm!.result.rows[p];
};

// ---- views ----
const heatmap = new HeatmapView((row) => select(row, true));
const table = new FlaggedTable(ui.query, rowState, (row) => select(row, true), (q) => {
  ui = { ...ui, query: q };
  saveUi();
  patterns.render(vm?.patternBars ?? [], q.pattern);
});
const patterns = new PatternChart((p: Pattern) => table.setQuery({ ...table.query, pattern: table.query.pattern === p ? null : p }));
const rowPanel = new RowPanel((row) => post({ type: 'reveal', row }));
const verify = new VerifyPanel((choice) => {
  if (!vm) return;
  ui = { ...ui, verifyChoice: choice };
  saveUi();
  const rows = verifyRows(vm, choice, ui.selected);
  if (rows.length === 0) return verify.failed(choice === 'selected' ? 'select a row first.' : 'no harmful rows to remove.');
  verify.pending(rows.length);
  post({ type: 'verify', requestId: ++verifyRequest, rows });
});

const summary = el('div', { className: 'summary' });
const notices = el('div', { className: 'notices', attrs: { 'aria-live': 'polite' } });
const curves = el('div', { className: 'curves', attrs: { 'data-testid': 'training-curves' } });

// Heatmap controls: N, which rows, which values.
const topN = el('vscode-textfield', { attrs: { id: 'top-n', type: 'number', min: '1', max: '500', 'aria-label': 'Rows in the heatmap' } }) as HTMLElement & { value: string };
topN.addEventListener('change', () => {
  ui = { ...ui, topN: parseTopN(topN.value) };
  topN.value = String(ui.topN);
  saveUi();
  redrawHeatmap();
});
const MODE_CHOICES = [
  { value: 'influential', label: 'Largest |influence|' },
  { value: 'harmful', label: 'Most harmful' },
  { value: 'helpful', label: 'Most helpful' },
];
const METRIC_CHOICES = [
  { value: 'cumulative', label: 'Cumulative (adds up)' },
  { value: 'inWindow', label: 'In-window' },
];
const modeSel = labelledSelect('heatmap-mode', 'Rows', (v) => { ui = { ...ui, mode: v as HeatmapMode }; saveUi(); redrawHeatmap(); });
const metricSel = labelledSelect('heatmap-metric', 'Values', (v) => { ui = { ...ui, metric: v as HeatmapMetric }; saveUi(); redrawHeatmap(); });
// Filled before any scan arrives, so opening a scan does not re-render these controls.
fillSelect(modeSel.select, MODE_CHOICES, ui.mode);
fillSelect(metricSel.select, METRIC_CHOICES, ui.metric);
topN.value = String(ui.topN);

// Table actions on the selected row (the host makes undoable edits).
const selectedLabel = el('span', { className: 'selected-label', text: 'No row selected' });
const relabelSel = labelledSelect('relabel-target', 'Relabel as', () => undefined);
let relabelKey = '';
const markBtn = button('Mark reviewed', () => ui.selected !== undefined && post({ type: 'markReviewed', row: ui.selected }), { secondary: true, id: 'mark-reviewed' });
const removeBtn = button('Remove row', () => ui.selected !== undefined && post({ type: 'removeRow', row: ui.selected }), { secondary: true, id: 'remove-row' });
const relabelBtn = button('Relabel', () => {
  const label = (relabelSel.select as HTMLElement & { value: string }).value;
  if (ui.selected !== undefined && label) post({ type: 'relabel', row: ui.selected, label });
}, { secondary: true, id: 'relabel-row' });
const actions = el('div', { className: 'toolbar actions', attrs: { role: 'toolbar', 'aria-label': 'Actions on the selected row' }, children: [selectedLabel, markBtn, removeBtn, relabelSel.wrap, relabelBtn] });

function card(title: string, cls: string, ...children: Node[]): HTMLElement {
  const id = `h-${cls}`;
  return el('section', { className: `card ${cls}`, attrs: { 'aria-labelledby': id }, children: [el('h2', { text: title, attrs: { id } }), ...children] });
}

const app = document.getElementById('app')!;
app.replaceChildren(
  summary, notices,
  el('div', {
    className: 'layout',
    children: [
      card('Training curves', 'curves-card', curves),
      card('Influence patterns', 'patterns-card', patterns.root, el('p', { className: 'hint', text: 'Select a pattern to filter the table.' })),
      card('Influence over time windows', 'heatmap-card',
        el('div', { className: 'toolbar', children: [el('div', { className: 'control', children: [el('label', { text: 'Rows shown', attrs: { for: 'top-n' } }), topN] }), modeSel.wrap, metricSel.wrap] }),
        heatmap.root),
      card('Selected row', 'row-card', rowPanel.root),
      card('Flagged rows', 'table-card', actions, table.root),
      card('Verify', 'verify-card', verify.root),
    ],
  }),
);

// ---- rendering ----
function renderSummary(): void {
  const r = vm!.result;
  const fileName = r.file.split(/[\\/]/).pop() ?? r.file;
  summary.replaceChildren(
    el('h1', { text: `Influence View \u2014 ${displayText(fileName, 200)}` }),
    el('p', {
      className: 'stats',
      text: `${formatCount(r.rows.length)} trained rows \u00b7 ${formatCount(r.flaggedCount)} flagged \u00b7 estimator ${r.estimator} \u00b7 ` +
        `validation loss ${formatNumber(r.valLoss, 4)} \u00b7 validation accuracy ${formatPercent(r.valAccuracy)} (majority class ${formatPercent(r.majorityRate)})`,
    }),
  );
  renderNotices();
}

function renderNotices(): void {
  const r = vm!.result;
  // The approximation first: it says which numbers are screening estimates.
  const items = [...(r.approximationNote ? [r.approximationNote] : []), ...r.warnings].map((w) => el('li', { text: displayText(w, 1000) }));
  const stale = edits.size ? [el('p', { className: 'stale', text: 'The file was edited from this view: figures are from the previous scan until you run Compute Influence again.' })] : [];
  notices.replaceChildren(...stale, ...(items.length ? [el('ul', { className: 'warnings', children: items })] : []));
}

function renderCurves(): void {
  const e = vm!.result.epochs;
  const labels = e.map((m) => String(m.epoch));
  if (e.length === 0) {
    curves.replaceChildren(el('p', { className: 'status-line', text: 'No per-epoch metrics in this scan.' }));
    return;
  }
  const loss = el('div', { className: 'chart' });
  const acc = el('div', { className: 'chart' });
  const legend = el('div', {
    className: 'chart-legend',
    children: [el('span', { className: 'key s-train', text: 'training' }), el('span', { className: 'key s-val', text: 'validation' })],
  });
  curves.replaceChildren(el('h3', { text: 'Loss' }), loss, el('h3', { text: 'Accuracy' }), acc, legend);
  const last = e[e.length - 1];
  renderLineChart(loss, [
    { name: 'Training loss', cls: 's-train', values: e.map((m) => m.trainLoss) },
    { name: 'Validation loss', cls: 's-val', values: e.map((m) => m.valLoss) },
  ], { xLabels: labels, xTitle: 'epoch', yFormat: (v) => formatNumber(v, 2), height: 150, summary: `Loss per epoch; after epoch ${last.epoch}: training ${formatNumber(last.trainLoss, 4)}, validation ${formatNumber(last.valLoss, 4)}.` });
  renderLineChart(acc, [
    { name: 'Training accuracy', cls: 's-train', values: e.map((m) => m.trainAccuracy) },
    { name: 'Validation accuracy', cls: 's-val', values: e.map((m) => m.valAccuracy) },
  ], { xLabels: labels, xTitle: 'epoch', yFormat: (v) => formatPercent(v, 0), height: 150, summary: `Accuracy per epoch; after epoch ${last.epoch}: training ${formatPercent(last.trainAccuracy)}, validation ${formatPercent(last.valAccuracy)}.` });
}

/** Width available to the selected row's chart (the panel's content box). */
function chartWidth(): number {
  return Math.max(220, rowPanel.root.clientWidth);
}

function redrawHeatmap(): void {
  if (!vm) return;
  heatmap.setData(vm, ui.topN, ui.mode, ui.metric, ui.selected);
}

function renderSelection(): void {
  const row = ui.selected === undefined ? undefined : rowOf(ui.selected);
  const state = row ? rowState(row.row) : undefined;
  selectedLabel.textContent = row ? `Line ${row.line} selected` : 'No row selected';
  const editable = !!row && !state?.edit;
  setDisabled(markBtn, !editable || !!state?.reviewed);
  setDisabled(removeBtn, !editable);
  const targets = row ? relabelTargets(vm!.result, row.label, row.predicted) : [];
  // Re-filling the select re-renders the component: only when the choices change.
  const key = JSON.stringify(targets);
  if (key !== relabelKey) {
    relabelKey = key;
    fillSelect(relabelSel.select, targets.map((t) => ({ value: t, label: displayText(t, 80) })), targets[0] ?? '');
  }
  setDisabled(relabelBtn, !editable || targets.length === 0);
  if (!row) return rowPanel.clear();
  rowPanel.show(vm!, row, state!, cells.get(row.row));
}

/** Asks the host for a row's cells once; the answer is cached until the next scan. */
function requestCells(row: number): void {
  if (cells.has(row) || cellsPending.has(row)) return;
  cellsPending.add(row);
  post({ type: 'requestCells', row });
}

let selectionFrame = 0;
/** Selection from any view: every view updates in the next frame; `reveal` also moves the editor. */
function select(row: number, reveal: boolean): void {
  if (!rowOf(row)) return;
  ui = { ...ui, selected: row };
  saveUi();
  if (reveal) post({ type: 'reveal', row });
  requestCells(row);
  if (selectionFrame) return;
  selectionFrame = requestAnimationFrame(() => {
    selectionFrame = 0;
    heatmap.setSelected(ui.selected);
    table.setSelected(ui.selected);
    renderSelection();
  });
}

function renderAll(): void {
  const state = vm!;
  renderSummary();
  renderCurves();
  if (topN.value !== String(ui.topN)) topN.value = String(ui.topN);
  fillSelect(modeSel.select, MODE_CHOICES, ui.mode);
  fillSelect(metricSel.select, METRIC_CHOICES, ui.metric);
  redrawHeatmap();
  patterns.render(state.patternBars, ui.query.pattern);
  table.setData(state);
  verify.setData(ui.verifyChoice);
  verify.show(state.result.verification);
  if (ui.selected !== undefined && !rowOf(ui.selected)) ui = { ...ui, selected: undefined };
  table.setSelected(ui.selected);
  renderSelection();
  if (ui.selected !== undefined) requestCells(ui.selected);
  drawnWidth = app.clientWidth;
  rowPanel.chartWidth = chartWidth();
  app.setAttribute('aria-busy', 'false');
}

// ---- messages ----
function onHostMessage(m: HostMessage): void {
  switch (m.type) {
    case 'result':
      vm = buildViewModel(decodeViewPayload(m.payload));
      reviewed = new Set(m.reviewed);
      edits = new Map();
      cells = new Map();
      cellsPending = new Set();
      ui = { ...ui, docUri: m.docUri };
      saveUi();
      renderAll();
      return;
    case 'reviewState':
      for (const r of m.rows) (m.reviewed ? reviewed.add(r) : reviewed.delete(r));
      table.refreshState();
      renderSelection();
      return;
    case 'rowEdited':
      edits.set(m.row, m.edit === 'removed' ? 'Removed' : `Relabelled \u2192 ${displayText(m.label ?? '', 80)}`);
      table.refreshState();
      renderSelection();
      if (vm) renderNotices();
      return;
    case 'rowCells':
      cells.set(m.row, m.cells);
      cellsPending.delete(m.row);
      if (m.row === ui.selected) renderSelection();
      return;
    case 'select':
      select(m.row, false);
      return;
    case 'verifyResult':
      if (m.requestId !== verifyRequest) return;
      if (m.block) verify.show(m.block);
      else verify.failed(m.error ?? 'no result.');
      return;
  }
}

window.addEventListener('message', (e: MessageEvent) => {
  const m = parseHostMessage(e.data);
  if (!m) {
    console.warn('Influence View: ignored a malformed message');
    return;
  }
  onHostMessage(m);
});

// Re-draw what depends on width or theme colours.
let resizeFrame = 0;
new ResizeObserver(() => {
  if (resizeFrame || !vm || app.clientWidth === drawnWidth) return;
  resizeFrame = requestAnimationFrame(() => {
    resizeFrame = 0;
    drawnWidth = app.clientWidth;
    rowPanel.chartWidth = chartWidth();
    renderCurves();
    heatmap.refresh();
    rowPanel.drawChart(vm!);
  });
}).observe(app);
// VS Code swaps the body's theme class (vscode-light / vscode-dark / vscode-high-contrast).
new MutationObserver(() => heatmap.refresh()).observe(document.body, { attributes: true, attributeFilter: ['class'] });

post({ type: 'ready' });
