/**
 * The Flagged Rows view: every scanned dataset, its flagged rows grouped by review state.
 * Rebuilt (debounced) when results, row positions or decisions change.
 */
import * as vscode from 'vscode';
import { Commands, type RowCommandArgs } from '../commandTable';
import { baseName } from '../datasetFiles';
import type { DatasetStore } from '../results/datasetState';
import type { ReviewDecisionStore } from '../reviewDecisions';
import type { RowRecord } from '../../core/report/types';
import type { ReviewDecision } from '../../core/review/types';
import { buildTree, childrenOf, mergeStaged, type FileInput, type ReviewGroup, type TreeNode, type TreeRowInput } from './flaggedTreeModel';

export const VIEW_ID = 'influenceLens.flaggedRows';
/** Debounce of tree rebuilds while typing (ms). */
export const TREE_REFRESH_MS = 250;

export class FlaggedRowsTree implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private roots: TreeNode[] = [];
  private readonly parents = new Map<string, TreeNode>();
  private readonly changed = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  readonly view: vscode.TreeView<TreeNode>;
  private readonly disposables: vscode.Disposable[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** Rows from "Review Staged Data", per dataset URI. */
  private readonly staged = new Map<string, TreeRowInput[]>();

  constructor(private readonly store: DatasetStore, private readonly decisions: ReviewDecisionStore) {
    this.view = vscode.window.createTreeView(VIEW_ID, { treeDataProvider: this, showCollapseAll: true });
    this.disposables.push(this.view, this.changed, store.onDidChange(() => this.schedule()), decisions.onDidChange(() => this.schedule()));
    this.rebuild();
  }

  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.rebuild(), TREE_REFRESH_MS);
  }

  /** Show the flagged rows among a file's staged changes (an empty list clears them). */
  setStaged(uri: string, rows: readonly RowRecord[], decisions: ReadonlyMap<number, ReviewDecision>): void {
    if (rows.length === 0) this.staged.delete(uri);
    else {
      this.staged.set(uri, rows.map((r) => {
        const d = decisions.get(r.row)?.decision;
        const group: ReviewGroup = d === 'keep' || d === 'ignore' ? 'kept' : d === 'fixed' ? 'fixed' : 'beforeCommit';
        return { uri, row: r.row, hash: r.hash, line: r.line, label: r.label, predicted: r.predicted, influence: r.influence, looLoss: r.looLoss, trainLoss: r.trainLoss, rankHarmful: r.rankHarmful, reasons: r.reasons, group };
      }));
    }
    this.schedule();
  }

  private groupOf(uri: string, hash: string, alive: boolean): ReviewGroup {
    if (!alive) return 'fixed';
    const d = this.decisions.decisionFor(uri, hash)?.decision;
    if (d === 'fixed') return 'fixed';
    if (d === 'keep' || d === 'ignore') return 'kept';
    return 'toReview';
  }

  private rebuild(): void {
    const files: FileInput[] = [];
    const uris = new Set([...this.store.withResults().map((e) => e.uri), ...this.staged.keys()]);
    for (const uri of uris) {
      const entry = this.store.get(uri);
      const staged = this.staged.get(uri) ?? [];
      if (!entry?.tracker) {
        files.push({ uri, name: baseName(vscode.Uri.parse(uri).path), rows: staged });
        continue;
      }
      const tracker = entry.tracker!;
      const rows: TreeRowInput[] = [];
      tracker.records.forEach((r, i) => {
        if (!r.flagged) return;
        const alive = tracker.isAlive(i);
        rows.push({
          uri: entry.uri, row: r.row, hash: r.hash, line: alive ? tracker.startLine(i) + 1 : 0,
          label: r.label, predicted: r.predicted, influence: r.influence, looLoss: r.looLoss, trainLoss: r.trainLoss,
          rankHarmful: r.rankHarmful, reasons: r.reasons, group: this.groupOf(entry.uri, r.hash, alive),
        });
      });
      files.push({ uri, name: baseName(vscode.Uri.parse(uri).path), rows: mergeStaged(rows, staged) });
    }
    this.roots = buildTree(files);
    this.parents.clear();
    for (const f of this.roots) {
      for (const g of childrenOf(f)) {
        this.parents.set(g.key, f);
        for (const r of childrenOf(g)) this.parents.set(r.key, g);
      }
    }
    void vscode.commands.executeCommand('setContext', 'influenceLens.anyResults', this.roots.length > 0);
    this.changed.fire(undefined);
  }

  /** The first row still to review, for "Review Flagged Rows". */
  firstToReview(preferUri?: string): TreeNode | undefined {
    const files = preferUri ? [...this.roots].sort((a, b) => Number(b.key === preferUri) - Number(a.key === preferUri)) : this.roots;
    for (const f of files) {
      for (const g of childrenOf(f)) {
        if (g.kind === 'group' && (g.group === 'beforeCommit' || g.group === 'toReview') && g.rows.length > 0) return g.rows[0];
      }
    }
    return undefined;
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    if (node.kind === 'file') {
      const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.Expanded);
      item.id = node.key;
      item.description = node.description;
      item.resourceUri = vscode.Uri.parse(node.uri);
      item.iconPath = vscode.ThemeIcon.File;
      item.contextValue = 'dataset';
      return item;
    }
    if (node.kind === 'group') {
      const item = new vscode.TreeItem(node.label, node.group === 'toReview' || node.group === 'beforeCommit' ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
      item.id = node.key;
      item.iconPath = new vscode.ThemeIcon(node.group === 'beforeCommit' ? 'git-commit' : node.group === 'toReview' ? 'circle-large-outline' : node.group === 'kept' ? 'pass' : 'wrench');
      item.contextValue = `group.${node.group}`;
      return item;
    }
    const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.None);
    item.id = node.key;
    item.description = node.description;
    item.tooltip = node.tooltip;
    item.iconPath = new vscode.ThemeIcon(node.input.reasons.includes('harmful') ? 'warning' : 'question');
    item.contextValue = `row.${node.input.group}`;
    const args: RowCommandArgs & { line: number } = { uri: node.input.uri, row: node.input.row, hash: node.input.hash, line: node.input.line };
    item.command = { command: Commands.revealRow, title: 'Reveal Row', arguments: [args] };
    return item;
  }

  getChildren(node?: TreeNode): TreeNode[] {
    return node ? childrenOf(node) : this.roots;
  }

  getParent(node: TreeNode): TreeNode | undefined {
    return this.parents.get(node.key);
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const d of this.disposables) d.dispose();
  }
}
