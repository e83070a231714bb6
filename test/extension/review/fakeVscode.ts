/**
 * A small stand-in for the `vscode` module, enough for the review features' logic to run
 * in node's test runner: imported before the modules under test, it answers `require('vscode')`.
 * What it records (messages, registered commands) is inspected by the tests.
 */
import * as fs from 'node:fs';
import Module from 'node:module';

export interface FakeUri { scheme: string; fsPath: string; toString(): string }
export interface FakeDocument { uri: FakeUri; getText(): string }

export const recorded = { errors: [] as string[], warnings: [] as string[], infos: [] as string[], commands: new Map<string, (...a: unknown[]) => unknown>() };

const Uri = {
  file: (p: string): FakeUri => ({ scheme: 'file', fsPath: p, toString: () => `file://${p}` }),
};

export const state = {
  trusted: true,
  folders: [] as { uri: FakeUri; name: string; index: number }[],
  documents: [] as FakeDocument[],
  /** What `extensions.getExtension('vscode.git')` returns. */
  gitExtension: undefined as unknown,
};

export const fake = {
  Uri,
  ProgressLocation: { Notification: 15 },
  workspace: {
    get isTrusted() { return state.trusted; },
    get workspaceFolders() { return state.folders; },
    get textDocuments() { return state.documents; },
    getWorkspaceFolder: (uri: FakeUri) => state.folders.find((f) => uri.fsPath.startsWith(`${f.uri.fsPath}/`)),
    fs: { readFile: async (uri: FakeUri) => new Uint8Array(await fs.promises.readFile(uri.fsPath)) },
  },
  extensions: { getExtension: (id: string) => (id === 'vscode.git' ? state.gitExtension : undefined) },
  window: {
    showErrorMessage: async (m: string) => { recorded.errors.push(m); return undefined; },
    showWarningMessage: async (m: string) => { recorded.warnings.push(m); return undefined; },
    showInformationMessage: async (m: string) => { recorded.infos.push(m); return undefined; },
    showQuickPick: async () => undefined,
    withProgress: async (_o: unknown, task: (p: unknown, t: unknown) => unknown) => task({ report: () => undefined }, { isCancellationRequested: false }),
  },
  commands: {
    registerCommand: (id: string, fn: (...a: unknown[]) => unknown) => {
      recorded.commands.set(id, fn);
      return { dispose: () => recorded.commands.delete(id) };
    },
  },
};

/** A Git extension whose API lists these repository roots. */
export function gitExtensionWith(roots: string[]): unknown {
  const api = {
    state: 'initialized',
    onDidChangeState: () => ({ dispose: () => undefined }),
    git: { path: 'git' },
    repositories: roots.map((r) => ({ rootUri: Uri.file(r), state: { indexChanges: [], workingTreeChanges: [] } })),
    getRepository: () => null,
  };
  return { isActive: true, exports: { enabled: true, getAPI: () => api } };
}

const FAKE_ID = '\0fake-vscode';
const M = Module as unknown as { _resolveFilename: (req: string, ...rest: unknown[]) => string; _cache: Record<string, unknown> };
const original = M._resolveFilename;
M._resolveFilename = (req: string, ...rest: unknown[]) => (req === 'vscode' ? FAKE_ID : original(req, ...rest));
M._cache[FAKE_ID] = { id: FAKE_ID, filename: FAKE_ID, loaded: true, exports: fake };
