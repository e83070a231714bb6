/**
 * A small stand-in for the `vscode` module, enough to activate the extension under node and
 * record what it registers. Anything it does not model is a permissive dummy, so a test
 * fails on wrong wiring, not on an API the fake lacks.
 */
import Module from 'node:module';

type Fn = (...args: unknown[]) => unknown;

export interface FakeLog {
  commands: Map<string, Fn>;
  executed: { command: string; args: unknown[] }[];
  messages: { level: 'info' | 'warning' | 'error'; text: string }[];
  hoverSelectors: unknown[];
  codeActionSelectors: unknown[];
  decorationTypes: number;
  treeViews: string[];
  serializers: string[];
  context: Map<string, unknown>;
}

export const log: FakeLog = {
  commands: new Map(), executed: [], messages: [], hoverSelectors: [], codeActionSelectors: [],
  decorationTypes: 0, treeViews: [], serializers: [], context: new Map(),
};

class Disposable {
  constructor(private readonly fn: () => void = () => undefined) {}
  static from(...ds: { dispose(): void }[]): Disposable { return new Disposable(() => ds.forEach((d) => d.dispose())); }
  dispose(): void { this.fn(); }
}

class EventEmitter<T> {
  private listeners = new Set<(e: T) => void>();
  readonly event = (l: (e: T) => void): Disposable => { this.listeners.add(l); return new Disposable(() => this.listeners.delete(l)); };
  fire(e: T): void { for (const l of [...this.listeners]) l(e); }
  dispose(): void { this.listeners.clear(); }
}

const noEvent = (): Disposable => new Disposable();

class Uri {
  constructor(readonly scheme: string, readonly path: string, readonly fragment = '') {}
  get fsPath(): string { return this.path; }
  static file(p: string): Uri { return new Uri('file', p); }
  static parse(s: string): Uri { const m = /^(\w+):\/\/([^#]*)(?:#(.*))?$/.exec(s); return m ? new Uri(m[1], m[2], m[3] ?? '') : new Uri('file', s); }
  static joinPath(base: Uri, ...parts: string[]): Uri { return new Uri(base.scheme, [base.path, ...parts].join('/')); }
  with(change: { fragment?: string }): Uri { return new Uri(this.scheme, this.path, change.fragment ?? this.fragment); }
  toString(): string { return `${this.scheme}://${this.path}${this.fragment ? `#${this.fragment}` : ''}`; }
}

/** A permissive value: callable, constructible, any property is itself. */
const dummy: unknown = new Proxy(function dummyFn() { /* permissive */ }, {
  get: (_t, key) => (key === 'prototype' ? {} : key === Symbol.toPrimitive ? () => 0 : key === 'then' ? undefined : dummy),
  apply: () => dummy,
  construct: () => ({}),
});

function permissive<T extends object>(known: T): T {
  return new Proxy(known, { get: (t, key) => (key in t ? (t as Record<string | symbol, unknown>)[key] : dummy) });
}

const message = (level: 'info' | 'warning' | 'error') => (text: string): Promise<undefined> => {
  log.messages.push({ level, text });
  return Promise.resolve(undefined);
};

const fake = permissive({
  Disposable, EventEmitter, Uri,
  ThemeColor: class { constructor(readonly id: string) {} },
  ThemeIcon: class { static File: object = {}; constructor(readonly id: string) {} },
  TreeItem: class { constructor(readonly label: string, readonly collapsibleState?: number) {} },
  MarkdownString: class { constructor(readonly value = '') {} },
  Range: class {}, Position: class {}, Selection: class {}, Hover: class {}, CodeAction: class {}, WorkspaceEdit: class {},
  CancellationTokenSource: class { token = { isCancellationRequested: false, onCancellationRequested: noEvent }; cancel(): void { /* no job */ } dispose(): void { /* nothing */ } },
  StatusBarAlignment: { Left: 1, Right: 2 }, OverviewRulerLane: { Right: 4 }, DecorationRangeBehavior: { ClosedClosed: 1 },
  TreeItemCollapsibleState: { None: 0, Collapsed: 1, Expanded: 2 }, ProgressLocation: { Notification: 15 },
  CodeActionKind: { QuickFix: { value: 'quickfix' } }, ConfigurationTarget: { Global: 1, Workspace: 2, WorkspaceFolder: 3 },
  TextEditorRevealType: { InCenterIfOutsideViewport: 2 },
  window: permissive({
    createOutputChannel: () => permissive({ appendLine: () => undefined, dispose: () => undefined }),
    createTextEditorDecorationType: () => { log.decorationTypes++; return new Disposable(); },
    createTreeView: (id: string) => { log.treeViews.push(id); return permissive({ dispose: () => undefined }); },
    createStatusBarItem: () => permissive({ show: () => undefined, hide: () => undefined, dispose: () => undefined }),
    registerWebviewPanelSerializer: (id: string) => { log.serializers.push(id); return new Disposable(); },
    createWebviewPanel: () => dummy,
    onDidChangeActiveTextEditor: noEvent, onDidChangeVisibleTextEditors: noEvent, onDidChangeTextEditorVisibleRanges: noEvent,
    visibleTextEditors: [], activeTextEditor: undefined,
    showInformationMessage: message('info'), showWarningMessage: message('warning'), showErrorMessage: message('error'),
    setStatusBarMessage: () => new Disposable(),
  }),
  workspace: permissive({
    isTrusted: true, textDocuments: [], workspaceFolders: [],
    onDidChangeConfiguration: noEvent, onDidChangeTextDocument: noEvent, onDidCloseTextDocument: noEvent, onDidOpenTextDocument: noEvent,
    getConfiguration: () => ({ get: () => undefined, inspect: () => undefined, update: () => Promise.resolve() }),
    getWorkspaceFolder: () => undefined,
    createFileSystemWatcher: () => permissive({ onDidChange: noEvent, onDidCreate: noEvent, onDidDelete: noEvent, dispose: () => undefined }),
  }),
  commands: {
    registerCommand: (id: string, fn: Fn) => {
      if (log.commands.has(id)) throw new Error(`command ${id} registered twice`);
      log.commands.set(id, fn);
      return new Disposable(() => log.commands.delete(id));
    },
    executeCommand: (command: string, ...args: unknown[]) => {
      log.executed.push({ command, args });
      if (command === 'setContext') log.context.set(args[0] as string, args[1]);
      return Promise.resolve(undefined);
    },
  },
  languages: permissive({
    registerHoverProvider: (sel: unknown) => { log.hoverSelectors.push(sel); return new Disposable(); },
    registerCodeActionsProvider: (sel: unknown) => { log.codeActionSelectors.push(sel); return new Disposable(); },
  }),
});

/** Make `require('vscode')` return the fake. Runs on import: import this module before extension code. */
function installFakeVscode(): void {
  const mod = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
  const original = mod._load;
  mod._load = function load(request: string, ...rest: unknown[]) {
    return request === 'vscode' ? fake : original.call(this, request, ...rest);
  };
}

installFakeVscode();
