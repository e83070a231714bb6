/**
 * Security: no runtime dependencies (the bundles require only node built-ins and `vscode`),
 * no dynamic code evaluation in src/ or webview/, hostile text through the webview's and
 * the hover's escaping (property-based), and workspace trust declared and applied.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { builtinModules } from 'node:module';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { displayText, MAX_DISPLAY_CHARS } from '../../webview/model/format';
import { escapeMarkdown, MAX_HOVER_TEXT } from '../../src/extension/hover/hoverMarkdown';
import { ROOT } from './helpers';

/** Property runs per escaping property (each is microseconds). */
const RUNS = 2000;
const SEED = 1212;

const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  dependencies?: Record<string, string>;
  capabilities: { untrustedWorkspaces: { supported: string | boolean; restrictedConfigurations?: string[] } };
  contributes: { menus: { commandPalette: { command: string; when?: string }[] } };
};

function sources(dir: string, ext = /\.ts$/): string[] {
  return readdirSync(dir, { recursive: true }).map(String).filter((f) => ext.test(f)).map((f) => path.join(dir, f));
}

test('no runtime dependencies: package.json lists none and the shipped bundles require only node built-ins and vscode', () => {
  assert.deepEqual(Object.keys(pkg.dependencies ?? {}), [], 'everything is bundled; nothing is installed with the extension');
  const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
  const bundles = ['cli.js', 'extension.js', 'server.js', 'worker.js', 'webview.js'].map((f) => path.join(ROOT, 'dist', f)).filter(existsSync);
  assert.ok(bundles.length >= 4, `built bundles found: ${bundles.length} (run node scripts/build.mjs)`);
  for (const b of bundles) {
    const required = [...readFileSync(b, 'utf8').matchAll(/\brequire\(\s*"([^"]+)"\s*\)/g)].map((m) => m[1]);
    const foreign = [...new Set(required)].filter((m) => !builtins.has(m) && m !== 'vscode');
    assert.deepEqual(foreign, [], `${path.basename(b)} requires modules that are not bundled`);
  }
});

test('no dynamic code evaluation in src/ or webview/', () => {
  const files = [...sources(path.join(ROOT, 'src')), ...sources(path.join(ROOT, 'webview'))];
  assert.ok(files.length > 60);
  const evaluation = /\beval\s*\(|\bnew\s+Function\s*\(|\bFunction\s*\(\s*['"`]|\bsetTimeout\s*\(\s*['"`]|\bsetInterval\s*\(\s*['"`]|\bvm\.(runIn|compileFunction|Script)|from\s+['"](node:)?vm['"]/;
  for (const f of files) {
    const code = readFileSync(f, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');
    const hit = evaluation.exec(code);
    assert.equal(hit, null, `${path.relative(ROOT, f)}: ${hit?.[0]}`);
  }
});

/** Characters that reorder or hide text (bidi embeddings, overrides, isolates, marks, zero-width). */
const HIDDEN = /[\u200B-\u200F\u202A-\u202E\u2066-\u2069\u061C\uFEFF]/;
const hostile = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.constantFrom('<script>alert(1)</script>', '<img src=x onerror=alert(1)>', 'javascript:alert(1)', '[x](javascript:alert(1))', '[run](command:workbench.action.terminal.new)', '\u202Egnp.exe', 'a\u2066b\u2069c', '`code` **bold** <b>x</b>'),
  fc.array(fc.constantFrom('<', '>', '&', '"', "'", '`', '[', ']', '(', ')', '\\', '*', '_', '\u202E', '\u2067', '\u200F', '\n', 'a', '\u{1F600}'), { maxLength: 200 }).map((a) => a.join('')),
);

test(`webview text: ${RUNS} hostile strings never keep a bidi or zero-width control, and stay bounded`, () => {
  fc.assert(fc.property(hostile, (s) => {
    const shown = displayText(s);
    assert.ok(!HIDDEN.test(shown), JSON.stringify(shown));
    assert.ok(shown.length <= MAX_DISPLAY_CHARS + 64);
  }), { numRuns: RUNS, seed: SEED });
  const long = `${'<script>'.repeat(100_000)}\u202E`;
  assert.ok(displayText(long).length <= MAX_DISPLAY_CHARS + 64, 'a very long value is cut');
});

test(`hover markdown: ${RUNS} hostile strings never make a link, HTML tag or hidden control`, () => {
  fc.assert(fc.property(hostile, (s) => {
    const md = escapeMarkdown(s);
    assert.ok(!/\]\(/.test(md.replace(/\\\]|\\\(/g, '')), `a link survived: ${JSON.stringify(md)}`);
    assert.ok(!/<[a-zA-Z/!]/.test(md), `an HTML tag survived: ${JSON.stringify(md)}`);
    assert.ok(!HIDDEN.test(md), `a hidden control survived: ${JSON.stringify(md)}`);
    assert.ok(md.length <= MAX_HOVER_TEXT * 12 + 16, `bounded: ${md.length}`);
  }), { numRuns: RUNS, seed: SEED });
});

test('workspace trust: limited support declared; restricted settings match the code; writing commands hidden and guarded', () => {
  const trust = pkg.capabilities.untrustedWorkspaces;
  assert.equal(trust.supported, 'limited');
  const config = readFileSync(path.join(ROOT, 'src/extension/config.ts'), 'utf8');
  const restricted = /RESTRICTED_KEYS[^=]*=\s*new Set<[^>]+>\(\[([^\]]*)\]\)/.exec(config)?.[1].match(/'([^']+)'/g)?.map((k) => `influenceLens.${k.slice(1, -1)}`).sort();
  assert.deepEqual(restricted, [...(trust.restrictedConfigurations ?? [])].sort(), 'the manifest and the config reader restrict the same settings');
  for (const cmd of ['influenceLens.installPreCommitHook', 'influenceLens.reviewStagedData']) {
    assert.match(pkg.contributes.menus.commandPalette.find((m) => m.command === cmd)?.when ?? '', /isWorkspaceTrusted/, `${cmd} hidden when untrusted`);
  }
  // Every extension module that reaches a file-writing core function checks trust first.
  const writers = /\b(recordDecisions|installPreCommitHook|saveReview|updateReview)\s*\(/;
  const guarded: string[] = [];
  for (const f of sources(path.join(ROOT, 'src', 'extension'))) {
    const code = readFileSync(f, 'utf8');
    if (!writers.test(code.replace(/^import .*$/gm, ''))) continue;
    guarded.push(path.relative(ROOT, f));
    assert.match(code, /workspace\.isTrusted/, `${path.relative(ROOT, f)} writes files without checking workspace trust`);
  }
  assert.ok(guarded.length >= 2, `modules that write: ${guarded.join(', ')}`);
});
