/**
 * The few git operations the review needs, run through the `git` binary (no library: the
 * user's own git reads their config, index and hooks exactly as a commit will). Output is
 * read as bytes and with `-z` where paths are listed, so unusual file names need no unquoting.
 */
import { execFile } from 'node:child_process';
import * as path from 'node:path';

/** Largest output accepted from one git call (a staged dataset blob can be large). */
const MAX_GIT_OUTPUT = 512 * 1024 * 1024;
/** git's well-known empty tree: the base to diff against before the first commit. */
export const EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';

export type GitErrorKind = 'git-missing' | 'not-a-repo' | 'failed';

export class GitError extends Error {
  override readonly name = 'GitError';
  constructor(readonly kind: GitErrorKind, message: string, readonly stderr = '') {
    super(message);
  }
}

export interface GitOptions {
  cwd: string;
  /** The git executable (the Git extension knows the user's); default `git` on PATH. */
  gitPath?: string;
}

/** Run git and return stdout as bytes. Never asks for input; never takes optional locks (VS Code's git runs alongside). */
export function runGit(args: readonly string[], opts: GitOptions): Promise<Buffer> {
  const exe = opts.gitPath ?? 'git';
  return new Promise((resolve, reject) => {
    execFile(
      exe,
      ['--no-optional-locks', '-c', 'core.quotePath=false', ...args],
      { cwd: opts.cwd, encoding: 'buffer', maxBuffer: MAX_GIT_OUTPUT, windowsHide: true, env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } },
      (err, stdout, stderr) => {
        if (!err) return resolve(stdout);
        const code = (err as NodeJS.ErrnoException).code;
        const errText = Buffer.isBuffer(stderr) ? stderr.toString('utf8').trim() : String(stderr ?? '');
        if (code === 'ENOENT') {
          reject(new GitError('git-missing', `git was not found (tried "${exe}"); install git, or point VS Code's "git.path" setting at it`));
        } else if (/not a git repository/i.test(errText)) {
          reject(new GitError('not-a-repo', `${opts.cwd} is not inside a git repository`, errText));
        } else {
          reject(new GitError('failed', `git ${args.join(' ')} failed: ${errText || err.message}`, errText));
        }
      },
    );
  });
}

async function gitText(args: readonly string[], opts: GitOptions): Promise<string> {
  return (await runGit(args, opts)).toString('utf8');
}

/** Absolute path of the working tree root containing `dir`. */
export async function repoRoot(dir: string, gitPath?: string): Promise<string> {
  return path.resolve((await gitText(['rev-parse', '--show-toplevel'], { cwd: dir, gitPath })).trim());
}

/** The repository root for a file, or undefined when it is not in a repository (or git is missing). */
export async function repoRootOrUndefined(dir: string, gitPath?: string): Promise<string | undefined> {
  try {
    return await repoRoot(dir, gitPath);
  } catch (e) {
    if (e instanceof GitError) return undefined;
    throw e;
  }
}

export interface ChangedPath {
  /** Path relative to the repository root, `/`-separated. */
  path: string;
  /** The path before a rename or copy. */
  from?: string;
  status: 'added' | 'modified' | 'renamed' | 'copied' | 'untracked';
}

function parseNameStatus(out: string): ChangedPath[] {
  const parts = out.split('\0');
  const result: ChangedPath[] = [];
  for (let i = 0; i + 1 < parts.length; ) {
    const code = parts[i];
    const letter = code.charAt(0);
    if (letter === 'R' || letter === 'C') {
      result.push({ path: parts[i + 2], from: parts[i + 1], status: letter === 'R' ? 'renamed' : 'copied' });
      i += 3;
    } else {
      result.push({ path: parts[i + 1], status: letter === 'A' ? 'added' : 'modified' });
      i += 2;
    }
  }
  return result;
}

const DIFF_FLAGS = ['--no-color', '--no-ext-diff', '--no-textconv', '--text', '-M', '--ignore-submodules'];

/**
 * Which changes to review: the index against HEAD (what the next commit adds), the working
 * tree against HEAD (untracked files included), or HEAD against its merge base with `base`
 * (what a branch or pull request adds, for CI).
 */
export type ChangeScope = { kind: 'staged' } | { kind: 'working-tree' } | { kind: 'since'; base: string };

