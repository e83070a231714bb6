/**
 * A stand-in for the parts of the `vscode` module the Influence View host uses (webview
 * panels, their serializer, URIs), installed as the module `vscode` for node tests. It
 * records what the host does: panel options, HTML, posted messages.
 */
import Module from 'node:module';

export class Uri {
  constructor(readonly scheme: string, readonly path: string) {}
  static parse(s: string): Uri {
    const m = /^([a-z][\w+.-]*):\/\/(.*)$/i.exec(s);
    if (!m) throw new Error(`not a URI: ${s}`);
    return new Uri(m[1], m[2]);
  }
  static joinPath(base: Uri, ...parts: string[]): Uri { return new Uri(base.scheme, [base.path, ...parts].join('/')); }
  toString(): string { return `${this.scheme}://${this.path}`; }
}

export class FakePanel {
  readonly posted: unknown[] = [];
  title: string;
  disposed = false;
  revealed = 0;
  private receive?: (m: unknown) => void;
  private onDispose?: () => void;
  readonly webview = {
    options: {} as { enableScripts?: boolean; localResourceRoots?: Uri[]; enableCommandUris?: boolean },
    html: '',
    cspSource: 'https://fake.vscode-cdn.net',
    asWebviewUri: (u: Uri) => ({ toString: () => `https://fake.vscode-cdn.net${u.path}` }),
    postMessage: async (m: unknown) => {
      if (this.disposed) throw new Error('Webview is disposed');
      this.posted.push(structuredClone(m));
      return true;
    },
    onDidReceiveMessage: (h: (m: unknown) => void) => { this.receive = h; return { dispose: () => { this.receive = undefined; } }; },
  };
  constructor(readonly viewType: string, title: string, readonly options?: unknown) { this.title = title; }
  onDidDispose(h: () => void) { this.onDispose = h; return { dispose: () => undefined }; }
  reveal() { this.revealed++; }
  dispose() {
    if (this.disposed) return;
    this.disposed = true;
    this.onDispose?.();
  }
  /** The page sends a message (as the real webview would, after a structured clone). */
  send(m: unknown): void { this.receive?.(structuredClone(m)); }
}

export const created: FakePanel[] = [];
export const serializers = new Map<string, { deserializeWebviewPanel(p: FakePanel, state: unknown): Promise<void> }>();

const fake = {
  Uri,
  ViewColumn: { Beside: -2 },
  window: {
    createWebviewPanel: (viewType: string, title: string, _column: unknown, options: unknown) => {
      const p = new FakePanel(viewType, title, options);
      created.push(p);
      return p;
    },
    registerWebviewPanelSerializer: (viewType: string, s: { deserializeWebviewPanel(p: FakePanel, state: unknown): Promise<void> }) => {
      serializers.set(viewType, s);
      return { dispose: () => serializers.delete(viewType) };
    },
  },
};

// Resolve `vscode` to the fake for every module loaded after this one.
const resolve = (Module as unknown as { _resolveFilename: (r: string, ...rest: unknown[]) => string })._resolveFilename;
(Module as unknown as { _resolveFilename: (r: string, ...rest: unknown[]) => string })._resolveFilename = function (request: string, ...rest: unknown[]) {
  return request === 'vscode' ? 'vscode' : resolve.call(this, request, ...rest);
};
(require.cache as Record<string, unknown>).vscode = { id: 'vscode', filename: 'vscode', loaded: true, exports: fake };
