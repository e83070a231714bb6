/**
 * `influence-lens check`: for git hooks and CI. Scans the staged blob of each staged dataset
 * file (or the named files), keeps flagged rows among added/changed rows (or all rows),
 * honours review decisions, and decides the exit code: 1 while unreviewed flagged rows remain,
 * 0 otherwise, 2 on bad input. Returns data; printing is the caller's.
 */
import * as path from 'node:path';
import { analyze, TOOL_VERSION, type AnalyzeHooks } from '../core/analyze';
import type { Reason } from '../core/report/types';
import { toSarif } from '../core/report/sarif';
import { flagSummary } from '../core/report/wording';
import type { Settings } from '../core/settings';
import { checkSources, type FileCheck, type FileCheckError, type ScanFn } from '../core/review/checkSources';
import { GitError, repoRoot } from '../core/review/git';
import { reviewRootFor } from '../core/review/decisions';
import { changedDatasetSources, readDataset, type DatasetSource } from '../core/review/sources';
import { isInputError } from '../core/data/types';
import type { DecisionKind } from '../core/review/types';

export interface CheckOptions {
  /** Dataset files (relative to cwd or absolute). With `staged`, restricts the staged files to these. */
  files?: string[];
  /** Check the staged content of staged dataset files (not the working copy). */
  staged: boolean;
  /**
   * CI: check the dataset files HEAD changed since its merge base with this revision (e.g.
   * `origin/main`), their committed content and only their added/changed rows. Overrides `staged`.
   */
  base?: string;
  cwd: string;
  format: 'text' | 'json' | 'sarif';
  /** Consider every row of each file, not only added/changed rows. Without `staged`, every row is considered anyway. */
  allRows?: boolean;
  settings: Settings;
  /** Progress and cancellation for the default scanner (e.g. a progress bar on stderr). */
  hooks?: AnalyzeHooks;
  /** The scanner (default: the engine's analyze with `settings` and `hooks`). */
  scan?: ScanFn;
  /** git executable (default `git` on PATH). */
  gitPath?: string;
}

export interface CheckRow {
  row: number;
  line: number;
  endLine: number;
  hash: string;
  label: string;
  predicted: string;
  reasons: Reason[];
  influence: number;
  /** null where not estimated (rows only screened by SGD-IE in an 'sgd-ie+acc' scan). */
  looLoss: number | null;
  /** Why it is flagged, in words. */
  summary: string;
  decision?: { decision: DecisionKind; by: string; at: string; comment?: string };
}

/** One file's outcome, as printed by `--format json`. */
export interface CheckFileReport {
  file: string;
  origin: DatasetSource['origin'];
  /** Review file, relative to the working directory. */
  reviewFile: string;
  rows: number;
  /** Rows considered: added/changed ones, or all. */
  considered: number;
  flagged: number;
  unreviewed: number;
  rowsToReview: CheckRow[];
  staleDecisions: { hash: string; state: 'outdated' | 'missing'; row: number; decision: DecisionKind; by: string; at: string; nowRow?: number }[];
  problems: string[];
  error?: FileCheckError;
}

export interface CheckOutcome {
  exitCode: 0 | 1 | 2;
  /** One line for stderr. */
  summary: string;
  /** The full text report for `--format text` (one line per row to review, then problems). */
  text: string;
  /** SARIF 2.1.0 log (with `--format sarif`); reviewed rows carry a suppression. */
  sarif?: object;
  results: CheckFileReport[];
}

