/**
 * Driving the VS Code workbench through its DOM the way a person would: keyboard for the
 * command palette and quick open, the mouse for hovers and clicks. Every wait is bounded.
 * DOM facts used (VS Code 1.100): rendered lines are `.view-line` with a `top` style, the
 * gutter's `.line-numbers` sit in `.margin-view-overlays > div` with the same `top`, an
 * inline after-text is the `::after` content of a span inside the line.
 */
import type { Locator, Page } from './playwright';
import { pollUntil, waitForValue } from './wait';

export const UI_TIMEOUT_MS = 20_000;
/** The first quick open waits for the extension host's file search to warm up (slow on a loaded machine). */
export const QUICK_OPEN_TIMEOUT_MS = 60_000;

/** The text editor of the active editor group (not a webview, not the palette's input). */
export const ACTIVE_EDITOR = '.part.editor .editor-group-container.active .editor-instance .monaco-editor';
/** Any visible text editor (the Influence View may be the active group while an editor shows beside it). */
const TEXT_EDITOR = '.part.editor .editor-instance .monaco-editor';

export interface RenderedLine {
  line: number;
  text: string;
  /** Unquoted `::after` texts of the spans in the line. */
  after: string[];
}

export class Workbench {
  /** Every notification message seen so far (they auto-hide, so they are polled). */
  readonly notifications: string[] = [];
  private notificationTimer?: NodeJS.Timeout;

  constructor(readonly page: Page) {}

  async waitReady(timeoutMs: number): Promise<void> {
    const ok = await pollUntil(async () => {
      const n = await this.page.locator('.monaco-workbench .part.statusbar').count();
      const explorer = await this.page.locator('.explorer-folders-view, .explorer-viewlet').count();
      return n > 0 && explorer > 0;
    }, timeoutMs, 250);
    if (!ok) throw new Error(`workbench (status bar and explorer) not shown within ${timeoutMs} ms`);
  }

  /** Polls notification toasts in the background; they disappear after a few seconds. */
  watchNotifications(): void {
    const seen = new Set<string>();
    const poll = async () => {
      try {
        const texts = await this.page.evaluate(() =>
          Array.from(document.querySelectorAll('.notifications-toasts .notification-list-item, .notifications-center .notification-list-item'))
            .map((n) => (n.getAttribute('aria-label') ?? n.textContent ?? '').trim()).filter(Boolean));
        for (const t of texts) if (!seen.has(t)) { seen.add(t); this.notifications.push(t); }
      } catch { /* page navigating or closed */ }
      this.notificationTimer = setTimeout(poll, 250);
    };
    void poll();
  }

  stopWatching(): void {
    if (this.notificationTimer) clearTimeout(this.notificationTimer);
  }

  /** F1, type the title, pick the exact entry (fails clearly when the command is not contributed). */
  async runCommand(title: string): Promise<void> {
    await this.openQuickInput('F1', `command palette for "${title}"`);
    await this.page.keyboard.insertText(title);
    const row = await waitForValue(async () => {
      const rows = await this.page.evaluate((t) => Array.from(document.querySelectorAll('.quick-input-widget .monaco-list-row'))
        .map((r, i) => ({ i, label: (r.getAttribute('aria-label') ?? '').split(',')[0].trim() }))
        .filter((r) => r.label === t), title);
      return rows[0];
    }, UI_TIMEOUT_MS, () => `command "${title}" not found in the command palette`);
    await this.page.locator('.quick-input-widget .monaco-list-row').nth(row.i).click({ timeout: UI_TIMEOUT_MS });
  }

  /** Ctrl+P, type the file name, open the match. */
  async openFile(name: string): Promise<void> {
    await this.openQuickInput('Control+P', 'quick open');
    await this.page.keyboard.insertText(name);
    const row = this.page.locator('.quick-input-widget .monaco-list-row').filter({ hasText: name }).first();
    await waitForValue(async () => ((await row.count()) > 0 ? true : undefined), QUICK_OPEN_TIMEOUT_MS, () => `"${name}" not in quick open`);
    await row.click({ timeout: UI_TIMEOUT_MS });
    const tabOpen = await pollUntil(async () => (await this.activeTabName()) === name, UI_TIMEOUT_MS);
    if (!tabOpen) throw new Error(`editor for ${name} did not open (active tab: ${await this.activeTabName()})`);
    await this.waitVisible(`${ACTIVE_EDITOR} .view-line`, `text of ${name}`);
  }

  async activeTabName(): Promise<string> {
    return this.page.evaluate(() => document.querySelector('.editor-group-container.active .tab.active .label-name')?.textContent?.trim() ?? '');
  }

