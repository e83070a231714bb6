/**
 * "Install Git Pre-commit Hook": asks first, never replaces another hook without a second,
 * explicit choice (and then keeps a backup), and does nothing in Restricted Mode.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { installPreCommitHook, preCommitHookPath } from '../../core/review/hook';
import { findRepositories } from './gitApi';

async function pickRepository(): Promise<{ root: string; gitPath?: string } | { error: string } | undefined> {
  const repos = await findRepositories();
  if ('error' in repos) return repos;
  if (repos.roots.length === 1) return { root: repos.roots[0], gitPath: repos.gitPath };
  const picked = await vscode.window.showQuickPick(
    repos.roots.map((r) => ({ label: path.basename(r), description: r, root: r })),
    { title: 'Install the Influence Lens pre-commit hook in which repository?' },
  );
  return picked ? { root: picked.root, gitPath: repos.gitPath } : undefined;
}

export async function installHookCommand(): Promise<void> {
  if (!vscode.workspace.isTrusted) {
    void vscode.window.showErrorMessage('Influence Lens does not install git hooks in Restricted Mode. Trust this workspace first.');
    return;
  }
  const repo = await pickRepository();
  if (!repo) return;
  if ('error' in repo) {
    void vscode.window.showErrorMessage(`Cannot install the pre-commit hook: ${repo.error}.`);
    return;
  }
  const hookPath = await preCommitHookPath(repo.root, repo.gitPath);
  const install = 'Install';
  const ok = await vscode.window.showInformationMessage(
    `Install a git pre-commit hook in ${path.basename(repo.root)}?`,
    { modal: true, detail: `It is written to ${hookPath} and runs "influence-lens check --staged" before each commit, stopping the commit while staged dataset rows are flagged and unreviewed (skip once with git commit --no-verify).` },
    install,
  );
  if (ok !== install) return;
  let res = await installPreCommitHook(repo.root, { gitPath: repo.gitPath });
  if (res.status === 'exists') {
    const show = 'Show Existing Hook';
    const replace = 'Replace (Keep a Backup)';
    const choice = await vscode.window.showWarningMessage(
      'A pre-commit hook already exists in this repository.',
      { modal: true, detail: `${res.path} was written by someone else and has been left unchanged. You can add "npx --no-install influence-lens check --staged" to it yourself, or replace it (the current file is kept beside it as a backup).` },
      show,
      replace,
    );
    if (choice === show) {
      await vscode.window.showTextDocument(vscode.Uri.file(res.path), { preview: true });
      return;
    }
    if (choice !== replace) return;
    res = await installPreCommitHook(repo.root, { gitPath: repo.gitPath, force: true });
  }
  const done: Record<typeof res.status, string> = {
    installed: `Pre-commit hook installed: ${res.path}`,
    updated: `Pre-commit hook updated: ${res.path}`,
    unchanged: `The pre-commit hook is already installed: ${res.path}`,
    replaced: `Pre-commit hook installed; the previous hook was kept as ${res.backup ? path.basename(res.backup) : 'a backup'}.`,
    exists: `A pre-commit hook already exists at ${res.path}; left unchanged.`,
  };
  void vscode.window.showInformationMessage(done[res.status]);
}
