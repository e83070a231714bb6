/**
 * One handler per command id of the command table; the mapped type makes a missing handler
 * a compile error, and a test checks the table against package.json. Handlers answer
 * clearly when there is no dataset, no result or no server.
 */
import * as vscode from 'vscode';
import { Commands, parseRelabelArgs, parseRowArgs, type CommandKey } from './commandTable';
import type { ComputeFlow } from './computeFlow';
import type { ConfigReader } from './config';
import { CONFIG_SECTION } from './configMapping';
import type { DecorationController } from './decorations/decorationController';
import { neighbourRow } from './decorations/rowRanges';
import type { InfluenceViewHost } from './influenceViewHost';
import type { DatasetDocuments } from './results/datasetDocuments';
import type { RowActions } from './rowActions';
import { VIEW_ID, type FlaggedRowsTree } from './tree/flaggedTree';

export interface CommandDeps {
  flow: ComputeFlow;
  rows: RowActions;
  view: InfluenceViewHost;
  tree: FlaggedRowsTree;
  decorations: DecorationController;
  documents: DatasetDocuments;
  config: ConfigReader;
}

type Handler = (...args: unknown[]) => unknown;

const noResults = (): void => void vscode.window.showInformationMessage('Influence Lens: no results for this file yet. Run "Influence Lens: Compute Influence" first.');

function badLink(): void {
  void vscode.window.showWarningMessage('Influence Lens: this link refers to results that are no longer current; compute again.');
}

export function commandHandlers(d: CommandDeps): Record<CommandKey, Handler> {
  const withUri = (run: (uri: vscode.Uri) => unknown) => (arg?: unknown): unknown => {
    const uri = d.flow.target(arg);
    if (!uri) {
      void vscode.window.showInformationMessage('Influence Lens: open a CSV, TSV or JSONL file first.');
      return undefined;
    }
    return run(uri);
  };
  const go = (direction: 1 | -1) => (): void => {
    const editor = vscode.window.activeTextEditor;
    const rows = editor && d.decorations.flagged(editor.document.uri.toString());
    if (!editor || !rows) return noResults();
    const i = neighbourRow(rows.index, editor.selection.active.line, direction);
    if (i < 0) {
      void vscode.window.showInformationMessage('Influence Lens: no flagged rows in this file.');
      return;
    }
    const record = rows.records[rows.index.ids[i]];
    void d.rows.reveal(editor.document.uri.toString(), record.row, record.hash);
  };
  return {
    compute: (arg) => d.flow.compute(arg),
    cancel: (arg) => d.flow.cancel(arg),
    showView: withUri((uri) => d.view.show(uri)),
    verify: withUri((uri) => d.flow.verify(uri)),
    clear: (arg) => d.flow.clear(arg),
    review: async (arg) => {
      await vscode.commands.executeCommand(`${VIEW_ID}.focus`);
      const first = d.tree.firstToReview(d.flow.target(arg)?.toString());
      if (!first) {
        void vscode.window.showInformationMessage('Influence Lens: no flagged rows are waiting for review.');
        return;
      }
      await d.tree.view.reveal(first, { select: true, focus: true });
      if (first.kind === 'row') await d.rows.reveal(first.input.uri, first.input.row, first.input.hash);
    },
    next: go(1),
    previous: go(-1),
    chooseLabel: withUri(async (uri) => {
      const doc = await vscode.workspace.openTextDocument(uri);
      const parsed = d.documents.parse(doc);
      if (!parsed.ok) {
        void vscode.window.showWarningMessage(`Influence Lens: cannot read the columns of this file: ${parsed.message}`);
        return;
      }
      const columns = parsed.table.columns;
      const current = d.config.settingsFor(uri).labelColumn;
      const auto = { label: '$(wand) Detect automatically', description: 'label, class, target or y, else the last column', column: null as string | null };
      const picks = [auto, ...columns.map((c) => ({ label: c, description: c === current ? 'current' : '', column: c as string | null }))];
      const choice = await vscode.window.showQuickPick(picks, { title: 'Influence Lens: label column', placeHolder: 'Which column holds the label the model should predict?' });
      if (!choice) return;
      await d.config.setLabelColumn(uri, choice.column);
      d.documents.probe(doc);
    }),
    openSettings: () => vscode.commands.executeCommand('workbench.action.openSettings', CONFIG_SECTION),
    revealRow: (arg) => {
      const a = parseRowArgs(arg);
      if (!a) return badLink();
      const line = (arg as { line?: unknown }).line;
      return d.rows.reveal(a.uri, a.row, a.hash, typeof line === 'number' ? line : undefined);
    },
    showRowInView: (arg) => {
      const a = parseRowArgs(arg);
      if (!a) return badLink();
      return d.view.show(vscode.Uri.parse(a.uri), a.row);
    },
    markReviewed: (arg) => {
      const a = parseRowArgs(arg);
      return a ? d.rows.markReviewed(a.uri, a.row, a.hash) : badLink();
    },
    removeRow: (arg) => {
      const a = parseRowArgs(arg);
      return a ? d.rows.removeRow(a.uri, a.row, a.hash) : badLink();
    },
    relabelRow: (arg) => {
      const a = parseRelabelArgs(arg);
      return a ? d.rows.relabel(a.uri, a.row, a.label, a.hash) : badLink();
    },
  };
}

export function registerCommands(d: CommandDeps): vscode.Disposable[] {
  const handlers = commandHandlers(d);
  return (Object.keys(Commands) as CommandKey[]).map((k) => vscode.commands.registerCommand(Commands[k], handlers[k]));
}