export async function runCheck(opts: CheckOptions): Promise<CheckOutcome> {
  let sources: DatasetSource[];
  const notes: string[] = [];
  if (!opts.staged && opts.base === undefined && (opts.files ?? []).length === 0) {
    const summary = 'influence-lens check: name the dataset files to check, or use --staged (git hook) or --base REV (CI)';
    return { exitCode: 2, summary, text: summary, results: [] };
  }
  try {
    sources = opts.staged || opts.base !== undefined ? await changedSources(opts, notes) : await fileSources(opts);
  } catch (e) {
    const message = e instanceof GitError ? e.message : isInputError(e) ? e.format() : undefined;
    if (message === undefined) throw e;
    const summary = `influence-lens check: ${message}`;
    return { exitCode: 2, summary, text: summary, results: [] };
  }
  let scan = opts.scan;
  if (!scan) {
    const vf = opts.settings.validationFile;
    let validation: { file: string; content: Uint8Array } | undefined;
    if (vf) {
      try {
        validation = { file: vf, content: await readDataset(path.resolve(opts.cwd, vf), vf) };
      } catch (e) {
        if (!isInputError(e)) throw e;
        const summary = `influence-lens check: bad input: ${e.format()}`;
        return { exitCode: 2, summary, text: summary, results: [] };
      }
    }
    scan = (s) => analyze({ file: s.display, content: s.bytes, settings: opts.settings, validation }, opts.hooks).result;
  }
  const checks = await checkSources(sources, { allRows: Boolean(opts.allRows), scan, gitPath: opts.gitPath });
  const results = checks.map((c) => fileReport(c, opts.cwd));
  const exitCode: 0 | 1 | 2 = results.some((r) => r.error) ? 2 : results.some((r) => r.unreviewed > 0) ? 1 : 0;
  const unstagedReviews = checks.filter((c) => c.problems.some((p) => p.kind === 'unstaged')).map((c) => path.relative(opts.cwd, c.reviewFile).split(path.sep).join('/'));
  const summary = summaryLine(results, exitCode, opts, unstagedReviews);
  const outcome: CheckOutcome = { exitCode, summary, text: textReport(results, notes, summary), results };
  if (opts.format === 'sarif') outcome.sarif = sarifOf(checks);
  return outcome;
}

async function changedSources(opts: CheckOptions, notes: string[]): Promise<DatasetSource[]> {
  const root = await repoRoot(opts.cwd, opts.gitPath);
  const only = opts.files && opts.files.length > 0 ? new Set(opts.files.map((f) => path.resolve(opts.cwd, f))) : undefined;
  const sources = await changedDatasetSources(root, { staged: true, base: opts.base, gitPath: opts.gitPath, only });
  if (only) {
    const seen = new Set(sources.map((s) => s.absPath));
    const what = opts.base !== undefined ? `changes since ${opts.base}` : 'staged changes';
    for (const f of only) if (!seen.has(f)) notes.push(`${path.relative(opts.cwd, f) || f}: no ${what} to a dataset file; skipped`);
  }
  return sources;
}

async function fileSources(opts: CheckOptions): Promise<DatasetSource[]> {
  const files = opts.files ?? [];
  const sources: DatasetSource[] = [];
  for (const f of files) {
    const absPath = path.resolve(opts.cwd, f);
    const bytes = await readDataset(absPath, f);
    const root = await reviewRootFor(absPath, opts.cwd, opts.gitPath);
    sources.push({ display: path.relative(root, absPath).split(path.sep).join('/'), absPath, root, bytes, changes: 'all', origin: 'file' });
  }
  return sources;
}

