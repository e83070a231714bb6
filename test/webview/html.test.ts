import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildCsp, buildWebviewHtml, makeNonce } from '../../src/extension/influenceViewHtml';

const parts = {
  cspSource: 'https://file+.vscode-resource.vscode-cdn.net',
  scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview.js',
  styleUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview.css',
  nonce: 'q2Rr0f2hV8bXk1m3Zp9wLA==',
};

test('the CSP allows nothing by default, scripts only by nonce, styles/fonts/images only from the extension', () => {
  assert.equal(
    buildCsp(parts.cspSource, parts.nonce),
    "default-src 'none'; script-src 'nonce-q2Rr0f2hV8bXk1m3Zp9wLA=='; style-src https://file+.vscode-resource.vscode-cdn.net; " +
    'font-src https://file+.vscode-resource.vscode-cdn.net; img-src https://file+.vscode-resource.vscode-cdn.net data:',
  );
});

test('the HTML shell: CSP meta first, one nonce script, one stylesheet, no inline code or style, no data', () => {
  const html = buildWebviewHtml(parts);
  const meta = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html);
  assert.ok(meta, 'CSP meta present');
  assert.ok(html.indexOf(meta[0]) < html.indexOf('<link'), 'CSP precedes every resource');
  assert.equal(meta[1], buildCsp(parts.cspSource, parts.nonce));
  assert.doesNotMatch(html, /unsafe-inline|unsafe-eval|\*\s|https?:\/\/(?!file\+\.vscode-resource)/);
  const scripts = html.match(/<script\b[^>]*>/g) ?? [];
  assert.deepEqual(scripts, [`<script nonce="${parts.nonce}" src="${parts.scriptUri}">`]);
  assert.match(html, new RegExp(`<link rel="stylesheet" href="${parts.styleUri.replace(/[.+]/g, '\\$&')}">`));
  assert.doesNotMatch(html, /\sstyle=|<style|\son[a-z]+=/i, 'no inline style or handlers');
  assert.match(html, /<main id="app" aria-busy="true">/);
});

test('hostile values in the shell parameters cannot break out of their attributes', () => {
  const html = buildWebviewHtml({ ...parts, scriptUri: 'x"><script>alert(1)</script>', styleUri: "y' onload='alert(1)" });
  assert.equal((html.match(/<script\b/g) ?? []).length, 1);
  assert.match(html, /src="x&quot;&gt;&lt;script&gt;alert\(1\)&lt;\/script&gt;"/);
  assert.throws(() => buildWebviewHtml({ ...parts, nonce: "abc' 'unsafe-inline" }), /nonce/);
  assert.throws(() => buildWebviewHtml({ ...parts, nonce: 'short' }), /nonce/);
});

test('nonces are fresh 128-bit base64 values', () => {
  const seen = new Set(Array.from({ length: 200 }, makeNonce));
  assert.equal(seen.size, 200);
  for (const n of seen) assert.match(n, /^[A-Za-z0-9+/]{22}==$/);
});
