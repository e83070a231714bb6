/**
 * Heatmap of the top-N rows × time windows on a <canvas> (N × W cells would be too many
 * DOM nodes at large N). Diverging colours centred at zero; hover or keyboard focus shows the
 * exact value in a tooltip that is also announced; click or Enter selects the row.
 */
import type { ViewRow } from '../../src/shared/webviewMessages';
import { divergingColor, parseCssColor, rgbCss, side, type DivergingScale, type Rgb } from '../model/colorScale';
import { formatSigned } from '../model/format';
import { cellAt, fitCellWidth, heatmapData, selectTopRows, type HeatmapData, type HeatmapLayout, type HeatmapMetric, type HeatmapMode } from '../model/heatmapModel';
import type { ViewModel } from '../model/viewModel';
import { el, themeVar } from '../dom';

const CELL_HEIGHT = 14;
/** Room above the grid for the late-window mark (first line) and window numbers (second line). */
const TOP = 34;
const BOTTOM = 6;
const FONT = '11px system-ui, sans-serif';
const LEGEND_STEPS = 64;

const FALLBACK = { red: [205, 49, 49] as Rgb, blue: [55, 148, 255] as Rgb, bg: [30, 30, 30] as Rgb, fg: [204, 204, 204] as Rgb };

interface Theme { negative: Rgb; positive: Rgb; neutral: Rgb; fg: string; muted: string; focus: string }

function readTheme(): Theme {
  const c = (name: string, fb: Rgb) => parseCssColor(themeVar(name)) ?? fb;
  return {
    negative: c('--vscode-charts-red', FALLBACK.red),
    positive: c('--vscode-charts-blue', FALLBACK.blue),
    neutral: c('--vscode-editor-background', FALLBACK.bg),
    fg: rgbCss(c('--vscode-foreground', FALLBACK.fg)),
    muted: rgbCss(c('--vscode-descriptionForeground', FALLBACK.fg)),
    focus: rgbCss(c('--vscode-focusBorder', FALLBACK.blue)),
  };
}

export class HeatmapView {
  readonly root: HTMLElement;
  private readonly canvas = el('canvas', { className: 'heatmap-canvas', attrs: { tabindex: '0', role: 'application', 'aria-roledescription': 'heatmap' } });
  private readonly scroller = el('div', { className: 'heatmap-scroll' });
  private readonly tooltip = el('div', { className: 'tooltip hidden', attrs: { role: 'tooltip', id: 'heatmap-tip' } });
  private readonly live = el('div', { className: 'visually-hidden', attrs: { 'aria-live': 'polite' } });
  private readonly legendBar = el('canvas', { className: 'legend-bar', attrs: { 'aria-hidden': 'true' } });
  private readonly legendLo = el('span', { className: 'legend-value' });
  private readonly legendHi = el('span', { className: 'legend-value' });
  private readonly caveat = el('p', { className: 'caveat', attrs: { role: 'note' } });
  private readonly caption: HTMLElement;
  private vm?: ViewModel;
  private data?: HeatmapData;
  private layout?: HeatmapLayout;
  private selected?: number;
  private focus = { r: 0, w: 0 };
  private theme = readTheme();
  /** Measured when data, size or theme change — never while selecting, so a selection redraw forces no layout. */
  private width = 400;
  private labels: string[] = [];
  private labelWidth = 40;

  constructor(private readonly onSelect: (row: number) => void) {
    this.canvas.setAttribute('aria-describedby', 'heatmap-tip');
    this.scroller.append(this.canvas, this.tooltip);
    const legend = el('div', {
      className: 'legend',
      children: [
        el('span', { className: 'legend-side harmful', text: 'harmful' }),
        this.legendLo, this.legendBar, this.legendHi,
        el('span', { className: 'legend-side helpful', text: 'helpful' }),
      ],
    });
    this.caption = el('p', { className: 'hint' });
    this.root = el('div', { className: 'heatmap', attrs: { 'data-testid': 'heatmap' }, children: [legend, this.caption, this.scroller, this.caveat, this.live] });
    this.canvas.addEventListener('mousemove', (e) => this.hover(e));
    this.canvas.addEventListener('mouseleave', () => this.hideTip());
    this.canvas.addEventListener('click', (e) => {
      const hit = this.hit(e);
      if (hit) {
        this.focus = hit;
        this.onSelect(this.rowAt(hit.r).row);
      }
    });
    this.canvas.addEventListener('keydown', (e) => this.key(e));
    this.canvas.addEventListener('focus', () => this.showFocusTip());
    this.canvas.addEventListener('blur', () => this.hideTip());
  }

