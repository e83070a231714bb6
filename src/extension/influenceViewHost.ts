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

  /** Open (or reveal) the dataset's panel; with `row`, select that row in it. */
  show(docUri: vscode.Uri, row?: number): void {
    const result = this.store.get(docUri.toString())?.result;
    if (!result) {
      void vscode.window.showInformationMessage('Influence Lens: compute influence for this file first; the Influence View shows its results.');
      return;
    }
    const panel = InfluenceViewPanel.createOrShow(this.context.extensionUri, docUri, result, this.actionsFor(docUri));
    if (row !== undefined) panel.select(row);
  }

  /** A new result for a dataset whose panel is open (or restored): send it to the page. */
  resultChanged(uri: string, result: ScanResult): void {
    InfluenceViewPanel.forDocument(vscode.Uri.parse(uri))?.update(result);
  }

  dispose(): void {
    this.serializer.dispose();
  }
}
