/**
 * End-to-end run in a real VS Code (code-server 4.100.3 = VS Code 1.100.3) driven by
 * Debian's Chromium through playwright-core. Needs `bash scripts/install-e2e.sh` and a
 * packaged .vsix (`npm run package`); `npm run test:e2e` does both steps after the first.
 *
 *   node --import tsx test/e2e/run.ts [--only name,name] [--keep]
 *
 * Prints one line per check and closes with "e2e: N passed, N failed". On a failure it
 * saves a screenshot and keeps the code-server log, and prints both paths.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCodeServer, installVsix, type CodeServer } from './codeServer';
import { cliScan, makeWorkspace } from './fixtures';
import { chromiumPath, runDir, screenshotsDir, vsixPath } from './paths';
import { loadPlaywright, type Browser } from './playwright';
import * as s from './scenarios';
import { Workbench } from './workbench';

const WORKBENCH_TIMEOUT_MS = 60_000;
const BROWSER_LAUNCH_TIMEOUT_MS = 30_000;
/** Chromium flags: headless as root in a container, no traffic to the outside. */
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update',
  '--disable-default-apps', '--disable-sync', '--no-first-run', '--no-default-browser-check', '--disable-breakpad',
  '--disable-features=Translate,MediaRouter,OptimizationHints', '--metrics-recording-only', '--password-store=basic'];

interface CheckDef { name: string; run: s.Check; needs?: string; screenshot?: string }

const CHECKS: CheckDef[] = [
  { name: 'wine: Compute Influence from the palette; status bar count = CLI flagged count', run: s.wineCompute },
  { name: 'wine: after-texts on exactly the flagged rows\' lines; >= half are known flips', run: s.wineDecorations, needs: 'wine: Compute', screenshot: 'vscode-editor-highlights.png' },
  { name: 'wine: hover on a flagged row explains it', run: s.wineHover, needs: 'wine: Compute', screenshot: 'vscode-hover.png' },
  { name: 'wine: quick fix "Remove row", then undo restores the file byte-for-byte', run: s.wineRemoveUndo, needs: 'wine: Compute' },
  { name: 'wine: Influence View renders heatmap, pattern chart and a table with the flagged count', run: s.wineView, needs: 'wine: Compute', screenshot: 'vscode-influence-view-dark.png' },
  { name: 'wine: clicking a table row reveals it in the editor', run: s.wineRevealFromTable, needs: 'wine: Influence View' },
  { name: 'theme: Influence View follows the light theme', run: s.lightTheme, needs: 'wine: Influence View', screenshot: 'vscode-influence-view-light.png' },
  { name: 'spam: a <script> message shows as text in the Influence View and runs nothing', run: s.spamEscaped },
  { name: 'long scan: Cancel returns the status bar to idle', run: s.cancelLongScan },
];

