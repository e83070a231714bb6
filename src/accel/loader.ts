/**
 * Finds and starts the optional accelerator without bundling it: dist/accel.js next to the
 * calling bundle, or the TypeScript source when running under tsx (tests, benchmarks).
 * Loading is asynchronous (wasm compilation); the estimators then use it synchronously.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import type { ForwardAccelerator } from '../core/influence/forwardState';

/** The user's choice: 'auto' uses tfjs-node if installed, else tfjs-wasm; 'off' keeps float64 JS only. */
export type AcceleratorSetting = 'auto' | 'off';
/** What a helper thread is asked to load: the id of the caller's accelerator. */
export type AcceleratorRequest = AcceleratorSetting | 'wasm' | 'tfjs-node';

export interface AcceleratorLoad {
  accelerator: ForwardAccelerator | null;
  note: string;
}

type AccelModule = { createAccelerator(choice: 'auto' | 'wasm' | 'tfjs-node'): Promise<AcceleratorLoad> };

function accelModule(): AccelModule | null {
  const dir = typeof __dirname === 'string' ? __dirname : '';
  for (const file of [path.join(dir, 'accel.js'), path.join(dir, 'index.ts')]) {
    if (!existsSync(file)) continue;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(file) as AccelModule;
  }
  return null;
}

const loads = new Map<string, Promise<AcceleratorLoad>>();

/** A load that has not finished by then is given up (the float64 kernels run): a scan never waits longer. */
export const LOAD_TIMEOUT_MS = 15_000;

function withTimeout(p: Promise<AcceleratorLoad>, ms: number): Promise<AcceleratorLoad> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<AcceleratorLoad>((resolve) => {
    timer = setTimeout(() => resolve({ accelerator: null, note: `the accelerator did not start within ${ms / 1000} s; using float64 JS kernels.` }), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

/** The accelerator for a setting or an id ('tfjs-wasm' / 'tfjs-node'), loaded once per process. */
export function loadAccelerator(choice: AcceleratorRequest | string): Promise<AcceleratorLoad> {
  if (choice === 'off') return Promise.resolve({ accelerator: null, note: 'accelerator off.' });
  const which = choice === 'tfjs-wasm' || choice === 'wasm' ? 'wasm' : choice === 'tfjs-node' ? 'tfjs-node' : 'auto';
  let p = loads.get(which);
  if (!p) {
    p = (async (): Promise<AcceleratorLoad> => {
      try {
        const mod = accelModule();
        if (!mod) return { accelerator: null, note: 'the accelerator bundle (accel.js) is missing; using float64 JS kernels.' };
        return await withTimeout(mod.createAccelerator(which), LOAD_TIMEOUT_MS);
      } catch (e) {
        return { accelerator: null, note: `the accelerator failed to load (${String((e as Error)?.message ?? e).split('\n')[0]}); using float64 JS kernels.` };
      }
    })();
    loads.set(which, p);
  }
  return p;
}
