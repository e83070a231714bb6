/**
 * The status bar item: the state of the dataset in the active editor (see statusModel).
 * Hidden when the active editor is not a dataset and nothing runs.
 */
import * as vscode from 'vscode';
import type { DatasetStore } from '../results/datasetState';
import { statusView, type DatasetStatus } from './statusModel';

export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('influenceLens.status', vscode.StatusBarAlignment.Left, 10);
  private readonly disposables: vscode.Disposable[] = [];
  private serverDown: string | undefined;

  constructor(private readonly store: DatasetStore, private readonly isDataset: (doc: vscode.TextDocument) => boolean) {
    this.item.name = 'Influence Lens';
    this.disposables.push(
      this.item,
      store.onDidChange(() => this.render()),
      vscode.window.onDidChangeActiveTextEditor(() => this.render()),
    );
    this.render();
  }

  /** Shown instead of the dataset's own status while the server is down (undefined = up). */
  setServerDown(message: string | undefined): void {
    this.serverDown = message;
    this.render();
  }

  render(): void {
    const doc = vscode.window.activeTextEditor?.document;
    const dataset = doc && this.isDataset(doc);
    const entry = doc ? this.store.get(doc.uri.toString()) : undefined;
    const running = entry?.status.kind === 'running';
    void vscode.commands.executeCommand('setContext', 'influenceLens.datasetActive', Boolean(dataset));
    void vscode.commands.executeCommand('setContext', 'influenceLens.hasResults', Boolean(entry?.result));
    void vscode.commands.executeCommand('setContext', 'influenceLens.running', this.store.all().some((e) => e.status.kind === 'running'));
    if (!dataset && !running) {
      this.item.hide();
      return;
    }
    const status: DatasetStatus = this.serverDown && !running ? { kind: 'serverDown', message: this.serverDown } : entry?.status ?? { kind: 'idle' };
    const view = statusView(status);
    this.item.text = view.text;
    this.item.tooltip = view.tooltip;
    this.item.command = view.command && { command: view.command, title: view.text, arguments: doc ? [doc.uri] : [] };
    this.item.backgroundColor = view.tone === 'error' ? new vscode.ThemeColor('statusBarItem.errorBackground')
      : view.tone === 'warning' ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.show();
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