  setData(vm: ViewModel, topN: number, mode: HeatmapMode, metric: HeatmapMetric, selected: number | undefined): void {
    this.vm = vm;
    this.selected = selected;
    const positions = selectTopRows(vm.result.rows, topN, mode);
    this.data = heatmapData(vm.result.rows, positions, vm.windows, metric);
    this.labels = positions.map((p) => `line ${vm.result.rows[p].line}`);
    this.measure();
    this.focus = { r: Math.min(this.focus.r, Math.max(0, positions.length - 1)), w: Math.min(this.focus.w, Math.max(0, vm.windows - 1)) };
    this.caveat.textContent = vm.caveat ? `\u26a0 ${vm.caveat}` : '';
    const order = mode === 'helpful' ? 'most helpful' : mode === 'harmful' ? 'most harmful' : 'largest |influence|';
    this.caption.textContent = `${positions.length} rows with the ${order}, sorted by total influence (most harmful at the top) \u00d7 ` +
      `${vm.windows} time windows (training progress \u2192). ${metric === 'cumulative' ? 'Cumulative window influence: the windows add up to the total.' : 'In-window influence: each window alone.'}`;
    this.canvas.setAttribute('aria-label',
      `Influence of ${positions.length} rows over ${vm.windows} time windows, most harmful at the top. ` +
      'Arrow keys move between cells, Enter selects the row.');
    this.draw();
  }

  setSelected(row: number | undefined): void {
    if (row === this.selected) return;
    this.selected = row;
    this.draw();
  }

  /** Theme or size changed. */
  refresh(): void {
    this.theme = readTheme();
    this.measure();
    this.draw();
  }

  private measure(): void {
    this.width = Math.max(200, this.scroller.clientWidth || 400);
    const ctx = this.canvas.getContext('2d');
    if (!ctx) return;
    ctx.font = `bold ${FONT}`;
    this.labelWidth = Math.ceil(Math.max(40, ...this.labels.map((l) => ctx.measureText(l).width))) + 10;
  }

  private rowAt(r: number): ViewRow {
    return this.vm!.result.rows[this.data!.positions[r]];
  }

  private scale(): DivergingScale {
    return { negative: this.theme.negative, positive: this.theme.positive, neutral: this.theme.neutral, maxAbs: this.data?.maxAbs ?? 1 };
  }

