/**
 * Entry point: wires the modules and nothing else. Two clean-up lists: the extension's
 * lifetime (context.subscriptions) and one server run (inside ServerConnection).
 */
import * as vscode from 'vscode';
import { EDITOR_SELECTOR, ServerConnection } from './client/serverConnection';
import { FlaggedRowCodeActions } from './codeActions';
import { registerCommands } from './commands';
import { ComputeFlow } from './computeFlow';
import { ConfigReader } from './config';
import { DecorationController } from './decorations/decorationController';
import { RowHoverProvider } from './hover/hoverProvider';
import { InfluenceViewHost } from './influenceViewHost';
import { registerReviewFeatures } from './review/index';
import { DatasetDocuments } from './results/datasetDocuments';
import { DatasetStore } from './results/datasetState';
import { ReviewDecisionStore } from './reviewDecisions';
import { RowActions } from './rowActions';
import { StatusBar } from './status/statusBar';
import { FlaggedRowsTree } from './tree/flaggedTree';

/** Stops the server on deactivation (VS Code waits for the returned promise). */
let stopServer: (() => Promise<void>) | undefined;

export function activate(context: vscode.ExtensionContext): void {
  const output = vscode.window.createOutputChannel('Influence Lens', { log: true });
  const config = new ConfigReader();
  const store = new DatasetStore();
  const server = new ServerConnection(context, output);
  stopServer = () => server.stop();
  const documents = new DatasetDocuments(store, config);
  const decisions = new ReviewDecisionStore(output);
  const rows = new RowActions(store, documents, decisions);
  const flow = new ComputeFlow(server, store, documents, config, (uri, result) => view.resultChanged(uri, result));
  const view = new InfluenceViewHost(context, store, server, rows, flow);
  const decorations = new DecorationController(context.extensionUri, store, config);
  const tree = new FlaggedRowsTree(store, decisions);
  const status = new StatusBar(store, (doc) => documents.isDataset(doc));
  context.subscriptions.push(
    output, config, server, documents, decisions, view, decorations, tree, status,
    server.onRunningChange((up) => status.setServerDown(up ? undefined : 'The Influence Lens server stopped.')),
    vscode.languages.registerHoverProvider(EDITOR_SELECTOR, new RowHoverProvider(store, server, decisions)),
    vscode.languages.registerCodeActionsProvider(EDITOR_SELECTOR, new FlaggedRowCodeActions(store, rows), { providedCodeActionKinds: FlaggedRowCodeActions.kinds }),
    ...registerCommands({ flow, rows, view, tree, decorations, documents, config }),
    ...registerReviewFeatures(context, {
      compute: (uri, text, token) => flow.scanText(uri, text, token),
      showRowsToReview: (uri, staged, info) => tree.setStaged(uri.toString(), staged, info.decisions),
    }),
  );
  // The server starts on the first request that needs it (Compute, a restored Influence View).
}

export function deactivate(): Promise<void> | undefined {
  return stopServer?.();
}
