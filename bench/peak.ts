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

export interface PeakOutput { kernels: BackendPeak[]; f64: number; f32: number; tfjsNote: string; shapes: ShapeEntry[] }

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

/**
 * C (m × n) = A (m × k) · B (k × n), float64, register-blocked: a 4 × 4 tile of C lives in
 * 16 local variables while a packed 4-column panel of B (256 rows at a time) streams past,
 * so each pair of loads feeds four multiply-adds. Written here to measure what plain JS
 * float64 can reach on this machine; m and n must be multiples of 4.
 */
export function gemmBlocked64(m: number, n: number, k: number, A: Float64Array, B: Float64Array, C: Float64Array): void {
  if (m % 4 !== 0 || n % 4 !== 0) throw new Error('gemmBlocked64: m and n must be multiples of 4');
  const KB = 256;
  const Bp = new Float64Array(KB * 4);
  C.fill(0, 0, m * n);
  for (let j = 0; j < n; j += 4) {
    for (let l0 = 0; l0 < k; l0 += KB) {
      const kl = Math.min(k, l0 + KB) - l0;
      for (let l = 0; l < kl; l++) {
        const b = (l0 + l) * n + j;
        Bp[4 * l] = B[b]; Bp[4 * l + 1] = B[b + 1]; Bp[4 * l + 2] = B[b + 2]; Bp[4 * l + 3] = B[b + 3];
      }
      for (let i = 0; i < m; i += 4) {
        let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
        let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
        const a0 = i * k + l0, a1 = a0 + k, a2 = a1 + k, a3 = a2 + k;
        for (let l = 0; l < kl; l++) {
          const b0 = Bp[4 * l], b1 = Bp[4 * l + 1], b2 = Bp[4 * l + 2], b3 = Bp[4 * l + 3];
          const x0 = A[a0 + l], x1 = A[a1 + l], x2 = A[a2 + l], x3 = A[a3 + l];
          c00 += x0 * b0; c01 += x0 * b1; c02 += x0 * b2; c03 += x0 * b3;
          c10 += x1 * b0; c11 += x1 * b1; c12 += x1 * b2; c13 += x1 * b3;
          c20 += x2 * b0; c21 += x2 * b1; c22 += x2 * b2; c23 += x2 * b3;
          c30 += x3 * b0; c31 += x3 * b1; c32 += x3 * b2; c33 += x3 * b3;
        }
        let c = i * n + j;
        C[c] += c00; C[c + 1] += c01; C[c + 2] += c02; C[c + 3] += c03; c += n;
        C[c] += c10; C[c + 1] += c11; C[c + 2] += c12; C[c + 3] += c13; c += n;
        C[c] += c20; C[c + 1] += c21; C[c + 2] += c22; C[c + 3] += c23; c += n;
        C[c] += c30; C[c + 1] += c31; C[c + 2] += c32; C[c + 3] += c33;
      }
    }
  }
}

