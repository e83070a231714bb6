/**
 * The Influence View's HTML shell and Content-Security-Policy. Free of `vscode` imports
 * (the host passes `webview.cspSource` and the resource URIs as strings) so it is tested in
 * node. The page carries no data: the scan arrives later as a message and is rendered as text.
 */
import { randomBytes } from 'node:crypto';

export interface WebviewHtmlParts {
  /** `webview.cspSource` of the panel. */
  cspSource: string;
  /** `webview.asWebviewUri(dist/webview.js)` as a string. */
  scriptUri: string;
  /** `webview.asWebviewUri(dist/webview.css)` as a string. */
  styleUri: string;
  /** A fresh nonce per HTML (see makeNonce). */
  nonce: string;
}

/** 128 random bits, base64: a new one every time the HTML is built. */
export function makeNonce(): string {
  return randomBytes(16).toString('base64');
}

/**
 * Nothing by default; scripts only with the nonce; styles, fonts and images only from the
 * extension's own resources (plus data: images for canvas snapshots). No 'unsafe-inline',
 * no 'unsafe-eval', no remote origins; connect-src stays 'none' (messages do not need it).
 */
export function buildCsp(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `img-src ${cspSource} data:`,
  ].join('; ');
}

const escapeAttr = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function buildWebviewHtml(p: WebviewHtmlParts): string {
  if (!/^[A-Za-z0-9+/=_-]{16,}$/.test(p.nonce)) throw new Error('nonce must be at least 16 base64 characters');
  const csp = buildCsp(p.cspSource, p.nonce);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttr(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeAttr(p.styleUri)}">
<title>Influence View</title>
</head>
<body>
<main id="app" aria-busy="true"><p class="status-line">Loading influence data…</p></main>
<script nonce="${escapeAttr(p.nonce)}" src="${escapeAttr(p.scriptUri)}"></script>
</body>
</html>
`;
}
