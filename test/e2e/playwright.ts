/**
 * playwright-core lives in the e2e tools folder (scripts/install-e2e.sh), not in the
 * project's dependencies, so it is loaded at run time and described here by the small
 * part of its API this suite uses. That keeps `tsc --noEmit` green on a machine where the
 * tools are not installed.
 */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { toolsDir } from './paths';

export interface Locator {
  click(options?: { timeout?: number; position?: { x: number; y: number } }): Promise<void>;
  hover(options?: { timeout?: number; position?: { x: number; y: number } }): Promise<void>;
  count(): Promise<number>;
  focus(options?: { timeout?: number }): Promise<void>;
  first(): Locator;
  nth(i: number): Locator;
  locator(selector: string): Locator;
  filter(options: { hasText?: string | RegExp }): Locator;
  textContent(options?: { timeout?: number }): Promise<string | null>;
  innerText(options?: { timeout?: number }): Promise<string>;
  isVisible(): Promise<boolean>;
  boundingBox(): Promise<{ x: number; y: number; width: number; height: number } | null>;
  evaluate<R, A>(fn: (el: Element, arg: A) => R, arg?: A): Promise<R>;
  screenshot(options: { path: string }): Promise<Buffer>;
}

export interface Frame {
  url(): string;
  name(): string;
  parentFrame(): Frame | null;
  childFrames(): Frame[];
  locator(selector: string): Locator;
  evaluate<R, A = undefined>(fn: (arg: A) => R, arg?: A): Promise<R>;
  frameElement(): Promise<{ evaluate<R>(fn: (el: Element) => R): Promise<R> }>;
  isDetached(): boolean;
}

export interface ConsoleMessage {
  type(): string;
  text(): string;
  location(): { url: string };
}

export interface Dialog {
  message(): string;
  dismiss(): Promise<void>;
}

export interface Page {
  goto(url: string, options?: { timeout?: number; waitUntil?: 'load' | 'domcontentloaded' }): Promise<unknown>;
  keyboard: {
    press(key: string, options?: { delay?: number }): Promise<void>;
    type(text: string, options?: { delay?: number }): Promise<void>;
    insertText(text: string): Promise<void>;
  };
  mouse: {
    move(x: number, y: number, options?: { steps?: number }): Promise<void>;
    click(x: number, y: number): Promise<void>;
    wheel(dx: number, dy: number): Promise<void>;
  };
  locator(selector: string): Locator;
  frames(): Frame[];
  mainFrame(): Frame;
  evaluate<R, A = undefined>(fn: (arg: A) => R, arg?: A): Promise<R>;
  screenshot(options: { path: string; fullPage?: boolean }): Promise<Buffer>;
  on(event: 'console', handler: (m: ConsoleMessage) => void): void;
  on(event: 'dialog', handler: (d: Dialog) => void): void;
  on(event: 'pageerror', handler: (e: Error) => void): void;
  close(): Promise<void>;
}

export interface BrowserContext {
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

export interface Browser {
  newContext(options: { viewport: { width: number; height: number }; deviceScaleFactor?: number }): Promise<BrowserContext>;
  version(): string;
  close(): Promise<void>;
}

interface PlaywrightCore {
  chromium: {
    launch(options: { executablePath: string; headless: boolean; args: string[]; timeout: number }): Promise<Browser>;
  };
}

export function loadPlaywright(): PlaywrightCore {
  const pkg = join(toolsDir(), 'node_modules', 'playwright-core', 'package.json');
  if (!existsSync(pkg)) {
    throw new Error(`playwright-core not found at ${pkg}: run  bash scripts/install-e2e.sh  first`);
  }
  return createRequire(pkg)('playwright-core') as PlaywrightCore;
}
