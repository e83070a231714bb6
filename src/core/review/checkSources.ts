/**
 * The check behind `influence-lens check` and the editor's staged review: scan each source,
 * keep the flagged rows among its added/changed rows (or all rows), and attach the stored
 * review decisions. Read-only: review files are read, never moved or written, here.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { decodeDataset, detectFormat } from '../data/index';
import { isInputError } from '../data/types';
import type { ScanResult } from '../report/types';
import { runGit } from './git';
import { hashRows, reviewScan, type RowsReview } from './review';
import { datasetKey, loadReview, reviewFilePath, ReviewFileError } from './reviewFile';
import type { DatasetSource } from './sources';
import type { ReviewFileProblem } from './types';

export interface FileCheckError {
  kind: string;
  file: string;
  /** 1-based; 0 = not tied to a line. */
  line: number;
  column: number;
  /** "file:line:col: message hint" */
  message: string;
}

export interface FileCheck {
  /** Path relative to the root, `/`-separated. */
  file: string;
  absPath: string;
  origin: DatasetSource['origin'];
  /** Absolute path of the review file. */
  reviewFile: string;
  result?: ScanResult;
  review?: RowsReview;
  problems: ReviewFileProblem[];
  /** Bad input (exit code 2 in the CLI). */
  error?: FileCheckError;
}

/** Scans one source's content (the engine in the CLI; the language server in the editor). */
export type ScanFn = (source: DatasetSource) => ScanResult | Promise<ScanResult>;

export interface CheckSourcesOptions {
  /** Consider every row, not only added/changed ones. */
  allRows: boolean;
  scan: ScanFn;
  gitPath?: string;
}

export async function checkSources(sources: readonly DatasetSource[], opts: CheckSourcesOptions): Promise<FileCheck[]> {
  const out: FileCheck[] = [];
  for (const s of sources) out.push(await checkSource(s, opts));
  return out;
}

async function checkSource(s: DatasetSource, opts: CheckSourcesOptions): Promise<FileCheck> {
  const reviewFile = reviewFilePath(s.root, s.absPath);
  const base: FileCheck = { file: s.display, absPath: s.absPath, origin: s.origin, reviewFile, problems: [] };
  try {
    const text = decodeDataset(s.bytes, s.display);
    const { table, hashes } = hashRows(text, s.display, detectFormat(s.display));
    const result = await opts.scan(s);
    const loaded = await loadReview(reviewFile, datasetKey(s.root, s.absPath), { moveAsideCorrupt: false });
    base.problems.push(...loaded.problems);
    if (s.origin === 'staged' && loaded.exists) {
      const unstaged = await unstagedReviewProblem(s.root, reviewFile, opts.gitPath);
      if (unstaged) base.problems.push(unstaged);
    }
    base.result = result;
    base.review = reviewScan({ result, text, table, hashes, changes: opts.allRows ? 'all' : s.changes, decisions: loaded.content.decisions });
    return base;
  } catch (e) {
    if (isInputError(e)) {
      base.error = { kind: e.kind, file: e.file, line: e.line, column: e.column, message: e.format() };
      return base;
    }
    if (e instanceof ReviewFileError) {
      base.problems.push(e.problem);
      base.error = { kind: 'review-file', file: e.problem.file, line: 0, column: 0, message: e.message };
      return base;
    }
    throw e;
  }
}

/** The review file's working copy differs from the index: the commit would not carry those decisions. */
async function unstagedReviewProblem(root: string, reviewFile: string, gitPath?: string): Promise<ReviewFileProblem | undefined> {
  const rel = path.relative(root, reviewFile).split(path.sep).join('/');
  let staged: Buffer | undefined;
  try {
    staged = await runGit(['cat-file', 'blob', `:${rel}`], { cwd: root, gitPath });
  } catch {
    staged = undefined;
  }
  const working = await fs.readFile(reviewFile);
  if (staged && staged.equals(working)) return undefined;
  return {
    kind: 'unstaged',
    file: reviewFile,
    message: `${rel} has review decisions that are not staged; \`git add ${rel}\` so the commit keeps them`,
  };
}
