/**
 * How the CLI picks its accelerator, as a user gets it from `dist/cli.js` (bundled, with its
 * own copy of tfjs): tfjs-node when it can be required (here a stand-in module on NODE_PATH
 * that exposes tfjs with a backend named "tensorflow", since the real package cannot be
 * installed on these machines), else the bundled wasm backend; `--accelerator off` keeps
 * float64; sparse or small data stays float64 whatever is installed. Every result states
 * which path ran and validates against the result schema.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Ajv from 'ajv';
import type { ScanResult } from '../../src/core/report/types';
import { loadAccelerator } from '../../src/accel/loader';

const ROOT = resolve(__dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'cli.js');
const validateResult = new Ajv({ allErrors: true, strict: false }).compile(JSON.parse(readFileSync(join(ROOT, 'src/core/report/result.schema.json'), 'utf8')));

let dir = '';
let dense = '';

/** Dense 3-class data with enough tracking work (≈ 1.1e9 multiply-adds at 5 epochs) for the accelerator. */
function writeDense(file: string, rows: number, features: number): void {
  let s = 1;
  const rnd = (): number => { s = (Math.imul(s, 1103515245) + 12345) >>> 0; return s / 2 ** 32; };
  const lines = [[...Array.from({ length: features }, (_, a) => `x${a}`), 'label'].join(',')];
  for (let i = 0; i < rows; i++) {
    const x = Array.from({ length: features }, () => Math.round(rnd() * 90) / 10 + 0.1);
    const score = x[0] - x[1] + (rnd() - 0.5) * 4;
    lines.push([...x, score > 1.5 ? 'a' : score < -1.5 ? 'b' : 'c'].join(','));
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
}

function scan(args: string[], env: NodeJS.ProcessEnv = {}): ScanResult {
  const r = spawnSync(process.execPath, [CLI, 'scan', dense, '--format', 'json', '--epochs', '5', '--lr', '0.05', ...args], {
    encoding: 'utf8', env: { ...process.env, ...env }, timeout: 240_000,
  });
  assert.equal(r.status, 0, r.stderr);
  const result = JSON.parse(r.stdout) as ScanResult;
  assert.ok(validateResult(result), JSON.stringify(validateResult.errors?.slice(0, 3)));
  return result;
}

/** The optional dependency installs only where its native library can be downloaded. */
function tfjsNodeInstalled(): boolean {
  try {
    require.resolve('@tensorflow/tfjs-node', { paths: [ROOT] });
    return true;
  } catch {
    return false;
  }
}

function maxRelDiff(a: ScanResult, b: ScanResult): number {
  let diff = 0, scale = 0;
  a.rows.forEach((r, i) => { diff = Math.max(diff, Math.abs(r.influence - b.rows[i].influence)); scale = Math.max(scale, Math.abs(b.rows[i].influence)); });
  return diff / scale;
}

describe('accelerator choice in the CLI', () => {
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'il-accel-'));
    dense = join(dir, 'dense.csv');
    writeDense(dense, 1200, 40);
    // A stand-in for @tensorflow/tfjs-node: tfjs with the plain-JS kernels registered under
    // the backend name "tensorflow" (what the real package registers and selects).
    const pkg = join(dir, 'node_modules', '@tensorflow', 'tfjs-node');
    mkdirSync(pkg, { recursive: true });
    writeFileSync(join(pkg, 'index.js'), `
const tf = require(${JSON.stringify(join(ROOT, 'node_modules/@tensorflow/tfjs-core'))});
const { MathBackendCPU } = require(${JSON.stringify(join(ROOT, 'node_modules/@tensorflow/tfjs-backend-cpu'))});
for (const k of tf.getKernelsForBackend('cpu')) tf.registerKernel({ ...k, backendName: 'tensorflow' });
tf.registerBackend('tensorflow', () => new MathBackendCPU(), 10);
tf.setBackend('tensorflow');
module.exports = tf;
`);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('uses the bundled wasm backend by default (tfjs-node where it installed), within 1e-5 of float64', () => {
    const f32 = scan([]);
    const f64 = scan(['--accelerator', 'off']);
    assert.equal(f32.settings.acceleratorUsed, tfjsNodeInstalled() ? 'tfjs-node' : 'tfjs-wasm');
    assert.equal(f64.settings.acceleratorUsed, null);
    assert.ok(maxRelDiff(f32, f64) < 1e-5, `max relative difference ${maxRelDiff(f32, f64)}`);
    assert.deepEqual(f32.rows.filter((r) => r.flagged).map((r) => r.row), f64.rows.filter((r) => r.flagged).map((r) => r.row));
  });

  it('uses @tensorflow/tfjs-node automatically when it can be required', () => {
    const viaNode = scan([], { NODE_PATH: join(dir, 'node_modules') });
    assert.equal(viaNode.settings.acceleratorUsed, 'tfjs-node');
    const f64 = scan(['--accelerator', 'off']);
    assert.ok(maxRelDiff(viaNode, f64) < 1e-5, `max relative difference ${maxRelDiff(viaNode, f64)}`);
  });

  it('keeps sparse or small data in float64 even with an accelerator loaded', () => {
    const small = join(ROOT, '..', 'shared', 'datasets', 'wine-noisy.csv');
    const r = spawnSync(process.execPath, [CLI, 'scan', small, '--format', 'json'], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.equal((JSON.parse(r.stdout) as ScanResult).settings.acceleratorUsed, null);
  });

  it('asking for tfjs-node when it is absent says so and falls back to nothing', async (t) => {
    if (tfjsNodeInstalled()) { t.skip('@tensorflow/tfjs-node installed on this machine'); return; }
    const load = await loadAccelerator('tfjs-node');
    assert.equal(load.accelerator, null);
    assert.match(load.note, /tfjs-node is not installed/);
  });
});
