/**
 * Shared pieces of the reliability tests: paths, the built CLI as a child process, temp
 * folders, and the catalogue of bad datasets every entry point must refuse cleanly.
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { InputErrorKind } from '../../src/core/data/types';

export const ROOT = path.resolve(__dirname, '..', '..');
export const CLI = path.join(ROOT, 'dist', 'cli.js');
export const DATASETS = path.resolve(ROOT, '..', 'shared', 'datasets');
/** Bound on one CLI run: a shared, heavily loaded 2-core machine, not an expected duration. */
export const CLI_TIMEOUT_MS = 120_000;
/** Small, fixed settings so a scan takes a fraction of a second of CPU. */
export const FAST = ['--epochs', '2', '--lr', '0.1', '--estimator', 'sgd-ie'];

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export function runCli(args: string[], cwd = ROOT): CliRun {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', timeout: CLI_TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, ms: Number(process.hrtime.bigint() - t0) / 1e6 };
}

/** runCli without blocking, so independent runs overlap (most of a run is node start-up). */
export function runCliAsync(args: string[], cwd = ROOT): Promise<CliRun> {
  const t0 = process.hrtime.bigint();
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', timeout: CLI_TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
      resolve({ code, stdout, stderr, ms: Number(process.hrtime.bigint() - t0) / 1e6 });
    });
  });
}

export function tempDir(prefix: string): string {
  return realpathSync(mkdtempSync(path.join(tmpdir(), prefix)));
}

/** A stack trace line as node prints it ("    at fn (file.js:1:2)"). */
export const STACK_LINE = /^\s+at .+[:(]\d+/m;

export interface BadCase {
  name: string;
  content: string | Buffer;
  kind: InputErrorKind;
  /** 1-based line the message must name; undefined when the problem is not tied to a line. */
  line?: number;
  /** Extra CLI flags (e.g. a fixed large learning rate). */
  flags?: string[];
}

const rows = (n: number, row: (i: number) => string): string => Array.from({ length: n }, (_, i) => `${row(i)}\n`).join('');

/** Deterministic bytes that are not text (a fixed linear congruential sequence, no Math.random). */
function junk(n: number): Buffer {
  const b = Buffer.alloc(n);
  let s = 12345;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    b[i] = s >>> 23;
  }
  return b;
}

/**
 * Every case must be refused with this kind, naming the file (and the line where given),
 * with a hint; the CLI must exit 2 without a stack trace.
 */
export const BAD_CASES: BadCase[] = [
  { name: 'empty.csv', content: '', kind: 'empty-file', line: 1 },
  { name: 'header-only.csv', content: 'a,b,label\n', kind: 'header-only', line: 1 },
  { name: 'one-row.csv', content: 'a,b,label\n1,2,x\n', kind: 'too-few-rows' },
  { name: 'one-class.csv', content: `a,b,label\n${rows(30, (i) => `${i},${i * 2},x`)}`, kind: 'single-class' },
  { name: 'label-missing.csv', content: `a,b,label\n${rows(30, (i) => `${i},${i * 2},`)}`, kind: 'label-all-missing' },
  { name: 'classes-1000.csv', content: `a,b,label\n${rows(3000, (i) => `${i % 97},${i % 7},c${i % 1000}`)}`, kind: 'too-many-classes' },
  { name: 'constant.csv', content: `a,b,label\n${rows(40, (i) => `1,1,${'xy'[i % 2]}`)}`, kind: 'no-features' },
  { name: 'infinity.csv', content: `a,b,label\n${rows(40, (i) => `${i},${i === 7 ? 'Infinity' : i * 2},${'xy'[i % 2]}`)}`, kind: 'non-finite', line: 9 },
  // A JSON number literal that overflows to Infinity when parsed.
  { name: 'overflow.jsonl', content: rows(40, (i) => `{"a":${i},"b":${i === 3 ? '1e999' : i},"label":"${'xy'[i % 2]}"}`), kind: 'non-finite', line: 4 },
  { name: 'minus-infinity.jsonl', content: rows(40, (i) => `{"a":${i},"b":${i === 5 ? '"-Infinity"' : i},"label":"${'xy'[i % 2]}"}`), kind: 'non-finite', line: 6 },
  {
    // 1e300-sized targets: with a fixed large rate the parameters overflow.
    name: 'diverge-fixed-lr.csv',
    content: `a,b,y\n${rows(200, (i) => `${i * 1e300},${(i * 7) % 11},${(i % 2 ? 1 : -1) * (i + 0.5) * 1e300}`)}`,
    kind: 'diverged',
    flags: ['--lr', '100'],
  },
  {
    // The same targets with the automatic rate: every candidate's loss overflows.
    name: 'diverge-auto-lr.csv',
    content: `a,b,y\n${rows(200, (i) => `${i * 1e300},${(i * 7) % 11},${(i % 2 ? 1 : -1) * (i + 0.5) * 1e300}`)}`,
    kind: 'diverged',
    flags: ['--lr', 'auto'],
  },
  { name: 'junk.csv', content: junk(5000), kind: 'binary-content', line: 1 },
  { name: 'latin1.csv', content: Buffer.concat([Buffer.from('a,b,label\n1,2,x\n3,'), Buffer.from([0xe9, 0x34]), Buffer.from(',y\n5,6,x\n')]), kind: 'binary-content', line: 3 },
  { name: 'utf16.csv', content: Buffer.from('\ufeffa,b,label\n1,2,x\n', 'utf16le'), kind: 'binary-content', line: 1 },
];

/** Valid but awkward data: must scan (exit 0) with finite numbers. */
export const ODD_BUT_VALID: { name: string; content: string }[] = [
  // "NaN" is one of the missing-value tokens (like "", "?", "NA"), not an error.
  { name: 'nan-strings.csv', content: `a,b,label\n${rows(40, (i) => `${i % 4 === 1 ? 'NaN' : i},${i % 5 === 2 ? 'nan' : i * 3},${'xy'[i % 2]}`)}` },
  { name: 'duplicates.csv', content: `a,b,label\n${rows(40, (i) => (i % 2 ? '1.5,2.5,x' : '3,4,y'))}` },
  { name: 'huge-features.csv', content: `a,b,label\n${rows(60, (i) => `${(i % 5) * 1e300},${i % 3 ? -1e300 : 1e300},${'xy'[(i >> 1) % 2]}`)}` },
];
