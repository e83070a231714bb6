/**
 * The flagged-rows table: sortable, filterable, virtualized (only the rows in view exist
 * in the DOM, recycled while scrolling) and keyboard driven (arrows, Page Up/Down, Home/End
 * move the active row; Enter or Space selects it and reveals it in the editor).
 */
import type { Pattern, ViewRow } from '../../src/shared/webviewMessages';
import { PATTERNS } from '../../src/shared/webviewMessages';
import { formatCount, formatNumber, formatPercent, formatSigned, patternName } from '../model/format';
import { nextSort, queryTable, type ReviewFilter, type SortKey, type TableQuery } from '../model/tableModel';
import { moveActive, scrollToReveal, visibleRange } from '../model/virtualWindow';
import type { ViewModel } from '../model/viewModel';
import { el, fillSelect, labelledSelect } from '../dom';

export const ROW_HEIGHT = 24;
const ANY = '*';

interface Column { key: SortKey | null; title: string; cell: (r: ViewRow) => string }

export type RowState = { reviewed: boolean; edit?: string };

export class FlaggedTable {
  readonly root: HTMLElement;
  private readonly viewport = el('div', { className: 'grid-viewport', attrs: { tabindex: '-1' } });
  private readonly spacer = el('div', { className: 'grid-spacer' });
  private readonly body = el('div', { className: 'grid-body' });
  private readonly grid = el('div', { className: 'grid', attrs: { role: 'grid', tabindex: '0', 'aria-label': 'Flagged rows', 'data-testid': 'flagged-table' } });
  private readonly headerRow = el('div', { className: 'grid-row grid-header', attrs: { role: 'row', 'aria-rowindex': '1' } });
  private readonly count = el('vscode-badge', { attrs: { variant: 'counter' } });
  private readonly empty = el('p', { className: 'status-line hidden' });
  private readonly filters: Record<'scope' | 'label' | 'pattern' | 'review', HTMLElement>;
  private readonly pool: HTMLElement[] = [];
  private readonly columns: Column[];
  private vm?: ViewModel;
  private positions: number[] = [];
  private active = 0;
  private selected?: number;
  private frame = 0;
  query: TableQuery;

  constructor(
    query: TableQuery,
    private readonly state: (row: number) => RowState,
    private readonly onActivate: (row: number) => void,
    private readonly onQuery: (q: TableQuery) => void,
  ) {
    this.query = query;
    this.columns = [
      { key: 'row', title: 'Line', cell: (r) => String(r.line) },
      { key: 'label', title: 'Label', cell: (r) => r.label },
      { key: 'predicted', title: 'Predicted', cell: (r) => r.predicted },
      { key: 'confidence', title: 'Conf.', cell: (r) => formatPercent(r.confidence, 0) },
      { key: 'influence', title: 'Influence', cell: (r) => formatSigned(r.influence, 4) },
      { key: 'looLoss', title: 'LOO loss', cell: (r) => (Number.isNaN(r.looLoss) ? 'not estimated' : formatNumber(r.looLoss, 3)) },
      { key: 'pattern', title: 'Pattern', cell: (r) => patternName(r.pattern) },
      { key: null, title: 'Reason', cell: (r) => r.reasons.join(', ') || '\u2014' },
      { key: 'reviewed', title: 'State', cell: (r) => this.stateText(r.row) },
    ];
    this.grid.setAttribute('aria-colcount', String(this.columns.length));
    const f = {
      scope: labelledSelect('filter-scope', 'Show', (v) => this.setQuery({ ...this.query, scope: v === 'all' ? 'all' : 'flagged' })),
      label: labelledSelect('filter-label', 'Label', (v) => this.setQuery({ ...this.query, label: v === ANY ? null : v })),
      pattern: labelledSelect('filter-pattern', 'Pattern', (v) => this.setQuery({ ...this.query, pattern: v === ANY ? null : (v as Pattern) })),
      review: labelledSelect('filter-review', 'Review', (v) => this.setQuery({ ...this.query, review: v as ReviewFilter })),
    };
    this.filters = { scope: f.scope.select, label: f.label.select, pattern: f.pattern.select, review: f.review.select };
    // Choices that do not depend on the scan are filled once, before any scan arrives.
    fillSelect(this.filters.scope, [{ value: 'flagged', label: 'Flagged rows' }, { value: 'all', label: 'All trained rows' }], query.scope);
    fillSelect(this.filters.pattern, [{ value: ANY, label: 'Any pattern' }, ...PATTERNS.map((p) => ({ value: p, label: patternName(p) }))], query.pattern ?? ANY);
    fillSelect(this.filters.review, [{ value: 'all', label: 'Any state' }, { value: 'unreviewed', label: 'Not reviewed' }, { value: 'reviewed', label: 'Reviewed' }], query.review);
    const toolbar = el('div', { className: 'toolbar', children: [f.scope.wrap, f.label.wrap, f.pattern.wrap, f.review.wrap, this.count] });
    this.spacer.append(this.body);
    this.viewport.append(this.spacer);
    this.grid.append(this.headerRow, this.viewport);
    this.root = el('div', { className: 'flagged-table', children: [toolbar, el('div', { className: 'grid-scroll-x', children: [this.grid] }), this.empty] });
    this.viewport.addEventListener('scroll', () => this.schedule());
    this.grid.addEventListener('keydown', (e) => this.key(e));
    this.body.addEventListener('click', (e) => {
      const rowEl = (e.target as HTMLElement).closest<HTMLElement>('.grid-row');
      const pos = rowEl ? Number(rowEl.dataset.index) : NaN;
      if (Number.isInteger(pos)) {
        this.active = pos;
        this.onActivate(this.vm!.result.rows[this.positions[pos]].row);
      }
    });
  }

