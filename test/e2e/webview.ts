/**
 * The Influence View as the browser sees it: VS Code puts each webview in an
 * `iframe.webview` whose page holds the extension's document in `iframe#active-frame`.
 *
 * The page is found by stable hooks (see test/e2e/README.md): `data-testid` first, then
 * ARIA roles and labels, so the checks read the same way a screen reader would.
 */
import type { Frame, Page } from './playwright';
import { waitForValue } from './wait';

export const EXTENSION_ID = 'influence-lens.influence-lens';

/** Visible Influence View content frames (one per visible panel). */
export async function visibleViewFrames(page: Page): Promise<Frame[]> {
  const out: Frame[] = [];
  for (const outer of page.frames()) {
    if (outer.isDetached() || !decodeURIComponent(outer.url()).toLowerCase().includes(`extensionid=${EXTENSION_ID}`)) continue;
    // VS Code replaces webview frames while a panel loads: a frame can be detached between
    // listing and inspecting it, which counts as "not visible yet", never as a failure.
    const shown = await outer.frameElement().then((el) => el.evaluate((e) => {
      const r = e.getBoundingClientRect();
      const style = getComputedStyle(e);
      return r.width > 0 && r.height > 0 && style.visibility !== 'hidden' && style.display !== 'none';
    })).catch(() => false);
    if (!shown) continue;
    for (const inner of outer.childFrames()) {
      const id = await inner.frameElement().then((el) => el.evaluate((e) => e.id)).catch(() => '');
      if (id === 'active-frame') out.push(inner);
    }
  }
  return out;
}

export async function waitViewFrame(page: Page, timeoutMs: number): Promise<Frame> {
  let count = 0;
  return waitForValue(async () => {
    const frames = await visibleViewFrames(page);
    count = frames.length;
    return frames.length === 1 ? frames[0] : undefined;
  }, timeoutMs, () => `expected one visible Influence View webview (iframe.webview of ${EXTENSION_ID} → iframe#active-frame), found ${count}`);
}

/**
 * Polls `probe` on the visible Influence View, finding the frame afresh each time: VS Code
 * swaps in a new `active-frame` whenever the panel's HTML is replaced.
 */
export async function pollView<T>(page: Page, probe: (frame: Frame) => Promise<T | undefined>, timeoutMs: number, describe: () => string): Promise<T> {
  return waitForValue(async () => {
    const frames = await visibleViewFrames(page);
    if (frames.length !== 1) return undefined;
    try { return await probe(frames[0]); } catch { return undefined; /* frame swapped mid-probe */ }
  }, timeoutMs, describe, 300);
}

export interface Rendered {
  found: boolean;
  selector: string;
  width: number;
  height: number;
  /** Drawn marks: non-blank canvas pixels, SVG shapes, cell elements, painted HTML boxes. */
  marks: number;
  text: string;
}

/** Selectors tried in order for each part of the view. */
export const HOOKS = {
  heatmap: ['[data-testid="heatmap"]', '#heatmap', '.heatmap', '[aria-label*="heatmap" i]'],
  patternChart: ['[data-testid="pattern-chart"]', '#patterns', '.pattern-chart', '[aria-label*="pattern" i]'],
  table: ['[data-testid="flagged-table"]', '[role="grid"]', 'table', '[role="table"]'],
} as const;

/** Finds the first matching element and measures what is drawn inside it. */
export async function inspect(frame: Frame, selectors: readonly string[]): Promise<Rendered> {
  return frame.evaluate((sels) => {
    for (const sel of sels) {
      const el = document.querySelector<HTMLElement>(sel);
      if (!el) continue;
      const r = el.getBoundingClientRect();
      let marks = 0;
      for (const c of Array.from(el.querySelectorAll('canvas'))) {
        const ctx = c.getContext('2d');
        if (!ctx || c.width === 0 || c.height === 0) continue;
        const data = ctx.getImageData(0, 0, c.width, c.height).data;
        for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) marks++;
      }
      marks += el.querySelectorAll('svg rect, svg path, svg circle, svg line, [data-cell], [role="gridcell"], td').length;
      // HTML bars: painted boxes (a background colour and a size) inside the element.
      marks += Array.from(el.querySelectorAll<HTMLElement>('*')).filter((x) => {
        const b = x.getBoundingClientRect();
        const bg = getComputedStyle(x).backgroundColor;
        return b.width > 0 && b.height > 0 && bg !== 'transparent' && !/rgba\(.*,\s*0\)$/.test(bg) && !(x instanceof HTMLButtonElement);
      }).length;
      return { found: true, selector: sel, width: r.width, height: r.height, marks, text: el.innerText };
    }
    return { found: false, selector: sels.join(', '), width: 0, height: 0, marks: 0, text: '' };
  }, selectors);
}

