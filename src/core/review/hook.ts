/**
 * The git pre-commit hook: a POSIX sh script that runs `influence-lens check --staged`.
 * It is installed only where nothing else is (or when forced, keeping a backup), because a
 * repository's existing hook is somebody's work.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { hooksDir } from './git';

/** Marks a hook as ours, so re-installing updates it instead of refusing. */
export const HOOK_MARKER = '# influence-lens pre-commit hook';

/** The hook's text (LF line endings: sh on Windows' Git Bash reads them too). */
export function preCommitHookContent(): string {
  return [
    '#!/bin/sh',
    HOOK_MARKER,
    '# Stops a commit while staged dataset rows (CSV/TSV/JSONL) are flagged by Influence Lens',
    '# as harmful or label-suspect and nobody has reviewed them. Review them in VS Code',
    '# ("Influence Lens: Review Staged Data"), or skip this check once: git commit --no-verify',
    'if command -v npx >/dev/null 2>&1; then',
    '  exec npx --no-install influence-lens check --staged',
    'fi',
    'if [ -x ./node_modules/.bin/influence-lens ]; then',
    '  exec ./node_modules/.bin/influence-lens check --staged',
    'fi',
    'echo "influence-lens pre-commit: the influence-lens CLI was not found (neither npx nor ./node_modules/.bin)." >&2',
    'echo "Install it in this repository, or skip the check once with: git commit --no-verify" >&2',
    'exit 1',
    '',
  ].join('\n');
}

export type HookInstallStatus = 'installed' | 'updated' | 'unchanged' | 'exists' | 'replaced';

export interface HookInstallResult {
  status: HookInstallStatus;
  /** Absolute path of the hook file. */
  path: string;
  /** For 'replaced': where the previous hook was kept. */
  backup?: string;
  /** For 'exists': the current hook's text, to show the user. */
  existing?: string;
}

export interface HookInstallOptions {
  /** Replace a hook that is not ours (it is kept as `pre-commit.backup-<timestamp>`). */
  force?: boolean;
  gitPath?: string;
  now?: () => Date;
}

/** Where git looks for the pre-commit hook of the repository at `root` (honours `core.hooksPath`). */
export async function preCommitHookPath(root: string, gitPath?: string): Promise<string> {
  return path.join(await hooksDir(root, gitPath), 'pre-commit');
}

/**
 * Install the hook. An existing hook that is not ours is left alone (status 'exists', with its
 * text) unless `force`; one of ours is brought up to date. The file is written atomically and
 * made executable.
 */
export async function installPreCommitHook(root: string, opts: HookInstallOptions = {}): Promise<HookInstallResult> {
  const file = await preCommitHookPath(root, opts.gitPath);
  const content = preCommitHookContent();
  let existing: string | undefined;
  try {
    existing = await fs.readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  let status: HookInstallStatus = 'installed';
  let backup: string | undefined;
  if (existing !== undefined) {
    if (existing === content) return { status: 'unchanged', path: file };
    if (existing.includes(HOOK_MARKER)) {
      status = 'updated';
    } else if (!opts.force) {
      return { status: 'exists', path: file, existing };
    } else {
      backup = `${file}.backup-${(opts.now ?? (() => new Date()))().toISOString().replace(/[:.]/g, '-')}`;
      await fs.copyFile(file, backup, fs.constants.COPYFILE_EXCL);
      status = 'replaced';
    }
  }
  await fs.mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  await fs.writeFile(tmp, content, { encoding: 'utf8', mode: 0o755, flag: 'wx' });
  try {
    await fs.chmod(tmp, 0o755);
    await fs.rename(tmp, file);
  } catch (e) {
    await fs.rm(tmp, { force: true });
    throw e;
  }
  return backup ? { status, path: file, backup } : { status, path: file };
}
