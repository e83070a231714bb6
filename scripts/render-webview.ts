/**
 * Renders the real Influence View bundle (dist/webview.js + dist/webview.css) outside VS
 * Code, under the exact HTML and Content-Security-Policy the panel host builds, in Debian's
 * chromium driven by playwright-core, and saves screenshots in dark and light themes to
 * media/screenshots/. Data: a synthetic scan over the rows of ../shared/datasets/spam-2k.jsonl,
 * whose row text (raw HTML and <script> tags) the stub host sends as cells, so the pictures
 * also show that such text appears as literal text. Only this harness stubs `acquireVsCodeApi`.
 *
 * It fails (exit 1) on any console error, page error, CSP violation or dialog, if the
 * hostile row's text is not shown literally, or if the page holds any script it did not load.
 * It also times opening a 10 000 rows × 20 windows scan (message → first painted frame).
 *
 *   node --import tsx scripts/render-webview.ts
 */
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { existsSync, mkdtempSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus, homedir, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as esbuild from 'esbuild';
import { buildWebviewHtml, makeNonce } from '../src/extension/influenceViewHtml';
import { toViewPayload, type ViewPayload } from '../src/shared/webviewMessages';
import { syntheticScan } from '../test/webview/syntheticResult';
import { THEMES, themeCss } from './webviewThemes';

const root = resolve(__dirname, '..');
const datasets = resolve(root, '..', 'shared', 'datasets');
const outDir = join(root, 'media', 'screenshots');
const CHROMIUM = process.env.INFLUENCE_LENS_CHROMIUM ?? '/usr/bin/chromium';
/** Every wait in the browser is bounded by this. */
const WAIT_MS = 20_000;
/** Data row (0-based) of spam-2k.jsonl whose text holds a <script> element. */
const SCRIPT_ROW = 18;
const TIMING_RUNS = 5;

// ---- the small part of playwright-core used here ----
interface Page {
  goto(url: string, o?: { timeout?: number }): Promise<unknown>;
  waitForSelector(sel: string, o?: { timeout?: number; state?: 'attached' | 'visible' }): Promise<unknown>;
  evaluate<R>(fn: string): Promise<R>;
  click(sel: string, o?: { timeout?: number; position?: { x: number; y: number } }): Promise<void>;
  focus(sel: string): Promise<void>;
  keyboard: { press(key: string): Promise<void> };
  hover(sel: string, o?: { timeout?: number; position?: { x: number; y: number } }): Promise<void>;
  screenshot(o: { path: string; fullPage?: boolean }): Promise<unknown>;
  setViewportSize(s: { width: number; height: number }): Promise<void>;
  on(event: 'console', h: (m: { type(): string; text(): string }) => void): void;
  on(event: 'pageerror', h: (e: Error) => void): void;
  on(event: 'dialog', h: (d: { message(): string; dismiss(): Promise<void> }) => void): void;
  close(): Promise<void>;
}
interface CdpSession {
  send(method: string, params?: Record<string, unknown>): Promise<Record<string, unknown>>;
  on(event: string, h: (params: Record<string, unknown>) => void): void;
}
interface Context { newPage(): Promise<Page>; close(): Promise<void>; newCDPSession(p: Page): Promise<CdpSession> }
interface TraceEvent { name: string; ph: string; ts: number; tts?: number; pid: number; tid: number }

/**
 * CPU time (ms) of the page's main thread between two user-timing marks made on it: the
 * difference of their thread timestamps (`tts`). Unlike wall time it does not grow when other
 * processes compete for the cores. Work on other threads (raster, GPU) is not included.
 */
function mainThreadCpu(events: TraceEvent[], from: string, to: string): number | undefined {
  const start = events.find((e) => e.name === from);
  const end = events.find((e) => e.name === to);
  if (start?.tts === undefined || end?.tts === undefined || start.tid !== end.tid) return undefined;
  return (end.tts - start.tts) / 1000;
}

interface CpuProfile { nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[]; samples: number[]; timeDeltas: number[] }

/** Self time per function (ms) of a CPU profile, largest first. */
function topSelfTime(profile: CpuProfile, count: number): string[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const f = byId.get(id)!.callFrame;
    const key = `${f.functionName || '(anonymous)'} ${f.url.split('/').pop()}:${f.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  return [...self].filter(([k]) => !k.startsWith('(idle)')).sort((a, b) => b[1] - a[1]).slice(0, count).map(([k, v]) => `${v.toFixed(1).padStart(7)} ms  ${k}`);
}
interface Playwright {
  chromium: {
    launchPersistentContext(dir: string, o: { executablePath: string; headless: boolean; args: string[]; viewport: { width: number; height: number }; timeout: number }): Promise<Context>;
  };
}

function loadPlaywright(): Playwright {
  const candidates = [join(root, 'package.json'), join(process.env.INFLUENCE_LENS_E2E_DIR ?? join(homedir(), '.cache', 'influence-lens-e2e'), 'package.json')];
  for (const c of candidates) {
    try {
      return createRequire(c)('playwright-core') as Playwright;
    } catch {
      // try the next place
    }
  }
  throw new Error('playwright-core not found: npm install --save-dev playwright-core (or run scripts/install-e2e.sh)');
}

/**
 * Polls an expression in the page until it is truthy, bounded by WAIT_MS. (Playwright's own
 * waitForFunction compiles the predicate in the page, which the page's CSP rightly refuses.)
 */
async function waitFor(p: Page, expression: string): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  while (!(await p.evaluate<boolean>(`Boolean(${expression})`))) {
    if (Date.now() > deadline) throw new Error(`timed out after ${WAIT_MS} ms waiting for ${expression}`);
    await new Promise((ok) => setTimeout(ok, 25));
  }
}

async function buildBundles(): Promise<void> {
  await esbuild.build({ platform: 'browser', target: 'es2022', format: 'iife', bundle: true, sourcemap: true, logLevel: 'warning', entryPoints: [join(root, 'webview/main.ts')], outfile: join(root, 'dist/webview.js') });
  await esbuild.build({ bundle: true, logLevel: 'warning', entryPoints: [join(root, 'webview/style.css')], outfile: join(root, 'dist/webview.css') });
}

/** The stub host: answers the page's messages as InfluenceViewPanel would. */
function stubScript(payload: ViewPayload, cells: Record<number, Record<string, string | null>>): string {
  return `(() => {
  const PAYLOAD = ${encodePayload(payload)};
  const CELLS = ${JSON.stringify(cells)};
  const h = window.__harness = { sent: [], csp: [], revealed: [], t0: 0, tRender: 0, tFrame: 0 };
  document.addEventListener('securitypolicyviolation', (e) => h.csp.push(e.violatedDirective + ' ' + e.blockedURI));
  let state;
  const reply = (m) => window.postMessage(m, '*');
  window.acquireVsCodeApi = () => ({
    postMessage(m) { h.sent.push(m); setTimeout(() => respond(m), 0); },
    getState() { return state; },
    setState(s) { state = s; },
  });
  function respond(m) {
    switch (m.type) {
      case 'ready': {
        const app = document.getElementById('app');
        new MutationObserver(() => {
          if (app.getAttribute('aria-busy') !== 'false' || h.tRender) return;
          h.tRender = performance.now();
          // Two frames: the second callback runs after the first frame (with the view) was painted.
          requestAnimationFrame(() => requestAnimationFrame(() => { h.tFrame = performance.now(); performance.mark('influence-view-frame'); }));
        }).observe(app, { attributes: true });
        h.t0 = performance.now();
        performance.mark('influence-view-open');
        reply({ type: 'result', docUri: 'file:///data/spam-2k.jsonl', payload: PAYLOAD, reviewed: [] });
        break;
      }
      case 'requestCells': reply({ type: 'rowCells', row: m.row, cells: CELLS[m.row] ?? null }); break;
      case 'markReviewed': reply({ type: 'reviewState', rows: [m.row], reviewed: true }); break;
      case 'reveal': h.revealed.push(m.row); break;
      case 'verify': {
        // A made-up retraining answer (this harness has no engine): predicted = sum of the rows' influences.
        const c = PAYLOAD.columns;
        let predicted = 0;
        for (const r of m.rows) predicted += c.influence[c.row.indexOf(r)];
        const before = { valLoss: PAYLOAD.meta.valLoss, valAccuracy: PAYLOAD.meta.valAccuracy };
        const block = { rows: m.rows, estimator: 'acc', predictedChange: predicted, actualChange: predicted * 0.85, before,
          after: { valLoss: before.valLoss + predicted * 0.85, valAccuracy: before.valAccuracy + 0.01 },
          random: { rows: m.rows.map((r) => r + 1), actualChange: 0.0004, valAccuracy: before.valAccuracy } };
        reply({ type: 'verifyResult', requestId: m.requestId, block });
        break;
      }
    }
  }
})();`;
}

/** JavaScript source that rebuilds the payload, typed arrays included (JSON alone would turn them into objects). */
function encodePayload(p: ViewPayload): string {
  const cols = Object.entries(p.columns).map(([k, v]) => {
    if (Array.isArray(v)) return `${JSON.stringify(k)}: ${JSON.stringify(v)}`;
    const typed = v as Int32Array | Float64Array | Uint8Array;
    return `${JSON.stringify(k)}: new ${typed.constructor.name}(${JSON.stringify(Array.from(typed))})`;
  });
  return `{ meta: ${JSON.stringify(p.meta)}, columns: { ${cols.join(', ')} } }`;
}

interface Served { url: string; server: Server }

function serve(files: Map<string, { type: string; body: string | Buffer }>): Promise<Served> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    const f = files.get(path);
    if (path === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    if (!f) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': f.type, 'cache-control': 'no-store' }).end(f.body);
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => {
    const a = server.address();
    ok({ url: `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`, server });
  }));
}

function page(origin: string, theme: 'dark' | 'light' | 'hc', stub: string): string {
  const nonce = makeNonce();
  const html = buildWebviewHtml({ cspSource: origin, scriptUri: `${origin}/dist/webview.js`, styleUri: `${origin}/dist/webview.css`, nonce });
  // VS Code injects theme variables and a body class; the harness does the same with a same-origin stylesheet.
  return html
    .replace('<body>', `<body class="${THEMES[theme].bodyClass}">`)
    .replace('</head>', `<link rel="stylesheet" href="${origin}/harness/theme-${theme}.css">\n</head>`)
    .replace(`<script nonce="${nonce}" src=`, `<script nonce="${nonce}" src="${origin}/harness/${stub}.js"></script>\n<script nonce="${nonce}" src=`);
}

async function main(): Promise<void> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: apt-get install -y chromium`);
  await buildBundles();
  const lines = readFileSync(join(datasets, 'spam-2k.jsonl'), 'utf8').split('\n').filter((l) => l.trim());
  const cells: Record<number, Record<string, string | null>> = {};
  lines.forEach((l, i) => {
    const o = JSON.parse(l) as Record<string, unknown>;
    cells[i] = Object.fromEntries(Object.entries(o).map(([k, v]) => [k, v === null ? null : String(v)]));
  });
  const spam = syntheticScan({ rows: lines.length, windows: 12, classes: ['ham', 'spam'], lineOf: (r) => r + 1, mostHarmful: [SCRIPT_ROW, 0, 55], file: join(datasets, 'spam-2k.jsonl') });
  spam.warnings = ['Synthetic influence figures over the real rows of spam-2k.jsonl (screenshot harness).'];
  const big = syntheticScan({ rows: 10_000, windows: 20 });

  const files = new Map<string, { type: string; body: string | Buffer }>([
    ['/dist/webview.js', { type: 'text/javascript', body: readFileSync(join(root, 'dist/webview.js')) }],
    ['/dist/webview.css', { type: 'text/css', body: readFileSync(join(root, 'dist/webview.css')) }],
    ['/harness/theme-dark.css', { type: 'text/css', body: themeCss('dark') }],
    ['/harness/theme-light.css', { type: 'text/css', body: themeCss('light') }],
    ['/harness/theme-hc.css', { type: 'text/css', body: themeCss('hc') }],
    ['/harness/spam.js', { type: 'text/javascript', body: stubScript(toViewPayload(spam), cells) }],
    ['/harness/big.js', { type: 'text/javascript', body: stubScript(toViewPayload(big), {}) }],
  ]);
  const { url, server } = await serve(files);
  for (const theme of ['dark', 'light', 'hc'] as const) {
    files.set(`/spam-${theme}.html`, { type: 'text/html', body: page(url, theme, 'spam') });
    files.set(`/big-${theme}.html`, { type: 'text/html', body: page(url, theme, 'big') });
  }

  const profile = mkdtempSync(join(tmpdir(), 'influence-view-chromium-'));
  const pw = loadPlaywright();
  const context = await pw.chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    viewport: { width: 1280, height: 900 },
    timeout: WAIT_MS,
  });
  const problems: string[] = [];
  try {
    mkdirSync(outDir, { recursive: true });
    // High contrast is checked for problems and kept out of media/ (the README shows dark and light).
    for (const theme of ['dark', 'light', 'hc'] as const) {
      const p = await context.newPage();
      p.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`${theme} console ${m.type()}: ${m.text()}`); });
      p.on('pageerror', (e) => problems.push(`${theme} page error: ${e.message}`));
      p.on('dialog', (d) => { problems.push(`${theme} dialog opened: ${d.message()}`); void d.dismiss(); });
      await p.goto(`${url}/spam-${theme}.html`, { timeout: WAIT_MS });
      await p.waitForSelector('#app[aria-busy="false"]', { timeout: WAIT_MS });
      // The hostile row is the most harmful: first in the table. Click it (select + reveal).
      await p.click('[data-testid="flagged-table"] .grid-body .grid-row', { timeout: WAIT_MS });
      await p.waitForSelector('.cells .cell-text', { timeout: WAIT_MS });
      await p.hover('.heatmap-canvas', { position: { x: 140, y: 48 }, timeout: WAIT_MS });
      const audit = await p.evaluate<{ shown: boolean; scripts: number; revealed: number[]; csp: string[]; tableCount: string | null; tip: string }>(`(() => ({
        shown: document.querySelector('.cells .cell-text').textContent.includes('<script language="JavaScript">'),
        scripts: document.querySelectorAll('script').length,
        revealed: window.__harness.revealed,
        csp: window.__harness.csp,
        tableCount: document.querySelector('[data-testid="flagged-table"]').getAttribute('data-row-count'),
        tip: document.getElementById('heatmap-tip').textContent,
      }))()`);
      if (!audit.shown) problems.push(`${theme}: the <script> text of row ${SCRIPT_ROW} is not shown literally`);
      if (audit.scripts !== 2) problems.push(`${theme}: ${audit.scripts} script elements in the page (expected the stub and the bundle)`);
      if (audit.revealed[0] !== SCRIPT_ROW) problems.push(`${theme}: clicking the row did not ask to reveal row ${SCRIPT_ROW} (${JSON.stringify(audit.revealed)})`);
      if (audit.tableCount !== String(spam.flaggedCount)) problems.push(`${theme}: table says ${audit.tableCount} rows, scan flagged ${spam.flaggedCount}`);
      problems.push(...audit.csp.map((c) => `${theme}: CSP violation ${c}`));
      console.log(`${theme}: row text literal=${audit.shown}, scripts=${audit.scripts}, revealed=${JSON.stringify(audit.revealed)}, table rows=${audit.tableCount}, tooltip="${audit.tip}"`);
      // Keyboard: Tab reaches the table, arrows move the active row, Enter selects and reveals it.
      await p.focus('[data-testid="flagged-table"]');
      await p.keyboard.press('ArrowDown');
      await p.keyboard.press('ArrowDown');
      await p.keyboard.press('Enter');
      const third = await p.evaluate<string | null>(`document.querySelectorAll('[data-testid="flagged-table"] .grid-body .grid-row')[2].getAttribute('data-row')`);
      await waitFor(p, `window.__harness.revealed.length === 2`);
      const revealedByKey = await p.evaluate<number[]>('window.__harness.revealed');
      if (String(revealedByKey[1]) !== third) problems.push(`${theme}: ArrowDown ×2 + Enter revealed ${revealedByKey[1]}, expected the third row ${third}`);
      // Pattern filter by keyboard: Enter toggles it, focus stays on the bar, the table follows.
      await p.focus('.pattern-bar');
      await p.keyboard.press('Enter');
      const filtered = await p.evaluate<{ pressed: string | null; focused: boolean; count: string | null }>(`(() => ({
        pressed: document.querySelector('.pattern-bar').getAttribute('aria-pressed'),
        focused: document.activeElement === document.querySelector('.pattern-bar'),
        count: document.querySelector('[data-testid="flagged-table"]').getAttribute('data-row-count'),
      }))()`);
      await p.keyboard.press('Enter');
      if (filtered.pressed !== 'true' || !filtered.focused || filtered.count === String(spam.flaggedCount)) problems.push(`${theme}: pattern filter by keyboard: ${JSON.stringify(filtered)}`);
      // Heatmap by keyboard: focus, move down one row, Enter selects it.
      await p.focus('.heatmap-canvas');
      await p.keyboard.press('ArrowDown');
      await p.keyboard.press('Enter');
      await waitFor(p, `window.__harness.revealed.length === 3`);
      console.log(`${theme}: keyboard reveals ${JSON.stringify(await p.evaluate<number[]>('window.__harness.revealed'))}`);
      // Back to the hostile row for the picture, with the heatmap tooltip showing.
      await p.click('[data-testid="flagged-table"] .grid-body .grid-row', { timeout: WAIT_MS });
      await p.waitForSelector('.cells .cell-text', { timeout: WAIT_MS });
      await p.click('#verify-run', { timeout: WAIT_MS });
      await p.waitForSelector('.verify-bars', { timeout: WAIT_MS });
      // A viewport as tall as the page (a full-page capture resizes the view, which drops the hover).
      await p.setViewportSize({ width: 1280, height: await p.evaluate<number>('document.documentElement.scrollHeight') });
      await p.hover('.heatmap-canvas', { position: { x: 150, y: 76 }, timeout: WAIT_MS });
      await waitFor(p, `!document.getElementById('heatmap-tip').classList.contains('hidden')`);
      const shot = theme === 'hc' ? join(tmpdir(), 'influence-view-hc.png') : join(outDir, `influence-view-${theme}.png`);
      await p.screenshot({ path: shot });
      console.log(`saved ${shot}`);
      if (theme === 'dark') {
        await p.setViewportSize({ width: 480, height: 900 });
        await waitFor(p, 'document.documentElement.clientWidth === 480');
        await p.screenshot({ path: join(tmpdir(), 'influence-view-narrow.png'), fullPage: true });
        console.log(`saved ${join(tmpdir(), 'influence-view-narrow.png')} (narrow width check, not kept)`);
      }
      await p.close();
    }
    // Opening time for 10 000 rows × 20 windows: result message posted → first frame after the render.
    const times: number[] = [];
    const cpuTimes: number[] = [];
    const selectWall: number[] = [];
    const selectCpu: number[] = [];
    for (let i = 0; i < TIMING_RUNS; i++) {
      const p = await context.newPage();
      p.on('pageerror', (e) => problems.push(`big page error: ${e.message}`));
      // RENDER_WEBVIEW_PROFILE=1 prints where the first opening spends its time.
      const cdp = process.env.RENDER_WEBVIEW_PROFILE && i === 0 ? await context.newCDPSession(p) : undefined;
      if (cdp) {
        await cdp.send('Profiler.enable');
        await cdp.send('Profiler.start');
      }
      // Trace the renderer to read the main thread's CPU time (other runs than the profiled one).
      const trace = cdp ? undefined : await context.newCDPSession(p);
      const traceEvents: TraceEvent[] = [];
      if (trace) {
        trace.on('Tracing.dataCollected', (d) => { traceEvents.push(...(d.value as TraceEvent[])); });
        await trace.send('Tracing.start', { categories: 'blink.user_timing', transferMode: 'ReportEvents' });
      }
      await p.goto(`${url}/big-dark.html`, { timeout: WAIT_MS });
      await waitFor(p, 'window.__harness && window.__harness.tFrame > 0');
      if (cdp) console.log(`CPU profile of the first opening (self time):\n  ${topSelfTime((await cdp.send('Profiler.stop')).profile as CpuProfile, 20).join('\n  ')}`);
      times.push(await p.evaluate<number>('window.__harness.tFrame - window.__harness.t0'));
      if (trace && i === 1) {
          // Selection: the work the page does in the frame after a click (all linked views), measured inside that frame.
          const selectMs = await p.evaluate<number[]>(`(async () => {
            const out = [];
            const rows = document.querySelectorAll('[data-testid="flagged-table"] .grid-body .grid-row');
            for (let k = 0; k < 5; k++) {
              let tA = 0;
              requestAnimationFrame(() => { tA = performance.now(); performance.mark('influence-select-a-' + k); });
              rows[k].click();
              await new Promise((ok) => requestAnimationFrame(() => { performance.mark('influence-select-b-' + k); ok(); }));
              out.push(performance.now() - tA);
            }
            return out;
          })()`);
          selectWall.push(...selectMs);
      }
      if (trace) {
        const done = new Promise<void>((ok) => trace.on('Tracing.tracingComplete', () => ok()));
        await trace.send('Tracing.end');
        await done;
        const cpu = mainThreadCpu(traceEvents, 'influence-view-open', 'influence-view-frame');
        if (cpu !== undefined) cpuTimes.push(cpu);
        for (let k = 0; k < 5 && i === 1; k++) {
          const sel = mainThreadCpu(traceEvents, `influence-select-a-${k}`, `influence-select-b-${k}`);
          if (sel !== undefined) selectCpu.push(sel);
        }
      }
      if (i === 0) {
        // Scroll the virtualized table to the end; it must keep only a window of rows in the DOM.
        await p.evaluate(`(() => { const s = document.querySelector('[data-testid="flagged-table"]'); document.querySelector('#filter-scope').value = 'all'; document.querySelector('#filter-scope').dispatchEvent(new Event('change')); })()`);
        const dom = await p.evaluate<{ rows: string | null; inDom: number }>(`(() => { const v = document.querySelector('.grid-viewport'); v.scrollTop = v.scrollHeight; return new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(() => ok({ rows: document.querySelector('[data-testid="flagged-table"]').getAttribute('data-row-count'), inDom: document.querySelectorAll('.grid-body .grid-row').length })))); })()`);
        console.log(`10 000 × 20, all rows listed: table declares ${dom.rows} rows, ${dom.inDom} row elements in the DOM after scrolling to the end`);
        if (dom.rows !== '10000' || dom.inDom > 40) problems.push(`virtualization: ${JSON.stringify(dom)}`);
      }
      await p.close();
    }
    times.sort((a, b) => a - b);
    cpuTimes.sort((a, b) => a - b);
    const load = loadavg()[0].toFixed(1);
    console.log(`open 10 000 rows × 20 windows (result message → view painted), load average ${load} on ${cpus().length} cores:`);
    console.log(`  wall time: median ${times[Math.floor(times.length / 2)].toFixed(0)} ms, runs ${times.map((t) => t.toFixed(0)).join(', ')} ms`);
    console.log(`selecting a row (10 000 × 20), work in the frame that updates all views (budget 16.7 ms at 60 Hz):`);
    console.log(`  wall ${selectWall.map((t) => t.toFixed(1)).join(', ')} ms; main-thread CPU ${selectCpu.map((t) => t.toFixed(1)).join(', ')} ms`);
    if (cpuTimes.length) console.log(`  page main-thread CPU time: median ${cpuTimes[Math.floor(cpuTimes.length / 2)].toFixed(0)} ms, runs ${cpuTimes.map((t) => t.toFixed(0)).join(', ')} ms`);
  } finally {
    await context.close();
    server.close();
    rmSync(profile, { recursive: true, force: true });
  }
  if (problems.length) {
    console.error(`problems:\n  ${problems.join('\n  ')}`);
    process.exitCode = 1;
  } else {
    console.log('no console errors, page errors, CSP violations or dialogs');
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
