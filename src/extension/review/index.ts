/**
 * The review-before-commit features of the client: the "Review Staged Data" and "Install Git
 * Pre-commit Hook" commands, and the decision API the hover, tree and code actions call to
 * record "keep / fixed / ignore" on a row.
 */
import * as vscode from 'vscode';
import { readDecisions, recordDecisions, reviewRootFor } from '../../core/review/decisions';
import { hashRows } from '../../core/review/review';
import { matchDecisions } from '../../core/review/match';
import { detectFormat } from '../../core/data/index';
import type { DecisionKind, ReviewDecision, StaleDecision } from '../../core/review/types';
import { installHookCommand } from './installHook';
import { reviewChangedData, type ReviewDeps } from './reviewStaged';

export type { ReviewDeps, RowsToReviewInfo } from './reviewStaged';

/** Command ids contributed by this module (add them to the command table and package.json). */
export const ReviewCommands = {
  reviewStaged: 'influenceLens.reviewStagedData',
  installHook: 'influenceLens.installPreCommitHook',
} as const;

/** Arguments of Review Staged Data when invoked programmatically. */
export interface ReviewStagedArgs {
  /** Also include unstaged and untracked changes (the working tree against HEAD). Asked when absent. */
  includeUnstaged?: boolean;
}

const LAST_SCOPE_KEY = 'influenceLens.review.includeUnstaged';

/** Ask which changes to review; the last answer in this workspace is offered first. */
async function askScope(state: vscode.Memento): Promise<boolean | undefined> {
  const items = [
    { label: 'Staged changes', description: 'what the next commit holds', unstaged: false },
    { label: 'Staged and unstaged changes', description: 'the working tree against HEAD, untracked files included', unstaged: true },
  ];
  if (state.get<boolean>(LAST_SCOPE_KEY) === true) items.reverse();
  const picked = await vscode.window.showQuickPick(items, { title: 'Influence Lens: review flagged rows in which changes?' });
  if (picked) await state.update(LAST_SCOPE_KEY, picked.unstaged);
  return picked?.unstaged;
}

async function reviewStagedCommand(context: vscode.ExtensionContext, deps: ReviewDeps, shownBefore: Set<string>, args?: ReviewStagedArgs): Promise<void> {
  if (!vscode.workspace.isTrusted) {
    void vscode.window.showErrorMessage('Review Staged Data runs git, which Influence Lens does not do in Restricted Mode. Trust this workspace first.');
    return;
  }
  const includeUnstaged = typeof args?.includeUnstaged === 'boolean' ? args.includeUnstaged : await askScope(context.workspaceState);
  if (includeUnstaged === undefined) return;
  const summary = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Influence Lens: reviewing changed data', cancellable: true },
    (progress, token) => reviewChangedData(deps, includeUnstaged, progress, token),
  );
  // Files reviewed last time that are no longer changed (committed, unstaged, or unreadable now) leave the view.
  const shownNow = new Set(summary.shown);
  for (const p of shownBefore) {
    if (!shownNow.has(p)) deps.showRowsToReview(vscode.Uri.file(p), [], { source: summary.source, repository: '', decisions: new Map(), stale: [], lostRows: 0 });
  }
  shownBefore.clear();
  for (const p of shownNow) shownBefore.add(p);
  for (const m of summary.messages) void vscode.window.showWarningMessage(m);
  const scope = includeUnstaged ? 'changed' : 'staged';
  if (summary.files === 0) {
    if (summary.messages.length === 0) void vscode.window.showInformationMessage(`No ${scope} dataset files (CSV, TSV, JSONL).`);
    return;
  }
  void vscode.window.showInformationMessage(
    summary.unreviewed > 0
      ? `${summary.unreviewed} flagged row(s) to review among the ${scope} rows of ${summary.files} file(s): see "To review before commit" in the Flagged Rows view.`
      : summary.flagged > 0
        ? `All ${summary.flagged} flagged ${scope} row(s) are reviewed.`
        : `No flagged rows among the ${scope} rows of ${summary.files} file(s).`,
  );
}

export function registerReviewFeatures(context: vscode.ExtensionContext, deps: ReviewDeps): vscode.Disposable[] {
  const shown = new Set<string>();
  return [
    vscode.commands.registerCommand(ReviewCommands.reviewStaged, (args?: ReviewStagedArgs) => reviewStagedCommand(context, deps, shown, args)),
    vscode.commands.registerCommand(ReviewCommands.installHook, () => installHookCommand()),
  ];
}

function workspaceFolderOf(uri: vscode.Uri): string | undefined {
  return vscode.workspace.getWorkspaceFolder(uri)?.uri.fsPath;
}

/**
 * Record a decision on one row (or clear it). Refused in Restricted Mode (no file writes);
 * returns false then, or when the review file could not be written (the error is shown).
 * Problems met on the way (e.g. a corrupt review file moved aside) are shown as warnings.
 */
export async function setRowDecision(
  uri: vscode.Uri,
  row: { row: number; hash: string },
  decision: DecisionKind | 'clear',
  comment?: string,
): Promise<boolean> {
  if (!vscode.workspace.isTrusted) {
    void vscode.window.showErrorMessage('Influence Lens does not write review decisions in Restricted Mode. Trust this workspace first.');
    return false;
  }
  if (uri.scheme !== 'file') {
    void vscode.window.showErrorMessage('Review decisions can only be stored for files on disk.');
    return false;
  }
  try {
    const root = await reviewRootFor(uri.fsPath, workspaceFolderOf(uri));
    const { problems } = await recordDecisions(root, uri.fsPath, [{ hash: row.hash, row: row.row, decision, comment }]);
    for (const p of problems) void vscode.window.showWarningMessage(p.message);
    return true;
  } catch (e) {
    void vscode.window.showErrorMessage(`Could not save the review decision: ${(e as Error).message}`);
    return false;
  }
}

export interface ReviewState {
  /** Decision per data-row index of `text`. */
  byRow: Map<number, ReviewDecision>;
  stale: StaleDecision[];
  /** Problems reading the review file (shown by the caller as it sees fit). */
  problems: string[];
  reviewFile: string;
}

/**
 * The stored decisions placed on `text` (the document's current content), for grouping
 * flagged rows by review state. Read-only. Throws InputError when the text does not parse.
 */
export async function readReviewState(uri: vscode.Uri, text: string): Promise<ReviewState> {
  const root = await reviewRootFor(uri.fsPath, workspaceFolderOf(uri));
  const loaded = await readDecisions(root, uri.fsPath);
  const { hashes } = hashRows(text, uri.fsPath, detectFormat(uri.fsPath));
  const matched = matchDecisions(loaded.content.decisions, hashes);
  const byRow = new Map<number, ReviewDecision>();
  for (const [i, m] of matched.byRow) byRow.set(i, m.decision);
  return { byRow, stale: matched.stale, problems: loaded.problems.map((p) => p.message), reviewFile: loaded.file };
}
