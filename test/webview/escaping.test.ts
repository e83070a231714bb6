import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { displayText, formatCount, formatNumber, formatPercent, formatSigned, MAX_DISPLAY_CHARS } from '../../webview/model/format';
import { isUnsafeAttribute, setAttrs } from '../../webview/dom';

const webviewDir = resolve(__dirname, '..', '..', 'webview');

test('markup and script text are shown as written: not stripped, not double-escaped (the page sets it with textContent)', () => {
  for (const s of ['<script>alert(1)</script>', '<img src=x onerror="alert(1)">', '"><svg onload=alert(1)>', '&lt;b&gt;', 'javascript:alert(document.cookie)']) {
    assert.equal(displayText(s), s);
  }
});

test('bidi controls and invisible characters are made visible, so text reads as the file holds it', () => {
  assert.equal(displayText('abc\u202Edcba'), 'abc\u27e8U+202E\u27e9dcba');
  assert.equal(displayText('x\u2066y\u2069z'), 'x\u27e8U+2066\u27e9y\u27e8U+2069\u27e9z');
  assert.equal(displayText('a\u200Bb\uFEFF'), 'a\u27e8U+200B\u27e9b\u27e8U+FEFF\u27e9');
  assert.equal(displayText('nul\u0000bel\u0007'), 'nul\u27e8U+0000\u27e9bel\u27e8U+0007\u27e9');
  assert.equal(displayText('tabs\tand\nnewlines stay'), 'tabs\tand\nnewlines stay');
  assert.equal(displayText('emoji \u{1F600} and \u00e9 stay'), 'emoji \u{1F600} and \u00e9 stay');
});

test('very long values are cut with a count of what was left out, never inside a surrogate pair', () => {
  const long = 'x'.repeat(MAX_DISPLAY_CHARS + 12_345);
  const shown = displayText(long);
  assert.ok(shown.startsWith('x'.repeat(MAX_DISPLAY_CHARS)));
  assert.match(shown, /\u2026 \(12\u202f345 more characters\)$/);
  const pairAtCut = 'a'.repeat(9) + '\u{1F600}' + 'b'.repeat(20);
  const cut = displayText(pairAtCut, 10);
  assert.ok(!/[\ud800-\udbff](?![\udc00-\udfff])/.test(cut), 'no lone high surrogate');
  assert.ok(cut.startsWith('a'.repeat(9) + '\u2026'));
  assert.equal(displayText('short', 10), 'short');
});

test('numbers: real minus signs, signs on influence, tiny values in exponent form', () => {
  assert.equal(formatSigned(-0.0312), '\u22120.031');
  assert.equal(formatSigned(0.012), '+0.012');
  assert.equal(formatSigned(0), '0');
  assert.equal(formatSigned(-3.1e-6), '\u22123.10e-6');
  assert.equal(formatNumber(-0.5, 2), '\u22120.50');
  assert.equal(formatPercent(0.942), '94.2%');
  assert.equal(formatCount(10000), '10\u202f000');
  assert.equal(formatCount(999), '999');
});

test('the element helper refuses attributes that could run script, load resources or style inline', () => {
  for (const a of ['onclick', 'ONERROR', 'onload', 'style', 'href', 'src', 'srcdoc', 'xlink:href', 'formaction', ' onfocus ']) {
    assert.ok(isUnsafeAttribute(a), a);
    assert.throws(() => setAttrs({ setAttribute: () => undefined }, { [a]: 'alert(1)' }), /refusing/);
  }
  for (const a of ['class', 'role', 'aria-label', 'data-row', 'tabindex', 'id', 'title']) assert.ok(!isUnsafeAttribute(a), a);
  const set: [string, string][] = [];
  setAttrs({ setAttribute: (k: string, v: string) => { set.push([k, v]); } }, { title: '<script>', 'data-row': 3 });
  assert.deepEqual(set, [['title', '<script>'], ['data-row', '3']]);
});

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

test('no page source can turn a string into markup or code', () => {
  const files = sources(webviewDir);
  assert.ok(files.length >= 10, `found ${files.length} webview sources`);
  const sinks = /\.innerHTML\b|\.outerHTML\b|insertAdjacentHTML|document\.write|\beval\s*\(|new Function\b|setAttribute\(\s*['"](style|on\w+)['"]|\.srcdoc\b|createContextualFragment/;
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    const hit = sinks.exec(text);
    assert.equal(hit, null, `${f}: ${hit?.[0]}`);
  }
});
