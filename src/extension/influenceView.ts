/**
 * The Influence View panel host: one webview panel per dataset (keyed by document URI),
 * created or revealed on demand and restored after a reload by a serializer. The page gets
 * the scan once per load and incremental messages afterwards; every page message is
 * validated, checked against the current scan, and turned into a `ViewActions` call — the
 * page never touches files, the caller makes undoable edits.
 */
import * as vscode from 'vscode';
import type { ScanResult, VerificationBlock } from '../core/report/types';
import { parsePageMessage, toViewPayload, type HostMessage, type PageMessage } from '../shared/webviewMessages';
import { buildWebviewHtml, makeNonce } from './influenceViewHtml';

export interface ViewActions {
  reveal(row: number): void;
  markReviewed(row: number): void;
  removeRow(row: number): void;
  relabel(row: number, label: string): void;
  verify(rows: number[]): Promise<VerificationBlock | undefined>;
  rowCells(row: number): Promise<Record<string, string | null> | undefined>;
  /**
   * Optional: data-row indices already reviewed (e.g. from the workspace review store), so the
   * page's review filter is right from the start; rows marked in this panel are added to them.
   */
  reviewed?(): number[];
}

/** What the page persists with `setState`; the serializer reads `docUri` from it. */
interface PersistedState { docUri?: unknown }

