/**
 * The optional float32 accelerator (bundled separately as dist/accel.js, loaded only when
 * wanted): `@tensorflow/tfjs-node` when it is installed (native TensorFlow), otherwise tfjs's
 * wasm backend shipped with the extension. Neither is ever required: any failure leaves the
 * float64 JS kernels in charge and says why.
 */
import * as tfCore from '@tensorflow/tfjs-core';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import type { ForwardAccelerator } from '../core/influence/forwardState';
import type { Head } from '../core/model/head';
import type { Model } from '../core/model/types';
import { type Tf, TfGlmForwardState } from './tfGlmState';

/** 'auto': tfjs-node if installed, else wasm. */
export type AcceleratorChoice = 'auto' | 'wasm' | 'tfjs-node';

export interface AcceleratorLoad {
  accelerator: ForwardAccelerator | null;
  /** Why there is none, or what was chosen over what. */
  note: string;
}

function makeAccelerator(tf: Tf, id: string, description: string): ForwardAccelerator {
  return {
    id,
    description,
    glmState: (model: Model, head: Head, M: number) => new TfGlmForwardState(tf, model, head, M),
  };
}

/** tfjs prints banners (backend hints) through console.warn: keep them out of user output. */
async function quietly<T>(f: () => Promise<T> | T): Promise<T> {
  const warn = console.warn;
  console.warn = () => undefined;
  try {
    return await f();
  } finally {
    console.warn = warn;
  }
}

/** Where the backend's .wasm files are: next to this bundle, or in the installed package. */
function wasmDir(): string | null {
  const here = typeof __dirname === 'string' ? __dirname : '';
  if (existsSync(path.join(here, 'tfjs-backend-wasm-simd.wasm'))) return here;
  try {
    return path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm'));
  } catch {
    return null;
  }
}

let wasmReady: Promise<AcceleratorLoad> | null = null;

function loadWasm(): Promise<AcceleratorLoad> {
  wasmReady ??= quietly(async () => {
    const dir = wasmDir();
    if (!dir) return { accelerator: null, note: 'the tfjs wasm files were not found; using float64 JS kernels.' };
    setWasmPaths(`${dir}${path.sep}`);
    if (!(await tfCore.setBackend('wasm'))) return { accelerator: null, note: 'the tfjs wasm backend did not initialise; using float64 JS kernels.' };
    return { accelerator: makeAccelerator(tfCore as unknown as Tf, 'tfjs-wasm', "float32 matrix products on tfjs's wasm backend"), note: '' };
  }).catch((e: unknown) => ({ accelerator: null, note: `the tfjs wasm backend failed to load (${String((e as Error)?.message ?? e).split('\n')[0]}); using float64 JS kernels.` }));
  return wasmReady;
}

/** `@tensorflow/tfjs-node` as installed next to the extension (or on NODE_PATH), or null. */
function loadNode(): { tf: Tf | null; note: string } {
  try {
    // A plain require so that the bundler leaves it to run time (the package is never bundled).
    const tf = require('@tensorflow/tfjs-node') as Tf;
    if (typeof tf?.matMul !== 'function' || typeof tf.getBackend !== 'function') return { tf: null, note: '@tensorflow/tfjs-node did not export tfjs.' };
    if (tf.getBackend() !== 'tensorflow') return { tf: null, note: `@tensorflow/tfjs-node loaded but its backend is "${tf.getBackend()}".` };
    return { tf, note: '' };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException)?.code;
    return { tf: null, note: code === 'MODULE_NOT_FOUND' ? '@tensorflow/tfjs-node is not installed.' : `@tensorflow/tfjs-node failed to load (${String((e as Error)?.message ?? e).split('\n')[0]}).` };
  }
}

export async function createAccelerator(choice: AcceleratorChoice): Promise<AcceleratorLoad> {
  if (choice !== 'wasm') {
    const node = await quietly(loadNode);
    if (node.tf) return { accelerator: makeAccelerator(node.tf, 'tfjs-node', 'float32 matrix products on TensorFlow (tfjs-node)'), note: '' };
    if (choice === 'tfjs-node') return { accelerator: null, note: `${node.note} Using float64 JS kernels.` };
  }
  return loadWasm();
}