export interface TableInfo {
  found: boolean;
  selector: string;
  /** Rows the table says it has (data-row-count, or aria-rowcount less header rows), else rendered body rows. */
  rowCount: number;
  countSource: string;
  rendered: { index: number; row: number | null; text: string }[];
}

/** The flagged-rows table: its declared row count and the body rows it renders. */
export async function tableInfo(frame: Frame): Promise<TableInfo> {
  return frame.evaluate((sels) => {
    for (const sel of sels) {
      const table = document.querySelector<HTMLElement>(sel);
      if (!table) continue;
      const all = Array.from(table.querySelectorAll<HTMLElement>('[data-row], tbody tr, [role="row"]'));
      const body = [...new Set(all)].filter((r) => !r.querySelector('th, [role="columnheader"]') && r.offsetParent !== null);
      const rendered = body.map((r, index) => {
        const v = r.getAttribute('data-row');
        return { index, row: v === null ? null : Number(v), text: r.innerText.replace(/\s+/g, ' ').trim() };
      });
      const declared = table.getAttribute('data-row-count');
      const aria = table.getAttribute('aria-rowcount');
      const headerRows = table.querySelectorAll('thead tr, [role="row"]:has([role="columnheader"])').length;
      if (declared !== null) return { found: true, selector: sel, rowCount: Number(declared), countSource: 'data-row-count', rendered };
      if (aria !== null && Number(aria) >= 0) return { found: true, selector: sel, rowCount: Number(aria) - headerRows, countSource: `aria-rowcount − ${headerRows} header row(s)`, rendered };
      return { found: true, selector: sel, rowCount: rendered.length, countSource: 'rendered body rows', rendered };
    }
    return { found: false, selector: sels.join(', '), rowCount: 0, countSource: 'none', rendered: [] };
  }, HOOKS.table);
}

/** Clicks the n-th rendered body row of the table. */
export async function clickTableRow(frame: Frame, index: number): Promise<void> {
  for (const sel of HOOKS.table) {
    const rows = frame.locator(`${sel} [data-row], ${sel} tbody tr, ${sel} [role="row"]:not(:has([role="columnheader"]))`);
    if (await rows.count()) { await rows.nth(index).click({ timeout: 10_000 }); return; }
  }
  throw new Error('no table rows to click');
}

/**
 * What in the page came from dataset markup rather than from the view: script elements
 * whose code contains one of `markers` (text known to be in the dataset row), and tags a
 * view never renders but an HTML e-mail would.
 */
export async function markupAudit(frame: Frame, markers: string[]): Promise<{ dataScripts: number; foreign: string[]; bodyClass: string }> {
  return frame.evaluate((ms) => ({
    dataScripts: Array.from(document.querySelectorAll('script')).filter((s) => ms.some((m) => (s.textContent ?? '').includes(m))).length,
    // HTML elements an e-mail would bring; the charts' own SVG <title> tooltips are not that.
    foreign: Array.from(document.querySelectorAll('body meta, body title, body head, body iframe, body form, body object, body embed, font, center, marquee'))
      .filter((e) => e.namespaceURI !== 'http://www.w3.org/2000/svg')
      .map((e) => e.outerHTML.slice(0, 80)),
    bodyClass: document.body.className,
  }), markers);
}

export async function frameText(frame: Frame): Promise<string> {
  return frame.evaluate(() => document.body.innerText);
}
