/**
 * Error-Lens-style highlighting of flagged rows. Decoration types are created once; each
 * visible dataset editor gets tint, gutter mark and after-text for the rows on screen
 * (plus a margin) and overview-ruler marks for all flagged rows. Redraws are debounced
 * on scroll and edits, and only touch visible editors.
 */
import * as vscode from 'vscode';
import type { ConfigReader } from '../config';
import type { DatasetStore } from '../results/datasetState';
import { flaggedBase, flaggedRows, planOverview, planVisible, SEVERITIES, type FlaggedBase, type FlaggedRows } from './decorationPlan';
import type { LineInterval } from './rowRanges';
import type { Severity } from './wording';

/** Debounce of redraws after scrolling or typing (ms): quick enough to feel immediate. */
export const REDRAW_DEBOUNCE_MS = 60;

const COLOR: Record<Severity, string> = { high: 'influenceLens.highBackground', medium: 'influenceLens.mediumBackground', low: 'influenceLens.lowBackground' };

export class DecorationController implements vscode.Disposable {
  private readonly tint: Record<Severity, vscode.TextEditorDecorationType>;
  private readonly head: Record<Severity, vscode.TextEditorDecorationType>;
  private readonly rulerHigh: vscode.TextEditorDecorationType;
  private readonly rulerOther: vscode.TextEditorDecorationType;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly cache = new Map<string, { revision: number; rows: FlaggedRows }>();
  /** Severity and flagged set per result: computed once, reused after every edit. */
  private readonly bases = new WeakMap<object, FlaggedBase>();
  private readonly pending = new Map<vscode.TextEditor, NodeJS.Timeout>();
  private readonly cappedWarned = new Set<string>();

  constructor(extensionUri: vscode.Uri, private readonly store: DatasetStore, private readonly config: ConfigReader) {
    const icon = (sev: Severity): vscode.Uri => vscode.Uri.joinPath(extensionUri, 'media', `gutter-${sev}.svg`);
    this.tint = {} as Record<Severity, vscode.TextEditorDecorationType>;
    this.head = {} as Record<Severity, vscode.TextEditorDecorationType>;
    for (const sev of SEVERITIES) {
      this.tint[sev] = vscode.window.createTextEditorDecorationType({
        isWholeLine: true,
        backgroundColor: new vscode.ThemeColor(COLOR[sev]),
        rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
      });
      this.head[sev] = vscode.window.createTextEditorDecorationType({
        gutterIconPath: icon(sev),
        gutterIconSize: 'contain',
        after: { color: new vscode.ThemeColor('influenceLens.afterTextForeground'), margin: '0 0 0 2em', fontStyle: 'italic' },
        rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
      });
    }
    this.rulerHigh = vscode.window.createTextEditorDecorationType({ overviewRulerColor: new vscode.ThemeColor('influenceLens.overviewRulerHigh'), overviewRulerLane: vscode.OverviewRulerLane.Right });
    this.rulerOther = vscode.window.createTextEditorDecorationType({ overviewRulerColor: new vscode.ThemeColor('influenceLens.overviewRulerOther'), overviewRulerLane: vscode.OverviewRulerLane.Right });

    this.disposables.push(
      vscode.window.onDidChangeVisibleTextEditors((eds) => eds.forEach((ed) => this.schedule(ed, true))),
      vscode.window.onDidChangeTextEditorVisibleRanges((e) => this.schedule(e.textEditor, false)),
      store.onDidChange((uri) => this.visibleEditorsFor(uri).forEach((ed) => this.schedule(ed, true))),
      config.onDidChange(() => vscode.window.visibleTextEditors.forEach((ed) => this.schedule(ed, true))),
    );
    vscode.window.visibleTextEditors.forEach((ed) => this.schedule(ed, true));
  }

  private visibleEditorsFor(uri: string): readonly vscode.TextEditor[] {
    return vscode.window.visibleTextEditors.filter((ed) => ed.document.uri.toString() === uri);
  }

