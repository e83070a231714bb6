/**
 * Real temporary git repositories for the review tests (the `git` binary, no mocks).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const DATASETS = path.resolve(__dirname, '../../../../shared/datasets');

// A test run started from inside a git hook would otherwise point every git call at that repository.
for (const k of ['GIT_DIR', 'GIT_INDEX_FILE', 'GIT_WORK_TREE', 'GIT_PREFIX', 'GIT_OBJECT_DIRECTORY']) delete process.env[k];

export interface TempRepo {
  root: string;
  git(...args: string[]): string;
  write(rel: string, content: string | Uint8Array): string;
  read(rel: string): string;
  cleanup(): void;
}

export function tempRepo(prefix = 'il-review-'): TempRepo {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
  const git = (...args: string[]): string =>
    execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  git('init', '-q', '-b', 'main');
  git('config', 'user.name', 'Test Reviewer');
  git('config', 'user.email', 'reviewer@example.com');
  git('config', 'commit.gpgsign', 'false');
  git('config', 'core.autocrlf', 'false');
  return {
    root,
    git,
    write(rel, content) {
      const p = path.join(root, rel);
      fs.mkdirSync(path.dirname(p), { recursive: true });
      fs.writeFileSync(p, content);
      return p;
    },
    read: (rel) => fs.readFileSync(path.join(root, rel), 'utf8'),
    cleanup: () => fs.rmSync(root, { recursive: true, force: true }),
  };
}

export function dataset(name: string): string {
  return fs.readFileSync(path.join(DATASETS, name), 'utf8');
}

export function flips(name: string): number[] {
  return (JSON.parse(fs.readFileSync(path.join(DATASETS, name), 'utf8')) as { rows: number[] }).rows;
}