function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions & vscode.WebviewPanelOptions {
  return {
    enableScripts: true,
    enableCommandUris: false,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

function titleFor(docUri: vscode.Uri): string {
  const name = docUri.path.split('/').pop() || docUri.path;
  return `Influence: ${name}`;
}

export class InfluenceViewPanel {
  static readonly viewType = 'influenceLens.influenceView';
  private static readonly panels = new Map<string, InfluenceViewPanel>();

  private result: ScanResult;
  /** Row index → row hash of the current scan (review state is kept by hash, so it survives row shifts). */
  private hashOf = new Map<number, string>();
  private readonly reviewedHashes = new Set<string>();
  private ready = false;
  private disposed = false;
  /** A row to select once the page is ready. */
  private pendingSelect?: number;
  private readonly disposables: vscode.Disposable[] = [];

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly docUri: vscode.Uri,
    result: ScanResult,
    private actions: ViewActions,
  ) {
    this.result = result;
    this.indexRows();
    const webview = panel.webview;
    webview.options = webviewOptions(extensionUri);
    webview.html = buildWebviewHtml({
      cspSource: webview.cspSource,
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview.css')).toString(),
      nonce: makeNonce(),
    });
    this.disposables.push(
      webview.onDidReceiveMessage((m: unknown) => this.onMessage(m)),
      panel.onDidDispose(() => this.dispose()),
    );
    InfluenceViewPanel.panels.set(docUri.toString(), this);
  }

  static createOrShow(extensionUri: vscode.Uri, docUri: vscode.Uri, result: ScanResult, actions: ViewActions): InfluenceViewPanel {
    const existing = InfluenceViewPanel.panels.get(docUri.toString());
    if (existing) {
      existing.actions = actions;
      existing.panel.reveal(undefined, true);
      if (existing.result !== result) existing.update(result);
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(
      InfluenceViewPanel.viewType,
      titleFor(docUri),
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      webviewOptions(extensionUri),
    );
    return new InfluenceViewPanel(panel, extensionUri, docUri, result, actions);
  }

  /** Selects a row in the page (e.g. "Show in Influence View" from a hover); queued until the page is ready. */
  select(row: number): void {
    if (this.disposed || !this.hashOf.has(row)) return;
    if (this.ready) this.post({ type: 'select', row });
    else this.pendingSelect = row;
  }

  /** The open panel of a dataset, if any (also finds panels restored by the serializer). */
  static forDocument(docUri: vscode.Uri): InfluenceViewPanel | undefined {
    return InfluenceViewPanel.panels.get(docUri.toString());
  }

  /** A new scan of the same dataset: sent to the page once (the page rebuilds its view-model). No-op once closed. */
  update(result: ScanResult): void {
    if (this.disposed) return;
    this.result = result;
    this.indexRows();
    if (this.ready) this.postResult();
  }

  static registerSerializer(
    context: vscode.ExtensionContext,
    restore: (docUri: vscode.Uri) => Promise<{ result: ScanResult; actions: ViewActions } | undefined>,
  ): vscode.Disposable {
    return vscode.window.registerWebviewPanelSerializer(InfluenceViewPanel.viewType, {
      async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
        const raw = (state as PersistedState | undefined)?.docUri;
        let docUri: vscode.Uri | undefined;
        try {
          docUri = typeof raw === 'string' ? vscode.Uri.parse(raw, true) : undefined;
        } catch {
          docUri = undefined;
        }
        const restored = docUri ? await restore(docUri) : undefined;
        // Without a dataset or a scan there is nothing honest to show: close rather than show stale data.
        if (!docUri || !restored || InfluenceViewPanel.panels.has(docUri.toString())) {
          panel.dispose();
          return;
        }
        panel.title = titleFor(docUri);
        new InfluenceViewPanel(panel, context.extensionUri, docUri, restored.result, restored.actions);
      },
    });
  }

  private indexRows(): void {
    this.hashOf = new Map(this.result.rows.map((r) => [r.row, r.hash]));
  }

  private reviewedRows(): number[] {
    let known: number[] = [];
    try {
      known = this.actions.reviewed?.() ?? [];
    } catch {
      // The review store is optional context; the panel still opens without it.
    }
    const rows = new Set(known.filter((r) => this.hashOf.has(r)));
    for (const r of this.result.rows) if (this.reviewedHashes.has(r.hash)) rows.add(r.row);
    return [...rows].sort((a, b) => a - b);
  }

  private post(message: HostMessage): void {
    if (!this.disposed) void this.panel.webview.postMessage(message);
  }

  private postResult(): void {
    this.post({ type: 'result', docUri: this.docUri.toString(), payload: toViewPayload(this.result), reviewed: this.reviewedRows() });
  }

  /** Page messages are untrusted: malformed ones and rows not in the current scan are dropped. */
  private onMessage(raw: unknown): void {
    const m = parsePageMessage(raw);
    if (!m) return;
    if (m.type === 'ready') {
      this.ready = true;
      this.postResult();
      if (this.pendingSelect !== undefined && this.hashOf.has(this.pendingSelect)) this.post({ type: 'select', row: this.pendingSelect });
      this.pendingSelect = undefined;
      return;
    }
    if (m.type === 'verify') {
      if (!m.rows.every((r) => this.hashOf.has(r))) return;
      void this.runVerify(m.requestId, m.rows);
      return;
    }
    if (!this.hashOf.has(m.row)) return;
    this.act(m);
  }

  private act(m: Exclude<PageMessage, { type: 'ready' } | { type: 'verify' }>): void {
    switch (m.type) {
      case 'reveal':
        this.actions.reveal(m.row);
        return;
      case 'markReviewed':
        this.actions.markReviewed(m.row);
        this.reviewedHashes.add(this.hashOf.get(m.row)!);
        this.post({ type: 'reviewState', rows: [m.row], reviewed: true });
        return;
      case 'removeRow':
        this.actions.removeRow(m.row);
        this.post({ type: 'rowEdited', row: m.row, edit: 'removed' });
        return;
      case 'relabel': {
        const record = this.result.rows.find((r) => r.row === m.row);
        const allowed = this.result.data.task === 'classification' ? this.result.data.classes : [record?.predicted ?? ''];
        if (!allowed.includes(m.label)) return;
        this.actions.relabel(m.row, m.label);
        this.post({ type: 'rowEdited', row: m.row, edit: 'relabelled', label: m.label });
        return;
      }
      case 'requestCells':
        void this.actions.rowCells(m.row).then(
          (cells) => this.post({ type: 'rowCells', row: m.row, cells: cells ?? null }),
          () => this.post({ type: 'rowCells', row: m.row, cells: null }),
        );
        return;
    }
  }

  private async runVerify(requestId: number, rows: number[]): Promise<void> {
    try {
      const block = await this.actions.verify(rows);
      this.post({ type: 'verifyResult', requestId, block: block ?? null, ...(block ? {} : { error: 'Verification did not run (no scan for this document, or it was cancelled).' }) });
    } catch (e) {
      this.post({ type: 'verifyResult', requestId, block: null, error: e instanceof Error ? e.message : String(e) });
    }
  }

  private dispose(): void {
    this.disposed = true;
    if (InfluenceViewPanel.panels.get(this.docUri.toString()) === this) InfluenceViewPanel.panels.delete(this.docUri.toString());
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
