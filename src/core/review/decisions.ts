/**
 * Recording and reading review decisions for one dataset: the API the editor and the tests
 * use. Who decided comes from git config (what the commit author will be), else the OS user.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { gitUser, repoRootOrUndefined } from './git';
import { datasetKey, isRowHash, loadReview, reviewFilePath, updateReview, type LoadedReview } from './reviewFile';
import type { DecisionKind, ReviewDecision, ReviewFileProblem } from './types';

export interface DecisionInput {
  /** The row's content hash (`RowRecord.hash`). */
  hash: string;
  /** Its data-row index now (stored as a hint). */
  row: number;
  /** 'clear' removes the decision. */
  decision: DecisionKind | 'clear';
  comment?: string;
}

export interface RecordOptions {
  /** Who decides; default from git config in `root`. */
  by?: string;
  now?: () => Date;
  gitPath?: string;
}

/** "Name <email>" from git config, else the OS user name. */
export async function whoAmI(cwd: string, gitPath?: string): Promise<string> {
  const fromGit = await gitUser(cwd, gitPath);
  if (fromGit) return fromGit;
  try {
    return os.userInfo().username;
  } catch {
    return 'unknown';
  }
}

/**
 * Store decisions for rows of the dataset at `datasetPath` (absolute or relative to `root`).
 * Returns the review file and the problems met while loading it (e.g. a corrupt file moved aside).
 */
export async function recordDecisions(
  root: string,
  datasetPath: string,
  inputs: readonly DecisionInput[],
  opts: RecordOptions = {},
): Promise<{ file: string; problems: ReviewFileProblem[] }> {
  const bad = inputs.find((d) => !isRowHash(d.hash) || !Number.isInteger(d.row) || d.row < 0);
  if (bad) throw new Error(`not a row to review: hash ${JSON.stringify(bad.hash)}, row ${bad.row}`);
  const file = reviewFilePath(root, datasetPath);
  const by = opts.by ?? (await whoAmI(root, opts.gitPath));
  const at = (opts.now ?? (() => new Date()))().toISOString();
  const { problems } = await updateReview(file, datasetKey(root, datasetPath), (decisions) => {
    for (const d of inputs) {
      if (d.decision === 'clear') {
        decisions.delete(d.hash);
        continue;
      }
      const entry: ReviewDecision = { decision: d.decision, row: d.row, by, at };
      if (d.comment) entry.comment = d.comment;
      decisions.set(d.hash, entry);
    }
  }, { now: opts.now });
  return { file, problems };
}

/** Read the decisions for a dataset without changing anything on disk. */
export async function readDecisions(root: string, datasetPath: string): Promise<LoadedReview & { file: string }> {
  const file = reviewFilePath(root, datasetPath);
  return { file, ...(await loadReview(file, datasetKey(root, datasetPath), { moveAsideCorrupt: false })) };
}

/**
 * Where a dataset's review file lives: under its git repository's root; outside a repository,
 * under `fallback` (the workspace folder or working directory) when the file is inside it,
 * else beside the file. The CLI and the editor use this one rule so they share decisions.
 */
export async function reviewRootFor(absPath: string, fallback?: string, gitPath?: string): Promise<string> {
  const repo = await repoRootOrUndefined(path.dirname(absPath), gitPath);
  if (repo) return repo;
  if (fallback) {
    const rel = path.relative(path.resolve(fallback), absPath);
    if (rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel)) return path.resolve(fallback);
  }
  return path.dirname(absPath);
}
