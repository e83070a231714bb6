/**
 * Open dataset documents: which documents are datasets, their current parse (cached per
 * version), the ready status before a scan, and keeping scanned rows on the right lines
 * while the user edits (line shifts at once, a content-hash rematch after a pause).
 */
import { createHash } from 'node:crypto';
import * as vscode from 'vscode';
import type { ParsedTable } from '../../core/data/index';
import type { ConfigReader } from '../config';
import { formatOfPath } from '../datasetFiles';
import type { DatasetStore } from './datasetState';
import { currentRows, headerReadiness, parseDocument, readiness, REMATCH_CHAR_LIMIT, REMATCH_ROW_LIMIT, REPARSE_LIMIT_CHARS, type TableOrError } from './documentTables';
import { lineChangeOf, type LineChange } from './rowTracker';

/** Pause after the last keystroke before rows are matched again by content (ms). */
export const REMATCH_DEBOUNCE_MS = 400;

const LANGUAGE_FORMATS: Record<string, 'csv' | 'tsv' | 'jsonl'> = { csv: 'csv', tsv: 'tsv', jsonl: 'jsonl' };

export function datasetFormat(doc: vscode.TextDocument): 'csv' | 'tsv' | 'jsonl' | undefined {
  if (doc.uri.scheme !== 'file' && doc.uri.scheme !== 'untitled') return undefined;
  return formatOfPath(doc.uri.path) ?? (doc.uri.scheme === 'untitled' ? LANGUAGE_FORMATS[doc.languageId] : undefined);
}

export class DatasetDocuments implements vscode.Disposable {
  private readonly tables = new Map<string, { version: number; parsed: TableOrError }>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** Documents where an edit took rows' places since the last content rematch. */
  private readonly lostRows = new Set<string>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly store: DatasetStore, private readonly config: ConfigReader) {
    this.disposables.push(
      vscode.workspace.onDidChangeTextDocument((e) => this.onChange(e)),
      vscode.workspace.onDidCloseTextDocument((doc) => this.onClose(doc)),
      vscode.window.onDidChangeActiveTextEditor((ed) => ed && this.probe(ed.document)),
      vscode.workspace.onDidOpenTextDocument((doc) => this.probe(doc)),
      config.onDidChange(() => vscode.workspace.textDocuments.forEach((d) => this.probe(d))),
    );
    for (const doc of vscode.workspace.textDocuments) this.probe(doc);
  }

  isDataset(doc: vscode.TextDocument): boolean {
    return datasetFormat(doc) !== undefined;
  }

  /** The parse of the document as it is now (cached per version). */
  parse(doc: vscode.TextDocument): TableOrError {
    const key = doc.uri.toString();
    const cached = this.tables.get(key);
    if (cached && cached.version === doc.version) return cached.parsed;
    const parsed = parseDocument(doc.getText(), doc.uri.scheme === 'file' ? doc.uri.fsPath : doc.uri.toString(), datasetFormat(doc) ?? 'csv');
    this.tables.set(key, { version: doc.version, parsed });
    return parsed;
  }

  table(doc: vscode.TextDocument): ParsedTable | undefined {
    const p = this.parse(doc);
    return p.ok ? p.table : undefined;
  }

  /** Show "ready" or the reason a dataset cannot be scanned, unless a scan is shown or running. */
  probe(doc: vscode.TextDocument): void {
    if (!this.isDataset(doc)) return;
    const uri = doc.uri.toString();
    const entry = this.store.get(uri);
    if (entry?.tracker && entry.tracker.version !== doc.version) this.rematchNow(doc);
    if (entry && (entry.result || entry.status.kind === 'running' || entry.status.kind === 'error')) return;
    const settings = this.config.settingsFor(doc.uri);
    const status = doc.getText().length > REPARSE_LIMIT_CHARS
      ? headerReadiness(doc.getText(), datasetFormat(doc) ?? 'csv', settings.labelColumn)
      : readiness(this.parse(doc), settings);
    this.store.setStatus(uri, status);
  }

  /**
   * Put a freshly installed result's rows where their content is now. Called when the
   * result was computed from another version than the document's current one.
   */
  rematchNow(doc: vscode.TextDocument, force = true): void {
    const entry = this.store.get(doc.uri.toString());
    if (!entry?.tracker || !entry.result) return;
    const text = doc.getText();
    // The scan hashed the same UTF-8 text, so equal hashes mean nothing changed since.
    const stale = createHash('sha256').update(text).digest('hex') !== entry.result.contentHash;
    if (!stale) {
      // The text is exactly what was scanned: the result's own line numbers are right.
      this.lostRows.delete(entry.uri);
      this.store.resetPositions(entry.uri, doc.version);
      return;
    }
    const needed = force || this.lostRows.has(entry.uri);
    // A result from another version must be placed by content: over the parse limit nothing
    // can be placed safely, so no row is shown rather than rows on the wrong lines.
    if (force && text.length > REPARSE_LIMIT_CHARS) {
      entry.tracker.rematch([], doc.version);
      this.store.rowsMoved(entry.uri, stale);
      return;
    }
    if (!needed || (!force && (text.length > REMATCH_CHAR_LIMIT || entry.tracker.size > REMATCH_ROW_LIMIT))) {
      this.store.rowsMoved(entry.uri, stale);
      return;
    }
    this.lostRows.delete(entry.uri);
    const parsed = this.parse(doc);
    if (!parsed.ok) {
      // Mid-edit text that does not parse: line shifts keep following rows, but a result from
      // another version cannot be placed at all.
      if (force) entry.tracker.rematch([], doc.version);
      this.store.rowsMoved(entry.uri, stale);
      return;
    }
    entry.tracker.rematch(currentRows(parsed.table), doc.version);
    this.store.rowsMoved(entry.uri, stale);
  }

  private onChange(e: vscode.TextDocumentChangeEvent): void {
    if (e.contentChanges.length === 0) return;
    const uri = e.document.uri.toString();
    const entry = this.store.get(uri);
    if (!entry?.tracker) {
      this.schedule(e.document, () => this.probe(e.document));
      return;
    }
    const doc = e.document;
    const lineLength = (line: number): number => (line < doc.lineCount ? doc.lineAt(line).text.length : -1);
    const changes: LineChange[] = e.contentChanges.map((c) => lineChangeOf(c.range, c.text, lineLength));
    if (entry.tracker.applyChanges(changes, e.document.version) > 0) this.lostRows.add(uri);
    this.store.rowsMoved(uri, true);
    this.schedule(e.document, () => this.rematchNow(e.document, false));
  }

  private schedule(doc: vscode.TextDocument, run: () => void): void {
    const key = doc.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(key, setTimeout(() => {
      this.timers.delete(key);
      if (!doc.isClosed) run();
    }, REMATCH_DEBOUNCE_MS));
  }

  private onClose(doc: vscode.TextDocument): void {
    const key = doc.uri.toString();
    this.tables.delete(key);
    this.lostRows.delete(key);
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    for (const d of this.disposables) d.dispose();
  }
}