interface Outcome { name: string; ok: boolean; ms: number; detail: string; screenshot?: string }

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const only = args.includes('--only') ? args[args.indexOf('--only') + 1].split(',') : undefined;
  const checks = only ? CHECKS.filter((c) => only.some((o) => c.name.includes(o))) : CHECKS;
  const started = Date.now();
  rmSync(runDir, { recursive: true, force: true });
  const dirs = { workspace: mkdtempSync(join(tmpdir(), 'influence-lens-e2e-workspace-')), profile: join(runDir, 'profile'), shots: join(runDir, 'screenshots'), failures: join(runDir, 'failures'), cli: join(runDir, 'cli') };
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
  const logPath = join(runDir, 'code-server.log');
  const outcomes: Outcome[] = [];
  let server: CodeServer | undefined;
  let browser: Browser | undefined;

  const finish = (setupError?: unknown): number => {
    if (setupError) {
      console.error(`e2e setup failed: ${setupError instanceof Error ? setupError.message : String(setupError)}`);
      for (const c of checks.slice(outcomes.length)) outcomes.push({ name: c.name, ok: false, ms: 0, detail: 'not run: setup failed' });
    }
    const failed = outcomes.filter((o) => !o.ok);
    console.log(`\ncode-server log: ${logPath}`);
    for (const f of failed) if (f.screenshot) console.log(`failure screenshot (${f.name}): ${f.screenshot}`);
    console.log(`e2e total ${((Date.now() - started) / 1000).toFixed(1)} s`);
    console.log(`e2e: ${outcomes.length - failed.length} passed, ${failed.length} failed`);
    return failed.length ? 1 : 0;
  };

  try {
    if (!existsSync(vsixPath)) throw new Error(`${vsixPath} not found: run  npm run package  first`);
    makeWorkspace(dirs.workspace);
    const extensionDir = installVsix(dirs.profile, vsixPath);
    console.log(`installed ${vsixPath} → ${extensionDir}`);
    const oracles = {
      wine: cliScan(extensionDir, join(dirs.workspace, 'wine-noisy.csv'), join(dirs.cli, 'wine')),
    };
    // Awaited only by the checks that use it; a failed CLI fails those checks.
    oracles.wine.catch(() => undefined);
    server = await startCodeServer(dirs.profile, logPath);
    console.log(`code-server up at ${server.url} after ${((Date.now() - started) / 1000).toFixed(1)} s`);
    browser = await loadPlaywright().chromium.launch({ executablePath: chromiumPath, headless: true, args: CHROMIUM_ARGS, timeout: BROWSER_LAUNCH_TIMEOUT_MS });
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1 });
    const page = await context.newPage();
    const consoleLog: s.ConsoleEntry[] = [];
    const dialogs: string[] = [];
    page.on('console', (m) => consoleLog.push({ type: m.type(), text: m.text(), url: m.location().url }));
    page.on('dialog', (d) => { dialogs.push(d.message()); void d.dismiss(); });
    page.on('pageerror', (e) => consoleLog.push({ type: 'error', text: `pageerror: ${e.message}`, url: '' }));
    await page.goto(`${server.url}/?folder=${encodeURIComponent(dirs.workspace)}`, { timeout: WORKBENCH_TIMEOUT_MS, waitUntil: 'domcontentloaded' });
    const wb = new Workbench(page);
    await wb.waitReady(WORKBENCH_TIMEOUT_MS);
    wb.watchNotifications();
    console.log(`workbench ready after ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const ctx: s.Ctx = { page, wb, workspace: dirs.workspace, shots: dirs.shots, consoleLog, dialogs, oracles };

    for (const [i, check] of checks.entries()) {
      const t0 = Date.now();
      const blocker = check.needs && outcomes.find((o) => o.name.startsWith(check.needs!) && !o.ok);
      if (blocker) {
        outcomes.push({ name: check.name, ok: false, ms: 0, detail: `not run: "${blocker.name}" failed` });
      } else {
        try {
          const detail = await check.run(ctx);
          outcomes.push({ name: check.name, ok: true, ms: Date.now() - t0, detail });
          // Only the project's own package may refresh the README pictures.
          if (check.screenshot && !process.env.INFLUENCE_LENS_VSIX) {
            mkdirSync(screenshotsDir, { recursive: true });
            copyFileSync(join(dirs.shots, check.screenshot), join(screenshotsDir, check.screenshot));
          }
        } catch (e) {
          const shot = join(dirs.failures, `${String(i + 1).padStart(2, '0')}.png`);
          await wb.screenshot(shot).catch(() => undefined);
          outcomes.push({ name: check.name, ok: false, ms: Date.now() - t0, detail: (e instanceof Error ? e.message : String(e)).split('\n')[0], screenshot: shot });
          await page.keyboard.press('Escape').catch(() => undefined);
        }
      }
      const o = outcomes[outcomes.length - 1];
      console.log(`${o.ok ? 'ok  ' : 'FAIL'} ${o.name} (${(o.ms / 1000).toFixed(1)} s)\n     ${o.detail}`);
    }
    wb.stopWatching();
    if (outcomes.some((o) => !o.ok) && wb.notifications.length) console.log(`notifications seen: ${wb.notifications.join(' | ')}`);
    const code = finish();
    if (code === 0) rmSync(dirs.workspace, { recursive: true, force: true });
    else console.log(`workspace kept: ${dirs.workspace}`);
    return code;
  } catch (e) {
    return finish(e);
  } finally {
    await browser?.close().catch(() => undefined);
    await server?.stop();
  }
}

main().then((code) => { process.exitCode = code; }, (e) => { console.error(e); process.exitCode = 1; });
