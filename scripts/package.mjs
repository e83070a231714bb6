// Builds the .vsix from a production build, offline, with @vscode/vsce.
// The build runs in a staging folder that holds only what ships (manifest, README,
// LICENSE, CHANGELOG, media, .vscodeignore) plus links to the sources, so the package
// never picks up stale files from dist/ and the working tree's dev build is untouched.
//
//   node scripts/package.mjs [--out FILE]      (default dist-vsix/influence-lens.vsix)
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outArg = process.argv.indexOf('--out');
const out = resolve(outArg > 0 ? process.argv[outArg + 1] : join(root, 'dist-vsix', 'influence-lens.vsix'));
const toolsDir = process.env.INFLUENCE_LENS_E2E_DIR ?? join(homedir(), '.cache', 'influence-lens-e2e');
const vsce = join(toolsDir, 'node_modules', '@vscode', 'vsce', 'vsce');

/** Files and folders copied into the package as they are (the rest is built). */
const SHIPPED = ['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md', '.vscodeignore', 'media'];
/** Build inputs, linked rather than copied, and removed again before vsce walks the tree. */
const BUILD_INPUTS = ['src', 'webview', 'node_modules', 'tsconfig.json'];
const STEP_TIMEOUT_MS = 180_000;

function run(cmd, args, cwd) {
  const r = spawnSync(cmd, args, { cwd, stdio: 'inherit', timeout: STEP_TIMEOUT_MS });
  if (r.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} failed (${r.error?.message ?? `exit ${r.status}, signal ${r.signal}`})`);
  }
}

if (!existsSync(vsce)) {
  console.error(`@vscode/vsce not found at ${vsce}: run  bash scripts/install-e2e.sh  first`);
  process.exit(1);
}

const stage = mkdtempSync(join(tmpdir(), 'influence-lens-package-'));
try {
  for (const f of SHIPPED) {
    if (existsSync(join(root, f))) cpSync(join(root, f), join(stage, f), { recursive: true });
  }
  for (const f of BUILD_INPUTS) {
    if (existsSync(join(root, f))) symlinkSync(join(root, f), join(stage, f));
  }
  run(process.execPath, [join(root, 'scripts', 'build.mjs'), '--production'], stage);
  for (const f of BUILD_INPUTS) rmSync(join(stage, f), { force: true });

  mkdirSync(dirname(out), { recursive: true });
  rmSync(out, { force: true });
  // --no-dependencies: the bundles are self-contained, no node_modules ship.
  // --no-rewrite-relative-links: README images stay relative to the installed extension.
  run(process.execPath, [vsce, 'package', '--no-dependencies', '--allow-missing-repository',
    '--no-rewrite-relative-links', '--out', out], stage);
  console.log(`packaged ${out} (${(statSync(out).size / 1024).toFixed(1)} KiB)`);
} finally {
  rmSync(stage, { recursive: true, force: true });
}