function fileReport(c: FileCheck, cwd: string): CheckFileReport {
  const rv = c.review;
  return {
    file: c.file,
    origin: c.origin,
    reviewFile: path.relative(cwd, c.reviewFile).split(path.sep).join('/'),
    rows: rv?.totalRows ?? 0,
    considered: rv?.considered ?? 0,
    flagged: rv?.flagged.length ?? 0,
    unreviewed: rv?.unreviewed.length ?? 0,
    rowsToReview: (rv?.flagged ?? []).map(({ record: r, decision: d }) => {
      const row: CheckRow = {
        row: r.row, line: r.line, endLine: r.endLine, hash: r.hash, label: r.label, predicted: r.predicted,
        reasons: r.reasons, influence: r.influence, looLoss: r.looLoss, summary: flagSummary(r),
      };
      if (d) row.decision = d.comment ? { decision: d.decision, by: d.by, at: d.at, comment: d.comment } : { decision: d.decision, by: d.by, at: d.at };
      return row;
    }),
    staleDecisions: (rv?.stale ?? []).map((s) => {
      const e = { hash: s.hash, state: s.state, row: s.decision.row, decision: s.decision.decision, by: s.decision.by, at: s.decision.at };
      return s.nowRow === undefined ? e : { ...e, nowRow: s.nowRow };
    }),
    problems: c.problems.map((p) => p.message),
    error: c.error,
  };
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function summaryLine(results: CheckFileReport[], exitCode: 0 | 1 | 2, opts: CheckOptions, unstagedReviews: readonly string[]): string {
  const kind = opts.base !== undefined ? `dataset file changed since ${opts.base}` : opts.staged ? 'staged dataset file' : 'dataset file';
  const kinds = opts.base !== undefined ? `dataset files changed since ${opts.base}` : `${kind}s`;
  if (results.length === 0) return `influence-lens check: no ${kinds} to check (csv, tsv, jsonl).`;
  const errors = results.filter((r) => r.error);
  if (exitCode === 2) {
    return `influence-lens check: bad input: ${errors[0].error?.message}${errors.length > 1 ? ` (and ${plural(errors.length - 1, 'more file')})` : ''}`;
  }
  const considered = results.reduce((s, r) => s + r.considered, 0);
  const flagged = results.reduce((s, r) => s + r.flagged, 0);
  const unreviewed = results.reduce((s, r) => s + r.unreviewed, 0);
  const stale = results.reduce((s, r) => s + r.staleDecisions.filter((d) => d.state === 'outdated').length, 0);
  const changedOnly = (opts.staged || opts.base !== undefined) && !opts.allRows;
  const scope = changedOnly ? plural(considered, 'added or changed row') : plural(considered, 'row');
  const files = results.length === 1 ? `1 ${kind}` : `${results.length} ${kinds}`;
  const staleNote = (stale > 0 ? `; ${plural(stale, 'outdated review decision')}` : '')
    + (unstagedReviews.length > 0 ? `; decisions not staged: git add ${unstagedReviews.join(' ')}` : '');
  if (exitCode === 1) {
    return `influence-lens check: ${plural(unreviewed, 'unreviewed flagged row')} among ${scope} in ${files} (${flagged - unreviewed} reviewed${staleNote}). `
      + (opts.staged && opts.base === undefined
        ? 'Review them in VS Code ("Influence Lens: Review Staged Data"), or skip once with git commit --no-verify.'
        : 'Review them in VS Code (Flagged Rows view: keep, fixed or ignore).');
  }
  return `influence-lens check: ok, ${flagged === 0 ? 'nothing flagged' : `all ${plural(flagged, 'flagged row')} reviewed`} among ${scope} in ${files}${staleNote}.`;
}

function textReport(results: CheckFileReport[], notes: string[], summary: string): string {
  const lines: string[] = [...notes];
  for (const r of results) {
    if (r.error) {
      lines.push(r.error.message);
      continue;
    }
    for (const row of r.rowsToReview) {
      const state = row.decision ? `reviewed: ${row.decision.decision} by ${row.decision.by}` : 'NOT REVIEWED';
      lines.push(`${r.file}:${row.line}: row ${row.row} [${row.reasons.join(', ')}] ${row.summary} (${state})`);
    }
    for (const s of r.staleDecisions) {
      lines.push(s.state === 'outdated'
        ? `${r.file}: the "${s.decision}" decision on row ${s.row} is outdated: that row's content changed since ${s.by} reviewed it`
        : `${r.file}: the "${s.decision}" decision on row ${s.row} matches no row any more (row removed?)`);
    }
    for (const p of r.problems) lines.push(p);
  }
  lines.push(summary);
  return lines.join('\n');
}

/** SARIF for the flagged rows considered; reviewed rows are reported with an accepted external suppression. */
function sarifOf(checks: FileCheck[]): object {
  const inputs = checks.flatMap((c) => (c.result && c.review ? [{ file: c.file, result: c.result, rows: c.review.flagged.map((f) => f.record) }] : []));
  const log = toSarif(inputs, TOOL_VERSION);
  const decisions = new Map<string, { decision: DecisionKind; by: string; comment?: string }>();
  for (const c of checks) for (const f of c.review?.flagged ?? []) if (f.decision) decisions.set(`${c.file}\0${f.record.row}`, f.decision);
  for (const run of log.runs) {
    for (const res of run.results ?? []) {
      const file = res.locations?.[0]?.physicalLocation?.artifactLocation?.uri ?? '';
      const row = (res.properties as { row?: number } | undefined)?.row;
      const d = decisions.get(`${file}\0${row}`);
      if (d) res.suppressions = [{ kind: 'external', status: 'accepted', justification: `${d.decision} (${d.by})${d.comment ? `: ${d.comment}` : ''}` }];
    }
  }
  return log;
}
