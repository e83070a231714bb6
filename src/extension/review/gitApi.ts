/**
 * The parts of the built-in Git extension's API (`vscode.git`, API version 1) that the
 * review uses, typed by hand: repository discovery and the user's git executable. Diffs and
 * staged blobs are then read with that executable, exactly as the CLI and the hook do.
 */
import * as vscode from 'vscode';
import { GitError, repoRootOrUndefined, runGit } from '../../core/review/git';

export interface GitChange {
  readonly uri: vscode.Uri;
  readonly originalUri: vscode.Uri;
  readonly renameUri: vscode.Uri | undefined;
}

export interface GitRepositoryState {
  readonly indexChanges: readonly GitChange[];
  readonly workingTreeChanges: readonly GitChange[];
  readonly untrackedChanges?: readonly GitChange[];
}

export interface GitRepository {
  readonly rootUri: vscode.Uri;
  readonly state: GitRepositoryState;
}

export interface GitApi {
  readonly state: 'uninitialized' | 'initialized';
  readonly onDidChangeState: vscode.Event<'uninitialized' | 'initialized'>;
  readonly git: { readonly path: string };
  readonly repositories: readonly GitRepository[];
  getRepository(uri: vscode.Uri): GitRepository | null;
}

interface GitExtensionExports {
  readonly enabled: boolean;
  getAPI(version: 1): GitApi;
}

/** How long to wait for the Git extension to finish discovering repositories. */
const GIT_INIT_TIMEOUT_MS = 10_000;

export type GitApiResult = { ok: true; api: GitApi } | { ok: false; reason: string };

/** The Git extension's API once initialised, or why it is unavailable. */
export async function getGitApi(): Promise<GitApiResult> {
  const ext = vscode.extensions.getExtension<GitExtensionExports>('vscode.git');
  if (!ext) return { ok: false, reason: 'the built-in Git extension (vscode.git) is not installed or is disabled' };
  let exports: GitExtensionExports;
  try {
    exports = ext.isActive ? ext.exports : await ext.activate();
  } catch (e) {
    return { ok: false, reason: `the built-in Git extension failed to start (${(e as Error).message})` };
  }
  if (!exports?.enabled) return { ok: false, reason: 'git is disabled ("git.enabled": false) or git was not found' };
  const api = exports.getAPI(1);
  if (api.state !== 'initialized') {
    const ready = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        sub.dispose();
        resolve(false);
      }, GIT_INIT_TIMEOUT_MS);
      const sub = api.onDidChangeState((s) => {
        if (s === 'initialized') {
          clearTimeout(timer);
          sub.dispose();
          resolve(true);
        }
      });
    });
    if (!ready) return { ok: false, reason: `the Git extension did not finish opening repositories within ${GIT_INIT_TIMEOUT_MS / 1000} s` };
  }
  return { ok: true, api };
}

export type Repositories = { roots: string[]; gitPath?: string; note?: string } | { error: string };

/**
 * Repository roots and the git executable: from the Git extension, else (with a note saying
 * why) from git on PATH for each workspace folder.
 */
export async function findRepositories(): Promise<Repositories> {
  const api = await getGitApi();
  if (api.ok) {
    const roots = [...new Set(api.api.repositories.map((r) => r.rootUri.fsPath))];
    return roots.length > 0 ? { roots, gitPath: api.api.git.path } : { error: 'no git repository is open in this workspace' };
  }
  try {
    await runGit(['--version'], { cwd: process.cwd() });
  } catch (e) {
    if (e instanceof GitError && e.kind === 'git-missing') return { error: `${api.reason}, and git is not on PATH` };
    throw e;
  }
  const roots: string[] = [];
  for (const f of vscode.workspace.workspaceFolders ?? []) {
    if (f.uri.scheme !== 'file') continue;
    const root = await repoRootOrUndefined(f.uri.fsPath);
    if (root && !roots.includes(root)) roots.push(root);
  }
  if (roots.length === 0) return { error: `${api.reason}, and no git repository was found with git on PATH` };
  return { roots, note: `${api.reason}; using git from PATH instead` };
}
