/**
 * The workspace the editor opens, and what the editor's results are checked against:
 * the known label flips of the noisy datasets, and the installed extension's own CLI
 * (same engine, same default settings, deterministic) for which rows are flagged.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { datasetsDir } from './paths';

export const DATASETS = ['wine-noisy.csv', 'wine-noisy.flips.json', 'spam-2k-noisy.jsonl'] as const;
/**
 * Rows × numeric features of the generated file whose scan is cancelled: big enough to still be
 * running when Cancel arrives, small enough (about 4 MB) for the browser editor's large-file limit.
 */
export const LONG_SCAN_ROWS = 30_000;
export const LONG_SCAN_FEATURES = 20;
export const LONG_SCAN_FILE = 'long-scan.csv';
const CLI_TIMEOUT_MS = 180_000;

export function makeWorkspace(dir: string): void {
  mkdirSync(dir, { recursive: true });
  for (const f of DATASETS) {
    const src = join(datasetsDir, f);
    if (!existsSync(src)) throw new Error(`dataset ${src} not found (shared/ must sit beside the repository)`);
    copyFileSync(src, join(dir, f));
  }
  writeFileSync(join(dir, LONG_SCAN_FILE), longScanCsv());
}

/** A deterministic synthetic table (LCG, no Math.random): two noisy linear classes. */
function longScanCsv(): string {
  let s = 12345;
  const next = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const header = [...Array.from({ length: LONG_SCAN_FEATURES }, (_, j) => `x${j}`), 'label'].join(',');
  const lines = [header];
  for (let i = 0; i < LONG_SCAN_ROWS; i++) {
    const x = Array.from({ length: LONG_SCAN_FEATURES }, () => next() * 2 - 1);
    const score = x.reduce((a, v, j) => a + v * (j % 3 === 0 ? 1 : -0.5), 0) + (next() - 0.5);
    lines.push(`${x.map((v) => v.toFixed(4)).join(',')},${score > 0 ? 'a' : 'b'}`);
  }
  return `${lines.join('\n')}\n`;
}

/** 0-based data rows whose labels were flipped. */
export function knownFlips(dir: string, name: string): Set<number> {
  const f = JSON.parse(readFileSync(join(dir, name), 'utf8')) as { rows: number[] };
  return new Set(f.rows);
}

export interface OracleRow { row: number; line: number; endLine: number; flagged: boolean; reasons: string[]; label: string; predicted: string }
export interface Oracle { flaggedCount: number; rows: OracleRow[] }

/** Runs the installed extension's CLI (`dist/cli.js scan --format json`) on a dataset. */
export async function cliScan(extensionDir: string, file: string, outDir: string): Promise<Oracle> {
  const cli = join(extensionDir, 'dist', 'cli.js');
  if (!existsSync(cli)) throw new Error(`the packaged extension has no CLI at ${cli}`);
  mkdirSync(outDir, { recursive: true });
  const out = join(outDir, 'cli-scan.json');
  await new Promise<void>((done, reject) => {
    execFile(process.execPath, [cli, 'scan', file, '--format', 'json', '--out', out], { cwd: outDir, timeout: CLI_TIMEOUT_MS },
      (err, _stdout, stderr) => (err ? reject(new Error(`CLI scan of ${file} failed: ${err.message} ${String(stderr).slice(-2000)}`)) : done()));
  });
  const result = JSON.parse(readFileSync(out, 'utf8')) as Oracle;
  if (!Array.isArray(result.rows) || typeof result.flaggedCount !== 'number') throw new Error(`CLI JSON of ${file} has no rows/flaggedCount`);
  return result;
}
