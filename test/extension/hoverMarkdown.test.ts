import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Commands, HOVER_LINK_COMMANDS } from '../../src/extension/commandTable';
import { commandLink, escapeMarkdown, hoverMarkdown, type HoverContext } from '../../src/extension/hover/hoverMarkdown';
import { record } from './fixtures';

const HOSTILE = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '`code` and ``` fences',
  '[click](javascript:alert(1))',
  '![img](https://evil.example/x.png)',
  'https://evil.example/auto',
  'www.evil.example',
  '**bold** _em_ # heading | table |',
  '&lt;already&gt; &amp;',
  '[x](command:workbench.action.terminal.new)',
];

/** The Markdown links in a string that are real links (not escaped). */
function links(md: string): string[] {
  const out: string[] = [];
  const re = /(?<!\\)\[([^\]\\]*(?:\\.[^\]\\]*)*)\]\(([^)\s]+)/g;
  for (let m = re.exec(md); m; m = re.exec(md)) out.push(m[2]);
  return out;
}

test('escaped dataset text forms no tag, link, image, code span or emphasis', () => {
  for (const s of HOSTILE) {
    const e = escapeMarkdown(s, 500);
    assert.doesNotMatch(e, /<[a-z/!]/i, s);
    assert.equal(links(e).length, 0, s);
    assert.doesNotMatch(e, /(?<!\\)`/, s);
    assert.doesNotMatch(e, /(?<!\\)[*_[\]()]/, s);
    assert.doesNotMatch(e, /(?<!\\)[:.]/, `${s}: autolinks need ':' or '.'`);
    assert.doesNotMatch(e, /&(?!amp;|lt;|gt;)/, `${s}: every & is an entity`);
  }
});

test('escaping keeps the text readable after Markdown unescaping', () => {
  const s = '<b>"Win" $1,000!</b> [now](x)';
  const round = escapeMarkdown(s, 500).replace(/\\(.)/g, '$1').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  assert.equal(round, s);
});

function ctx(over: Partial<HoverContext> = {}): HoverContext {
  return {
    uri: 'file:///data/spam.jsonl',
    record: record({ row: 41, flagged: true, reasons: ['harmful'], influence: -0.031, label: '<script>x</script>', predicted: '[ham](javascript:alert(1))', confidence: 0.94, rankHarmful: 3, windows: [0, -0.01, -0.03], pattern: 'late-bloomer' }),
    trainedRows: 1600,
    windowLabels: ['epoch 1', 'epoch 2', 'epoch 3'],
    stale: false,
    canEdit: true,
    ...over,
  };
}

test('the hover links only to our own row commands, with the row in JSON arguments', () => {
  const md = hoverMarkdown(ctx({
    details: {
      record: ctx().record, cells: {},
      similarHarmful: [{ row: 7, line: 9, label: '`spam`', similarity: 0.91, influence: -0.02 }],
      similarHelpful: [{ row: 8, line: 10, label: 'ham', similarity: 0.88, influence: 0.01 }],
    },
  }));
  const targets = links(md);
  assert.ok(targets.length >= 6);
  for (const t of targets) {
    const m = /^command:([\w.]+)\?(.*)$/.exec(t);
    assert.ok(m, t);
    assert.ok((HOVER_LINK_COMMANDS as readonly string[]).includes(m[1]), m[1]);
    const args = JSON.parse(decodeURIComponent(m[2])) as [{ uri: string; row: number }];
    assert.equal(args[0].uri, 'file:///data/spam.jsonl');
  }
  assert.ok(targets.some((t) => t.startsWith(`command:${Commands.relabelRow}?`)));
  const relabel = targets.find((t) => t.startsWith(`command:${Commands.relabelRow}?`))!;
  assert.equal(JSON.parse(decodeURIComponent(relabel.split('?')[1]))[0].label, '[ham](javascript:alert(1))', 'the raw label travels as data');
  assert.doesNotMatch(md, /<script>/);
  assert.match(md, /rank 3 of 1\u202f600/);
  assert.match(md, /late bloomer/);
  assert.ok(md.includes("`█▆▁`"), "the window series as a sparkline");
});

test('without edit rights the hover offers no edit links; agreeing rows get no relabel', () => {
  const ro = links(hoverMarkdown(ctx({ canEdit: false })));
  assert.deepEqual(ro.map((t) => t.split('?')[0]), [`command:${Commands.showRowInView}`]);
  const agree = links(hoverMarkdown(ctx({ record: record({ label: 'a', predicted: 'a' }) })));
  assert.ok(!agree.some((t) => t.startsWith(`command:${Commands.relabelRow}`)));
});

test('a command link title cannot break out of its tooltip', () => {
  const l = commandLink('Go', Commands.revealRow, { uri: 'u', row: 1, hash: 'h' }, 'say "hi" \\');
  assert.match(l, /^\[Go\]\(command:influenceLens\.revealRow\?[^ )]+ "say hi "\)$/);
});
