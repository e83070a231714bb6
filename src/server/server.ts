/**
 * The Influence Lens language server. The client starts `dist/server.js` over IPC
 * (`--stdio` works too, for tests); scans run in worker threads so this thread keeps
 * answering requests while they run.
 */
import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import {
  createConnection,
  LSPErrorCodes,
  ProposedFeatures,
  ResponseError,
  TextDocumentSyncKind,
  type CancellationToken,
  type Connection,
  type InitializeParams,
  type WorkDoneProgressParams,
} from 'vscode-languageserver/node';
import packageJson from '../../package.json';
import {
  Methods,
  type ComputeParams,
  type ComputeResult,
  type JobError,
  type ResultResponse,
  type RowDetailsParams,
  type UriParams,
  type VerifyParams,
  type VerifyResponse,
} from '../shared/protocol';
import { DocumentJobs, JobFailure, type ProgressSink, type RowDetailsResponse } from './documentJobs';
import { jobError } from './jobErrors';
import { DEFAULT_CACHE_MAX_BYTES, ResultCache } from './resultCache';

/** What the client may pass in `initializationOptions`; everything is optional. */
export interface InitializationOptions {
  /** Directory for the result cache (the extension's globalStorageUri/workspaceStorage path); absent = memory only. */
  storagePath?: string;
  /** Bound of the cache directory in bytes (default 200 MB). */
  cacheMaxBytes?: number;
  /** Worker threads kept alive, each holding one document's scan (default 4). */
  maxWorkers?: number;
  /** Scans running at the same time (default: cores − 1, at least 1). */
  maxConcurrentJobs?: number;
}

const DEFAULT_MAX_WORKERS = 4;

/** `dist/worker.js` next to the bundled server; `worker.ts` next to this file when run from source through tsx. */
export function defaultWorkerEntry(): string {
  return path.join(__dirname, __filename.endsWith('.ts') ? 'worker.ts' : 'worker.js');
}

function positive(v: unknown, fallback: number): number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 1 ? Math.floor(v) : fallback;
}

function workspaceRoot(params: InitializeParams): string | undefined {
  const uri = params.workspaceFolders?.[0]?.uri ?? params.rootUri ?? undefined;
  return uri?.startsWith('file:') ? fileURLToPath(uri) : undefined;
}

/** Job failures become ResponseErrors carrying the JobError; cancellation uses the LSP "request cancelled" code. */
async function answer<T>(file: string, work: () => Promise<T>): Promise<T | ResponseError<JobError>> {
  try {
    return await work();
  } catch (e) {
    const error = e instanceof JobFailure ? e.error : jobError('internal', file, `Internal error: ${e instanceof Error ? e.message : String(e)}`);
    const code = error.kind === 'cancelled' || error.kind === 'superseded' ? LSPErrorCodes.RequestCancelled : LSPErrorCodes.RequestFailed;
    return new ResponseError(code, error.message, error);
  }
}

/** Bridge an LSP cancellation token to a job's stop function. */
function onToken(token: CancellationToken): (stop: () => void) => void {
  return (stop) => {
    if (token.isCancellationRequested) stop();
    else token.onCancellationRequested(stop);
  };
}

