/**
 * Line charts (training curves, a row's influence over windows) as hand-written SVG rather
 * than uPlot: the series are tiny (epochs and windows number in the tens), SVG takes the
 * theme's CSS variables directly through classes so light/dark/high-contrast switch with no
 * redraw, its text stays real text for screen readers and zoom, and it adds nothing to the
 * bundle and needs no extra stylesheet. uPlot's strength (10^5+ points on canvas) is not needed.
 */
import { extent, linePath, linearScale, niceTicks } from '../model/chartMath';
import { svgEl } from '../dom';

export interface Series {
  name: string;
  /** CSS class giving the stroke colour and dash (see style.css: .s-train, .s-val, ...). */
  cls: string;
  values: ArrayLike<number>;
}

export interface LineChartOptions {
  xLabels: readonly string[];
  xTitle: string;
  yFormat: (v: number) => string;
  /** Shade x indices from `from` to the end (late windows) with this label. */
  band?: { from: number; label: string };
  zeroLine?: boolean;
  height?: number;
  /** Width in CSS pixels; measured from the container when absent (which forces a layout). */
  width?: number;
  /** Accessible summary of the chart. */
  summary: string;
}

const MARGIN = { left: 52, right: 12, top: 14, bottom: 34 };
/** Above this many points, markers (with their hover titles) are left out to keep the SVG light. */
const MAX_MARKERS = 80;

export function renderLineChart(container: HTMLElement, series: Series[], o: LineChartOptions): void {
  const width = Math.max(220, o.width ?? (container.clientWidth || 360));
  const height = o.height ?? 180;
  const n = o.xLabels.length;
  const svg = svgEl('svg', { width, height, viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': o.summary, class: 'line-chart' });
  const x0 = MARGIN.left;
  const x1 = width - MARGIN.right;
  const y0 = height - MARGIN.bottom;
  const y1 = MARGIN.top;
  const [lo, hi] = extent(series.map((s) => s.values), o.zeroLine ? 0 : undefined);
  const pad = (hi - lo) * 0.06 || Math.abs(hi) * 0.1 || 1;
  const sy = linearScale(lo - pad, hi + pad, y0, y1);
  const sx = linearScale(0, Math.max(1, n - 1), x0, x1);

  if (o.band && o.band.from < n) {
    const bx = n > 1 ? sx(o.band.from) - (sx(1) - sx(0)) / 2 : x0;
    svg.append(
      svgEl('rect', { x: Math.max(x0, bx), y: y1, width: x1 - Math.max(x0, bx), height: y0 - y1, class: 'late-band' }),
      svgEl('text', { x: Math.max(x0, bx) + 3, y: y1 + 10, 'text-anchor': 'start', class: 'band-label' }, o.band.label),
    );
  }
  for (const t of niceTicks(lo - pad, hi + pad, 4)) {
    const y = sy(t);
    svg.append(
      svgEl('line', { x1: x0, x2: x1, y1: y, y2: y, class: 'grid' }),
      svgEl('text', { x: x0 - 6, y: y + 3, 'text-anchor': 'end', class: 'tick' }, o.yFormat(t)),
    );
  }
  if (o.zeroLine) svg.append(svgEl('line', { x1: x0, x2: x1, y1: sy(0), y2: sy(0), class: 'zero' }));
  const step = Math.max(1, Math.ceil(n / Math.max(1, Math.floor((x1 - x0) / 36))));
  for (let i = 0; i < n; i += step) {
    svg.append(svgEl('text', { x: sx(i), y: y0 + 14, 'text-anchor': 'middle', class: 'tick' }, o.xLabels[i]));
  }
  svg.append(
    svgEl('line', { x1: x0, x2: x1, y1: y0, y2: y0, class: 'axis' }),
    svgEl('text', { x: (x0 + x1) / 2, y: height - 4, 'text-anchor': 'middle', class: 'axis-title' }, o.xTitle),
  );
  for (const s of series) {
    svg.append(svgEl('path', { d: linePath(s.values, sx, sy), class: `line ${s.cls}` }));
    if (n <= MAX_MARKERS) {
      for (let i = 0; i < s.values.length; i++) {
        const v = s.values[i];
        if (!Number.isFinite(v)) continue;
        const dot = svgEl('circle', { cx: sx(i), cy: sy(v), r: 2.5, class: `dot ${s.cls}` });
        dot.append(svgEl('title', {}, `${s.name}, ${o.xLabels[i]}: ${o.yFormat(v)}`));
        svg.append(dot);
      }
    }
  }
  container.replaceChildren(svg);
}
