/**
 * Synthetic large classification CSV for the issue-11 scale measurement: ROWS rows ×
 * FEATURES integer features (0..9, so 50 000 × 200 stays under the 32 MiB file limit),
 * 3 classes with signal in the first SIGNAL features, and FLIP_RATE of the labels
 * flipped (listed in NAME.flips.json like the shared noisy twins: 0-based data rows).
 *
 *   node --import tsx bench/gen-large.ts [out.csv] [rows] [features]
 * Default: /tmp/large-50k.csv, 50 000 rows, 200 features. Deterministic (seeded).
 */
import { writeFileSync } from 'node:fs';
import { createRng } from '../src/core/rng';

const out = process.argv[2] ?? '/tmp/large-50k.csv';
const ROWS = Number(process.argv[3] ?? 50_000);
const FEATURES = Number(process.argv[4] ?? 200);
const CLASSES = ['alpha', 'beta', 'gamma'];
/** Features whose mean depends on the class; the rest are noise. */
const SIGNAL = 20;
/** Class mean shift in units of the latent noise's standard deviation. */
const SHIFT = 0.35;
const FLIP_RATE = 0.02;
const SEED = 11;

const rng = createRng(SEED);
// Class means: each signal feature gets a random ±SHIFT per class.
const means = CLASSES.map(() => Float64Array.from({ length: FEATURES }, (_, f) => (f < SIGNAL ? (rng.next() < 0.5 ? -SHIFT : SHIFT) : 0)));
const lines: string[] = [[...Array.from({ length: FEATURES }, (_, f) => `f${f + 1}`), 'label'].join(',')];
const flips: number[] = [];
const cells = new Array<string>(FEATURES + 1);
for (let r = 0; r < ROWS; r++) {
  const c = rng.int(CLASSES.length);
  for (let f = 0; f < FEATURES; f++) {
    const v = Math.round(4.5 + 1.5 * (rng.normal() + means[c][f]));
    cells[f] = String(Math.min(9, Math.max(0, v)));
  }
  let label = c;
  if (rng.next() < FLIP_RATE) {
    label = (c + 1 + rng.int(CLASSES.length - 1)) % CLASSES.length;
    flips.push(r);
  }
  cells[FEATURES] = CLASSES[label];
  lines.push(cells.join(','));
}
writeFileSync(out, lines.join('\n') + '\n');
writeFileSync(out.replace(/\.csv$/, '') + '.flips.json', JSON.stringify({ rate: FLIP_RATE, seed: SEED, label: 'label', rows: flips }) + '\n');
process.stderr.write(`${out}: ${ROWS} rows × ${FEATURES} features, ${flips.length} flipped labels\n`);
