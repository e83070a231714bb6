// Puts Debian's /usr/bin/rg where @vscode/ripgrep's postinstall looks for a cached
// download, so code-server's nested `npm install` in lib/vscode never reaches the network.
//   node scripts/seed-ripgrep-cache.mjs <path to node_modules/code-server>
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const codeServer = process.argv[2];
const RG = process.env.RG_BINARY ?? '/usr/bin/rg';
if (!codeServer || !existsSync(join(codeServer, 'lib', 'vscode', 'npm-shrinkwrap.json'))) {
  console.error('usage: seed-ripgrep-cache.mjs <node_modules/code-server> (lib/vscode/npm-shrinkwrap.json not found)');
  process.exit(2);
}
if (!existsSync(RG)) {
  console.error(`${RG} not found: install Debian's ripgrep first`);
  process.exit(1);
}

// 1. The @vscode/ripgrep version that lib/vscode pins.
const shrinkwrap = JSON.parse(readFileSync(join(codeServer, 'lib', 'vscode', 'npm-shrinkwrap.json'), 'utf8'));
const pkgVersion = shrinkwrap.packages?.['node_modules/@vscode/ripgrep']?.version;
if (!pkgVersion) throw new Error('@vscode/ripgrep is not pinned in lib/vscode/npm-shrinkwrap.json');

// 2. Its postinstall.js names the ripgrep release and the target triple per platform.
const work = mkdtempSync(join(tmpdir(), 'seed-rg-'));
try {
  execFileSync('npm', ['pack', '--silent', `@vscode/ripgrep@${pkgVersion}`], { cwd: work, timeout: 120_000, stdio: ['ignore', 'pipe', 'inherit'] });
  execFileSync('tar', ['xzf', `vscode-ripgrep-${pkgVersion}.tgz`, 'package/lib/postinstall.js'], { cwd: work });
  const postinstall = readFileSync(join(work, 'package', 'lib', 'postinstall.js'), 'utf8');

  const linuxCase = postinstall.slice(postinstall.indexOf("case 'linux':"));
  const target = new RegExp(`arch === '${process.arch}' \\? '([^']+)'`).exec(linuxCase)?.[1];
  if (process.platform !== 'linux' || !target) throw new Error(`no ripgrep target for ${process.platform}/${process.arch} in postinstall.js`);
  // postinstall picks MULTI_ARCH_LINUX_VERSION for a few targets it lists on the `version:` line.
  const versionLine = /version:\s*([^\n]+)/.exec(postinstall)?.[1] ?? '';
  const constName = versionLine.includes(`"${target}"`) ? 'MULTI_ARCH_LINUX_VERSION' : 'VERSION';
  const rgVersion = new RegExp(`const ${constName} = '([^']+)'`).exec(postinstall)?.[1];
  if (!rgVersion) throw new Error(`const ${constName} not found in @vscode/ripgrep@${pkgVersion}/lib/postinstall.js`);

  // 3. A tarball with `rg` at its root, named as the download would be.
  const cacheDir = join(tmpdir(), `vscode-ripgrep-cache-${pkgVersion}`);
  const asset = join(cacheDir, `ripgrep-${rgVersion}-${target}.tar.gz`);
  if (existsSync(asset)) {
    console.log(`ripgrep cache already seeded: ${asset}`);
  } else {
    mkdirSync(cacheDir, { recursive: true });
    copyFileSync(RG, join(work, 'rg'));
    execFileSync('tar', ['czf', asset, '-C', work, 'rg']);
    console.log(`seeded ${asset} from ${RG}`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
