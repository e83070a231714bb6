/**
 * The language server process: started over IPC, restarted on demand, and asked for work.
 * Everything that lives for one server run (the client and its notification handlers) is
 * in `runDisposables`, disposed when that run ends; the rest of the extension never holds
 * the client directly, so "server is down" is answered in one place.
 */
import * as vscode from 'vscode';
import {
  LanguageClient, State, TransportKind, WorkDoneProgress,
  type LanguageClientOptions, type ServerOptions, type WorkDoneProgressBegin, type WorkDoneProgressEnd, type WorkDoneProgressReport,
} from 'vscode-languageclient/node';
import { Methods, type StatusNotification } from '../../shared/protocol';
import { DATASET_GLOB, DATASET_SCHEMES } from '../datasetFiles';

/** Raised by `request` when no server is running; its message is meant for the user. */
export class ServerDownError extends Error {
  override readonly name = 'ServerDownError';
}

export type ProgressValue = WorkDoneProgressBegin | WorkDoneProgressReport | WorkDoneProgressEnd;

export const DATASET_SELECTOR: { scheme: string; pattern: string }[] = DATASET_SCHEMES.map((scheme) => ({ scheme, pattern: DATASET_GLOB }));

/**
 * Where hovers and quick fixes apply: dataset files by name, plus unsaved documents whose
 * language says they are data (an untitled document has no file extension to match).
 */
export const EDITOR_SELECTOR: vscode.DocumentFilter[] = [
  ...DATASET_SELECTOR,
  ...['csv', 'tsv', 'jsonl'].map((language) => ({ scheme: 'untitled', language })),
];

export class ServerConnection implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private runDisposables: vscode.Disposable[] = [];
  private readonly statusEmitter = new vscode.EventEmitter<StatusNotification>();
  private readonly stateEmitter = new vscode.EventEmitter<boolean>();
  /** Server → client job status (phase, percent, errors). */
  readonly onStatus = this.statusEmitter.event;
  /** True when the server is running, false when it stopped. */
  readonly onRunningChange = this.stateEmitter.event;
  private lastStopReason = 'The Influence Lens server is not running.';

  constructor(private readonly context: vscode.ExtensionContext, private readonly output: vscode.OutputChannel) {}

  get running(): boolean {
    return this.client?.state === State.Running;
  }

  async start(): Promise<void> {
    await this.stop();
    const module = this.context.asAbsolutePath('dist/server.js');
    const serverOptions: ServerOptions = {
      run: { module, transport: TransportKind.ipc },
      debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6011'] } },
    };
    const clientOptions: LanguageClientOptions = {
      documentSelector: DATASET_SELECTOR,
      initializationOptions: { storagePath: this.context.globalStorageUri.fsPath },
      outputChannel: this.output,
      synchronize: { configurationSection: 'influenceLens' },
    };
    const client = new LanguageClient('influenceLens', 'Influence Lens', serverOptions, clientOptions);
    this.client = client;
    this.runDisposables.push(
      client.onNotification(Methods.status, (n: StatusNotification) => this.statusEmitter.fire(n)),
      client.onDidChangeState((e) => {
        if (e.newState === State.Running) this.stateEmitter.fire(true);
        if (e.newState === State.Stopped) {
          this.lastStopReason = 'The Influence Lens server stopped. Run "Influence Lens: Compute Influence" to start it again.';
          this.stateEmitter.fire(false);
        }
      }),
    );
    try {
      await client.start();
    } catch (e) {
      this.lastStopReason = `The Influence Lens server could not start: ${e instanceof Error ? e.message : String(e)}`;
      this.output.appendLine(this.lastStopReason);
      this.stateEmitter.fire(false);
      throw new ServerDownError(this.lastStopReason);
    }
  }

  /** Start the server if it is not running (commands call this instead of failing). */
  async ensureRunning(): Promise<void> {
    if (!this.running) await this.start();
  }

  async request<R>(method: string, params: object, token?: vscode.CancellationToken): Promise<R> {
    const client = this.client;
    if (!client || client.state !== State.Running) throw new ServerDownError(this.lastStopReason);
    return token ? client.sendRequest<R>(method, params, token) : client.sendRequest<R>(method, params);
  }

  async notify(method: string, params: object): Promise<void> {
    const client = this.client;
    if (!client || client.state !== State.Running) throw new ServerDownError(this.lastStopReason);
    await client.sendNotification(method, params);
  }

  /** Follow `$/progress` for a work-done token; the handler lives until the returned disposable is disposed. */
  onProgress(token: string, handler: (value: ProgressValue) => void): vscode.Disposable {
    const client = this.client;
    if (!client) return new vscode.Disposable(() => undefined);
    return client.onProgress(WorkDoneProgress.type, token, handler);
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    const run = this.runDisposables;
    this.runDisposables = [];
    for (const d of run) d.dispose();
    if (client) {
      try {
        await client.stop(2000);
      } catch (e) {
        this.output.appendLine(`Stopping the server: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  }

  dispose(): void {
    void this.stop();
    this.statusEmitter.dispose();
    this.stateEmitter.dispose();
  }
}
