/** The selected row: its figures, influence over windows, pattern, cells (as text) and a reveal button. */
import type { ViewRow } from '../../src/shared/webviewMessages';
import { displayText, formatNumber, formatPercent, formatSigned, influenceWords, patternMeaning, patternName } from '../model/format';
import type { ViewModel } from '../model/viewModel';
import { button, el } from '../dom';
import { renderLineChart } from './lineChart';
import type { RowState } from './flaggedTable';

export class RowPanel {
  readonly root = el('div', { className: 'row-panel', attrs: { 'data-testid': 'selected-row', 'aria-live': 'polite' } });
  private readonly chart = el('div', { className: 'chart' });
  private row?: ViewRow;
  /** Chart width, kept by the page from resize observations so that selecting a row forces no layout. */
  chartWidth?: number;

  constructor(private readonly onReveal: (row: number) => void) {
    this.clear();
  }

  clear(): void {
    this.row = undefined;
    this.root.replaceChildren(el('p', { className: 'status-line', text: 'Select a row in the heatmap or the table to see it here.' }));
  }

  show(vm: ViewModel, row: ViewRow, state: RowState, cells: Record<string, string | null> | null | undefined): void {
    this.row = row;
    const reasons = row.reasons.map((r) => el('vscode-badge', { text: r === 'harmful' ? 'harmful' : 'label suspect' }));
    const header = el('div', {
      className: 'row-header',
      children: [el('h3', { text: `Line ${row.line} \u00b7 row ${row.row}` }), ...reasons, button('Reveal in editor', () => this.onReveal(row.row), { id: 'reveal-row' })],
    });
    const fact = (term: string, value: string) => [el('dt', { text: term }), el('dd', { text: value })];
    const facts = el('dl', {
      className: 'facts',
      children: [
        ...fact('Label', displayText(row.label, 200)),
        ...fact('Model predicts', `${displayText(row.predicted, 200)}${vm.result.task === 'classification' ? ` (${formatPercent(row.confidence)})` : ''}`),
        ...fact('Influence', `${formatSigned(row.influence, 5)} \u2014 ${influenceWords(row.influence)}`),
        ...fact('Leave-one-out loss', Number.isNaN(row.looLoss)
          ? `not estimated${vm.result.approximationNote ? ' (screened by SGD-IE only, not refined by ACC-SGD-IE)' : ''}; rank ${row.rankSuspect} most suspect by training loss`
          : `${formatNumber(row.looLoss, 4)} (rank ${row.rankSuspect} most suspect)`),
        ...fact('Rank by harm', String(row.rankHarmful)),
        ...fact('Pattern', `${patternName(row.pattern)}: ${patternMeaning(row.pattern)}`),
        ...(state.edit || state.reviewed ? fact('State', state.edit ?? 'Reviewed') : []),
      ],
    });
    const chartTitle = el('h4', { text: 'Influence over time windows' });
    const cellsBlock = this.cellsBlock(cells);
    this.root.replaceChildren(header, facts, chartTitle, this.chart, el('h4', { text: 'Row text' }), cellsBlock);
    this.drawChart(vm);
  }

  /** Redraw at a new width. */
  drawChart(vm: ViewModel): void {
    const row = this.row;
    if (!row) return;
    const labels = vm.result.windowLabels.map((_, i) => String(i + 1));
    renderLineChart(this.chart, [
      { name: 'Cumulative (adds up to the total)', cls: 's-cum', values: row.windows },
      { name: 'In-window (window alone)', cls: 's-inw', values: row.inWindow },
    ], {
      xLabels: labels,
      xTitle: 'time window',
      yFormat: (v) => formatSigned(v, 3),
      zeroLine: true,
      band: vm.lateStart < vm.windows ? { from: vm.lateStart, label: 'late: less faithful' } : undefined,
      height: 160,
      width: this.chartWidth,
      summary: `Influence of line ${row.line} over ${labels.length} windows: cumulative from ${formatSigned(row.windows[0] ?? 0, 4)} to ${formatSigned(row.windows[row.windows.length - 1] ?? 0, 4)}.`,
    });
    this.chart.append(el('div', {
      className: 'chart-legend',
      children: [el('span', { className: 'key s-cum', text: 'cumulative' }), el('span', { className: 'key s-inw', text: 'in-window' })],
    }));
  }

  private cellsBlock(cells: Record<string, string | null> | null | undefined): HTMLElement {
    if (cells === undefined) return el('p', { className: 'status-line', text: 'Loading the row\u2019s cells\u2026' });
    if (cells === null) return el('p', { className: 'status-line', text: 'The row\u2019s text is not available (the file may have changed).' });
    const dl = el('dl', { className: 'cells' });
    for (const [column, value] of Object.entries(cells)) {
      dl.append(el('dt', { text: displayText(column, 200) }), el('dd', { className: value === null ? 'missing' : 'cell-text', text: value === null ? '(missing)' : displayText(value) }));
    }
    return dl;
  }
}