  setData(vm: ViewModel): void {
    this.vm = vm;
    const labels = vm.labels.map((l) => ({ value: l, label: l }));
    if (this.query.label !== null && !vm.labels.includes(this.query.label)) this.query = { ...this.query, label: null };
    fillSelect(this.filters.label, [{ value: ANY, label: 'Any label' }, ...labels], this.query.label ?? ANY);
    this.refilter();
  }

  setQuery(q: TableQuery): void {
    this.query = q;
    const pattern = this.filters.pattern as HTMLElement & { value: string };
    if (pattern.value !== (q.pattern ?? ANY)) pattern.value = q.pattern ?? ANY;
    if (this.vm) this.refilter();
    this.onQuery(q);
  }

  setSelected(row: number | undefined): void {
    this.selected = row;
    const pos = this.positions.findIndex((p) => this.vm!.result.rows[p].row === row);
    if (pos >= 0) {
      this.active = pos;
      this.viewport.scrollTop = scrollToReveal(pos, this.viewport.scrollTop, this.viewport.clientHeight, ROW_HEIGHT);
    }
    this.renderRows();
  }

  /** Review or edit state changed: the State column (and a review filter) may change. */
  refreshState(): void {
    if (this.query.review !== 'all' || this.query.sortKey === 'reviewed') this.refilter();
    else this.renderRows();
  }

  private stateText(row: number): string {
    const s = this.state(row);
    if (s.edit) return s.edit;
    return s.reviewed ? 'Reviewed' : 'New';
  }

  private refilter(): void {
    const vm = this.vm!;
    const reviewed = new Set(vm.result.rows.filter((r) => this.state(r.row).reviewed).map((r) => r.row));
    this.positions = queryTable(vm.result.rows, reviewed, this.query);
    this.active = Math.min(this.active, Math.max(0, this.positions.length - 1));
    this.count.textContent = `${formatCount(this.positions.length)} rows`;
    this.grid.setAttribute('aria-rowcount', String(this.positions.length + 1));
    this.grid.dataset.rowCount = String(this.positions.length);
    this.empty.textContent = this.positions.length ? '' : 'No rows match these filters.';
    this.empty.classList.toggle('hidden', this.positions.length > 0);
    this.spacer.style.height = `${this.positions.length * ROW_HEIGHT}px`;
    this.renderHeader();
    this.renderRows();
  }

