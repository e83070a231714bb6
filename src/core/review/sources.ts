/**
 * Where the content to review comes from: the staged blob of each changed dataset file (what
 * the commit will hold, not the working copy), the working tree, or files named by the user.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { InputError } from '../data/types';
import { changedFiles, headBlob, stagedBlob, verifyBase, zeroContextDiff, type ChangedPath, type ChangeScope } from './git';
import { parseZeroContextDiff, type LineChanges } from './diffRows';

/** File name endings read as datasets (case-insensitive). */
export const DATASET_EXTENSIONS: readonly string[] = ['.csv', '.tsv', '.jsonl', '.ndjson'];

export function isDatasetPath(p: string): boolean {
  const lower = p.toLowerCase();
  return DATASET_EXTENSIONS.some((ext) => lower.endsWith(ext));
}

export interface DatasetSource {
  /** Path for messages, SARIF and the review file: relative to `root`, `/`-separated. */
  display: string;
  absPath: string;
  /** Repository root (or the directory review files live under). */
  root: string;
  bytes: Uint8Array;
  /** Lines added or changed against the base; 'all' = every row is new or is to be checked. */
  changes: LineChanges | 'all';
  /** staged: the index blob; working-tree: the file on disk; committed: the HEAD blob (with `base`); file: named by the user. */
  origin: 'staged' | 'working-tree' | 'committed' | 'file';
}

export interface ChangedSourceOptions {
  /** true: the index against HEAD; false: the working tree (and untracked files) against HEAD. */
  staged: boolean;
  /** Review what HEAD adds since its merge base with this revision instead (CI); overrides `staged`. */
  base?: string;
  gitPath?: string;
  /** Only these absolute paths (when given). */
  only?: ReadonlySet<string>;
}

/** Changed dataset files of the repository at `root`, with their content and line changes. */
export async function changedDatasetSources(root: string, opts: ChangedSourceOptions): Promise<DatasetSource[]> {
  const scope: ChangeScope = opts.base !== undefined ? { kind: 'since', base: opts.base } : { kind: opts.staged ? 'staged' : 'working-tree' };
  if (scope.kind === 'since') await verifyBase(root, scope.base, opts.gitPath);
  const files = (await changedFiles(root, scope, opts.gitPath)).filter((f) => isDatasetPath(f.path));
  const sources: DatasetSource[] = [];
  for (const f of files) {
    const absPath = path.resolve(root, f.path);
    if (opts.only && !opts.only.has(absPath)) continue;
    sources.push(await sourceOf(root, f, absPath, scope, opts.gitPath));
  }
  return sources;
}

async function sourceOf(root: string, f: ChangedPath, absPath: string, scope: ChangeScope, gitPath?: string): Promise<DatasetSource> {
  const bytes = scope.kind === 'staged' ? await stagedBlob(root, f.path, gitPath)
    : scope.kind === 'since' ? await headBlob(root, f.path, gitPath)
      : await readDataset(absPath, f.path);
  const changes: LineChanges | 'all' =
    f.status === 'added' || f.status === 'untracked' ? 'all' : parseZeroContextDiff(await zeroContextDiff(root, f, scope, gitPath));
  const origin = scope.kind === 'staged' ? 'staged' : scope.kind === 'since' ? 'committed' : 'working-tree';
  return { display: f.path, absPath, root, bytes, changes, origin };
}

/** Read a dataset file for scanning (read-only), turning a missing or unreadable file into an InputError. */
export async function readDataset(absPath: string, display: string): Promise<Uint8Array> {
  try {
    return await fs.readFile(absPath);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const what = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory, not a dataset file' : `cannot be read (${code ?? (e as Error).message})`;
    throw new InputError('io', display, 0, what, 0, 'Check the path.');
  }
}
