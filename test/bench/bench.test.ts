/**
 * `npm run bench` (bench/run.ts): the direction-aware baseline comparison, the log-log
 * exponent fit, the SVG, the FLOP formulas, and one end-to-end `--quick` run that checks
 * the output schema (no NaN) and that `--compare-only` flags a 25% regression but not a
 * 10% one. Nothing here asserts a time.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  accFlops, type BenchResults, compareFigures, type Figure, figuresOf, fitExponent, formatComparison, logTicks, scalingSvg, trainFlops,
  validateResults, worseness,
} from '../../bench/benchLib';
import { generateDataset, spacedRows } from '../../bench/phase';
import { gemmBlocked32, gemmBlocked64, gemmNN32, gemmTN32 } from '../../bench/peak';
import { gemmNN } from '../../src/core/linalg/dense';

const fig = (key: string, value: number, better: Figure['better'], minDelta?: number): Figure => ({ key, value, unit: 'ms', better, ...(minDelta !== undefined ? { minDelta } : {}) });

describe('bench: worseness and compareFigures', () => {
  it('is direction-aware', () => {
    assert.equal(worseness(100, 125, 'lower'), 0.25);
    assert.equal(worseness(100, 75, 'higher'), 0.25);
    assert.equal(worseness(100, 80, 'lower'), -0.2);
    assert.ok(Number.isNaN(worseness(100, NaN, 'lower')));
  });

  it('flags a 25% regression in either direction and not a 10% one', () => {
    const base = [fig('t', 100, 'lower'), fig('frac', 0.5, 'higher'), fig('t2', 100, 'lower'), fig('frac2', 0.5, 'higher')];
    const cur = [fig('t', 125, 'lower'), fig('frac', 0.375, 'higher'), fig('t2', 110, 'lower'), fig('frac2', 0.45, 'higher')];
    const c = compareFigures(base, cur);
    assert.deepEqual(c.regressions.map((r) => r.key).sort(), ['frac', 't']);
    assert.equal(c.compared, 4);
    assert.match(formatComparison(c), /2 figure\(s\) at least 20% worse/);
    assert.match(formatComparison(c), /- t: 100 → 125 ms \(25% worse\)/);
  });

  it('counts exactly 20% worse as a regression and ignores improvements', () => {
    const c = compareFigures([fig('a', 100, 'lower'), fig('b', 100, 'lower')], [fig('a', 120, 'lower'), fig('b', 50, 'lower')]);
    assert.deepEqual(c.regressions.map((r) => r.key), ['a']);
    assert.deepEqual(c.improved.map((r) => r.key), ['b']);
  });

  it('ignores changes below a figure\'s noise floor', () => {
    const c = compareFigures([fig('tiny', 1, 'lower', 2)], [fig('tiny', 1.5, 'lower', 2)]);
    assert.equal(c.regressions.length, 0);
  });

  it('flags a figure that became NaN and lists missing and new keys', () => {
    const c = compareFigures([fig('a', 1, 'lower'), fig('gone', 1, 'lower')], [fig('a', NaN, 'lower'), fig('new', 1, 'lower')]);
    assert.deepEqual(c.regressions.map((r) => r.key), ['a']);
    assert.deepEqual(c.missing, ['gone']);
    assert.deepEqual(c.added, ['new']);
    assert.match(formatComparison(c), /not a finite number/);
  });
});

describe('bench: fitExponent, ticks, SVG, formulas', () => {
  it('recovers a power law on log-log axes', () => {
    const xs = [1000, 2000, 5000, 10000];
    assert.ok(Math.abs(fitExponent(xs, xs.map((x) => 3 * x ** 1.5)) - 1.5) < 1e-12);
    assert.ok(Math.abs(fitExponent(xs, xs.map(() => 7))) < 1e-12);
    assert.ok(Number.isNaN(fitExponent([5], [1])));
    assert.ok(Number.isNaN(fitExponent([5, 5], [1, 2])));
  });

  it('puts ticks inside the range', () => {
    assert.deepEqual(logTicks(900, 60000), [1000, 10000]);
    assert.deepEqual(logTicks(1, 30), [1, 2, 5, 10, 20]);
  });

  it('draws one panel per entry with the fitted slope in the legend, escaping labels', () => {
    const svg = scalingSvg([
      { title: 'Time <vs> rows', xLabel: 'rows', yLabel: 's', series: [{ label: 'a & b', xs: [1, 10, 100], ys: [2, 20, 200], color: '#123456' }] },
      { title: 'Memory', xLabel: 'rows', yLabel: 'MiB', series: [{ label: 'c', xs: [1, 10], ys: [5, 5], color: '#654321', dashed: true }] },
    ], 'caption');
    assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    assert.match(svg, /<\/svg>\n$/);
    assert.equal(svg.match(/<g class="panel">/g)?.length, 2);
    assert.match(svg, /a &amp; b: slope 1\.00/);
    assert.match(svg, /c: slope 0\.00/);
    assert.match(svg, /Time &lt;vs&gt; rows/);
    assert.match(svg, /stroke-dasharray/);
    assert.doesNotMatch(svg, /NaN/);
  });

  it('counts ACC over M rows as M trainings (the same per-step work per row)', () => {
    const s = { n: 100, p: 20, K: 2, nnzX: 1000, epochs: 3, T: 12 };
    assert.equal(trainFlops(s), 4 * 2 * 3 * 1000 + 3 * 12 * 20);
    assert.equal(accFlops(s, 7), 7 * trainFlops(s));
  });
});

describe('bench: the peak kernels compute the product', () => {
  it('register-blocked and float32 kernels agree with gemmNN', () => {
    const m = 8, k = 300, n = 12; // k > the 256-row panel, so panels are accumulated
    const A = Float64Array.from({ length: m * k }, (_, i) => ((i * 7) % 11) - 5);
    const B = Float64Array.from({ length: k * n }, (_, i) => ((i * 5) % 13) - 6);
    const ref = new Float64Array(m * n);
    gemmNN(m, n, k, A, B, ref);
    const C = new Float64Array(m * n);
    gemmBlocked64(m, n, k, A, B, C);
    assert.deepEqual(C, ref); // small integers: exact in any order
    const C32 = new Float32Array(m * n), A32 = Float32Array.from(A), B32 = Float32Array.from(B);
    gemmBlocked32(m, n, k, A32, B32, C32);
    assert.deepEqual(Float64Array.from(C32), ref);
    gemmNN32(m, n, k, A32, B32, C32);
    assert.deepEqual(Float64Array.from(C32), ref);
    const At = new Float32Array(k * m);
    for (let i = 0; i < m; i++) for (let l = 0; l < k; l++) At[l * m + i] = A[i * k + l];
    gemmTN32(m, n, k, At, B32, C32);
    assert.deepEqual(Float64Array.from(C32), ref);
    assert.throws(() => gemmBlocked64(6, 4, 2, new Float64Array(12), new Float64Array(8), new Float64Array(24)), /multiples of 4/);
  });
});

describe('bench: generated data and row subsets', () => {
  it('generates the same data for the same seed, with an intercept column and both classes', () => {
    const a = generateDataset({ rows: 200, features: 4, classes: 2, seed: 3 }, 0.2);
    const b = generateDataset({ rows: 200, features: 4, classes: 2, seed: 3 }, 0.2);
    assert.deepEqual(a.data.y, b.data.y);
    assert.equal(a.data.X.cols, 5);
    assert.equal(a.split.train.length + a.split.validation.length, 200);
    assert.equal(a.split.validation.length, 40);
    const X = a.data.X;
    assert.ok(X.kind === 'dense' && X.data[4] === 1 && X.data[9] === 1);
    assert.deepEqual([...new Set(a.data.y)].sort(), [0, 1]);
  });

  it('spaces subset rows evenly and takes all rows when asked for as many', () => {
    assert.deepEqual([...spacedRows(10, 4)], [0, 2, 5, 7]);
    assert.equal(spacedRows(10, undefined).length, 10);
    assert.equal(spacedRows(10, 50).length, 10);
  });
});

describe('bench: npm run bench -- --quick, end to end', () => {
  const REPO = path.resolve(__dirname, '..', '..');
  const run = (args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', path.join(REPO, 'bench', 'run.ts'), ...args], { cwd: REPO, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  let dir = '';
  let results: BenchResults;
  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'bench-quick-'));
  });
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('writes results.json (sound schema, no NaN), results.md, scaling.svg and a baseline', () => {
    const r = run(['--quick', '--out', dir, '--baseline', path.join(dir, 'baseline.json'), '--write-baseline']);
    assert.equal(r.status, 0, r.stderr);
    results = JSON.parse(readFileSync(path.join(dir, 'results.json'), 'utf8')) as BenchResults;
    assert.deepEqual(validateResults(results), []);
    assert.equal(results.mode, 'quick');
    assert.ok(results.datasets.length >= 2);
    for (const d of results.datasets) {
      for (const ph of ['train', 'sgdIe', 'acc', 'loo'] as const) {
        const p = d.phases[ph];
        assert.ok(p.ms > 0 && p.flop > 0 && p.peakRssMiB > 0, `${d.name}/${ph}`);
        assert.equal(p.extrapolated, p.rowsTimed < p.rowsAll);
      }
    }
    assert.ok(existsSync(path.join(dir, 'baseline.json')));
    const md = readFileSync(path.join(dir, 'results.md'), 'utf8');
    for (const heading of ['## Matrix-product peak', '## FLOP formulas', '## Estimators on the datasets', '### Ratios', '## Scaling']) assert.ok(md.includes(heading), heading);
    assert.doesNotMatch(md, /NaN|undefined/);
    const svg = readFileSync(path.join(dir, 'scaling.svg'), 'utf8');
    assert.equal(svg.match(/<g class="panel">/g)?.length, 4);
    assert.doesNotMatch(svg, /NaN/);
  });

  it('--compare-only exits 1 listing a 25% regression, and 0 for a 10% one', () => {
    const worse = (factor: number): string => {
      const r = structuredClone(results);
      r.datasets[0].ratios.accOverTrain *= factor;
      r.peak.f64 /= factor;
      const file = path.join(dir, `worse-${factor}.json`);
      writeFileSync(file, JSON.stringify(r));
      return file;
    };
    const bad = run(['--compare-only', worse(1.25), '--baseline', path.join(dir, 'baseline.json')]);
    assert.equal(bad.status, 1, bad.stdout + bad.stderr);
    assert.match(bad.stdout, new RegExp(`${results.datasets[0].name}/ratio/accOverTrain: .*25% worse`));
    assert.match(bad.stdout, /peak\/f64: .*20% worse/);
    const ok = run(['--compare-only', worse(1.1), '--baseline', path.join(dir, 'baseline.json')]);
    assert.equal(ok.status, 0, ok.stdout + ok.stderr);
    assert.match(ok.stdout, /No figure is 20% or more worse/);
  });

  it('refuses to compare a quick run with a full baseline', () => {
    const full = { ...structuredClone(results), mode: 'full' };
    const base = path.join(dir, 'full-baseline.json');
    writeFileSync(base, JSON.stringify(full));
    const r = run(['--compare-only', path.join(dir, 'results.json'), '--baseline', base]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /not comparable/);
  });

  it('lists every figure of the results with a direction', () => {
    const figs = figuresOf(results);
    assert.ok(figs.some((f) => f.key.endsWith('/acc/fractionOfPeak') && f.better === 'higher'));
    assert.ok(figs.some((f) => f.key.endsWith('/ratio/accOverLoo') && f.better === 'lower'));
    assert.equal(new Set(figs.map((f) => f.key)).size, figs.length);
  });
});