/** gemmBlocked64 on Float32Array storage (the tile still accumulates in float64 locals). */
export function gemmBlocked32(m: number, n: number, k: number, A: Float32Array, B: Float32Array, C: Float32Array): void {
  if (m % 4 !== 0 || n % 4 !== 0) throw new Error('gemmBlocked32: m and n must be multiples of 4');
  const KB = 256;
  const Bp = new Float32Array(KB * 4);
  C.fill(0, 0, m * n);
  for (let j = 0; j < n; j += 4) {
    for (let l0 = 0; l0 < k; l0 += KB) {
      const kl = Math.min(k, l0 + KB) - l0;
      for (let l = 0; l < kl; l++) {
        const b = (l0 + l) * n + j;
        Bp[4 * l] = B[b]; Bp[4 * l + 1] = B[b + 1]; Bp[4 * l + 2] = B[b + 2]; Bp[4 * l + 3] = B[b + 3];
      }
      for (let i = 0; i < m; i += 4) {
        let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
        let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
        const a0 = i * k + l0, a1 = a0 + k, a2 = a1 + k, a3 = a2 + k;
        for (let l = 0; l < kl; l++) {
          const b0 = Bp[4 * l], b1 = Bp[4 * l + 1], b2 = Bp[4 * l + 2], b3 = Bp[4 * l + 3];
          const x0 = A[a0 + l], x1 = A[a1 + l], x2 = A[a2 + l], x3 = A[a3 + l];
          c00 += x0 * b0; c01 += x0 * b1; c02 += x0 * b2; c03 += x0 * b3;
          c10 += x1 * b0; c11 += x1 * b1; c12 += x1 * b2; c13 += x1 * b3;
          c20 += x2 * b0; c21 += x2 * b1; c22 += x2 * b2; c23 += x2 * b3;
          c30 += x3 * b0; c31 += x3 * b1; c32 += x3 * b2; c33 += x3 * b3;
        }
        let c = i * n + j;
        C[c] += c00; C[c + 1] += c01; C[c + 2] += c02; C[c + 3] += c03; c += n;
        C[c] += c10; C[c + 1] += c11; C[c + 2] += c12; C[c + 3] += c13; c += n;
        C[c] += c20; C[c + 1] += c21; C[c + 2] += c22; C[c + 3] += c23; c += n;
        C[c] += c30; C[c + 1] += c31; C[c + 2] += c32; C[c + 3] += c33;
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
  const js: { backend: string; precision: 'f64' | 'f32'; note: string; run: (s: number, A: Float64Array, B: Float64Array) => () => void }[] = [
    { backend: 'js-gemmNN-f64', precision: 'f64', note: 'the engine\'s kernel (src/core/linalg/dense.ts)', run: (s, A, B) => { const C = new Float64Array(s * s); return () => gemmNN(s, s, s, A, B, C); } },
    { backend: 'js-regblock-f64', precision: 'f64', note: '4 × 4 register-blocked, packed B panel (written in the bench)', run: (s, A, B) => { const C = new Float64Array(s * s); return () => gemmBlocked64(s, s, s, A, B, C); } },
    { backend: 'js-gemmNN-f32', precision: 'f32', note: 'gemmNN\'s loop on Float32Array storage', run: (s, A, B) => { const a = Float32Array.from(A), b = Float32Array.from(B), C = new Float32Array(s * s); return () => gemmNN32(s, s, s, a, b, C); } },
    { backend: 'js-regblock-f32', precision: 'f32', note: 'the register-blocked kernel on Float32Array storage', run: (s, A, B) => { const a = Float32Array.from(A), b = Float32Array.from(B), C = new Float32Array(s * s); return () => gemmBlocked32(s, s, s, a, b, C); } },
  ];
  const kernels: BackendPeak[] = [];
  for (const k of js) {
    const entry: BackendPeak = { backend: k.backend, precision: k.precision, sizes: [], peak: 0, note: k.note };
    for (const s of args.sizes) {
      const ms = bestMs(k.run(s, randomF64(s * s, 1), randomF64(s * s, 2)), args.minMs);
      entry.sizes.push({ size: s, gflops: gflops(2 * s ** 3, ms) });
    }
    entry.peak = Math.max(...entry.sizes.map((e) => e.gflops));
    kernels.push(entry);
  }

  const loaded = await loadTf();
  // tfjs's cpu backend prints a banner through console.warn on its first tensor: keep the
  // child's output to the one JSON line (this process does nothing else).
  if (loaded.tf) console.warn = () => undefined;
  if (loaded.tf) {
    for (const be of loaded.backends) {
      await useBackend(loaded.tf, be);
      const sizes = be === 'cpu' ? args.cpuSizes : args.sizes;
      const entry: BackendPeak = { backend: `tfjs-${be}`, precision: 'f32', sizes: [], peak: 0, note: be === 'wasm' ? 'tfjs matMul, float32, SIMD, one thread' : 'tfjs matMul, float32, plain JS' };
      for (const s of sizes) entry.sizes.push({ size: s, gflops: gflops(2 * s ** 3, tfMatMulMs(loaded.tf, s, s, s, false, args.minMs, null)) });
      entry.peak = Math.max(...entry.sizes.map((e) => e.gflops));
      kernels.push(entry);
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
    const jsF64BlockedMs = !transposeA && m % 4 === 0 && n % 4 === 0 ? bestMs(() => gemmBlocked64(m, n, k, A, B, C), args.minMs) : null;
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
    shapes.push({ name: sh.name, m, k, n, transposeA, jsF64Ms, jsF64BlockedMs, jsF32Ms, jsSparseMs, sparseDensity, wasmMs, wasmUploadMs });
  }
  const best = (p: 'f64' | 'f32') => Math.max(...kernels.filter((k) => k.precision === p).map((k) => k.peak));
  return { kernels, f64: best('f64'), f32: best('f32'), tfjsNote: loaded.note || (loaded.tf ? `tfjs backends measured: ${loaded.backends.join(', ')}` : ''), shapes };
}

if (process.argv[1] && /peak\.ts$/.test(process.argv[1])) {
  const args = JSON.parse(process.argv[2]) as PeakArgs;
  measurePeak(args).then((r) => process.stdout.write(`${JSON.stringify(r)}\n`), (e) => { console.error(e); process.exit(1); });
}
