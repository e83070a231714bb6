/**
 * Compute Influence, Cancel, Verify and Clear for one dataset. The client only asks the
 * server: progress comes from `$/progress` and status notifications, cancellation goes back
 * as the request's token plus an explicit cancel, and the result is fetched and installed
 * against the document version it was computed from.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ScanResult, VerificationBlock } from '../core/report/types';
import { formatNumber } from '../core/report/wording';
import { Methods, type ComputeParams, type ComputeResult, type ResultResponse, type VerifyParams } from '../shared/protocol';
import { classifyFailure, describeJobError } from './client/jobErrors';
import { ServerDownError, type ServerConnection } from './client/serverConnection';
import type { ConfigReader } from './config';
import { baseName, EDITOR_SYNC_LIMIT_BYTES } from './datasetFiles';
import { formatCount } from './decorations/wording';
import type { DatasetDocuments } from './results/datasetDocuments';
import type { DatasetStore } from './results/datasetState';
import { doneStatus, phaseWords } from './status/statusModel';

export class ComputeFlow {
  private readonly running = new Map<string, vscode.CancellationTokenSource>();
  private tokenCounter = 0;

  constructor(
    private readonly server: ServerConnection,
    private readonly store: DatasetStore,
    private readonly documents: DatasetDocuments,
    private readonly config: ConfigReader,
    private readonly onResult: (uri: string, result: ScanResult) => void,
  ) {}

  /** The dataset a command is about: its argument (explorer, status bar) or the active editor. */
  target(arg: unknown): vscode.Uri | undefined {
    if (arg instanceof vscode.Uri) return arg;
    const doc = vscode.window.activeTextEditor?.document;
    return doc && this.documents.isDataset(doc) ? doc.uri : undefined;
  }

  isRunning(uri: string): boolean {
    return this.running.has(uri);
  }

  async compute(arg: unknown): Promise<void> {
    const uri = this.target(arg);
    if (!uri) {
      void vscode.window.showInformationMessage('Influence Lens: open a CSV, TSV or JSONL file (or right-click one in the Explorer) to compute influence.');
      return;
    }
    const key = uri.toString();
    if (this.running.has(key)) {
      void vscode.window.showInformationMessage(`Influence Lens: ${baseName(uri.path)} is already being computed.`);
      return;
    }
    const tooLarge = uri.scheme === 'file' && (await fileSize(uri.fsPath)) > EDITOR_SYNC_LIMIT_BYTES;
    let doc: vscode.TextDocument | undefined;
    if (!tooLarge) {
      doc = await vscode.workspace.openTextDocument(uri);
      if (arg instanceof vscode.Uri && vscode.window.activeTextEditor?.document !== doc) await vscode.window.showTextDocument(doc, { preview: false });
    } else {
      void vscode.window.showInformationMessage(`Influence Lens: ${baseName(uri.path)} is larger than 50 MB, so VS Code does not give extensions its text. It is scanned from disk; the flagged rows appear in the Flagged Rows view and the Influence View, but cannot be highlighted in the editor.`);
    }
    this.store.markTooLarge(key, tooLarge);
    try {
      await this.server.ensureRunning();
    } catch (e) {
      void vscode.window.showErrorMessage(e instanceof Error ? e.message : String(e));
      return;
    }
    const settings = this.config.settingsFor(uri);
    const validationFile = settings.validationFile && !path.isAbsolute(settings.validationFile)
      ? path.resolve(vscode.workspace.getWorkspaceFolder(uri)?.uri.fsPath ?? path.dirname(uri.fsPath), settings.validationFile)
      : settings.validationFile;
    const version = doc?.version ?? 0;
    const params: ComputeParams & { workDoneToken: string } = {
      uri: key,
      path: uri.scheme === 'file' ? uri.fsPath : key,
      // A saved file is read by the server itself: sending megabytes of unchanged text would
      // delay every request queued behind it. Unsaved or untitled text must travel.
      ...(doc && (doc.isDirty || uri.scheme !== 'file') ? { text: doc.getText() } : {}),
      version,
      settings: { ...settings, validationFile },
      workDoneToken: `influenceLens/compute/${++this.tokenCounter}`,
    };
    const cts = new vscode.CancellationTokenSource();
    this.running.set(key, cts);
    this.store.setStatus(key, { kind: 'running', phase: 'queued', percent: 0, message: '' });
    const name = baseName(uri.path);
    try {
      await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Influence Lens: ${name}`, cancellable: true },
        async (progress, token) => {
          const subs: vscode.Disposable[] = [token.onCancellationRequested(() => cts.cancel())];
          let reported = 0;
          const show = (percent: number, message: string, phase: string): void => {
            const pct = Math.max(reported, Math.min(100, percent));
            progress.report({ increment: pct - reported, message: `${phaseWords(phase, message)} (${Math.round(pct)}%)` });
            reported = pct;
            this.store.setStatus(key, { kind: 'running', phase, percent: pct, message });
          };
          subs.push(
            this.server.onStatus((n) => { if (n.uri === key && n.phase !== 'done' && n.phase !== 'error' && n.phase !== 'cancelled' && n.phase !== 'idle') show(n.percent, n.message, n.phase); }),
            // `$/progress` messages read "phase: detail"; status notifications carry the phase itself.
            this.server.onProgress(params.workDoneToken, (v) => {
              if (v.kind === 'end' || v.percentage === undefined) return;
              const status = this.store.get(key)?.status;
              const phase = /^(\w+):/.exec(v.message ?? '')?.[1] ?? (status?.kind === 'running' ? status.phase : 'queued');
              show(v.percentage, v.message ?? '', phase);
            }),
            cts.token.onCancellationRequested(() => { void this.server.request(Methods.cancel, { uri: key }).catch(() => undefined); }),
          );
          try {
            const done = await this.server.request<ComputeResult>(Methods.compute, params, cts.token);
            const response = await this.server.request<ResultResponse | null>(Methods.result, { uri: key });
            if (!response) throw new Error('the server finished but returned no result');
            this.install(key, response, done.cached);
          } finally {
            subs.forEach((d) => d.dispose());
          }
        },
      );
    } catch (e) {
      this.fail(key, uri, name, e);
    } finally {
      this.running.delete(key);
      cts.dispose();
    }
  }

  private install(key: string, response: ResultResponse, cached: boolean): void {
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === key);
    const entry = this.store.setResult(key, response.result, response.version, doc?.version ?? response.version, cached);
    // A result from an older version is placed by content, never by its old line numbers.
    if (doc && response.version !== doc.version) this.documents.rematchNow(doc);
    this.onResult(key, response.result);
    const flagged = response.result.flaggedCount;
    const a = response.result.approximation;
    const f32 = response.result.settings.acceleratorUsed;
    const extra = (a ? ` Screened by SGD-IE; ${formatCount(a.refinedRows)} of ${formatCount(a.screenedRows)} rows refined by ACC-SGD-IE (compute budget).` : '') +
      (f32 ? ` Influence state in float32 (${f32}).` : '') +
      (entry.tooLargeForEditor ? ' See the Flagged Rows view.' : '');
    vscode.window.setStatusBarMessage(`Influence Lens: ${formatCount(flagged)} row${flagged === 1 ? '' : 's'} flagged in ${baseName(vscode.Uri.parse(key).path)}.${extra}`, 5000);
    for (const w of response.result.warnings) void vscode.window.showWarningMessage(`Influence Lens: ${w}`);
  }

  private fail(key: string, uri: vscode.Uri, name: string, e: unknown): void {
    const failure = classifyFailure(e);
    if (failure.kind === 'cancelled') {
      const previous = this.store.get(key)?.result;
      this.store.setStatus(key, previous ? doneStatus(previous, false) : { kind: 'idle' });
      const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === key);
      if (doc && !this.store.get(key)?.result) this.documents.probe(doc);
      vscode.window.setStatusBarMessage(`Influence Lens: computation for ${name} cancelled.`, 4000);
      return;
    }
    if (e instanceof ServerDownError || failure.kind === 'other') {
      const message = e instanceof Error ? e.message : String(e);
      this.store.setStatus(key, { kind: 'error', message, file: name, line: 0 });
      void vscode.window.showErrorMessage(`Influence Lens: computing ${name} failed: ${message}`);
      return;
    }
    const err = failure.error;
    this.store.setStatus(key, { kind: 'error', message: err.message, file: name, line: err.line });
    const text = `Influence Lens: ${describeJobError(err, err.file ? baseName(err.file) : name)}`;
    const actions = err.line > 0 ? ['Open at Line'] : [];
    void vscode.window.showErrorMessage(text, ...actions).then(async (choice) => {
      if (choice !== 'Open at Line') return;
      const target = err.file && path.isAbsolute(err.file) ? vscode.Uri.file(err.file) : uri;
      const doc = await vscode.workspace.openTextDocument(target);
      const pos = new vscode.Position(Math.max(0, err.line - 1), Math.max(0, err.column - 1));
      await vscode.window.showTextDocument(doc, { selection: new vscode.Range(pos, pos) });
    });
  }

  cancel(arg: unknown): void {
    const uri = this.target(arg);
    const cts = (uri && this.running.get(uri.toString())) ?? (this.running.size === 1 ? [...this.running.values()][0] : undefined);
    if (!cts) {
      void vscode.window.showInformationMessage('Influence Lens: nothing is being computed.');
      return;
    }
    cts.cancel();
  }

  /**
   * Scan a text as the content of `uri` (e.g. its staged version) without touching the
   * document's own results: the server job runs under a separate key. Failures are shown.
   */
  async scanText(uri: vscode.Uri, text: string, token: vscode.CancellationToken): Promise<ScanResult | undefined> {
    const key = uri.with({ fragment: 'influence-lens-review' }).toString();
    try {
      await this.server.ensureRunning();
      const params: ComputeParams = { uri: key, path: uri.fsPath, text, version: 0, settings: this.config.settingsFor(uri) };
      await this.server.request<ComputeResult>(Methods.compute, params, token);
      return (await this.server.request<ResultResponse | null>(Methods.result, { uri: key }))?.result;
    } catch (e) {
      const failure = classifyFailure(e);
      if (failure.kind === 'cancelled') return undefined;
      const message = failure.kind === 'job' ? describeJobError(failure.error, baseName(uri.path)) : failure.message;
      void vscode.window.showErrorMessage(`Influence Lens: scanning ${baseName(uri.path)} for review failed: ${message}`);
      return undefined;
    }
  }

  /** Retrain without the given rows (default: the flagged harmful rows) and compare with the prediction. */
  async verify(uri: vscode.Uri, rows?: number[]): Promise<VerificationBlock | undefined> {
    const key = uri.toString();
    const entry = this.store.get(key);
    if (!entry?.result) {
      void vscode.window.showInformationMessage('Influence Lens: compute influence for this file first.');
      return undefined;
    }
    const chosen = rows ?? entry.result.rows.filter((r) => r.flagged && r.reasons.includes('harmful')).map((r) => r.row);
    if (chosen.length === 0) {
      void vscode.window.showInformationMessage('Influence Lens: no harmful rows are flagged, so there is nothing to verify.');
      return undefined;
    }
    if (!this.server.running) {
      void vscode.window.showWarningMessage('Influence Lens: the server is not running. Compute influence again, then verify.');
      return undefined;
    }
    const params: VerifyParams & { workDoneToken: string } = { uri: key, rows: chosen, workDoneToken: `influenceLens/verify/${++this.tokenCounter}` };
    try {
      const block = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Influence Lens: retraining without ${chosen.length} row${chosen.length === 1 ? '' : 's'}`, cancellable: true },
        async (progress, token) => {
          const sub = this.server.onProgress(params.workDoneToken, (v) => { if (v.kind !== 'end' && v.message) progress.report({ message: v.message }); });
          try {
            return await this.server.request<VerificationBlock>(Methods.verify, params, token);
          } finally {
            sub.dispose();
          }
        },
      );
      const predicted = block.predictedChange;
      const actual = block.actualChange;
      const random = block.random ? ` Removing ${block.random.rows.length} random rows instead changed it by ${signed(block.random.actualChange)}.` : '';
      void vscode.window.showInformationMessage(`Influence Lens: removing ${chosen.length} row${chosen.length === 1 ? '' : 's'} was predicted to change validation loss by ${signed(predicted)}; retraining changed it by ${signed(actual)} (accuracy ${pct(block.before.valAccuracy)} → ${pct(block.after.valAccuracy)}).${random}`);
      return block;
    } catch (e) {
      const failure = classifyFailure(e);
      if (failure.kind === 'cancelled') return undefined;
      const message = failure.kind === 'job' ? describeJobError(failure.error, baseName(uri.path)) : failure.message;
      void vscode.window.showErrorMessage(`Influence Lens: verification failed: ${message}`);
      return undefined;
    }
  }

  async clear(arg: unknown): Promise<void> {
    const uri = this.target(arg);
    const keys = uri ? [uri.toString()] : this.store.withResults().map((e) => e.uri);
    for (const key of keys) {
      this.store.clear(key);
      const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === key);
      if (doc) this.documents.probe(doc);
      if (this.server.running) await this.server.request(Methods.clear, { uri: key }).catch(() => undefined);
    }
  }
}

function signed(x: number): string {
  return `${x < 0 ? '−' : '+'}${formatNumber(Math.abs(x))}`;
}

function pct(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}

async function fileSize(p: string): Promise<number> {
  try {
    return (await fs.stat(p)).size;
  } catch {
    return 0;
  }
}

