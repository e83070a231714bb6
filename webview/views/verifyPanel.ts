/** Verify: retrain without chosen rows and compare the predicted with the real change in validation loss. */
import type { VerificationBlock } from '../../src/shared/webviewMessages';
import { formatCount, formatNumber, formatPercent, formatSigned } from '../model/format';
import type { ViewModel } from '../model/viewModel';
import { button, el, fillSelect, labelledSelect, setDisabled } from '../dom';

/** Rows a verify run removes: the k most harmful flagged rows, or the selected row. */
export function verifyRows(vm: ViewModel, choice: string, selected: number | undefined): number[] {
  if (choice === 'selected') return selected === undefined ? [] : [selected];
  const k = Number(choice);
  const harmful = vm.result.rows.filter((r) => r.flagged && r.reasons.includes('harmful'));
  const pool = harmful.length ? harmful : vm.result.rows.filter((r) => r.influence < 0);
  return [...pool].sort((a, b) => a.influence - b.influence || a.row - b.row).slice(0, k).map((r) => r.row);
}

const VERIFY_CHOICES = [
  { value: '5', label: 'the 5 most harmful flagged rows' },
  { value: '10', label: 'the 10 most harmful flagged rows' },
  { value: '20', label: 'the 20 most harmful flagged rows' },
  { value: 'selected', label: 'the selected row' },
];

export class VerifyPanel {
  readonly root: HTMLElement;
  private readonly status = el('p', { className: 'status-line', attrs: { 'aria-live': 'polite' } });
  private readonly out = el('div', { className: 'verify-out' });
  private readonly runButton: HTMLElement;
  private readonly select: HTMLElement;
  choice = '10';

  constructor(private readonly onRun: (choice: string) => void) {
    const s = labelledSelect('verify-choice', 'Remove', (v) => { this.choice = v; });
    this.select = s.select;
    fillSelect(this.select, VERIFY_CHOICES, this.choice);
    this.runButton = button('Retrain and compare', () => this.onRun(this.choice), { id: 'verify-run' });
    this.root = el('div', { className: 'verify', attrs: { 'data-testid': 'verify-panel' }, children: [el('div', { className: 'toolbar', children: [s.wrap, this.runButton] }), this.status, this.out] });
  }

  setData(choice: string): void {
    this.choice = choice;
    fillSelect(this.select, VERIFY_CHOICES, choice);
  }

  pending(rows: number): void {
    setDisabled(this.runButton, true);
    this.status.textContent = `Retraining without ${formatCount(rows)} row${rows === 1 ? '' : 's'} (exact replay)\u2026`;
  }

  failed(message: string): void {
    setDisabled(this.runButton, false);
    this.status.textContent = `Verification failed: ${message}`;
  }

  show(block: VerificationBlock | undefined): void {
    setDisabled(this.runButton, false);
    if (!block) {
      this.status.textContent = 'Not run yet. Retraining replays the same seeded training without the chosen rows.';
      this.out.replaceChildren();
      return;
    }
    this.status.textContent = `Removed ${formatCount(block.rows.length)} row${block.rows.length === 1 ? '' : 's'}; estimator ${block.estimator}.`;
    const bars = [
      { name: 'Predicted change', value: block.predictedChange, cls: 'predicted' },
      { name: 'Actual change', value: block.actualChange, cls: 'actual' },
      ...(block.random ? [{ name: `Random ${formatCount(block.random.rows.length)} rows`, value: block.random.actualChange, cls: 'random' }] : []),
    ];
    const max = Math.max(1e-12, ...bars.map((b) => Math.abs(b.value)));
    const chart = el('div', {
      className: 'verify-bars',
      attrs: { role: 'img', 'aria-label': `Validation loss change: predicted ${formatSigned(block.predictedChange, 5)}, actual ${formatSigned(block.actualChange, 5)}` },
      children: bars.map((b) => {
        const fill = el('span', { className: `vbar ${b.cls} ${b.value < 0 ? 'neg' : 'pos'}` });
        // Half the track is each side of zero.
        fill.style.width = `${((Math.abs(b.value) / max) * 50).toFixed(1)}%`;
        return el('div', {
          className: 'vrow',
          children: [el('span', { className: 'vname', text: b.name }), el('span', { className: 'vtrack', children: [el('span', { className: 'vzero' }), fill] }), el('span', { className: 'vval', text: formatSigned(b.value, 5) })],
        });
      }),
    });
    const fact = (term: string, value: string) => [el('dt', { text: term }), el('dd', { text: value })];
    const facts = el('dl', {
      className: 'facts',
      children: [
        ...fact('Validation loss', `${formatNumber(block.before.valLoss, 4)} \u2192 ${formatNumber(block.after.valLoss, 4)}`),
        ...fact('Validation accuracy', `${formatPercent(block.before.valAccuracy)} \u2192 ${formatPercent(block.after.valAccuracy)}`),
        ...(block.random ? fact('Random rows removed', `accuracy ${formatPercent(block.random.valAccuracy)}, loss change ${formatSigned(block.random.actualChange, 5)}`) : []),
      ],
    });
    this.out.replaceChildren(chart, facts, el('p', { className: 'hint', text: 'Negative = validation loss falls without these rows (they were harmful).' }));
  }
}
