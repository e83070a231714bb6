/**
 * Hover on any scanned row: the row's numbers in words, with similar rows from the server
 * and command links. The MarkdownString is trusted for our row commands only.
 */
import * as vscode from 'vscode';
import { Methods, type RowDetails, type RowDetailsParams } from '../../shared/protocol';
import type { ServerConnection } from '../client/serverConnection';
import { HOVER_LINK_COMMANDS } from '../commandTable';
import type { DatasetStore } from '../results/datasetState';
import type { ReviewDecisionStore } from '../reviewDecisions';
import { hoverMarkdown } from './hoverMarkdown';

/** How long a hover waits for the server's similar rows before showing without them (ms). */
export const DETAILS_TIMEOUT_MS = 800;

export class RowHoverProvider implements vscode.HoverProvider {
  constructor(
    private readonly store: DatasetStore,
    private readonly server: ServerConnection,
    private readonly decisions: ReviewDecisionStore,
  ) {}

  async provideHover(doc: vscode.TextDocument, position: vscode.Position, token: vscode.CancellationToken): Promise<vscode.Hover | undefined> {
    const uri = doc.uri.toString();
    const entry = this.store.get(uri);
    const tracker = entry?.tracker;
    if (!entry?.result || !tracker) return undefined;
    const index = tracker.rowAtLine(position.line);
    if (index < 0) return undefined;
    const record = tracker.records[index];
    const details = await this.details(uri, record.row, token);
    if (token.isCancellationRequested) return undefined;
    const md = new vscode.MarkdownString(hoverMarkdown({
      uri,
      record,
      trainedRows: entry.result.data.trainRows,
      windowLabels: entry.result.windows.labels,
      details,
      stale: entry.stale,
      decision: this.decisions.decisionFor(uri, record.hash)?.decision,
      canEdit: !doc.isClosed,
      approximation: entry.result.approximation,
    }));
    md.isTrusted = { enabledCommands: [...HOVER_LINK_COMMANDS] };
    md.supportHtml = false;
    return new vscode.Hover(md, new vscode.Range(tracker.startLine(index), 0, tracker.endLine(index), Number.MAX_SAFE_INTEGER));
  }

  private async details(uri: string, row: number, token: vscode.CancellationToken): Promise<RowDetails | undefined> {
    if (!this.server.running) return undefined;
    const params: RowDetailsParams = { uri, row };
    const source = new vscode.CancellationTokenSource();
    const sub = token.onCancellationRequested(() => source.cancel());
    const timer = setTimeout(() => source.cancel(), DETAILS_TIMEOUT_MS);
    try {
      return await this.server.request<RowDetails>(Methods.rowDetails, params, source.token);
    } catch {
      // Details are an extra: the hover still shows the scan's own numbers.
      return undefined;
    } finally {
      clearTimeout(timer);
      sub.dispose();
      source.dispose();
    }
  }
}