  /** Redraw soon; `withRuler` also redraws the overview ruler (it does not change on scroll). */
  private schedule(editor: vscode.TextEditor, withRuler: boolean): void {
    const prev = this.pending.get(editor);
    clearTimeout(prev);
    const ruler = withRuler || (prev as (NodeJS.Timeout & { ruler?: boolean }) | undefined)?.ruler === true;
    const timer = setTimeout(() => {
      this.pending.delete(editor);
      this.draw(editor, ruler);
    }, REDRAW_DEBOUNCE_MS) as NodeJS.Timeout & { ruler?: boolean };
    timer.ruler = ruler;
    this.pending.set(editor, timer);
  }

  private rowsFor(uri: string): FlaggedRows | undefined {
    const entry = this.store.get(uri);
    if (!entry?.tracker) {
      this.cache.delete(uri);
      return undefined;
    }
    const cached = this.cache.get(uri);
    if (cached && cached.revision === entry.revision) return cached.rows;
    let base = this.bases.get(entry.tracker.records);
    if (!base) {
      base = flaggedBase(entry.tracker.records);
      this.bases.set(entry.tracker.records, base);
    }
    const rows = flaggedRows(entry.tracker, base);
    this.cache.set(uri, { revision: entry.revision, rows });
    return rows;
  }

  private draw(editor: vscode.TextEditor, withRuler: boolean): void {
    const uri = editor.document.uri.toString();
    const rows = this.rowsFor(uri);
    if (!rows) {
      this.clearEditor(editor);
      return;
    }
    const cap = this.config.settingsFor(editor.document.uri).maxDecoratedRows;
    const visible: LineInterval[] = editor.visibleRanges.map((r) => ({ start: r.start.line, end: r.end.line }));
    const plan = planVisible(rows, visible, cap);
    const doc = editor.document;
    const lastLine = doc.lineCount - 1;
    for (const sev of SEVERITIES) {
      editor.setDecorations(this.tint[sev], plan.tint[sev].filter((t) => t.start <= lastLine).map((t) => new vscode.Range(t.start, 0, Math.min(t.end, lastLine), 0)));
      editor.setDecorations(this.head[sev], plan.heads[sev].filter((h) => h.line <= lastLine).map((h) => {
        const end = doc.lineAt(h.line).range.end;
        return { range: new vscode.Range(end, end), renderOptions: { after: { contentText: h.text } } };
      }));
    }
    if (withRuler) {
      const ruler = planOverview(rows, cap);
      const toRanges = (xs: LineInterval[]): vscode.Range[] => xs.filter((x) => x.start <= lastLine).map((x) => new vscode.Range(x.start, 0, Math.min(x.end, lastLine), 0));
      editor.setDecorations(this.rulerHigh, toRanges(ruler.high));
      editor.setDecorations(this.rulerOther, toRanges(ruler.other));
    }
    if (plan.capped && !this.cappedWarned.has(uri)) {
      this.cappedWarned.add(uri);
      void vscode.window.showInformationMessage(`Influence Lens: more than ${cap} flagged rows are on screen; only the first ${cap} are highlighted (setting "influenceLens.maxDecoratedRows").`);
    }
  }

  private clearEditor(editor: vscode.TextEditor): void {
    for (const sev of SEVERITIES) {
      editor.setDecorations(this.tint[sev], []);
      editor.setDecorations(this.head[sev], []);
    }
    editor.setDecorations(this.rulerHigh, []);
    editor.setDecorations(this.rulerOther, []);
  }

  /** Flagged rows of a document in line order (for next/previous navigation). */
  flagged(uri: string): FlaggedRows | undefined {
    return this.rowsFor(uri);
  }

  dispose(): void {
    for (const t of this.pending.values()) clearTimeout(t);
    this.pending.clear();
    for (const d of this.disposables) d.dispose();
    for (const sev of SEVERITIES) {
      this.tint[sev].dispose();
      this.head[sev].dispose();
    }
    this.rulerHigh.dispose();
    this.rulerOther.dispose();
  }
}
