/**
 * Jobs per dataset URI: a new compute supersedes the running one, identical concurrent
 * computes share one run, results come from the cache when the bytes and settings match,
 * and each document's worker keeps its live `Analysis` for row details and verification.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Diagnostic } from 'vscode-languageserver/node';
import type { AnalyzeInput, ProgressEvent } from '../core/analyzeTypes';
import type { RowDetails, ScanResult, VerificationBlock } from '../core/report/types';
import { resolveSettings, type Settings } from '../core/settings';
import type { ComputeParams, ComputeResult, JobError, ResultResponse, StatusNotification } from '../shared/protocol';
import { ComputeWorker, type WorkerCall, type WorkerReply } from './computeWorker';
import { flaggedDiagnostics, lineLengths } from './diagnostics';
import { jobError, toJobError } from './jobErrors';
import { cacheKey, type ResultCache } from './resultCache';
import { Semaphore } from './semaphore';

/** What the jobs need from the connection. */
export interface JobHost {
  log(message: string): void;
  status(n: StatusNotification): void;
  publishDiagnostics(uri: string, version: number | undefined, diagnostics: Diagnostic[]): void;
  /** A scan starts running in a worker / has ended (outcome = reply type), for the log. */
  scanStarted?(file: string): void;
  scanEnded?(file: string, outcome: string, ms: number): void;
}

/** A work-done progress reporter (the shape of vscode-languageserver's). */
export interface ProgressSink {
  begin(title: string, percentage?: number, message?: string, cancellable?: boolean): void;
  report(percentage: number, message?: string): void;
  done(): void;
}

export interface JobOptions {
  workerEntry: string;
  /** Live worker threads kept; each holds one document's analysis. */
  maxWorkers: number;
  /** Scans running at the same time. */
  maxConcurrentJobs: number;
  /** Engine identity, part of the cache key. */
  engine: string;
  /** Base for a relative `validationFile` (the first workspace folder). */
  workspaceRoot?: string;
}

/**
 * How a row-details answer was produced: 'live' = from the scan held by the worker, with
 * neighbours; 'result' = from the stored result without neighbours (the worker was recycled
 * or is busy with a newer scan; `cells` is empty in the busy case).
 */
export type RowDetailsSource = 'live' | 'result';
export type RowDetailsResponse = RowDetails & { source: RowDetailsSource };

/** A job failure carried to the request handler (becomes a ResponseError with the JobError as data). */
export class JobFailure extends Error {
  override readonly name = 'JobFailure';
  constructor(readonly error: JobError) {
    super(error.message);
  }
}

interface Latest {
  version: number;
  key: string;
  result: ScanResult;
  input: AnalyzeInput;
  diagnostics: Diagnostic[];
}

/** One scan of one content+settings, possibly awaited by several identical requests. */
class Job {
  stopped: JobError | undefined;
  call: WorkerCall | undefined;
  /** True when the result came from the cache rather than a run. */
  cached = false;
  readonly sinks = new Set<ProgressSink>();
  readonly promise: Promise<ScanResult>;
  private settle!: { resolve: (r: ScanResult) => void; reject: (e: JobFailure) => void };
  private settled = false;

  constructor(readonly key: string, readonly input: AnalyzeInput) {
    this.promise = new Promise<ScanResult>((resolve, reject) => (this.settle = { resolve, reject }));
    // Joined requests may abandon the promise; a rejection must never go unobserved.
    this.promise.catch(() => undefined);
  }

  finish(r: ScanResult | JobError): void {
    if (this.settled) return;
    this.settled = true;
    if ('schemaVersion' in r) this.settle.resolve(r);
    else this.settle.reject(new JobFailure(r));
  }

  stop(kind: 'cancelled' | 'superseded'): void {
    if (this.stopped || this.settled) return;
    this.stopped = jobError(kind, this.input.file, kind === 'cancelled' ? 'The scan was cancelled.' : 'A newer scan of this file replaced this one.');
    if (this.call) this.call.cancel();
    else this.finish(this.stopped);
  }
}

