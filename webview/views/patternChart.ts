/** The four influence patterns as bars; each bar is a toggle button that filters the table. */
import type { Pattern } from '../../src/shared/webviewMessages';
import { formatCount, formatPercent, patternMeaning, patternName } from '../model/format';
import type { PatternBar } from '../model/viewModel';
import { el } from '../dom';

export class PatternChart {
  readonly root = el('div', { className: 'pattern-chart', attrs: { 'data-testid': 'pattern-chart', role: 'group', 'aria-label': 'Influence patterns (select one to filter the table)' } });

  constructor(private readonly onToggle: (p: Pattern) => void) {}

  private buttons = new Map<Pattern, { btn: HTMLElement; fill: HTMLElement; count: HTMLElement }>();

  /** Updates the bars in place, so a keyboard user's focus stays on the bar they pressed. */
  render(bars: PatternBar[], active: Pattern | null): void {
    if (this.buttons.size !== bars.length || bars.some((b) => !this.buttons.has(b.pattern))) this.build(bars);
    for (const b of bars) {
      const parts = this.buttons.get(b.pattern)!;
      parts.btn.setAttribute('aria-pressed', String(active === b.pattern));
      parts.fill.style.width = `${(b.fraction * 100).toFixed(1)}%`;
      parts.count.textContent = `${formatCount(b.count)} (${formatPercent(b.share, 0)})`;
    }
  }

  private build(bars: PatternBar[]): void {
    this.buttons.clear();
    this.root.replaceChildren(...bars.map((b) => {
      const fill = el('span', { className: `bar-fill p-${b.pattern}` });
      const count = el('span', { className: 'bar-count' });
      const btn = el('button', {
        className: 'pattern-bar',
        attrs: { type: 'button', title: `${patternName(b.pattern)}: ${patternMeaning(b.pattern)}` },
        children: [el('span', { className: 'bar-name', text: patternName(b.pattern) }), el('span', { className: 'bar-track', children: [fill] }), count],
      });
      btn.addEventListener('click', () => this.onToggle(b.pattern));
      this.buttons.set(b.pattern, { btn, fill, count });
      return btn;
    }));
  }
}
