/**
 * Quick fixes on flagged rows: Remove row, Relabel to the predicted class, Mark reviewed.
 * The edits are computed when VS Code asks and applied only when the user picks one.
 */
import * as vscode from 'vscode';
import { Commands, type RowCommandArgs } from './commandTable';
import { inlineText } from './decorations/wording';
import type { DatasetStore } from './results/datasetState';
import type { RowActions } from './rowActions';
import type { RowAction } from './edits/rowActions';

interface Pending { doc: vscode.TextDocument; uri: string; row: number; hash: string; action: RowAction }

export class FlaggedRowCodeActions implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];
  /** Edits are computed in resolveCodeAction (only for the fix the user picks), so offering fixes stays cheap. */
  private readonly pending = new WeakMap<vscode.CodeAction, Pending>();

  constructor(private readonly store: DatasetStore, private readonly actions: RowActions) {}

  provideCodeActions(doc: vscode.TextDocument, range: vscode.Range | vscode.Selection): vscode.CodeAction[] {
    const uri = doc.uri.toString();
    const tracker = this.store.get(uri)?.tracker;
    if (!tracker) return [];
    const index = tracker.rowAtLine(range.start.line);
    if (index < 0) return [];
    const record = tracker.records[index];
    if (!record.flagged) return [];
    const out: vscode.CodeAction[] = [];
    const n = record.row + 1;
    const offer = (title: string, action: RowAction, preferred: boolean): void => {
      const a = new vscode.CodeAction(title, vscode.CodeActionKind.QuickFix);
      a.isPreferred = preferred;
      this.pending.set(a, { doc, uri, row: record.row, hash: record.hash, action });
      out.push(a);
    };
    offer(`Remove row ${n} (flagged by Influence Lens)`, { kind: 'remove' }, false);
    if (record.predicted !== record.label) {
      offer(`Relabel row ${n} as "${inlineText(record.predicted)}"`, { kind: 'relabel', label: record.predicted }, record.reasons.includes('label-suspect'));
    }
    const args: RowCommandArgs = { uri, row: record.row, hash: record.hash };
    const keep = new vscode.CodeAction(`Mark row ${n} reviewed (keep it)`, vscode.CodeActionKind.QuickFix);
    keep.command = { command: Commands.markReviewed, title: 'Mark Reviewed', arguments: [args] };
    out.push(keep);
    return out;
  }

  resolveCodeAction(action: vscode.CodeAction): vscode.CodeAction {
    const p = this.pending.get(action);
    if (!p) return action;
    const found = this.actions.locate(p.uri, p.row, p.hash);
    const edit = found ? this.actions.editFor(p.doc, found, p.action) : 'the row is not in the current results';
    if (typeof edit === 'string') {
      action.disabled = { reason: edit };
      void vscode.window.showWarningMessage(`Influence Lens: ${edit}.`);
    } else {
      action.edit = edit;
    }
    return action;
  }
}