interface DocumentState {
  uri: string;
  worker: ComputeWorker | undefined;
  /** Key of the scan live in the worker (valid while `worker.hasAnalysis`). */
  liveKey: string | undefined;
  job: Job | undefined;
  /** Serializes everything that uses this document's worker. */
  tail: Promise<unknown>;
  /** Bumped by every compute request; an older request that sees a newer value gives way. */
  seq: number;
  latest: Latest | undefined;
  diagnosticsOn: boolean;
  /** Verification calls in flight (cancelled by `cancel`/`clear`). */
  verifying: Set<WorkerCall>;
}

function phaseMessage(p: ProgressEvent): string {
  return p.message ? `${p.phase}: ${p.message}` : p.phase;
}

export class DocumentJobs {
  private readonly docs = new Map<string, DocumentState>();
  private readonly slots: Semaphore;
  private globalDiagnostics: boolean | undefined;

  constructor(
    private readonly options: JobOptions,
    private readonly cache: ResultCache,
    private readonly host: JobHost,
  ) {
    this.slots = new Semaphore(Math.max(1, options.maxConcurrentJobs));
  }

  /** Scan (or fetch from the cache) one document; rejects with JobFailure. */
  async compute(params: ComputeParams, progress?: ProgressSink, onCancel?: (stop: () => void) => void): Promise<ComputeResult> {
    const doc = this.doc(params.uri);
    const seq = ++doc.seq;
    const file = params.path || params.uri;
    const superseded = (): JobFailure => new JobFailure(jobError('superseded', file, 'A newer scan of this file replaced this one.'));

    let settings: Settings;
    let input: AnalyzeInput;
    let key: string;
    try {
      settings = resolveSettings(params.settings as Partial<Record<keyof Settings, unknown>>);
      const content: string | Uint8Array = params.text ?? (await this.read(params.path, file));
      const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
      input = { file, content, settings };
      let validationBytes: Uint8Array | undefined;
      if (settings.validationFile) {
        const vpath = this.resolveValidation(settings.validationFile, params.path);
        validationBytes = await this.read(vpath, vpath);
        input.validation = { file: vpath, content: validationBytes };
      }
      key = cacheKey(bytes, settings, this.options.engine, validationBytes);
    } catch (e) {
      const error = e instanceof JobFailure ? e.error : toJobError(e, file);
      if (seq === doc.seq) this.host.status({ uri: params.uri, phase: 'error', percent: 0, message: error.message, error });
      throw new JobFailure(error);
    }
    if (seq !== doc.seq) throw superseded();
    // The compute's own setting wins; without one, the last configuration the client pushed.
    doc.diagnosticsOn = params.settings?.diagnostics !== undefined ? settings.diagnostics : (this.globalDiagnostics ?? settings.diagnostics);

    // Identical request while the same scan runs (or is looked up in the cache): share it.
    let job = doc.job && doc.job.key === key && !doc.job.stopped ? doc.job : undefined;
    if (!job) {
      doc.job?.stop('superseded');
      // A verification of the previous result is moot once the document is scanned again.
      for (const v of doc.verifying) v.cancel();
      job = new Job(key, input);
      doc.job = job;
      const started = job;
      this.start(doc, job).catch((e: unknown) => started.finish(toJobError(e, file)));
    }
    if (progress) {
      progress.begin('Influence Lens', 0, 'queued', false);
      job.sinks.add(progress);
    }
    onCancel?.(() => job.stop('cancelled'));
    let r: ScanResult;
    try {
      r = await job.promise;
    } catch (e) {
      const error = (e as JobFailure).error;
      // A superseded job is silent: the newer one reports its own status.
      if (error.kind !== 'superseded' && seq === doc.seq) {
        this.host.status({ uri: params.uri, phase: error.kind === 'cancelled' ? 'cancelled' : 'error', percent: 0, message: error.message, error: error.kind === 'cancelled' ? undefined : error });
      }
      throw e;
    } finally {
      if (progress) {
        progress.done();
        job.sinks.delete(progress);
      }
      if (doc.job === job) doc.job = undefined;
    }
    const cached = job.cached;
    if (seq === doc.seq) {
      this.setLatest(doc, { version: params.version, key, result: r, input, diagnostics: [] });
      this.host.status({ uri: params.uri, phase: 'done', percent: 100, message: `${r.flaggedCount} flagged of ${r.data.rows} rows${cached ? ' (cached)' : ''}` });
    }
    return { uri: params.uri, version: params.version, cached, flaggedCount: r.flaggedCount, rows: r.data.rows };
  }