function rangeArgs(scope: ChangeScope, head: string): string[] {
  if (scope.kind === 'staged') return ['--cached'];
  if (scope.kind === 'since') return [`${scope.base}...HEAD`];
  return [head];
}

/** Refuse a base that git would read as an option, or that names no commit, with a clear message. */
export async function verifyBase(root: string, base: string, gitPath?: string): Promise<void> {
  if (base === '' || base.startsWith('-') || /[\s\0]/.test(base)) throw new GitError('failed', `"${base}" is not a revision`);
  try {
    await runGit(['rev-parse', '--verify', '--quiet', '--end-of-options', `${base}^{commit}`], { cwd: root, gitPath });
  } catch (e) {
    if (e instanceof GitError && e.kind === 'git-missing') throw e;
    throw new GitError('failed', `"${base}" names no commit in ${root} (in CI, fetch it first, e.g. git fetch origin main)`);
  }
}

/** Dataset-relevant changed files in `scope`, relative to the root. */
export async function changedFiles(root: string, scope: ChangeScope, gitPath?: string): Promise<ChangedPath[]> {
  const opts = { cwd: root, gitPath };
  const head = scope.kind === 'working-tree' ? await headOrEmptyTree(root, gitPath) : 'HEAD';
  const tracked = parseNameStatus(await gitText(['diff', ...rangeArgs(scope, head), '--name-status', '-z', '--diff-filter=ACMR', ...DIFF_FLAGS], opts));
  if (scope.kind !== 'working-tree') return tracked;
  const untracked = (await gitText(['ls-files', '--others', '--exclude-standard', '-z'], opts))
    .split('\0')
    .filter((p) => p !== '')
    .map((p): ChangedPath => ({ path: p, status: 'untracked' }));
  return [...tracked, ...untracked];
}

async function headOrEmptyTree(root: string, gitPath?: string): Promise<string> {
  try {
    await runGit(['rev-parse', '--verify', '--quiet', 'HEAD'], { cwd: root, gitPath });
    return 'HEAD';
  } catch {
    return EMPTY_TREE;
  }
}

/** The staged content (index blob) of `relPath`, as bytes, exactly as the commit will hold it. */
export function stagedBlob(root: string, relPath: string, gitPath?: string): Promise<Buffer> {
  return runGit(['cat-file', 'blob', `:${relPath}`], { cwd: root, gitPath });
}

/** The committed content of `relPath` at HEAD. */
export function headBlob(root: string, relPath: string, gitPath?: string): Promise<Buffer> {
  return runGit(['cat-file', 'blob', `HEAD:${relPath}`], { cwd: root, gitPath });
}

/**
 * The zero-context diff of one file in `scope`. For a rename both paths are given so git
 * pairs them and only real changes show.
 */
export async function zeroContextDiff(root: string, file: ChangedPath, scope: ChangeScope, gitPath?: string): Promise<string> {
  const paths = file.from ? [file.from, file.path] : [file.path];
  const head = scope.kind === 'working-tree' ? await headOrEmptyTree(root, gitPath) : 'HEAD';
  return gitText(['diff', ...rangeArgs(scope, head), '-U0', ...DIFF_FLAGS, '--', ...paths], { cwd: root, gitPath });
}

/** "Name <email>" from git config, or undefined when neither is set. */
export async function gitUser(cwd: string, gitPath?: string): Promise<string | undefined> {
  const get = async (key: string): Promise<string> => {
    try {
      return (await gitText(['config', '--get', key], { cwd, gitPath })).trim();
    } catch {
      return '';
    }
  };
  const [name, email] = await Promise.all([get('user.name'), get('user.email')]);
  if (!name && !email) return undefined;
  return email ? `${name || email} <${email}>` : name;
}

/** Directory git runs hooks from: `core.hooksPath` when set (relative to the root), else the repository's hooks directory. */
export async function hooksDir(root: string, gitPath?: string): Promise<string> {
  let configured = '';
  try {
    configured = (await gitText(['config', '--get', 'core.hooksPath'], { cwd: root, gitPath })).trim();
  } catch {
    // unset: git exits 1
  }
  if (configured) {
    const expanded = configured.startsWith('~/') ? path.join(process.env.HOME ?? '', configured.slice(2)) : configured;
    return path.resolve(root, expanded);
  }
  const p = (await gitText(['rev-parse', '--git-path', 'hooks'], { cwd: root, gitPath })).trim();
  return path.resolve(root, p);
}