  /** Header cells are built once and updated in place, so focus stays on a sort button after it is pressed. */
  private renderHeader(): void {
    if (this.headerRow.childElementCount === 0) {
      this.headerRow.append(...this.columns.map((c, i) => {
        const cell = el('div', { className: 'grid-cell', attrs: { role: 'columnheader', 'aria-colindex': String(i + 1) } });
        if (c.key) {
          const key = c.key;
          const b = el('button', { className: 'sort-button', attrs: { type: 'button', title: `Sort by ${c.title}` } });
          b.addEventListener('click', () => this.setQuery(nextSort(this.query, key)));
          cell.append(b);
        } else {
          cell.textContent = c.title;
        }
        return cell;
      }));
    }
    this.columns.forEach((c, i) => {
      if (!c.key) return;
      const cell = this.headerRow.children[i] as HTMLElement;
      const sorted = this.query.sortKey === c.key;
      cell.setAttribute('aria-sort', sorted ? (this.query.sortDir === 'asc' ? 'ascending' : 'descending') : 'none');
      (cell.firstElementChild as HTMLElement).textContent = c.title + (sorted ? (this.query.sortDir === 'asc' ? ' \u25b2' : ' \u25bc') : '');
    });
  }

  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.renderRows();
    });
  }

  private rowEl(k: number): HTMLElement {
    while (this.pool.length <= k) {
      const r = el('div', { className: 'grid-row', attrs: { role: 'row' } });
      this.columns.forEach((_, i) => r.append(el('div', { className: 'grid-cell', attrs: { role: 'gridcell', 'aria-colindex': String(i + 1) } })));
      this.pool.push(r);
    }
    return this.pool[k];
  }

  /** Fills the recycled row elements for the rows in view; nothing else touches the DOM on scroll. */
  private renderRows(): void {
    if (!this.vm) return;
    const rows = this.vm.result.rows;
    const range = visibleRange(this.viewport.scrollTop, this.viewport.clientHeight || 320, ROW_HEIGHT, this.positions.length);
    this.body.style.transform = `translateY(${range.offset}px)`;
    const used: HTMLElement[] = [];
    for (let i = range.start; i < range.end; i++) {
      const r = rows[this.positions[i]];
      const rowEl = this.rowEl(i - range.start);
      rowEl.dataset.index = String(i);
      rowEl.dataset.row = String(r.row);
      rowEl.id = `grid-row-${i}`;
      rowEl.setAttribute('aria-rowindex', String(i + 2));
      rowEl.setAttribute('aria-selected', String(r.row === this.selected));
      rowEl.classList.toggle('active', i === this.active);
      rowEl.classList.toggle('harmful', r.influence < 0);
      const s = this.state(r.row);
      rowEl.classList.toggle('reviewed', s.reviewed);
      rowEl.classList.toggle('edited', s.edit !== undefined);
      this.columns.forEach((c, j) => {
        const text = c.cell(r);
        const cell = rowEl.children[j] as HTMLElement;
        if (cell.textContent !== text) cell.textContent = text;
      });
      used.push(rowEl);
    }
    if (used.length !== this.body.childElementCount || used.some((u, k) => this.body.children[k] !== u)) this.body.replaceChildren(...used);
    if (this.positions.length && this.active >= range.start && this.active < range.end) {
      this.grid.setAttribute('aria-activedescendant', `grid-row-${this.active}`);
    } else {
      this.grid.removeAttribute('aria-activedescendant');
    }
  }

  private key(e: KeyboardEvent): void {
    // Keys on the sort buttons in the header belong to those buttons.
    if (e.target !== this.grid) return;
    const page = Math.max(1, Math.floor(this.viewport.clientHeight / ROW_HEIGHT) - 1);
    const next = moveActive(this.active, e.key, this.positions.length, page);
    if (next !== undefined) {
      e.preventDefault();
      this.active = next;
      this.viewport.scrollTop = scrollToReveal(next, this.viewport.scrollTop, this.viewport.clientHeight, ROW_HEIGHT);
      this.renderRows();
    } else if ((e.key === 'Enter' || e.key === ' ') && this.positions.length) {
      e.preventDefault();
      this.onActivate(this.vm!.result.rows[this.positions[this.active]].row);
    }
  }
}
