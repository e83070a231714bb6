/**
 * What a user can do to one scanned row, whichever UI asked (hover link, code action, tree,
 * Influence View): reveal it, mark it reviewed, remove it, relabel it. Edits are single
 * WorkspaceEdits (one Ctrl+Z), computed against the current text and refused when the row's
 * content no longer matches the scan.
 */
import * as vscode from 'vscode';
import type { RowRecord } from '../core/report/types';
import { planRowEdit, type RowAction } from './edits/rowActions';
import type { DatasetDocuments } from './results/datasetDocuments';
import type { DatasetEntry, DatasetStore } from './results/datasetState';
import type { ReviewDecisionStore } from './reviewDecisions';

export interface LocatedRow { entry: DatasetEntry; index: number; record: RowRecord }

export class RowActions {
  constructor(
    private readonly store: DatasetStore,
    private readonly documents: DatasetDocuments,
    private readonly decisions: ReviewDecisionStore,
  ) {}

  /** The scanned row `row` of a document; with `hash`, only if it is still the same content. */
  locate(uri: string, row: number, hash?: string): LocatedRow | undefined {
    const entry = this.store.get(uri);
    if (!entry?.tracker) return undefined;
    const index = entry.tracker.records.findIndex((r) => r.row === row);
    if (index < 0) return undefined;
    const record = entry.tracker.records[index];
    if (hash && record.hash !== hash) return undefined;
    return { entry, index, record };
  }

  private async document(uri: string): Promise<vscode.TextDocument> {
    return vscode.workspace.openTextDocument(vscode.Uri.parse(uri));
  }

  async reveal(uri: string, row: number, hash?: string, fallbackLine?: number): Promise<void> {
    const found = this.locate(uri, row, hash || undefined);
    let range: vscode.Range | undefined;
    if (found && found.entry.tracker!.isAlive(found.index)) {
      const t = found.entry.tracker!;
      range = new vscode.Range(t.startLine(found.index), 0, t.endLine(found.index), Number.MAX_SAFE_INTEGER);
    } else if (fallbackLine !== undefined && fallbackLine > 0 && (!found || !hash)) {
      range = new vscode.Range(fallbackLine - 1, 0, fallbackLine - 1, Number.MAX_SAFE_INTEGER);
    }
    if (!range) {
      void vscode.window.showInformationMessage(`Influence Lens: row ${row + 1} was edited or removed since the scan.`);
      return;
    }
    let doc: vscode.TextDocument;
    try {
      doc = await this.document(uri);
    } catch (e) {
      // Files over 50 MB cannot be opened by extensions; their rows are listed but not shown.
      void vscode.window.showWarningMessage(`Influence Lens: cannot open the file to show row ${row + 1}: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    // Reveal where the file is already shown, so a webview beside it (the Influence View) stays visible.
    const shown = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === uri);
    const column = shown?.viewColumn ?? (vscode.window.activeTextEditor ? vscode.window.activeTextEditor.viewColumn : vscode.ViewColumn.One);
    const editor = await vscode.window.showTextDocument(doc, { preview: false, viewColumn: column });
    const valid = doc.validateRange(range);
    editor.selection = new vscode.Selection(valid.start, valid.end);
    editor.revealRange(valid, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }

  /** The edit for an action on a located row, or the reason it cannot be made. */
  editFor(doc: vscode.TextDocument, found: LocatedRow, action: RowAction): vscode.WorkspaceEdit | string {
    const tracker = found.entry.tracker!;
    const result = found.entry.result!;
    if (!tracker.isAlive(found.index)) return `row ${found.record.row + 1} was edited or removed since the scan`;
    const table = this.documents.table(doc);
    if (!table) return 'the file does not parse as it is now; fix it or compute again';
    const plan = planRowEdit(doc.getText(), table, found.record.hash, tracker.startLine(found.index), result.data.labelColumn, action);
    if (!plan.ok) return plan.reason;
    const edit = new vscode.WorkspaceEdit();
    const { startOffset, endOffset, newText } = plan.edit;
    edit.replace(doc.uri, new vscode.Range(doc.positionAt(startOffset), doc.positionAt(endOffset)), newText, {
      needsConfirmation: false,
      label: action.kind === 'remove' ? `Remove row ${found.record.row + 1}` : `Relabel row ${found.record.row + 1}`,
    });
    return edit;
  }

  private async applyAction(uri: string, row: number, hash: string, action: RowAction): Promise<boolean> {
    const found = this.locate(uri, row, hash || undefined);
    if (!found) {
      void vscode.window.showWarningMessage(`Influence Lens: row ${row + 1} is not in the current results; compute again.`);
      return false;
    }
    const doc = await this.document(uri);
    const edit = this.editFor(doc, found, action);
    if (typeof edit === 'string') {
      void vscode.window.showWarningMessage(`Influence Lens: ${edit}.`);
      return false;
    }
    return vscode.workspace.applyEdit(edit);
  }

  removeRow(uri: string, row: number, hash = ''): Promise<boolean> {
    return this.applyAction(uri, row, hash, { kind: 'remove' });
  }

  relabel(uri: string, row: number, label: string, hash = ''): Promise<boolean> {
    return this.applyAction(uri, row, hash, { kind: 'relabel', label });
  }

  async markReviewed(uri: string, row: number, hash = ''): Promise<void> {
    const found = this.locate(uri, row, hash || undefined);
    if (!found) {
      void vscode.window.showWarningMessage(`Influence Lens: row ${row + 1} is not in the current results.`);
      return;
    }
    try {
      await this.decisions.decide(uri, found.record.hash, found.record.row, 'keep');
    } catch (e) {
      void vscode.window.showErrorMessage(`Influence Lens: could not save the review decision: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}