  /** Stop the document's scan and verification; true if something was running. */
  cancel(uri: string): boolean {
    const doc = this.docs.get(uri);
    if (!doc) return false;
    const busy = doc.job !== undefined || doc.verifying.size > 0;
    doc.job?.stop('cancelled');
    for (const v of doc.verifying) v.cancel();
    return busy;
  }

  result(uri: string): ResultResponse | null {
    const latest = this.docs.get(uri)?.latest;
    return latest ? { version: latest.version, result: latest.result } : null;
  }

  /** Forget the document's result and diagnostics (all documents when `uri` is omitted). */
  clear(uri?: string): void {
    const docs = uri ? [this.docs.get(uri)].filter((d): d is DocumentState => d !== undefined) : [...this.docs.values()];
    for (const doc of docs) {
      this.cancel(doc.uri);
      doc.seq++;
      doc.latest = undefined;
      this.host.publishDiagnostics(doc.uri, undefined, []);
      this.host.status({ uri: doc.uri, phase: 'idle', percent: 0, message: 'cleared' });
    }
  }

  /** `influenceLens.diagnostics` changed: publish or withdraw everywhere. */
  setDiagnostics(on: boolean): void {
    this.globalDiagnostics = on;
    for (const doc of this.docs.values()) {
      doc.diagnosticsOn = on;
      if (doc.latest) this.host.publishDiagnostics(doc.uri, doc.latest.version, on ? doc.latest.diagnostics : []);
    }
  }

  /**
   * One row in full. From the live scan when the document's worker still holds it; otherwise
   * from the stored result (cells re-read from the dataset, no neighbours) rather than
   * re-running a whole scan for a hover.
   */
  async rowDetails(uri: string, row: number): Promise<RowDetailsResponse> {
    const doc = this.docs.get(uri);
    const latest = doc?.latest;
    if (!doc || !latest) throw new JobFailure(jobError('no-result', uri, 'No scan result for this file yet.', 'Run Influence Lens: Compute Influence first.'));
    const file = latest.input.file;
    const stored = (cells: RowDetails['cells']): RowDetailsResponse => {
      const record = latest.result.rows.find((r) => r.row === row);
      if (!record) throw new JobFailure(jobError('no-result', file, `Row ${row + 1} has no influence record (it was not trained on).`));
      return { record, cells, similarHelpful: [], similarHarmful: [], source: 'result' };
    };
    // The worker is busy with a newer scan; answer from the stored row rather than wait for it.
    if (doc.job) return stored({});
    return this.serialize(doc, async () => {
      const worker = this.worker(doc);
      if (worker.hasAnalysis && doc.liveKey === latest.key) {
        const reply = await worker.call({ type: 'rowDetails', row }, file).reply;
        if (reply.type !== 'rowDetails') throw this.failure(reply, file);
        return { ...reply.details, source: 'live' };
      }
      const input = worker.tableKey === latest.key ? undefined : latest.input;
      const reply = await worker.call({ type: 'rowCells', key: latest.key, input, row }, file).reply;
      if (reply.type !== 'rowCells') throw this.failure(reply, file);
      worker.tableKey = latest.key;
      return stored(reply.cells);
    });
  }