export function startServer(connection: Connection, workerEntry = defaultWorkerEntry()): void {
  let jobs: DocumentJobs | undefined;
  let canPullConfiguration = false;
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  const log = (message: string): void => connection.console.log(message);
  const ready = (): DocumentJobs => {
    if (!jobs) throw new JobFailure(jobError('internal', '', 'The server is not initialized yet.'));
    return jobs;
  };
  const progressFor = (params: WorkDoneProgressParams): ProgressSink | undefined =>
    params.workDoneToken === undefined ? undefined : connection.window.attachWorkDoneProgress(params.workDoneToken);

  connection.onInitialize((params) => {
    const opts = (params.initializationOptions ?? {}) as InitializationOptions;
    canPullConfiguration = params.capabilities.workspace?.configuration === true;
    const storage = typeof opts.storagePath === 'string' && opts.storagePath ? path.join(opts.storagePath, 'results') : undefined;
    const cache = new ResultCache(storage, positive(opts.cacheMaxBytes, DEFAULT_CACHE_MAX_BYTES), (m) => connection.console.warn(m));
    jobs = new DocumentJobs(
      {
        workerEntry,
        maxWorkers: positive(opts.maxWorkers, DEFAULT_MAX_WORKERS),
        maxConcurrentJobs: positive(opts.maxConcurrentJobs, Math.max(1, availableParallelism() - 1)),
        engine: `${packageJson.name}@${packageJson.version}`,
        workspaceRoot: workspaceRoot(params),
      },
      cache,
      {
        log,
        // The event-loop delay during a scan shows whether this thread itself ever blocked (vs. the OS not scheduling it).
        scanStarted: () => loopDelay.reset(),
        scanEnded: (file, outcome, ms) =>
          log(`scan ${outcome}: ${file} in ${(ms / 1000).toFixed(1)} s; server event-loop delay p99 ${(loopDelay.percentile(99) / 1e6).toFixed(1)} ms, max ${(loopDelay.max / 1e6).toFixed(1)} ms`),
        status: (n) => void connection.sendNotification(Methods.status, n),
        publishDiagnostics: (uri, version, diagnostics) => void connection.sendDiagnostics({ uri, version, diagnostics }),
      },
    );
    log(`Influence Lens server ${packageJson.version}: cache ${storage ?? 'in memory only'}, worker ${workerEntry}`);
    return { capabilities: { textDocumentSync: TextDocumentSyncKind.None }, serverInfo: { name: 'Influence Lens', version: packageJson.version } };
  });

  // `influenceLens.diagnostics` can change between scans: pushed by the client
  // (synchronize.configurationSection), or pulled when the notification carries no settings.
  const applyDiagnostics = (section: { diagnostics?: unknown } | null | undefined): void => {
    if (typeof section?.diagnostics === 'boolean') jobs?.setDiagnostics(section.diagnostics);
  };
  connection.onDidChangeConfiguration((change) => {
    const section = (change.settings as { influenceLens?: { diagnostics?: unknown } } | null)?.influenceLens;
    if (section || !canPullConfiguration) return applyDiagnostics(section);
    connection.workspace.getConfiguration('influenceLens').then(applyDiagnostics, (e: unknown) => log(`could not read configuration: ${String(e)}`));
  });

  connection.onRequest(Methods.compute, (params: ComputeParams & WorkDoneProgressParams, token): Promise<ComputeResult | ResponseError<JobError>> =>
    answer(params.path ?? params.uri, () => ready().compute(params, progressFor(params), onToken(token))),
  );
  connection.onRequest(Methods.cancel, (params: UriParams): boolean => jobs?.cancel(params.uri) ?? false);
  connection.onRequest(Methods.result, (params: UriParams): ResultResponse | null => jobs?.result(params.uri) ?? null);
  connection.onRequest(Methods.rowDetails, (params: RowDetailsParams): Promise<RowDetailsResponse | ResponseError<JobError>> =>
    answer(params.uri, () => ready().rowDetails(params.uri, params.row)),
  );
  connection.onRequest(Methods.verify, (params: VerifyParams & WorkDoneProgressParams, token): Promise<VerifyResponse | ResponseError<JobError>> =>
    answer(params.uri, () => ready().verify(params.uri, params.rows, progressFor(params), onToken(token))),
  );
  connection.onRequest(Methods.clear, (params: Partial<UriParams> | null): null => {
    jobs?.clear(params?.uri);
    return null;
  });
  connection.onShutdown(() => jobs?.dispose());
  connection.listen();
}

if (require.main === module) startServer(createConnection(ProposedFeatures.all));
