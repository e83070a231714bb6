/**
 * What the client knows about each dataset document: its status, its latest scan result and
 * the tracker that follows the scanned rows through edits. Pure (no `vscode`): listeners are
 * plain callbacks so tests can drive it.
 */
import type { ScanResult } from '../../core/report/types';
import { doneStatus, type DatasetStatus } from '../status/statusModel';
import { RowTracker } from './rowTracker';

export interface DatasetEntry {
  uri: string;
  status: DatasetStatus;
  result?: ScanResult;
  /** Document version the result was computed from. */
  resultVersion?: number;
  tracker?: RowTracker;
  /** True once the document changed after the scan. */
  stale: boolean;
  /** Bumped on every change of result or row positions (cache key for derived data). */
  revision: number;
  /** Set when the file is too large for VS Code to give us its text. */
  tooLargeForEditor: boolean;
}

export type Listener = (uri: string) => void;

export class DatasetStore {
  private readonly entries = new Map<string, DatasetEntry>();
  private readonly listeners = new Set<Listener>();

  onDidChange(listener: Listener): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  get(uri: string): DatasetEntry | undefined { return this.entries.get(uri); }
  all(): DatasetEntry[] { return [...this.entries.values()]; }
  withResults(): DatasetEntry[] { return this.all().filter((e) => e.result !== undefined); }

  private entry(uri: string): DatasetEntry {
    let e = this.entries.get(uri);
    if (!e) {
      e = { uri, status: { kind: 'idle' }, stale: false, revision: 0, tooLargeForEditor: false };
      this.entries.set(uri, e);
    }
    return e;
  }

  private fire(uri: string): void {
    for (const l of [...this.listeners]) l(uri);
  }

  setStatus(uri: string, status: DatasetStatus): void {
    this.entry(uri).status = status;
    this.fire(uri);
  }

  markTooLarge(uri: string, tooLarge: boolean): void {
    this.entry(uri).tooLargeForEditor = tooLarge;
  }

  /**
   * Install a result computed from document version `version`. `documentVersion` is the
   * version the document has now: when they differ the rows are placed by `rematch` (content
   * hashes) by the caller before anything is drawn, and the result is stale.
   */
  setResult(uri: string, result: ScanResult, version: number, documentVersion: number, cached: boolean): DatasetEntry {
    const e = this.entry(uri);
    e.result = result;
    e.resultVersion = version;
    e.tracker = new RowTracker(result.rows, version);
    e.stale = version !== documentVersion;
    e.revision++;
    e.status = e.stale ? { kind: 'stale', flagged: result.flaggedCount } : doneStatus(result, cached);
    this.fire(uri);
    return e;
  }

  /**
   * Row positions moved (edit or rematch): redraw. `stale` says whether the document now
   * differs from the scanned content (an undo back to it makes the result fresh again).
   */
  rowsMoved(uri: string, stale: boolean): void {
    const e = this.entries.get(uri);
    if (!e?.result) return;
    e.revision++;
    if (stale !== e.stale) {
      e.stale = stale;
      e.status = stale ? { kind: 'stale', flagged: e.result.flaggedCount } : doneStatus(e.result, false);
    }
    this.fire(uri);
  }

  /** The document is back to the scanned text: place rows at the result's own lines again. */
  resetPositions(uri: string, version: number): void {
    const e = this.entries.get(uri);
    if (!e?.result) return;
    e.tracker = new RowTracker(e.result.rows, version);
    this.rowsMoved(uri, false);
  }

  clear(uri: string): void {
    const e = this.entries.get(uri);
    if (!e) return;
    e.result = undefined;
    e.tracker = undefined;
    e.resultVersion = undefined;
    e.stale = false;
    e.revision++;
    e.status = { kind: 'idle' };
    this.fire(uri);
  }

  forget(uri: string): void {
    if (this.entries.delete(uri)) this.fire(uri);
  }
}
