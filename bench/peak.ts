/**
 * The machine's own matrix-product peak, measured in the same `npm run bench` run as the
 * estimators (bench/run.ts starts this in a child process):
 *  - our plain-JS blocked kernel `gemmNN` on Float64Array (what the estimators use);
 *  - the same loop on Float32Array (written here: float32 storage in plain JS);
 *  - tfjs matMul on the wasm and cpu backends, when those optional packages are installed;
 *  - the products at the estimators' own shapes (a batch of 32 rows times the stacked state
 *    of M rows × K classes), including our sparse kernel on a real batch of a text dataset,
 *    so "would wasm be faster where used" is answered by measurement.
 *
 *   node --import tsx bench/peak.ts '{"sizes":[256,512,1024],"shapes":[...],"minMs":300}'
 */
import path from 'node:path';
import { createRequire } from 'node:module';
import { gemmNN, gemmTN } from '../src/core/linalg/dense';
import { mulX, mulXT, selectRows } from '../src/core/linalg/features';
import type { FeatureMatrix } from '../src/core/data/types';
import { createRng } from '../src/core/rng';
import type { BackendPeak, ShapeEntry } from './benchLib';
import { loadDataset } from './datasets';

export interface ShapeSpec {
  name: string;
  m: number; k: number; n: number;
  transposeA: boolean;
  /** Take A from a real batch of this dataset (sparse kernel timed too). */
  sparseFrom?: string;
}

export interface PeakArgs {
  sizes: number[];
  /** Sizes for the tfjs cpu backend (slow: keep them small). */
  cpuSizes: number[];
  shapes: ShapeSpec[];
  /** Repeat each product until at least this many ms have passed (and ≥ 3 times); best time counts. */
  minMs: number;
}

export interface PeakOutput { f64: BackendPeak; f32: BackendPeak; tfjs: BackendPeak[]; tfjsNote: string; shapes: ShapeEntry[] }

/** C (m × n) = A (m × k) · B (k × n) on Float32Array: gemmNN's loop order, blocking and unrolling. */
export function gemmNN32(m: number, n: number, k: number, A: Float32Array, B: Float32Array, C: Float32Array): void {
  const JB = 256;
  C.fill(0, 0, m * n);
  for (let j0 = 0; j0 < n; j0 += JB) {
    const j1 = Math.min(n, j0 + JB);
    for (let i = 0; i < m; i++) {
      const ci = i * n, ai = i * k;
      for (let l = 0; l < k; l++) {
        const a = A[ai + l];
        if (a === 0) continue;
        const bl = l * n;
        let j = j0;
        for (; j + 3 < j1; j += 4) {
          C[ci + j] += a * B[bl + j]; C[ci + j + 1] += a * B[bl + j + 1];
          C[ci + j + 2] += a * B[bl + j + 2]; C[ci + j + 3] += a * B[bl + j + 3];
        }
        for (; j < j1; j++) C[ci + j] += a * B[bl + j];
      }
    }
  }
}

/** C (m × n) = Aᵀ · B with A (k × m), B (k × n) on Float32Array: gemmTN's loop order. */
export function gemmTN32(m: number, n: number, k: number, A: Float32Array, B: Float32Array, C: Float32Array): void {
  const JB = 256;
  C.fill(0, 0, m * n);
  for (let j0 = 0; j0 < n; j0 += JB) {
    const j1 = Math.min(n, j0 + JB);
    for (let l = 0; l < k; l++) {
      const al = l * m, bl = l * n;
      for (let i = 0; i < m; i++) {
        const a = A[al + i];
        if (a === 0) continue;
        const ci = i * n;
        let j = j0;
        for (; j + 3 < j1; j += 4) {
          C[ci + j] += a * B[bl + j]; C[ci + j + 1] += a * B[bl + j + 1];
          C[ci + j + 2] += a * B[bl + j + 2]; C[ci + j + 3] += a * B[bl + j + 3];
        }
        for (; j < j1; j++) C[ci + j] += a * B[bl + j];
      }
    }
  }
}

/** Best wall time of `f` in ms over at least 2 runs and `minMs` of total time (after one warm-up run). */
export function bestMs(f: () => void, minMs: number): number {
  f();
  let best = Infinity, total = 0, runs = 0;
  while (runs < 2 || total < minMs) {
    const t0 = performance.now();
    f();
    const dt = performance.now() - t0;
    best = Math.min(best, dt);
    total += dt;
    runs++;
    if (runs >= 200) break;
  }
  return best;
}