  /**
   * Presses `key` until the quick input's text box has keyboard focus, so that the text typed
   * next can only land there (a still-closing widget, or focus held by a webview, once let a
   * command title be typed into the dataset).
   */
  async openQuickInput(key: string, what: string): Promise<void> {
    const deadline = Date.now() + UI_TIMEOUT_MS;
    const focused = () => this.page.evaluate(() => {
      const a = document.activeElement;
      return !!a && a.tagName === 'INPUT' && !!a.closest('.quick-input-widget .quick-input-box');
    });
    while (Date.now() < deadline) {
      await this.closeQuickInput();
      await this.page.keyboard.press(key);
      if (await pollUntil(focused, 3000, 100)) return;
    }
    throw new Error(`${what}: the quick input did not take keyboard focus within ${UI_TIMEOUT_MS} ms`);
  }

  async closeQuickInput(): Promise<void> {
    if (await this.page.locator('.quick-input-widget:not([style*="display: none"])').count()) await this.page.keyboard.press('Escape');
  }

  async waitVisible(selector: string, what: string, timeoutMs = UI_TIMEOUT_MS): Promise<Locator> {
    const loc = this.page.locator(selector).first();
    const ok = await pollUntil(async () => (await loc.count()) > 0 && loc.isVisible(), timeoutMs);
    if (!ok) throw new Error(`${what} not visible within ${timeoutMs} ms (${selector})`);
    return loc;
  }

  /** Texts of the status bar entries that mention Influence Lens (codicons removed). */
  async statusTexts(): Promise<string[]> {
    return this.page.evaluate(() => Array.from(document.querySelectorAll('.part.statusbar .statusbar-item'))
      .map((e) => (e.textContent ?? '').replace(/\s+/g, ' ').trim())
      .filter((t) => t.includes('Influence Lens')));
  }

  async waitStatus(pattern: RegExp, timeoutMs: number, failOn?: RegExp): Promise<RegExpMatchArray> {
    let last: string[] = [];
    return waitForValue(async () => {
      last = await this.statusTexts();
      const failed = failOn && last.find((t) => failOn.test(t));
      if (failed) throw new Error(`status bar shows "${failed}" while waiting for ${pattern}; notifications: ${this.notifications.join(' | ')}`);
      for (const t of last) { const m = pattern.exec(t); if (m) return m; }
      return undefined;
    }, timeoutMs, () => `status bar never matched ${pattern}; last Influence Lens entries: ${JSON.stringify(last)}; notifications: ${this.notifications.join(' | ')}`);
  }

  /** Lines currently rendered in the active text editor, with line numbers and after-texts. */
  async renderedLines(selector = ACTIVE_EDITOR): Promise<RenderedLine[]> {
    return this.page.evaluate((sel) => {
      const editor = document.querySelector(sel);
      if (!editor) return [];
      const numbers = new Map<string, string>();
      for (const d of Array.from(editor.querySelectorAll<HTMLElement>('.margin-view-overlays > div'))) {
        const n = d.querySelector('.line-numbers')?.textContent?.trim();
        if (n) numbers.set(d.style.top, n);
      }
      return Array.from(editor.querySelectorAll<HTMLElement>('.view-lines .view-line')).map((l) => ({
        line: Number(numbers.get(l.style.top) ?? NaN),
        text: (l.textContent ?? '').replace(/\u00a0/g, ' '),
        after: Array.from(l.querySelectorAll('span'))
          .map((s) => getComputedStyle(s, '::after').content)
          .filter((c) => c.length > 2 && c.startsWith('"'))
          .map((c) => c.slice(1, -1).replace(/\\(.)/g, '$1')),
      })).filter((l) => Number.isFinite(l.line)).sort((a, b) => a.line - b.line);
    }, selector);
  }

  /** Gives the active editor keyboard focus (its hidden input), without a click that could move the cursor. */
  async focusEditor(): Promise<void> {
    await this.page.locator(`${ACTIVE_EDITOR} .native-edit-context, ${ACTIVE_EDITOR} textarea.inputarea`).first().focus({ timeout: UI_TIMEOUT_MS });
  }

  /** Ctrl+G to a line; waits until the cursor is on it. */
  async gotoLine(line: number): Promise<void> {
    await this.openQuickInput('Control+G', 'go to line');
    await this.page.keyboard.insertText(String(line));
    await this.page.keyboard.press('Enter');
    const ok = await pollUntil(async () => (await this.activeLine()) === line, UI_TIMEOUT_MS);
    if (!ok) throw new Error(`cursor not on line ${line} after Go to Line (on ${await this.activeLine()})`);
  }

  /** The cursor's line in the active editor (the gutter marks it), or NaN. */
  async activeLine(selector = ACTIVE_EDITOR): Promise<number> {
    return this.page.evaluate((sel) => Number(document.querySelector(`${sel} .line-numbers.active-line-number`)?.textContent?.trim() ?? NaN), selector);
  }

  /** Cursor line in any visible text editor (after a reveal from the webview, the webview group is active). */
  async anyEditorActiveLines(): Promise<number[]> {
    return this.page.evaluate((sel) => Array.from(document.querySelectorAll(`${sel} .line-numbers.active-line-number`))
      .map((e) => Number(e.textContent?.trim())), TEXT_EDITOR);
  }

