/**
 * "Review Staged Data": for every repository, the flagged rows among the dataset rows added
 * or changed in the staged diff (optionally the working tree's changes too), scanned as
 * staged and placed on the editor's text by content. Uses the same core path as
 * `influence-lens check --staged`, so the editor and the hook agree.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { decodeDataset, detectFormat } from '../../core/data/index';
import type { RowRecord, ScanResult } from '../../core/report/types';
import { checkSources, type FileCheck } from '../../core/review/checkSources';
import { GitError } from '../../core/review/git';
import { hashRows } from '../../core/review/review';
import { remapRows } from '../../core/review/remap';
import { changedDatasetSources } from '../../core/review/sources';
import type { ReviewDecision, StaleDecision } from '../../core/review/types';
import { findRepositories } from './gitApi';

/** What the review needs from the rest of the client. */
export interface ReviewDeps {
  /**
   * Scan `text` as the content of `uri` with the user's settings and return the result, or
   * undefined when cancelled or failed (the implementation reports failures). The text may be
   * the staged version and differ from the open document: the result must not be applied to
   * the document's decorations.
   */
  compute(uri: vscode.Uri, text: string, token: vscode.CancellationToken): Promise<ScanResult | undefined>;
  /**
   * Show `rows` (flagged, added or changed; numbered for the document as it is now) in the
   * Flagged Rows view under "To review before commit". An empty list clears the group for `uri`.
   */
  showRowsToReview(uri: vscode.Uri, rows: RowRecord[], info: RowsToReviewInfo): void;
}

export interface RowsToReviewInfo {
  /** 'staged': the index; 'working-tree': staged and unstaged changes. */
  source: 'staged' | 'working-tree';
  /** Repository root. */
  repository: string;
  /** Decision per data-row index (of `rows`' numbering) for rows already reviewed. */
  decisions: ReadonlyMap<number, ReviewDecision>;
  /** Decisions whose row was edited or removed. */
  stale: readonly StaleDecision[];
  /** Flagged rows whose content changed in the editor since staging (not shown). */
  lostRows: number;
}

export interface ReviewRunSummary {
  files: number;
  flagged: number;
  unreviewed: number;
  messages: string[];
  /** Files whose rows were passed to `showRowsToReview` in this run (file system paths). */
  shown: string[];
  source: 'staged' | 'working-tree';
}

class ScanCancelled extends Error {}

async function currentText(uri: vscode.Uri): Promise<string> {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (open) return open.getText();
  return decodeDataset(await vscode.workspace.fs.readFile(uri), uri.fsPath);
}

/** Rows of one file check placed on the document as it is now. */
async function rowsForEditor(c: FileCheck, scannedText: string): Promise<{ rows: RowRecord[]; decisions: Map<number, ReviewDecision>; lost: number }> {
  const flagged = c.review?.flagged ?? [];
  const byHash = new Map(flagged.filter((f) => f.decision).map((f) => [f.record.hash, f.decision as ReviewDecision]));
  const uri = vscode.Uri.file(c.absPath);
  let text: string;
  try {
    text = await currentText(uri);
  } catch {
    return { rows: [], decisions: new Map(), lost: flagged.length };
  }
  let rows = flagged.map((f) => f.record);
  let lost = 0;
  if (text !== scannedText) {
    try {
      const placed = remapRows(rows, hashRows(text, c.file, detectFormat(c.file)));
      rows = placed.rows;
      lost = placed.lost.length;
    } catch {
      // The document does not parse right now (mid-edit): nothing can be placed on it safely.
      return { rows: [], decisions: new Map(), lost: flagged.length };
    }
  }
  const decisions = new Map<number, ReviewDecision>();
  for (const r of rows) {
    const d = byHash.get(r.hash);
    if (d) decisions.set(r.row, d);
  }
  return { rows, decisions, lost };
}

/** Run the review over all repositories. Messages are returned for the caller to show. */
export async function reviewChangedData(
  deps: ReviewDeps,
  includeUnstaged: boolean,
  progress: vscode.Progress<{ message?: string; increment?: number }>,
  token: vscode.CancellationToken,
): Promise<ReviewRunSummary> {
  const origin = includeUnstaged ? 'working-tree' : 'staged';
  const summary: ReviewRunSummary = { files: 0, flagged: 0, unreviewed: 0, messages: [], shown: [], source: origin };
  const repos = await findRepositories();
  if ('error' in repos) {
    summary.messages.push(`Review Staged Data needs git: ${repos.error}.`);
    return summary;
  }
  if (repos.note) summary.messages.push(repos.note);
  for (const root of repos.roots) {
    if (token.isCancellationRequested) break;
    progress.report({ message: `${path.basename(root)}: reading ${includeUnstaged ? 'changes' : 'staged changes'}` });
    let sources;
    try {
      sources = await changedDatasetSources(root, { staged: !includeUnstaged, gitPath: repos.gitPath });
    } catch (e) {
      if (!(e instanceof GitError)) throw e;
      summary.messages.push(`${root}: ${e.message}`);
      continue;
    }
    const texts = new Map<string, string>();
    let checks: FileCheck[];
    try {
      checks = await checkSources(sources, {
        allRows: false,
        gitPath: repos.gitPath,
        scan: async (s) => {
          progress.report({ message: `scanning ${s.display}` });
          const text = decodeDataset(s.bytes, s.display);
          texts.set(s.absPath, text);
          const result = await deps.compute(vscode.Uri.file(s.absPath), text, token);
          if (!result) throw new ScanCancelled();
          return result;
        },
      });
    } catch (e) {
      if (e instanceof ScanCancelled) break;
      throw e;
    }
    for (const c of checks) {
      summary.files++;
      summary.messages.push(...c.problems.map((p) => p.message));
      if (c.error) {
        summary.messages.push(c.error.message);
        continue;
      }
      const placed = await rowsForEditor(c, texts.get(c.absPath) ?? '');
      summary.flagged += placed.rows.length;
      summary.unreviewed += placed.rows.filter((r) => !placed.decisions.has(r.row)).length;
      if (placed.lost > 0) {
        summary.messages.push(includeUnstaged
          ? `${c.file}: ${placed.lost} flagged row(s) have unsaved edits in the editor; save the file and re-run the review.`
          : `${c.file}: ${placed.lost} flagged staged row(s) were edited since staging; stage the file again and re-run the review.`);
      }
      const outdated = c.review?.stale.filter((s) => s.state === 'outdated').length ?? 0;
      if (outdated > 0) summary.messages.push(`${c.file}: ${outdated} review decision(s) are outdated: the rows were edited after review.`);
      summary.shown.push(c.absPath);
      deps.showRowsToReview(vscode.Uri.file(c.absPath), placed.rows, {
        source: origin,
        repository: root,
        decisions: placed.decisions,
        stale: c.review?.stale ?? [],
        lostRows: placed.lost,
      });
    }
  }
  return summary;
}
