/** The four influence patterns as bars; each bar is a toggle button that filters the table. */
import type { Pattern } from '../../src/shared/webviewMessages';
import { formatCount, formatPercent, patternMeaning, patternName } from '../model/format';
import type { PatternBar } from '../model/viewModel';
import { el } from '../dom';

export class PatternChart {
  readonly root = el('div', { className: 'pattern-chart', attrs: { 'data-testid': 'pattern-chart', role: 'group', 'aria-label': 'Influence patterns (select one to filter the table)' } });

  constructor(private readonly onToggle: (p: Pattern) => void) {}

  render(bars: PatternBar[], active: Pattern | null): void {
    this.root.replaceChildren(...bars.map((b) => {
      const fill = el('span', { className: `bar-fill p-${b.pattern}` });
      fill.style.width = `${(b.fraction * 100).toFixed(1)}%`;
      const btn = el('button', {
        className: 'pattern-bar',
        attrs: { type: 'button', 'aria-pressed': String(active === b.pattern), title: `${patternName(b.pattern)}: ${patternMeaning(b.pattern)}` },
        children: [
          el('span', { className: 'bar-name', text: patternName(b.pattern) }),
          el('span', { className: 'bar-track', children: [fill] }),
          el('span', { className: 'bar-count', text: `${formatCount(b.count)} (${formatPercent(b.share, 0)})` }),
        ],
      });
      btn.addEventListener('click', () => this.onToggle(b.pattern));
      return btn;
    }));
  }
}
