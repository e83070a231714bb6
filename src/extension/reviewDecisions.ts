/**
 * Review decisions as the editor sees them: read from and written to the workspace's
 * `.influence-lens/` review files (the same files the CLI's `check` reads), cached per
 * dataset so hovers and the tree can ask synchronously. In an untrusted workspace, or for
 * unsaved documents, decisions are kept in memory only and the user is told once.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { readDecisions, recordDecisions, reviewRootFor, type DecisionInput } from '../core/review/decisions';
import { REVIEW_DIR, REVIEW_SUFFIX } from '../core/review/reviewFile';
import type { DecisionKind, ReviewDecision } from '../core/review/types';

export class ReviewDecisionStore implements vscode.Disposable {
  private readonly cache = new Map<string, Map<string, ReviewDecision>>();
  private readonly loading = new Map<string, Promise<void>>();
  private readonly changed = new vscode.EventEmitter<string>();
  /** Fires with the dataset URI whose decisions changed. */
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [];
  private warnedMemoryOnly = false;

  constructor(private readonly output: vscode.OutputChannel) {
    const watcher = vscode.workspace.createFileSystemWatcher(`**/${REVIEW_DIR}/*${REVIEW_SUFFIX}`);
    const reloadAll = (): void => { for (const uri of [...this.cache.keys()]) void this.reload(uri); };
    this.disposables.push(watcher, watcher.onDidChange(reloadAll), watcher.onDidCreate(reloadAll), watcher.onDidDelete(reloadAll), this.changed);
  }

  /** The decision on a row's content, if loaded; starts loading the dataset's file otherwise. */
  decisionFor(uri: string, hash: string): ReviewDecision | undefined {
    const map = this.cache.get(uri);
    if (!map) {
      void this.reload(uri);
      return undefined;
    }
    return map.get(hash);
  }

  private persistent(uri: vscode.Uri): boolean {
    return uri.scheme === 'file' && vscode.workspace.isTrusted;
  }

  /** The repository root (else the workspace folder, else the file's folder): where the CLI's check looks too. */
  private async rootFor(uri: vscode.Uri): Promise<string> {
    try {
      return await reviewRootFor(uri.fsPath, vscode.workspace.getWorkspaceFolder(uri)?.uri.fsPath);
    } catch {
      return vscode.workspace.getWorkspaceFolder(uri)?.uri.fsPath ?? path.dirname(uri.fsPath);
    }
  }

  private reload(uriString: string): Promise<void> {
    const running = this.loading.get(uriString);
    if (running) return running;
    const uri = vscode.Uri.parse(uriString);
    const run = (async () => {
      if (!this.persistent(uri)) {
        if (!this.cache.has(uriString)) this.cache.set(uriString, new Map());
        return;
      }
      try {
        const loaded = await readDecisions(await this.rootFor(uri), uri.fsPath);
        for (const p of loaded.problems) this.output.appendLine(p.message);
        this.cache.set(uriString, loaded.content.decisions);
      } catch (e) {
        this.output.appendLine(`Review decisions for ${uri.fsPath}: ${e instanceof Error ? e.message : String(e)}`);
        if (!this.cache.has(uriString)) this.cache.set(uriString, new Map());
      }
      this.changed.fire(uriString);
    })().finally(() => this.loading.delete(uriString));
    this.loading.set(uriString, run);
    return run;
  }

  /** Record decisions on rows of a dataset (hash = the row's content hash at scan time). */
  async record(uriString: string, inputs: readonly DecisionInput[]): Promise<void> {
    const uri = vscode.Uri.parse(uriString);
    await this.reload(uriString);
    const map = this.cache.get(uriString) ?? new Map<string, ReviewDecision>();
    if (!this.persistent(uri)) {
      if (!this.warnedMemoryOnly) {
        this.warnedMemoryOnly = true;
        void vscode.window.showInformationMessage(vscode.workspace.isTrusted
          ? 'Influence Lens: review decisions on an unsaved file are kept for this session only.'
          : 'Influence Lens: this workspace is not trusted, so review decisions are kept for this session only and not written to .influence-lens/.');
      }
      const at = new Date().toISOString();
      for (const d of inputs) {
        if (d.decision === 'clear') map.delete(d.hash);
        else map.set(d.hash, { decision: d.decision, row: d.row, by: 'you', at, ...(d.comment ? { comment: d.comment } : {}) });
      }
      this.cache.set(uriString, map);
      this.changed.fire(uriString);
      return;
    }
    const { file, problems } = await recordDecisions(await this.rootFor(uri), uri.fsPath, inputs);
    for (const p of problems) void vscode.window.showWarningMessage(`Influence Lens: ${p.message}`);
    this.output.appendLine(`Recorded ${inputs.length} review decision(s) in ${file}`);
    this.cache.delete(uriString);
    await this.reload(uriString);
  }

  async decide(uri: string, hash: string, row: number, decision: DecisionKind): Promise<void> {
    await this.record(uri, [{ hash, row, decision }]);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