const gflops = (flop: number, ms: number) => flop / (ms * 1e6);

function randomF64(len: number, seed: number): Float64Array {
  const rng = createRng(seed);
  // Nonzero entries only: gemmNN skips zeros of A, which would flatter the peak.
  return Float64Array.from({ length: len }, () => rng.next() + 0.5);
}

// tfjs is optional (devDependencies only): imported dynamically, typed loosely.
interface Tensor { dispose(): void; dataSync(): Float32Array }
interface Tf {
  setBackend(name: string): Promise<boolean>;
  ready(): Promise<void>;
  tensor2d(values: Float32Array, shape: [number, number], dtype?: string): Tensor;
  matMul(a: Tensor, b: Tensor, transposeA?: boolean, transposeB?: boolean): Tensor;
  env(): { set(flag: string, value: unknown): void };
}

async function loadTf(): Promise<{ tf: Tf; backends: string[]; note: string } | { tf: null; backends: string[]; note: string }> {
  const notes: string[] = [];
  let tf: Tf;
  try {
    tf = (await import('@tensorflow/tfjs-core' as string)) as unknown as Tf;
  } catch {
    return { tf: null, backends: [], note: '@tensorflow/tfjs-core is not installed: tfjs backends skipped.' };
  }
  const backends: string[] = [];
  const warn = console.warn;
  console.warn = () => undefined; // tfjs prints a banner about backends through console.warn
  try {
    try {
      const wasm = (await import('@tensorflow/tfjs-backend-wasm' as string)) as { setWasmPaths(p: string): void };
      const dir = path.dirname(createRequire(path.join(process.cwd(), 'package.json')).resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
      wasm.setWasmPaths(`${dir}/`);
      if (await tf.setBackend('wasm')) backends.push('wasm');
      else notes.push('tfjs wasm backend did not initialise.');
    } catch (e) {
      notes.push(`tfjs wasm backend not available (${(e as Error).message.split('\n')[0]}).`);
    }
    try {
      await import('@tensorflow/tfjs-backend-cpu' as string);
      backends.push('cpu');
    } catch {
      notes.push('@tensorflow/tfjs-backend-cpu is not installed.');
    }
  } finally {
    console.warn = warn;
  }
  return { tf, backends, note: notes.join(' ') };
}

async function useBackend(tf: Tf, name: string): Promise<void> {
  const warn = console.warn;
  console.warn = () => undefined;
  try {
    if (!(await tf.setBackend(name))) throw new Error(`tfjs backend ${name} did not initialise`);
    await tf.ready();
  } finally {
    console.warn = warn;
  }
}

function tfMatMulMs(tf: Tf, m: number, k: number, n: number, transposeA: boolean, minMs: number, upload: Float64Array | null): number {
  const a = tf.tensor2d(Float32Array.from(randomF64(m * k, 1)), transposeA ? [k, m] : [m, k]);
  const bVals = Float32Array.from(randomF64(k * n, 2));
  const b = tf.tensor2d(bVals, [k, n]);
  const ms = bestMs(() => {
    // dataSync forces the product to finish (and copies C back, as the engine would need).
    if (upload) {
      const bt = tf.tensor2d(Float32Array.from(upload), [k, n]);
      const c = tf.matMul(a, bt, transposeA, false);
      c.dataSync();
      c.dispose();
      bt.dispose();
    } else {
      const c = tf.matMul(a, b, transposeA, false);
      c.dataSync();
      c.dispose();
    }
  }, minMs);
  a.dispose();
  b.dispose();
  return ms;
}

/** A CSR batch of `rows` rows from the dataset's training matrix (its first rows). */
function realBatch(name: string, rows: number): FeatureMatrix {
  const ds = loadDataset(name);
  const X = selectRows(ds.data.X, ds.split.train);
  return selectRows(X, Int32Array.from({ length: rows }, (_, i) => i));
}

export async function measurePeak(args: PeakArgs): Promise<PeakOutput> {
  const f64: BackendPeak = { backend: 'js-f64', sizes: [], peak: 0 };
  const f32: BackendPeak = { backend: 'js-f32', sizes: [], peak: 0 };
  for (const s of args.sizes) {
    const A = randomF64(s * s, 1), B = randomF64(s * s, 2), C = new Float64Array(s * s);
    const ms = bestMs(() => gemmNN(s, s, s, A, B, C), args.minMs);
    f64.sizes.push({ size: s, gflops: gflops(2 * s ** 3, ms) });
    const A32 = Float32Array.from(A), B32 = Float32Array.from(B), C32 = new Float32Array(s * s);
    const ms32 = bestMs(() => gemmNN32(s, s, s, A32, B32, C32), args.minMs);
    f32.sizes.push({ size: s, gflops: gflops(2 * s ** 3, ms32) });
  }
  f64.peak = Math.max(...f64.sizes.map((e) => e.gflops));
  f32.peak = Math.max(...f32.sizes.map((e) => e.gflops));
  f32.note = 'the float64 loop of gemmNN on Float32Array storage (V8 computes in float64 and rounds on store)';

  const loaded = await loadTf();
  // tfjs's cpu backend prints a banner through console.warn on its first tensor: keep the
  // child's output to the one JSON line (this process does nothing else).
  if (loaded.tf) console.warn = () => undefined;
  const tfjs: BackendPeak[] = [];
  if (loaded.tf) {
    for (const be of loaded.backends) {
      await useBackend(loaded.tf, be);
      const sizes = be === 'cpu' ? args.cpuSizes : args.sizes;
      const entry: BackendPeak = { backend: be, sizes: [], peak: 0, note: 'float32 (tfjs has no float64)' };
      for (const s of sizes) entry.sizes.push({ size: s, gflops: gflops(2 * s ** 3, tfMatMulMs(loaded.tf, s, s, s, false, args.minMs, null)) });
      entry.peak = Math.max(...entry.sizes.map((e) => e.gflops));
      tfjs.push(entry);
    }
  }

  const shapes: ShapeEntry[] = [];
  const hasWasm = loaded.tf !== null && loaded.backends.includes('wasm');
  if (hasWasm) await useBackend(loaded.tf!, 'wasm');
  for (const sh of args.shapes) {
    const { m, k, n, transposeA } = sh;
    const A = randomF64(m * k, 3), B = randomF64(k * n, 4);
    const C = new Float64Array(m * n);
    const jsF64Ms = transposeA ? bestMs(() => gemmTN(m, n, k, A, B, C), args.minMs) : bestMs(() => gemmNN(m, n, k, A, B, C), args.minMs);
    const A32 = Float32Array.from(A), B32 = Float32Array.from(B), C32 = new Float32Array(m * n);
    const jsF32Ms = transposeA ? bestMs(() => gemmTN32(m, n, k, A32, B32, C32), args.minMs) : bestMs(() => gemmNN32(m, n, k, A32, B32, C32), args.minMs);
    let jsSparseMs: number | null = null, sparseDensity: number | null = null;
    if (sh.sparseFrom) {
      const Xb = realBatch(sh.sparseFrom, transposeA ? k : m);
      if (Xb.cols !== (transposeA ? m : k)) throw new Error(`shape ${sh.name}: ${sh.sparseFrom} has ${Xb.cols} features, not ${transposeA ? m : k}`);
      sparseDensity = (Xb.kind === 'sparse' ? Xb.indptr[Xb.rows] : Xb.rows * Xb.cols) / (Xb.rows * Xb.cols);
      jsSparseMs = transposeA ? bestMs(() => mulXT(Xb, B, n, C), args.minMs) : bestMs(() => mulX(Xb, B, n, C), args.minMs);
    }
    const wasmMs = hasWasm ? tfMatMulMs(loaded.tf!, m, k, n, transposeA, args.minMs, null) : null;
    const wasmUploadMs = hasWasm ? tfMatMulMs(loaded.tf!, m, k, n, transposeA, args.minMs, B) : null;
    shapes.push({ name: sh.name, m, k, n, transposeA, jsF64Ms, jsF32Ms, jsSparseMs, sparseDensity, wasmMs, wasmUploadMs });
  }
  return { f64, f32, tfjs, tfjsNote: loaded.note || (loaded.tf ? `tfjs backends measured: ${loaded.backends.join(', ')}` : ''), shapes };
}

if (process.argv[1] && /peak\.ts$/.test(process.argv[1])) {
  const args = JSON.parse(process.argv[2]) as PeakArgs;
  measurePeak(args).then((r) => process.stdout.write(`${JSON.stringify(r)}\n`), (e) => { console.error(e); process.exit(1); });
}
