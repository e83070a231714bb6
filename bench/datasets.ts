/**
 * Load a shared dataset the way the product does (decode, parse, infer schema, seeded
 * stratified split, featurize), for the accuracy report and engine tests.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { decodeDataset, detectFormat, featurize, inferSchema, parseTable, splitStrata, stratifiedSplit } from '../src/core/data';
import type { LabelledData, Split } from '../src/core/data/types';

export const DATASETS_DIR = path.resolve(process.cwd(), '..', 'shared', 'datasets');

export interface LoadedDataset {
  name: string;
  file: string;
  data: LabelledData;
  split: Split;
  /** Flipped data-row indices (noisy twins only). */
  flips: Set<number> | null;
  labelColumn: string;
}

/** The label column named in the twin's flips.json (clean files share it). */
function labelColumnOf(name: string): string | null {
  const base = name.replace(/-noisy$/, '');
  const f = path.join(DATASETS_DIR, `${base}-noisy.flips.json`);
  return existsSync(f) ? (JSON.parse(readFileSync(f, 'utf8')) as { label: string }).label : null;
}

export function loadDataset(name: string, opts: { validationFraction?: number; seed?: number } = {}): LoadedDataset {
  const file = ['.csv', '.jsonl', '.tsv'].map((e) => path.join(DATASETS_DIR, name + e)).find((f) => existsSync(f));
  if (!file) throw new Error(`dataset ${name} not found in ${DATASETS_DIR}`);
  const text = decodeDataset(new Uint8Array(readFileSync(file)), file);
  const table = parseTable(text, file, detectFormat(file));
  const labelColumn = labelColumnOf(name);
  const schema = inferSchema(table, { labelColumn });
  const split = stratifiedSplit(splitStrata(table, schema), opts.validationFraction ?? 0.2, opts.seed ?? 0);
  const data = featurize(table, schema, split);
  const flipsFile = path.join(DATASETS_DIR, `${name}.flips.json`);
  const flips = existsSync(flipsFile) ? new Set((JSON.parse(readFileSync(flipsFile, 'utf8')) as { rows: number[] }).rows) : null;
  return { name, file, data, split, flips, labelColumn: schema.labelName };
}

/** Names of every shared dataset (clean first, then its noisy twin). */
export function listDatasets(): string[] {
  if (!existsSync(DATASETS_DIR)) return [];
  const names = readdirSync(DATASETS_DIR).filter((f) => /\.(csv|jsonl|tsv)$/.test(f)).map((f) => f.replace(/\.(csv|jsonl|tsv)$/, ''));
  return names.sort((a, b) => a.replace(/-noisy$/, '').localeCompare(b.replace(/-noisy$/, '')) || (a.endsWith('-noisy') ? 1 : -1));
}