  draw(): void {
    const d = this.data;
    const vm = this.vm;
    if (!d || !vm) return;
    const ctx = this.canvas.getContext('2d');
    if (!ctx) return;
    const dpr = window.devicePixelRatio || 1;
    const labels = this.labels;
    const labelWidth = this.labelWidth;
    const cellWidth = fitCellWidth(this.width, labelWidth + 8, d.windows);
    const rows = d.positions.length;
    const height = TOP + rows * CELL_HEIGHT + BOTTOM;
    const width = Math.max(this.width, labelWidth + cellWidth * d.windows + 8);
    // Resize only when the size changed: assigning the same size still resets the canvas and invalidates layout.
    if (this.canvas.width !== Math.round(width * dpr) || this.canvas.height !== Math.round(height * dpr)) {
      this.canvas.width = Math.round(width * dpr);
      this.canvas.height = Math.round(height * dpr);
      this.canvas.style.width = `${width}px`;
      this.canvas.style.height = `${height}px`;
    }
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, width, height);
    ctx.font = FONT;
    const l: HeatmapLayout = { left: labelWidth, top: TOP, cellWidth, cellHeight: CELL_HEIGHT, rows, windows: d.windows };
    this.layout = l;
    const scale = this.scale();
    for (let r = 0; r < rows; r++) {
      for (let w = 0; w < d.windows; w++) {
        ctx.fillStyle = rgbCss(divergingColor(d.values[r * d.windows + w], scale));
        ctx.fillRect(l.left + w * cellWidth, l.top + r * CELL_HEIGHT, cellWidth - (cellWidth > 8 ? 1 : 0), CELL_HEIGHT - 1);
      }
      const isSel = this.rowAt(r).row === this.selected;
      ctx.fillStyle = isSel ? this.theme.fg : this.theme.muted;
      ctx.font = isSel ? `bold ${FONT}` : FONT;
      ctx.textAlign = 'right';
      ctx.textBaseline = 'middle';
      ctx.fillText(labels[r], labelWidth - 6, l.top + r * CELL_HEIGHT + CELL_HEIGHT / 2);
    }
    ctx.font = FONT;
    this.drawAxes(ctx, l, vm);
    const selR = d.positions.findIndex((p) => vm.result.rows[p].row === this.selected);
    if (selR >= 0) {
      ctx.strokeStyle = this.theme.fg;
      ctx.lineWidth = 2;
      ctx.strokeRect(l.left - 1, l.top + selR * CELL_HEIGHT - 1, cellWidth * d.windows + 1, CELL_HEIGHT + 1);
    }
    if (document.activeElement === this.canvas && rows > 0) {
      ctx.strokeStyle = this.theme.focus;
      ctx.lineWidth = 2;
      ctx.strokeRect(l.left + this.focus.w * cellWidth, l.top + this.focus.r * CELL_HEIGHT, cellWidth - 1, CELL_HEIGHT - 1);
    }
    this.drawLegend(scale);
  }

  private drawAxes(ctx: CanvasRenderingContext2D, l: HeatmapLayout, vm: ViewModel): void {
    const gridBottom = l.top + l.rows * l.cellHeight;
    // Window numbers above the grid, so they stay in view without scrolling a tall heatmap.
    ctx.fillStyle = this.theme.muted;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'bottom';
    const step = Math.max(1, Math.ceil(16 / l.cellWidth));
    for (let w = 0; w < l.windows; w += step) ctx.fillText(String(w + 1), l.left + (w + 0.5) * l.cellWidth, l.top - 3);
    ctx.textAlign = 'right';
    ctx.fillText('window', l.left - 6, l.top - 3);
    // Late windows: a dashed boundary and a label; the caveat text sits under the chart.
    if (vm.lateStart < l.windows) {
      const x = l.left + vm.lateStart * l.cellWidth - 0.5;
      ctx.strokeStyle = this.theme.fg;
      ctx.lineWidth = 1;
      ctx.setLineDash([3, 3]);
      ctx.beginPath();
      ctx.moveTo(x, 2);
      ctx.lineTo(x, gridBottom + 2);
      ctx.stroke();
      ctx.setLineDash([]);
      ctx.fillStyle = this.theme.fg;
      ctx.textAlign = 'left';
      ctx.textBaseline = 'middle';
      ctx.fillText('\u26a0 late: less faithful', x + 4, 8);
    }
  }

  private drawLegend(scale: DivergingScale): void {
    const ctx = this.legendBar.getContext('2d');
    if (!ctx) return;
    this.legendBar.width = LEGEND_STEPS * 2;
    this.legendBar.height = 1;
    for (let i = 0; i < LEGEND_STEPS * 2; i++) {
      const v = ((i + 0.5) / LEGEND_STEPS - 1) * scale.maxAbs;
      ctx.fillStyle = rgbCss(divergingColor(v, scale));
      ctx.fillRect(i, 0, 1, 1);
    }
    this.legendLo.textContent = `\u2264 ${formatSigned(-scale.maxAbs)}`;
    this.legendHi.textContent = `\u2265 ${formatSigned(scale.maxAbs)}`;
  }

  private hit(e: MouseEvent): { r: number; w: number } | undefined {
    if (!this.layout) return undefined;
    const rect = this.canvas.getBoundingClientRect();
    return cellAt(e.clientX - rect.left, e.clientY - rect.top, this.layout);
  }

  private describe(r: number, w: number): string {
    const row = this.rowAt(r);
    const v = this.data!.values[r * this.data!.windows + w];
    const windowLabel = this.vm!.result.windowLabels[w];
    const late = w >= this.vm!.lateStart ? ' (late window: less faithful)' : '';
    return `Line ${row.line} (row ${row.row}), window ${w + 1} "${windowLabel}": ${formatSigned(v, 5)}, ${side(v)}${late}. Total ${formatSigned(row.influence, 5)}.`;
  }

  private placeTip(r: number, w: number, text: string): void {
    const l = this.layout!;
    this.tooltip.textContent = text;
    this.tooltip.classList.remove('hidden');
    const x = l.left + (w + 1) * l.cellWidth + 6;
    const maxX = this.scroller.clientWidth - this.tooltip.offsetWidth - 4;
    this.tooltip.style.left = `${Math.max(0, Math.min(x, maxX))}px`;
    this.tooltip.style.top = `${l.top + (r + 1) * l.cellHeight + 2}px`;
  }

  private hover(e: MouseEvent): void {
    const hit = this.hit(e);
    if (!hit) return this.hideTip();
    this.placeTip(hit.r, hit.w, this.describe(hit.r, hit.w));
  }

  private showFocusTip(): void {
    if (!this.data || this.data.positions.length === 0) return;
    const text = this.describe(this.focus.r, this.focus.w);
    this.placeTip(this.focus.r, this.focus.w, text);
    this.live.textContent = text;
    this.draw();
  }

  private hideTip(): void {
    this.tooltip.classList.add('hidden');
    if (document.activeElement !== this.canvas) this.draw();
  }

  private key(e: KeyboardEvent): void {
    if (!this.data || this.data.positions.length === 0) return;
    const rows = this.data.positions.length;
    const f = this.focus;
    const moves: Record<string, () => void> = {
      ArrowUp: () => { f.r = Math.max(0, f.r - 1); },
      ArrowDown: () => { f.r = Math.min(rows - 1, f.r + 1); },
      ArrowLeft: () => { f.w = Math.max(0, f.w - 1); },
      ArrowRight: () => { f.w = Math.min(this.data!.windows - 1, f.w + 1); },
      Home: () => { f.w = 0; },
      End: () => { f.w = this.data!.windows - 1; },
    };
    if (moves[e.key]) {
      e.preventDefault();
      moves[e.key]();
      this.showFocusTip();
      const y = TOP + f.r * CELL_HEIGHT;
      if (y < this.scroller.scrollTop) this.scroller.scrollTop = y;
      else if (y + CELL_HEIGHT > this.scroller.scrollTop + this.scroller.clientHeight) this.scroller.scrollTop = y + 2 * CELL_HEIGHT - this.scroller.clientHeight;
    } else if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      this.onSelect(this.rowAt(f.r).row);
    }
  }
}