  /** Retrain without `rows` in the worker holding the scan, reporting progress. */
  async verify(uri: string, rows: number[], progress?: ProgressSink, onCancel?: (stop: () => void) => void): Promise<VerificationBlock> {
    const doc = this.docs.get(uri);
    const latest = doc?.latest;
    if (!doc || !latest) throw new JobFailure(jobError('no-result', uri, 'No scan result for this file yet.', 'Run Influence Lens: Compute Influence first.'));
    // Only trained rows can be left out of a retraining; others used to surface as an internal error.
    const trained = new Set(latest.result.rows.map((r) => r.row));
    const untrained = rows.filter((r) => !trained.has(r));
    if (untrained.length > 0) {
      throw new JobFailure(jobError('no-result', latest.input.file, `Data row(s) ${untrained.slice(0, 10).join(', ')} (0-based) were not trained on (validation split or no label), so they cannot be left out.`, 'Verify flagged or other trained rows.'));
    }
    progress?.begin('Influence Lens: verify', 0, 'queued', false);
    let stopped = false;
    let active: WorkerCall | undefined;
    onCancel?.(() => {
      stopped = true;
      active?.cancel();
    });
    // Every worker call of this verification (a re-run scan, then the replay) can be cancelled.
    const track = (call: WorkerCall): void => {
      active = call;
      doc.verifying.add(call);
      void call.reply.finally(() => doc.verifying.delete(call));
      if (stopped) call.cancel();
    };
    try {
      return await this.serialize(doc, async () => {
        if (stopped) throw new JobFailure(jobError('cancelled', latest.input.file, 'Verification was cancelled.'));
        if (doc.latest !== latest) throw new JobFailure(jobError('cancelled', latest.input.file, 'The file was scanned again before the verification started; run it on the new result.'));
        const release = await this.slots.acquire();
        try {
          await this.ensureLive(doc, latest, progress, track);
          const call = this.worker(doc).call({ type: 'verify', rows }, latest.input.file, (p) => this.onProgress(doc, p, progress ? [progress] : []));
          track(call);
          const reply = await call.reply;
          if (reply.type !== 'verified') throw this.failure(reply, latest.input.file);
          if (doc.latest === latest) {
            latest.result = { ...latest.result, verification: reply.verification };
            await this.cache.put(latest.key, latest.result);
          }
          this.host.status({ uri, phase: 'done', percent: 100, message: 'verified' });
          return reply.verification;
        } finally {
          release();
        }
      });
    } catch (e) {
      const error = e instanceof JobFailure ? e.error : toJobError(e, latest.input.file);
      this.host.status({ uri, phase: error.kind === 'cancelled' ? 'cancelled' : 'error', percent: 0, message: error.message, error: error.kind === 'cancelled' ? undefined : error });
      throw new JobFailure(error);
    } finally {
      progress?.done();
    }
  }

  dispose(): void {
    for (const doc of this.docs.values()) {
      doc.job?.stop('cancelled');
      doc.worker?.dispose();
    }
  }

  /** Serve the job from the cache, or queue it behind the document's earlier work. */
  private async start(doc: DocumentState, job: Job): Promise<void> {
    const hit = await this.cache.get(job.key);
    if (job.stopped) return job.finish(job.stopped);
    if (hit) {
      job.cached = true;
      return job.finish(hit);
    }
    this.host.status({ uri: doc.uri, phase: 'queued', percent: 0, message: 'queued' });
    doc.tail = doc.tail.then(() => this.runJob(doc, job));
  }

  private async runJob(doc: DocumentState, job: Job): Promise<void> {
    if (job.stopped) return job.finish(job.stopped);
    const release = await this.slots.acquire();
    try {
      if (job.stopped) return job.finish(job.stopped);
      const started = performance.now();
      this.host.scanStarted?.(job.input.file);
      job.call = this.worker(doc).call({ type: 'analyze', input: job.input }, job.input.file, (p) => this.onProgress(doc, p, job.sinks));
      const reply = await job.call.reply;
      this.host.scanEnded?.(job.input.file, reply.type, performance.now() - started);
      if (reply.type === 'analyzed') {
        doc.liveKey = job.key;
        const result = JSON.parse(reply.resultJson) as ScanResult;
        await this.cache.put(job.key, result, reply.resultJson);
        job.finish(result);
      } else if (reply.type === 'cancelled') {
        job.finish(job.stopped ?? jobError('cancelled', job.input.file, 'The scan was cancelled.'));
      } else {
        job.finish(this.failure(reply, job.input.file).error);
      }
    } finally {
      release();
    }
  }

