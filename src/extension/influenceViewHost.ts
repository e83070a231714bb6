/**
 * Opens the Influence View (src/extension/influenceView.ts) for a dataset and keeps open
 * panels in step with new results. The page's actions come back here and go through the
 * same row actions as hovers and quick fixes (undoable edits, review store).
 */
import * as vscode from 'vscode';
import type { ScanResult } from '../core/report/types';
import { Methods, type ResultResponse, type RowDetails } from '../shared/protocol';
import type { ServerConnection } from './client/serverConnection';
import type { ComputeFlow } from './computeFlow';
import { InfluenceViewPanel, type ViewActions } from './influenceView';
import type { DatasetStore } from './results/datasetState';
import type { RowActions } from './rowActions';

export class InfluenceViewHost implements vscode.Disposable {
  private readonly panels = new Map<string, InfluenceViewPanel>();
  private readonly serializer: vscode.Disposable;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly store: DatasetStore,
    private readonly server: ServerConnection,
    private readonly rows: RowActions,
    private readonly flow: ComputeFlow,
  ) {
    this.serializer = InfluenceViewPanel.registerSerializer(context, async (docUri) => {
      const result = this.store.get(docUri.toString())?.result ?? (await this.fetch(docUri.toString()));
      return result ? { result, actions: this.actionsFor(docUri) } : undefined;
    });
  }

  private async fetch(uri: string): Promise<ScanResult | undefined> {
    try {
      await this.server.ensureRunning();
      return (await this.server.request<ResultResponse | null>(Methods.result, { uri }))?.result;
    } catch {
      return undefined;
    }
  }

  actionsFor(docUri: vscode.Uri): ViewActions {
    const uri = docUri.toString();
    return {
      reveal: (row) => void this.rows.reveal(uri, row),
      markReviewed: (row) => void this.rows.markReviewed(uri, row),
      removeRow: (row) => void this.rows.removeRow(uri, row),
      relabel: (row, label) => void this.rows.relabel(uri, row, label),
      verify: (rows) => this.flow.verify(docUri, rows),
      rowCells: async (row) => {
        if (!this.server.running) return undefined;
        return (await this.server.request<RowDetails>(Methods.rowDetails, { uri, row })).cells;
      },
    };
  }

  show(docUri: vscode.Uri): void {
    const result = this.store.get(docUri.toString())?.result;
    if (!result) {
      void vscode.window.showInformationMessage('Influence Lens: compute influence for this file first; the Influence View shows its results.');
      return;
    }
    this.panels.set(docUri.toString(), InfluenceViewPanel.createOrShow(this.context.extensionUri, docUri, result, this.actionsFor(docUri)));
  }

  /** A new result for a dataset whose panel was opened: send it to the page. */
  resultChanged(uri: string, result: ScanResult): void {
    const panel = this.panels.get(uri);
    if (!panel) return;
    try {
      panel.update(result);
    } catch {
      // The user closed the panel; it reopens on the next "Show Influence View".
      this.panels.delete(uri);
    }
  }

  dispose(): void {
    this.serializer.dispose();
  }
}
