/**
 * What the status bar says for the active dataset, and what clicking it does. Pure (no
 * `vscode`): the status bar module only renders this.
 */
import { Commands, type CommandId } from '../commandTable';
import { formatCount } from '../decorations/wording';

export type DatasetStatus =
  | { kind: 'idle' }
  | { kind: 'ready'; rows: number; rowsApproximate: boolean; labelColumn: string }
  | { kind: 'unusable'; reason: string }
  | { kind: 'running'; phase: string; percent: number; message: string }
  /** `approximation`: every row screened by SGD-IE, `refinedRows` of them refined by ACC-SGD-IE. */
  | { kind: 'done'; flagged: number; rows: number; cached: boolean; approximation?: { screenedRows: number; refinedRows: number } }
  | { kind: 'stale'; flagged: number }
  | { kind: 'error'; message: string; file: string; line: number }
  | { kind: 'serverDown'; message: string };

export interface StatusView {
  text: string;
  tooltip: string;
  command?: CommandId;
  /** Use the theme's warning/error background. */
  tone: 'normal' | 'warning' | 'error';
  /** Show a spinner icon. */
  busy: boolean;
}

const NAME = 'Influence Lens';

const PHASE_WORDS: Record<string, string> = {
  queued: 'queued',
  parse: 'parsing',
  featurize: 'preparing features',
  train: 'training',
  influence: 'estimating influence',
  windows: 'computing time windows',
  verify: 'verifying',
};

/**
 * Words for a server phase and its progress message: the server sends "train: epoch 3/20";
 * this says "training epoch 3 of 20".
 */
export function phaseWords(phase: string, message: string): string {
  const word = PHASE_WORDS[phase] ?? phase;
  const detail = message.trim()
    .replace(new RegExp(`^${phase.replace(/[^\w-]/g, '')}:\\s*`), '')
    .replace(/\b(\d+)\/(\d+)\b/g, '$1 of $2')
    // "Reading /long/path/to/data.csv" → "Reading data.csv": the status bar is narrow.
    .replace(/(?:[A-Za-z]:)?[\\/](?:[^\s\\/]+[\\/])+([^\s\\/]+)/g, '$1');
  if (!detail || detail.toLowerCase() === word || detail === phase) return word;
  if (detail.toLowerCase().startsWith(word)) return detail;
  return /^epoch\b/i.test(detail) ? `${word} ${detail}` : `${word}: ${detail}`;
}

/** The status of a finished scan. */
export function doneStatus(result: { flaggedCount: number; data: { rows: number }; approximation?: { screenedRows: number; refinedRows: number } }, cached: boolean): DatasetStatus {
  const a = result.approximation;
  return { kind: 'done', flagged: result.flaggedCount, rows: result.data.rows, cached, ...(a ? { approximation: { screenedRows: a.screenedRows, refinedRows: a.refinedRows } } : {}) };
}

export function statusView(s: DatasetStatus): StatusView {
  switch (s.kind) {
    case 'idle':
      return { text: `$(beaker) ${NAME}`, tooltip: `${NAME}: open a CSV, TSV or JSONL file to scan it.`, command: Commands.openSettings, tone: 'normal', busy: false };
    case 'ready':
      return {
        text: `$(beaker) ${NAME}: ready (${s.rowsApproximate ? '~' : ''}${formatCount(s.rows)} rows, label column ${s.labelColumn})`,
        tooltip: `Click to compute influence for this file. To use another label column, run "${NAME}: Choose Label Column".`,
        command: Commands.compute, tone: 'normal', busy: false,
      };
    case 'unusable':
      return { text: `$(circle-slash) ${NAME}: cannot scan`, tooltip: s.reason, command: Commands.chooseLabel, tone: 'warning', busy: false };
    case 'running': {
      const pct = Math.max(0, Math.min(100, Math.round(s.percent)));
      return { text: `$(sync~spin) ${NAME}: ${phaseWords(s.phase, s.message)} ${pct}%`, tooltip: 'Computing influence. Click to cancel.', command: Commands.cancel, tone: 'normal', busy: true };
    }
    case 'done': {
      const a = s.approximation;
      return {
        text: `$(beaker) ${NAME}: ${formatCount(s.flagged)} flagged${a ? ' (screened)' : ''}`,
        tooltip: `${formatCount(s.flagged)} of ${formatCount(s.rows)} rows flagged${s.cached ? ' (from the cache: the file has not changed since the last scan)' : ''}.` +
          (a ? ` Approximation within the compute budget: all ${formatCount(a.screenedRows)} trained rows were screened by SGD-IE and ${formatCount(a.refinedRows)} refined by ACC-SGD-IE; the Influence View says more.` : '') +
          ' Click to review them.',
        command: Commands.review, tone: 'normal', busy: false,
      };
    }
    case 'stale':
      return {
        text: `$(history) ${NAME}: stale (${formatCount(s.flagged)} flagged)`,
        tooltip: 'The file changed after the scan: edited rows lost their flag. Click to recompute.',
        command: Commands.compute, tone: 'warning', busy: false,
      };
    case 'error':
      return {
        text: `$(error) ${NAME}: error`,
        tooltip: `${s.line > 0 ? `${s.file}:${s.line}: ` : ''}${s.message}\nClick to compute again.`,
        command: Commands.compute, tone: 'error', busy: false,
      };
    case 'serverDown':
      return { text: `$(debug-disconnect) ${NAME}: stopped`, tooltip: `${s.message}\nClick to start the computation again.`, command: Commands.compute, tone: 'error', busy: false };
  }
}