  /** Make the worker hold the scan behind `latest`, re-running it if the worker was recycled. */
  private async ensureLive(doc: DocumentState, latest: Latest, progress: ProgressSink | undefined, track: (call: WorkerCall) => void): Promise<void> {
    const worker = this.worker(doc);
    if (worker.hasAnalysis && doc.liveKey === latest.key) return;
    this.host.log(`re-running the scan of ${latest.input.file}: its worker no longer holds it`);
    const call = worker.call({ type: 'analyze', input: latest.input }, latest.input.file, (p) => this.onProgress(doc, p, progress ? [progress] : []));
    track(call);
    const reply = await call.reply;
    if (reply.type !== 'analyzed') throw this.failure(reply, latest.input.file);
    doc.liveKey = latest.key;
  }

  private onProgress(doc: DocumentState, p: ProgressEvent, sinks: Iterable<ProgressSink>): void {
    const percent = Math.max(0, Math.min(100, Math.round(p.percent)));
    const message = phaseMessage(p);
    for (const s of sinks) s.report(percent, message);
    this.host.status({ uri: doc.uri, phase: p.phase, percent, message });
  }

  private failure(reply: WorkerReply, file: string): JobFailure {
    if (reply.type === 'failed') return new JobFailure(reply.error);
    if (reply.type === 'cancelled') return new JobFailure(jobError('cancelled', file, 'The request was cancelled.'));
    return new JobFailure(jobError('internal', file, `Unexpected worker reply "${reply.type}".`));
  }

  private serialize<T>(doc: DocumentState, work: () => Promise<T>): Promise<T> {
    const run = doc.tail.then(work);
    doc.tail = run.catch(() => undefined);
    return run;
  }

  private setLatest(doc: DocumentState, latest: Latest): void {
    const text = typeof latest.input.content === 'string' ? latest.input.content : new TextDecoder().decode(latest.input.content);
    latest.diagnostics = flaggedDiagnostics(latest.result, lineLengths(text));
    doc.latest = latest;
    this.host.publishDiagnostics(doc.uri, latest.version, doc.diagnosticsOn ? latest.diagnostics : []);
  }

  private doc(uri: string): DocumentState {
    let doc = this.docs.get(uri);
    if (!doc) {
      doc = { uri, worker: undefined, liveKey: undefined, job: undefined, tail: Promise.resolve(), seq: 0, latest: undefined, diagnosticsOn: false, verifying: new Set() };
      this.docs.set(uri, doc);
    }
    return doc;
  }

  /** The document's worker; when too many threads are alive the least recently used idle one is released. */
  private worker(doc: DocumentState): ComputeWorker {
    if (doc.worker) return doc.worker;
    const alive = [...this.docs.values()].filter((d) => d.worker?.alive);
    if (alive.length >= this.options.maxWorkers) {
      const idle = alive.filter((d) => !d.worker!.busy).sort((a, b) => a.worker!.lastUsed - b.worker!.lastUsed)[0];
      if (idle) {
        this.host.log(`releasing the worker of ${idle.uri} (more than ${this.options.maxWorkers} open)`);
        idle.worker!.dispose();
        idle.worker = undefined;
      }
    }
    doc.worker = new ComputeWorker(this.options.workerEntry, (m) => this.host.log(m));
    return doc.worker;
  }

  private async read(file: string, name: string): Promise<Uint8Array> {
    try {
      return await fs.readFile(file);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? String(e);
      throw new JobFailure(jobError('io', name, `Cannot read the file (${code}).`, 'Check that it exists and is readable.'));
    }
  }

  private resolveValidation(file: string, datasetPath: string): string {
    if (path.isAbsolute(file)) return file;
    return path.resolve(this.options.workspaceRoot ?? path.dirname(datasetPath), file);
  }
}
