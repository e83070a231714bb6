/**
 * The .vsix ships only what runs: the bundles (with the accelerator and its wasm), media, README, LICENSE, CHANGELOG and
 * the manifest; no sources, tests, source maps or node_modules; and it stays small.
 * Packages for real with scripts/package.mjs (production build + @vscode/vsce, offline)
 * into a temporary file, then reads the zip's central directory.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { inflateRawSync } from 'node:zlib';

const ROOT = resolve(__dirname, '..');
const VSCE = join(process.env.INFLUENCE_LENS_E2E_DIR ?? join(homedir(), '.cache', 'influence-lens-e2e'), 'node_modules', '@vscode', 'vsce', 'vsce');
/** Upper bound on the package size. The bundles are a few hundred KB; screenshots add some. */
const MAX_VSIX_BYTES = 5 * 1024 * 1024;
const PACKAGE_TIMEOUT_MS = 240_000;

const BUNDLES = ['dist/extension.js', 'dist/server.js', 'dist/worker.js', 'dist/rowWorker.js', 'dist/cli.js', 'dist/webview.js', 'dist/accel.js'];
/** The float32 accelerator's wasm binaries, next to dist/accel.js. */
const WASM = ['dist/tfjs-backend-wasm.wasm', 'dist/tfjs-backend-wasm-simd.wasm'];
/** vsce renames README, CHANGELOG and LICENSE inside the package. */
const REQUIRED = ['extension/package.json', 'extension/readme.md', 'extension/changelog.md', 'extension/LICENSE.txt', ...[...BUNDLES, ...WASM].map((b) => `extension/${b}`)];
const ALLOWED = [
  /^\[Content_Types\]\.xml$/, /^extension\.vsixmanifest$/,
  /^extension\/(package\.json|readme\.md|changelog\.md|LICENSE\.txt)$/,
  /^extension\/dist\/(extension|server|worker|rowWorker|cli|webview|accel)\.js$/, /^extension\/dist\/webview\.css$/,
  /^extension\/dist\/tfjs-backend-wasm(-simd)?\.wasm$/,
  /^extension\/media\/[\w./-]+\.(png|svg|css|woff2?|ttf)$/,
];

interface ZipEntry { name: string; method: number; compressedSize: number; offset: number }

/** Entries of a zip file from its central directory (no zip64: a .vsix this small never needs it). */
export function zipEntries(zip: Buffer): ZipEntry[] {
  const EOCD = 0x06054b50;
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === EOCD) { eocd = i; break; }
  }
  if (eocd < 0) throw new Error('not a zip file: no end-of-central-directory record');
  const count = zip.readUInt16LE(eocd + 10);
  let p = zip.readUInt32LE(eocd + 16);
  const entries: ZipEntry[] = [];
  for (let k = 0; k < count; k++) {
    if (zip.readUInt32LE(p) !== 0x02014b50) throw new Error(`bad central directory entry ${k}`);
    const nameLen = zip.readUInt16LE(p + 28);
    entries.push({
      name: zip.toString('utf8', p + 46, p + 46 + nameLen),
      method: zip.readUInt16LE(p + 10),
      compressedSize: zip.readUInt32LE(p + 20),
      offset: zip.readUInt32LE(p + 42),
    });
    p += 46 + nameLen + zip.readUInt16LE(p + 30) + zip.readUInt16LE(p + 32);
  }
  return entries;
}

function readEntry(zip: Buffer, e: ZipEntry): Buffer {
  const start = e.offset + 30 + zip.readUInt16LE(e.offset + 26) + zip.readUInt16LE(e.offset + 28);
  const data = zip.subarray(start, start + e.compressedSize);
  return e.method === 8 ? inflateRawSync(data) : Buffer.from(data);
}

