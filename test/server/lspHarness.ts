/**
 * Drives the language server as a child process over a real JSON-RPC connection (stdio),
 * collecting its notifications so tests can wait for them with a bound instead of sleeping.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  createMessageConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type MessageConnection,
} from 'vscode-jsonrpc/node';
import { InitializeRequest, PublishDiagnosticsNotification, WorkDoneProgress, type PublishDiagnosticsParams, type WorkDoneProgressBegin, type WorkDoneProgressEnd, type WorkDoneProgressReport } from 'vscode-languageserver-protocol';
import { Methods, type StatusNotification } from '../../src/shared/protocol';

export const REPO = path.resolve(__dirname, '../..');
export const DATASETS = path.resolve(REPO, '..', 'shared', 'datasets');
/** Bound on any single wait in the tests (a slow shared machine, not an expected duration). */
export const WAIT_MS = 20_000;

type Progress = WorkDoneProgressBegin | WorkDoneProgressReport | WorkDoneProgressEnd;

export interface ServerOptions {
  /** Server entry (`.ts` runs through tsx): the fake-engine server by default. */
  entry?: string;
  initializationOptions?: Record<string, unknown>;
  /** Reuse a storage directory (to test the disk cache across server runs). */
  storagePath?: string;
  /** Answers `workspace/configuration` (and advertises the capability) when given. */
  configuration?: () => unknown[];
}

export class LspClient {
  readonly statuses: StatusNotification[] = [];
  readonly progress = new Map<string | number, Progress[]>();
  readonly diagnostics: PublishDiagnosticsParams[] = [];
  readonly stderr: string[] = [];
  /** window/logMessage texts (the server's log). */
  readonly logs: string[] = [];
  private readonly waiters = new Set<() => void>();
  private ownsStorage: boolean;

  private constructor(
    readonly child: ChildProcess,
    readonly rpc: MessageConnection,
    readonly storagePath: string,
    ownsStorage: boolean,
  ) {
    this.ownsStorage = ownsStorage;
    rpc.onNotification(Methods.status, (n: StatusNotification) => this.push(() => this.statuses.push(n)));
    rpc.onNotification(PublishDiagnosticsNotification.type, (p) => this.push(() => this.diagnostics.push(p)));
    rpc.onNotification('window/logMessage', (m: { message: string }) => this.push(() => this.logs.push(m.message)));
    child.stderr?.on('data', (d: Buffer) => this.stderr.push(d.toString()));
  }

  static async start(options: ServerOptions = {}): Promise<LspClient> {
    const entry = options.entry ?? path.join(__dirname, 'fixtures', 'fakeServer.ts');
    const loader = entry.endsWith('.ts') ? ['--import', 'tsx'] : [];
    const child = spawn(process.execPath, [...loader, entry, '--stdio'], { cwd: REPO, stdio: ['pipe', 'pipe', 'pipe'] });
    const rpc = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    const storagePath = options.storagePath ?? mkdtempSync(path.join(tmpdir(), 'il-server-'));
    const client = new LspClient(child, rpc, storagePath, options.storagePath === undefined);
    if (options.configuration) rpc.onRequest('workspace/configuration', options.configuration);
    rpc.listen();
    await rpc.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: null,
      capabilities: { window: { workDoneProgress: true }, workspace: { configuration: options.configuration !== undefined } },
      initializationOptions: { storagePath, ...options.initializationOptions },
    });
    await rpc.sendNotification('initialized', {});
    return client;
  }

  /** Collect `$/progress` for a token the test created. */
  watchProgress(token: string): void {
    this.progress.set(token, []);
    this.rpc.onProgress(WorkDoneProgress.type, token, (p) => this.push(() => this.progress.get(token)!.push(p)));
  }

  /** Resolve when `check` holds (re-checked on every notification), reject after `ms`. */
  waitFor<T>(what: string, check: () => T | undefined | false, ms = WAIT_MS): Promise<T> {
    const now = check();
    if (now) return Promise.resolve(now);
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(probe);
        reject(new Error(`timed out after ${ms} ms waiting for ${what}; server stderr:\n${this.stderr.join('')}`));
      }, ms);
      const probe = (): void => {
        const v = check();
        if (v) {
          clearTimeout(timer);
          this.waiters.delete(probe);
          resolve(v);
        }
      };
      this.waiters.add(probe);
    });
  }

  /** The first status for `uri` at or after index `from` that matches. */
  waitForStatus(uri: string, match: (s: StatusNotification) => boolean, from = 0): Promise<StatusNotification> {
    return this.waitFor(`a status for ${uri}`, () => this.statuses.slice(from).find((s) => s.uri === uri && match(s)));
  }

  async stop(): Promise<void> {
    const exited = new Promise<void>((resolve) => (this.child.exitCode !== null ? resolve() : this.child.once('exit', () => resolve())));
    try {
      await Promise.race([this.rpc.sendRequest('shutdown'), new Promise((r) => setTimeout(r, 2000))]);
      await this.rpc.sendNotification('exit');
    } catch {
      // The connection may already be closed; the kill below still ends the process.
    }
    const killer = setTimeout(() => this.child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(killer);
    this.rpc.dispose();
    if (this.ownsStorage) rmSync(this.storagePath, { recursive: true, force: true });
  }

  private push(add: () => void): void {
    add();
    for (const w of [...this.waiters]) w();
  }
}

/** A fake-engine dataset: the directive line, then `rows` rows (every third contains "bad"). */
export function fakeDataset(directive: string, rows = 6): string {
  const lines = [`fake ${directive}`];
  for (let i = 0; i < rows; i++) lines.push(i % 3 === 2 ? `row ${i} bad` : `row ${i} ok`);
  return `${lines.join('\n')}\n`;
}

export function elapsedMs(since: bigint): number {
  return Number(process.hrtime.bigint() - since) / 1e6;
}
