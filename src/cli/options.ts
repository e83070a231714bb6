/**
 * Maps CLI flags onto the shared Settings (one validated object, same as the extension's).
 */
import { Command, Option } from 'commander';
import { DEFAULT_SETTINGS, resolveSettings, SettingsError, type Settings } from '../core/settings';

export interface ScanFlags {
  label?: string;
  model?: string;
  epochs?: string;
  batchSize?: string;
  lr?: string;
  l2?: string;
  hidden?: string;
  seed?: string;
  estimator?: string;
  windows?: string;
  top?: string;
  threshold?: string;
  validation?: string;
  validationFraction?: string;
  computeBudget?: string;
  threads?: string;
  accelerator?: string;
}

/** Adds the engine flags shared by scan, verify and check. */
export function addEngineOptions(cmd: Command): Command {
  return cmd
    .option('--label <column>', 'label column (default: label, class, target or y, else the last column)')
    .addOption(new Option('--model <model>', 'model').choices(['auto', 'softmax', 'mlp', 'linear']))
    .option('--epochs <n>', 'training epochs (default 20)')
    .option('--batch-size <n>', 'mini-batch size (default 32)')
    .option('--lr <rate>', 'learning rate, or "auto" for a short deterministic search (default auto)')
    .option('--l2 <lambda>', 'L2 regularisation (default 0.001)')
    .option('--hidden <n>', 'hidden units of the MLP (default 16)')
    .option('--seed <n>', 'seed for split, initialisation and batch order (default 0)')
    .addOption(new Option('--estimator <name>', 'influence estimator').choices(['auto', 'acc', 'sgd-ie', 'loo']))
    .option('--windows <n>', 'number of time windows, 0 = one per epoch (default 0)')
    .option('--top <k>', 'flag the k most harmful and k most label-suspect rows (default 10)')
    .option('--threshold <x>', 'also flag rows whose influence is below -x (default off)')
    .option('--validation <file>', 'trusted validation file with the same columns (default: a seeded split)')
    .option('--validation-fraction <f>', 'share of each class held out for validation (default 0.2)')
    .option('--threads <n>', 'threads for the influence estimators, 0 = one per core up to 4 (default 0); the numbers do not depend on it')
    .addOption(new Option('--accelerator <mode>', 'auto: float32 tfjs products for big dense data (tfjs-node if installed, else wasm); off: float64 only (default auto)').choices(['auto', 'off']))
    .option('--compute-budget <gflop>', `compute budget of the estimators in GFLOP; above it auto screens with SGD-IE and refines the top rows with ACC (default ${DEFAULT_SETTINGS.computeBudgetGflop})`);
}

export function settingsFromFlags(f: ScanFlags): Settings {
  const raw: Record<string, unknown> = {};
  const set = (key: keyof Settings, v: unknown): void => {
    if (v !== undefined) raw[key] = v;
  };
  set('labelColumn', f.label);
  set('model', f.model);
  set('epochs', f.epochs);
  set('batchSize', f.batchSize);
  set('learningRate', f.lr === undefined || f.lr === 'auto' ? f.lr : f.lr);
  set('l2', f.l2);
  set('hiddenUnits', f.hidden);
  set('seed', f.seed);
  set('estimator', f.estimator);
  set('windows', f.windows);
  set('topK', f.top);
  set('threshold', f.threshold);
  set('validationFile', f.validation);
  set('validationFraction', f.validationFraction);
  set('computeBudgetGflop', f.computeBudget);
  set('accelerator', f.accelerator);
  return resolveSettings(raw);
}

/** Thread count from --threads (0 = one per core). Not a setting: results never depend on it. */
export function threadsFromFlags(f: ScanFlags): number {
  if (f.threads === undefined) return 0;
  const n = Number(f.threads);
  if (!Number.isInteger(n) || n < 0 || n > 256) throw new SettingsError('threads', `expected a whole number from 0 to 256, got "${f.threads}"`);
  return n;
}
