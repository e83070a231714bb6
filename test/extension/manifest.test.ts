/**
 * package.json stays in step with the code: settings with DEFAULT_SETTINGS and the shared
 * resolver, commands with the command table, menus and keybindings with known commands,
 * contributed colours and icons with what the code uses.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { DEFAULT_SETTINGS, resolveSettings, type Settings } from '../../src/core/settings';
import { Commands, PublicCommands } from '../../src/extension/commandTable';
import { CONFIG_SECTION, SETTING_KEYS } from '../../src/extension/configMapping';

const root = path.resolve(__dirname, '../..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const contributes = pkg.contributes;
const properties: Record<string, { type: string | string[]; default: unknown; markdownDescription?: string; scope?: string; enum?: string[]; enumDescriptions?: string[]; minimum?: number; maximum?: number }> = contributes.configuration.properties;

/** Command ids registered by the review module (src/extension/review/index.ts, another owner), read from its source. */
function reviewCommandIds(): string[] {
  const src = readFileSync(path.join(root, 'src/extension/review/index.ts'), 'utf8');
  const block = /export const ReviewCommands = \{([\s\S]*?)\}/.exec(src);
  return block ? [...block[1].matchAll(/'(influenceLens\.[A-Za-z]+)'/g)].map((m) => m[1]) : [];
}

test('every setting is contributed with its default, a description and a scope, and nothing else is', () => {
  const keys = Object.keys(properties).map((k) => k.slice(CONFIG_SECTION.length + 1)).sort();
  assert.deepEqual(keys, [...SETTING_KEYS].sort());
  for (const k of SETTING_KEYS) {
    const p = properties[`${CONFIG_SECTION}.${k}`];
    assert.deepEqual(p.default, DEFAULT_SETTINGS[k], k);
    assert.ok(p.markdownDescription && p.markdownDescription.length > 10, `${k} has a description`);
    assert.ok(p.scope, `${k} has a scope`);
    if (p.enum) assert.equal(p.enumDescriptions?.length, p.enum.length, `${k} describes every choice`);
  }
});

test('the shared resolver accepts every contributed choice and the bounds of every range', () => {
  for (const k of SETTING_KEYS) {
    const p = properties[`${CONFIG_SECTION}.${k}`];
    for (const v of p.enum ?? []) assert.doesNotThrow(() => resolveSettings({ [k]: v } as Partial<Record<keyof Settings, unknown>>), `${k}=${v}`);
    for (const bound of [p.minimum, p.maximum]) {
      if (bound !== undefined) assert.doesNotThrow(() => resolveSettings({ [k]: bound } as Partial<Record<keyof Settings, unknown>>), `${k}=${bound}`);
    }
    if (p.maximum !== undefined) assert.throws(() => resolveSettings({ [k]: p.maximum! + 1 } as Partial<Record<keyof Settings, unknown>>), `${k} above its maximum`);
  }
});

test('contributed commands are exactly the public command table plus the review module', () => {
  const contributed = (contributes.commands as { command: string; category: string; title: string }[]);
  const ids = contributed.map((c) => c.command).sort();
  assert.deepEqual(ids, [...Object.values(PublicCommands), ...reviewCommandIds()].sort());
  for (const c of contributed) assert.equal(c.category, 'Influence Lens', c.command);
});

test('every command id of the table has a handler in commands.ts', () => {
  // The handler object is typed Record<CommandKey, Handler>, so tsc rejects a missing key;
  // this checks the registration loop covers the whole table.
  const src = readFileSync(path.join(root, 'src/extension/commands.ts'), 'utf8');
  assert.match(src, /\(Object\.keys\(Commands\) as CommandKey\[\]\)\.map\(\(k\) => vscode\.commands\.registerCommand\(Commands\[k\], handlers\[k\]\)\)/);
  for (const key of Object.keys(Commands)) assert.match(src, new RegExp(`^    ${key}: `, 'm'), `handler for ${key}`);
});

test('menus and keybindings refer to known commands; keybindings avoid the Problems navigation keys', () => {
  const known = new Set([...Object.values(PublicCommands), ...reviewCommandIds()]);
  for (const [menu, items] of Object.entries(contributes.menus as Record<string, { command: string }[]>)) {
    for (const item of items) assert.ok(known.has(item.command), `${menu}: ${item.command}`);
  }
  const taken = new Set(['f8', 'shift+f8', 'alt+f8', 'shift+alt+f8', 'alt+f5', 'shift+alt+f5', 'f9', 'ctrl+k']);
  for (const kb of contributes.keybindings as { command: string; key: string; when: string }[]) {
    assert.ok(known.has(kb.command), kb.command);
    assert.ok(!taken.has(kb.key), `${kb.key} is a default VS Code key`);
    assert.match(kb.when, /influenceLens\.hasResults/);
  }
});

test('activation is by file type and workspace content, never "*"', () => {
  assert.ok(!pkg.activationEvents.includes('*'));
  assert.ok(pkg.activationEvents.some((e: string) => e.startsWith('workspaceContains:')));
  assert.equal(pkg.main, './dist/extension.js');
  assert.equal(pkg.capabilities.untrustedWorkspaces.supported, 'limited');
});

test('colours the code uses are contributed with light, dark and high-contrast defaults', () => {
  const colors = new Map((contributes.colors as { id: string; defaults: Record<string, string> }[]).map((c) => [c.id, c.defaults]));
  const dir = path.join(root, 'src/extension');
  const used = new Set<string>();
  const walk = (d: string): void => {
    for (const name of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, name.name);
      if (name.isDirectory()) walk(p);
      else if (p.endsWith('.ts')) for (const m of readFileSync(p, 'utf8').matchAll(/'(influenceLens\.[A-Za-z]+(?:Background|Foreground|High|Other))'/g)) used.add(m[1]);
    }
  };
  walk(dir);
  assert.ok(used.size >= 5);
  for (const id of used) {
    const d = colors.get(id);
    assert.ok(d, `${id} is contributed`);
    for (const theme of ['light', 'dark', 'highContrast', 'highContrastLight']) assert.match(d[theme], /^#[0-9a-f]{6}([0-9a-f]{2})?$/i, `${id} ${theme}`);
  }
});

test('the icons the manifest and the decorations name exist', () => {
  const files = [pkg.icon, ...contributes.viewsContainers.activitybar.map((c: { icon: string }) => c.icon), 'media/gutter-high.svg', 'media/gutter-medium.svg', 'media/gutter-low.svg'];
  for (const f of files) assert.ok(existsSync(path.join(root, f)), f);
  const png = readFileSync(path.join(root, pkg.icon));
  assert.equal(png.readUInt32BE(16), 128, 'icon width');
  assert.equal(png.readUInt32BE(20), 128, 'icon height');
});
