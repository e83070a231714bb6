// One esbuild context per bundle: extension client, language server, compute worker, row helper thread, webview, CLI.
import * as esbuild from 'esbuild';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

const node = { platform: 'node', target: 'node20', format: 'cjs', bundle: true, sourcemap: !production, minify: production, logLevel: 'warning' };
const bundles = [
  { ...node, entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
  { ...node, entryPoints: ['src/server/server.ts'], outfile: 'dist/server.js' },
  { ...node, entryPoints: ['src/server/worker.ts'], outfile: 'dist/worker.js' },
  // Helper thread that computes a share of the rows of an estimate (loaded by src/parallel/rowWorkers.ts).
  { ...node, entryPoints: ['src/parallel/rowWorker.ts'], outfile: 'dist/rowWorker.js' },
  // The optional float32 accelerator (tfjs-core + wasm backend), loaded on demand by src/accel/loader.ts;
  // tfjs-node is never bundled: it is used only when installed.
  { ...node, entryPoints: ['src/accel/index.ts'], outfile: 'dist/accel.js', external: ['@tensorflow/tfjs-node'] },
  { ...node, entryPoints: ['src/cli/cli.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
  { platform: 'browser', target: 'es2022', format: 'iife', bundle: true, sourcemap: !production, minify: production, logLevel: 'warning',
    entryPoints: ['webview/main.ts'], outfile: 'dist/webview.js' },
  // The Influence View's stylesheet, served from dist/ under the webview's CSP (style-src = the webview's own origin).
  { bundle: true, minify: production, logLevel: 'warning', entryPoints: ['webview/style.css'], outfile: 'dist/webview.css' },
].filter((b) => existsSync(b.entryPoints[0]));

// The wasm backend's binaries sit next to dist/accel.js (it points setWasmPaths there).
const wasmDir = 'node_modules/@tensorflow/tfjs-backend-wasm/dist';
if (existsSync(wasmDir)) {
  mkdirSync('dist', { recursive: true });
  for (const f of ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm']) copyFileSync(`${wasmDir}/${f}`, `dist/${f}`);
}

if (watch) {
  for (const b of bundles) (await esbuild.context(b)).watch();
  console.log(`watching ${bundles.length} bundles`);
} else {
  await Promise.all(bundles.map((b) => esbuild.build(b)));
}
