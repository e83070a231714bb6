/**
 * A throwaway code-server (VS Code 1.100 in the browser): its own config, profile and
 * extensions folder, bound to 127.0.0.1 on a free port, started in its own process group
 * so that stopping it also stops the extension host and our language server.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { toolsDir } from './paths';
import { pollUntil } from './wait';

export const HEALTH_TIMEOUT_MS = 60_000;
const INSTALL_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 10_000;

/** User settings written before the first start: a clean screen and a fixed theme. */
export const USER_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.colorTheme': 'Default Dark Modern',
  'workbench.enableExperiments': false,
  'workbench.editor.enablePreview': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'chat.commandCenter.enabled': false,
  'window.commandCenter': false,
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'git.enabled': false,
  'editor.minimap.enabled': false,
  'editor.fontSize': 14,
  'editor.hover.delay': 200,
  'editor.hover.sticky': true,
  'editor.wordWrap': 'off',
  'files.autoSave': 'off',
  'files.insertFinalNewline': false,
  'files.trimTrailingWhitespace': false,
  'files.trimFinalNewlines': false,
  'files.eol': '\n',
  'workbench.editor.restoreViewState': false,
  'notifications.doNotDisturb': false,
} as const;

export interface CodeServer {
  url: string;
  port: number;
  logPath: string;
  extensionsDir: string;
  stop(): Promise<void>;
}

export function codeServerEntry(): string {
  const entry = join(toolsDir(), 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  if (!existsSync(entry)) throw new Error(`code-server not found at ${entry}: run  bash scripts/install-e2e.sh  first`);
  return entry;
}

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolvePort(port));
    });
  });
}

/** Profile folders under `root`; the config file keeps code-server away from ~/.config. */
function profile(root: string) {
  const p = {
    config: join(root, 'config.yaml'),
    userDataDir: join(root, 'user-data'),
    extensionsDir: join(root, 'extensions'),
  };
  mkdirSync(join(p.userDataDir, 'User'), { recursive: true });
  mkdirSync(p.extensionsDir, { recursive: true });
  writeFileSync(p.config, 'bind-addr: 127.0.0.1:0\nauth: none\ncert: false\n');
  writeFileSync(join(p.userDataDir, 'User', 'settings.json'), JSON.stringify(USER_SETTINGS, null, 2));
  return p;
}

function commonArgs(p: ReturnType<typeof profile>): string[] {
  return ['--config', p.config, '--user-data-dir', p.userDataDir, '--extensions-dir', p.extensionsDir,
    '--disable-telemetry', '--disable-update-check'];
}

/** Installs the .vsix into the throwaway extensions folder; returns the installed folder. */
export function installVsix(root: string, vsix: string): string {
  const p = profile(root);
  const r = spawnSync(process.execPath, [codeServerEntry(), ...commonArgs(p), '--install-extension', vsix],
    { encoding: 'utf8', timeout: INSTALL_TIMEOUT_MS });
  if (r.status !== 0) throw new Error(`--install-extension failed (${r.status ?? r.signal}): ${r.stderr}${r.stdout}`);
  const installed = readdirSync(p.extensionsDir).find((d) => d.startsWith('influence-lens.influence-lens-'));
  if (!installed) throw new Error(`the .vsix did not install into ${p.extensionsDir}: ${r.stdout}`);
  return join(p.extensionsDir, installed);
}

export async function startCodeServer(root: string, logPath: string): Promise<CodeServer> {
  const p = profile(root);
  const port = await freePort();
  const log = createWriteStream(logPath);
  const child: ChildProcess = spawn(process.execPath, [codeServerEntry(), ...commonArgs(p),
    '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--disable-workspace-trust',
    '--disable-getting-started-override', '--log', 'debug'], {
    detached: true, // own process group: stop() ends the extension host and language server too
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, VSCODE_PROXY_URI: '' },
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  let exited: string | undefined;
  child.once('exit', (code, signal) => { exited = `code-server exited (${code ?? signal}); see ${logPath}`; });

  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
    try { process.kill(-child.pid, 'SIGTERM'); } catch { return; }
    const ended = await pollUntil(() => child.exitCode !== null || child.signalCode !== null, STOP_TIMEOUT_MS, 100);
    if (!ended) { try { process.kill(-child.pid, 'SIGKILL'); } catch { /* already gone */ } }
    log.end();
  };
  const healthy = await pollUntil(async () => {
    if (exited) throw new Error(exited);
    try { return (await fetch(`${url}/healthz`)).ok; } catch { return false; }
  }, HEALTH_TIMEOUT_MS, 250);
  if (!healthy) { await stop(); throw new Error(`code-server not healthy within ${HEALTH_TIMEOUT_MS} ms; see ${logPath}`); }
  return { url, port, logPath, extensionsDir: p.extensionsDir, stop };
}