  /** The element of a rendered line, for hovering and clicking. */
  async lineBox(line: number): Promise<{ x: number; y: number; width: number; height: number }> {
    return waitForValue(async () => this.page.evaluate(({ sel, line }) => {
      const editor = document.querySelector(sel);
      if (!editor) return undefined;
      const gutter = Array.from(editor.querySelectorAll<HTMLElement>('.margin-view-overlays > div'))
        .find((d) => d.querySelector('.line-numbers')?.textContent?.trim() === String(line));
      const el = gutter && Array.from(editor.querySelectorAll<HTMLElement>('.view-lines .view-line')).find((l) => l.style.top === gutter.style.top);
      // The first span with text: a decoration's injected span has none of its own.
      const span = Array.from(el?.querySelectorAll('span span') ?? []).find((x) => (x.textContent ?? '').trim().length > 0) ?? el;
      const r = span?.getBoundingClientRect();
      return r && r.height > 0 ? { x: r.x, y: r.y, width: r.width, height: r.height } : undefined;
    }, { sel: ACTIVE_EDITOR, line }), UI_TIMEOUT_MS, () => `line ${line} is not rendered in the active editor`);
  }

  /**
   * Scrolls the active editor from top to bottom a page at a time and gathers every
   * rendered line's after-texts. At each position it waits until two reads agree, because
   * decorations follow scrolling with a debounce.
   */
  async collectAfterTexts(totalLines: number, settleMs: number): Promise<Map<number, string[]>> {
    const found = new Map<number, string[]>();
    await this.gotoLine(1);
    let lastSeen = 0;
    for (let page = 0; page < totalLines; page++) {
      let prev = '';
      let lines: RenderedLine[] = [];
      await pollUntil(async () => {
        lines = await this.renderedLines();
        const key = JSON.stringify(lines.map((l) => [l.line, l.after]));
        const same = key === prev && lines.length > 0;
        prev = key;
        return same;
      }, settleMs, 150);
      for (const l of lines) if (l.after.length) found.set(l.line, l.after);
      const maxLine = Math.max(0, ...lines.map((l) => l.line));
      if (maxLine >= totalLines || maxLine <= lastSeen) break;
      lastSeen = maxLine;
      await this.page.keyboard.press('PageDown');
      await pollUntil(async () => Math.max(0, ...(await this.renderedLines()).map((l) => l.line)) > maxLine, UI_TIMEOUT_MS, 100);
    }
    return found;
  }

  /** Hovers the start of a line's text and returns the visible hover's text. */
  async hoverLine(line: number, mustContain: RegExp): Promise<string> {
    const box = await this.lineBox(line);
    await this.page.mouse.move(box.x + Math.min(20, box.width / 2), box.y + box.height / 2, { steps: 2 });
    let last = '';
    return waitForValue(async () => {
      const texts = await this.page.evaluate(() => Array.from(document.querySelectorAll<HTMLElement>('.monaco-hover'))
        .filter((h) => h.offsetParent !== null && !h.classList.contains('hidden'))
        .map((h) => h.innerText));
      last = texts.join('\n---\n');
      return texts.find((t) => mustContain.test(t));
    }, UI_TIMEOUT_MS, () => `no hover matching ${mustContain} over line ${line}; visible hovers: ${JSON.stringify(last)}`);
  }

  /**
   * Ctrl+. on the cursor line and picks the quick fix whose title matches, by keyboard
   * (the action list sits under a pointer-blocking overlay).
   */
  async applyQuickFix(title: RegExp): Promise<void> {
    const rows = '.action-widget .monaco-list-row';
    let offered: string[] = [];
    // Ctrl+. is lost when it lands while a hover or the previous widget still holds focus, or
    // before the code action provider has the results: ask again a few times within the bound.
    const attempts = 4;
    let shown = false;
    for (let attempt = 0; attempt < attempts && !shown; attempt++) {
      if (attempt > 0) await this.page.keyboard.press('Escape');
      await this.page.keyboard.press('Control+.');
      shown = await pollUntil(async () => {
        offered = await this.page.evaluate((sel) => Array.from(document.querySelectorAll(sel)).map((r) => (r.textContent ?? '').trim()), rows);
        return offered.some((t) => title.test(t));
      }, UI_TIMEOUT_MS / attempts);
    }
    if (!shown) {
      await this.page.keyboard.press('Escape');
      throw new Error(`no quick fix matching ${title} (Ctrl+. offered ${JSON.stringify(offered)})`);
    }
    for (let i = 0; i <= offered.length; i++) {
      const focused = await this.page.evaluate((sel) => document.querySelector(`${sel}.focused`)?.textContent?.trim() ?? '', rows);
      if (title.test(focused)) { await this.page.keyboard.press('Enter'); return; }
      await this.page.keyboard.press('ArrowDown');
    }
    await this.page.keyboard.press('Escape');
    throw new Error(`could not focus the quick fix matching ${title} among ${JSON.stringify(offered)}`);
  }

  async screenshot(path: string): Promise<string> {
    await this.page.screenshot({ path });
    return path;
  }
}
