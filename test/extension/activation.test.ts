/**
 * Activation under a stand-in `vscode` module: activate() wires every contributed command,
 * the hover and quick-fix providers on dataset files, the tree view, the decoration types and
 * the Influence View serializer, and commands answer clearly with no dataset open.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
// First: installs the stand-in `vscode` before the extension's modules load.
import { log } from './fakeVscode';
import * as ext from '../../src/extension/extension';

const root = path.resolve(__dirname, '../..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));

test('activate registers everything the manifest promises, and deactivate resolves', async () => {
  const subscriptions: { dispose(): void }[] = [];
  const context = {
    subscriptions,
    extensionUri: { scheme: 'file', path: root, fsPath: root, toString: () => `file://${root}` },
    globalStorageUri: { fsPath: '/tmp/influence-lens-test-storage' },
    workspaceState: { get: () => undefined, update: () => Promise.resolve() },
    asAbsolutePath: (p: string) => path.join(root, p),
  };
  ext.activate(context as never);
  for (const c of pkg.contributes.commands as { command: string }[]) assert.ok(log.commands.has(c.command), `${c.command} is registered`);
  assert.deepEqual(log.hoverSelectors, [[
    { scheme: 'file', pattern: '**/*.{csv,tsv,tab,jsonl,ndjson}' }, { scheme: 'untitled', pattern: '**/*.{csv,tsv,tab,jsonl,ndjson}' },
    { scheme: 'untitled', language: 'csv' }, { scheme: 'untitled', language: 'tsv' }, { scheme: 'untitled', language: 'jsonl' },
  ]]);
  assert.equal(log.codeActionSelectors.length, 1);
  assert.deepEqual(log.treeViews, ['influenceLens.flaggedRows']);
  assert.equal(log.decorationTypes, 8, '3 tints, 3 heads with gutter mark and after-text, 2 overview-ruler marks');
  assert.deepEqual(log.serializers, ['influenceLens.influenceView']);

  await log.commands.get('influenceLens.computeInfluence')!();
  await log.commands.get('influenceLens.nextFlaggedRow')!();
  await log.commands.get('influenceLens.showInfluenceView')!();
  await log.commands.get('influenceLens.removeRow')!({ not: 'a row' });
  assert.deepEqual(log.messages.map((m) => m.level), ['info', 'info', 'info', 'warning']);
  assert.match(log.messages[0].text, /open a CSV, TSV or JSONL file/);
  assert.match(log.messages[3].text, /no longer current/);

  await ext.deactivate();
  for (const d of subscriptions) d.dispose();
  assert.equal(log.commands.size, 0, 'every command is disposed with the extension');
});