test('the packaged .vsix holds only the bundles, media, README, LICENSE, CHANGELOG and manifest, and is small', (t) => {
  if (!existsSync(VSCE)) {
    t.skip(`@vscode/vsce is not installed (${VSCE}): run  bash scripts/install-e2e.sh`);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'influence-lens-vsix-'));
  try {
    const vsix = join(dir, 'influence-lens.vsix');
    execFileSync(process.execPath, [join(ROOT, 'scripts', 'package.mjs'), '--out', vsix], { cwd: ROOT, stdio: 'pipe', timeout: PACKAGE_TIMEOUT_MS });
    const zip = readFileSync(vsix);
    const names = zipEntries(zip).map((e) => e.name).filter((n) => !n.endsWith('/'));

    const unexpected = names.filter((n) => !ALLOWED.some((re) => re.test(n)));
    assert.deepEqual(unexpected, [], `files that should not ship: ${unexpected.join(', ')}`);
    const missing = REQUIRED.filter((n) => !names.includes(n));
    assert.deepEqual(missing, [], `files missing from the package: ${missing.join(', ')}`);
    assert.ok(statSync(vsix).size < MAX_VSIX_BYTES, `package is ${statSync(vsix).size} bytes, limit ${MAX_VSIX_BYTES}`);

    const manifest = JSON.parse(readEntry(zip, zipEntries(zip).find((e) => e.name === 'extension/package.json')!).toString('utf8')) as { main: string; icon?: string };
    assert.ok(names.includes(`extension/${manifest.main.replace(/^\.\//, '')}`), `main ${manifest.main} is not in the package`);
    if (manifest.icon) assert.ok(names.includes(`extension/${manifest.icon}`), `icon ${manifest.icon} is not in the package`);
    const cli = readEntry(zip, zipEntries(zip).find((e) => e.name === 'extension/dist/cli.js')!).toString('utf8');
    assert.ok(cli.startsWith('#!/usr/bin/env node'), 'the CLI bundle keeps its shebang');

    // The packaged accelerator starts from the package alone (its wasm found next to it).
    const unpacked = join(dir, 'unpacked');
    mkdirSync(unpacked);
    for (const f of ['dist/accel.js', ...WASM]) {
      writeFileSync(join(unpacked, f.replace('dist/', '')), readEntry(zip, zipEntries(zip).find((e) => e.name === `extension/${f}`)!));
    }
    const probe = `require(${JSON.stringify(join(unpacked, 'accel.js'))}).createAccelerator('wasm').then((l) => process.stdout.write(String(l.accelerator && l.accelerator.id) + ' ' + l.note))`;
    const out = execFileSync(process.execPath, ['-e', probe], { cwd: unpacked, encoding: 'utf8', timeout: 60_000 });
    assert.equal(out.trim(), 'tfjs-wasm', `packaged accelerator: ${out}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('zipEntries and readEntry read a hand-assembled zip', () => {
  // A minimal stored (uncompressed) zip with two files, so the reader itself is checked.
  {
    const files = [{ name: 'a.txt', data: Buffer.from('alpha') }, { name: 'dir/b.txt', data: Buffer.from('beta beta') }];
    const locals: Buffer[] = [];
    const centrals: Buffer[] = [];
    let offset = 0;
    for (const f of files) {
      const name = Buffer.from(f.name);
      const local = Buffer.alloc(30);
      local.writeUInt32LE(0x04034b50, 0);
      local.writeUInt32LE(f.data.length, 18);
      local.writeUInt32LE(f.data.length, 22);
      local.writeUInt16LE(name.length, 26);
      const central = Buffer.alloc(46);
      central.writeUInt32LE(0x02014b50, 0);
      central.writeUInt32LE(f.data.length, 20);
      central.writeUInt32LE(f.data.length, 24);
      central.writeUInt16LE(name.length, 28);
      central.writeUInt32LE(offset, 42);
      locals.push(local, name, f.data);
      centrals.push(central, name);
      offset += 30 + name.length + f.data.length;
    }
    const cd = Buffer.concat(centrals);
    const eocd = Buffer.alloc(22);
    eocd.writeUInt32LE(0x06054b50, 0);
    eocd.writeUInt16LE(files.length, 8);
    eocd.writeUInt16LE(files.length, 10);
    eocd.writeUInt32LE(cd.length, 12);
    eocd.writeUInt32LE(offset, 16);
    const zip = Buffer.concat([...locals, cd, eocd]);
    const entries = zipEntries(zip);
    assert.deepEqual(entries.map((e) => e.name), ['a.txt', 'dir/b.txt']);
    assert.equal(readEntry(zip, entries[1]).toString(), 'beta beta');
  }
});
