/**
 * The CLI as a user runs it: a child process on real datasets, JSON validated against the
 * result schema, SARIF against the SARIF 2.1.0 schema, exit codes for every case.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Ajv from 'ajv';
import AjvDraft04 from 'ajv-draft-04';

const ROOT = resolve(__dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'cli.js');
const DATA = resolve(ROOT, '..', 'shared', 'datasets');
const FAST = ['--epochs', '5', '--lr', '0.1'];

function run(args: string[], cwd = ROOT) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const resultSchema = JSON.parse(readFileSync(join(ROOT, 'src/core/report/result.schema.json'), 'utf8'));
const sarifSchema = JSON.parse(readFileSync(join(ROOT, 'node_modules/@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8'));
const validateResult = new Ajv({ allErrors: true, strict: false }).compile(resultSchema);
const validateSarif = new AjvDraft04({ allErrors: true, strict: false, unicodeRegExp: false }).compile(sarifSchema);

const tmp = mkdtempSync(join(tmpdir(), 'il-cli-'));
function file(name: string, content: string | Buffer): string {
  const p = join(tmp, name);
  writeFileSync(p, content);
  return p;
}

test('scan --format json is valid against the result schema and deterministic', () => {
  const a = run(['scan', join(DATA, 'iris-noisy.csv'), '--format', 'json', ...FAST]);
  assert.equal(a.code, 0, a.stderr);
  const json = JSON.parse(a.stdout) as { data: { rows: number; trainRows: number }; rows: unknown[]; flaggedCount: number };
  assert.ok(validateResult(json), JSON.stringify(validateResult.errors?.slice(0, 3)));
  assert.equal(json.data.rows, 150);
  assert.equal(json.rows.length, json.data.trainRows);
  assert.ok(json.flaggedCount > 0);
  const b = run(['scan', join(DATA, 'iris-noisy.csv'), '--format', 'json', ...FAST]);
  assert.equal(b.stdout, a.stdout, 'same data + settings + seed must give bit-identical JSON');
});

test('scan --format sarif is valid SARIF 2.1.0 with one result per flag reason', () => {
  const r = run(['scan', join(DATA, 'wine-noisy.csv'), '--format', 'sarif', ...FAST]);
  assert.equal(r.code, 0, r.stderr);
  const sarif = JSON.parse(r.stdout) as { runs: { results: { ruleId: string; locations: { physicalLocation: { region: { startLine: number } } }[] }[] }[] };
  assert.ok(validateSarif(sarif), JSON.stringify(validateSarif.errors?.slice(0, 3)));
  const results = sarif.runs[0].results;
  assert.ok(results.length > 0);
  for (const res of results) {
    assert.ok(['harmful', 'label-suspect'].includes(res.ruleId));
    assert.ok(res.locations[0].physicalLocation.region.startLine >= 2, 'data rows start after the header');
  }
});

test('scan table output names flagged rows; --out writes a file', () => {
  const out = join(tmp, 'out.txt');
  const r = run(['scan', join(DATA, 'wine-noisy.csv'), '--out', out, ...FAST]);
  assert.equal(r.code, 0, r.stderr);
  const text = readFileSync(out, 'utf8');
  assert.match(text, /label column "label"/);
  assert.match(text, /row\s+line\s+label\s+predicted/);
  assert.match(text, /rows flagged\./);
});

test('verify prints predicted and real change', () => {
  const r = run(['verify', join(DATA, 'iris-noisy.csv'), '--format', 'json', ...FAST]);
  assert.equal(r.code, 0, r.stderr);
  const v = JSON.parse(r.stdout);
  assert.ok(v.rows.length > 0);
  assert.equal(typeof v.predictedChange, 'number');
  assert.ok(Math.abs(v.actualChange - (v.after.valLoss - v.before.valLoss)) < 1e-12);
});

test('help and usage errors', () => {
  for (const args of [['--help'], ['scan', '--help'], ['verify', '--help'], ['check', '--help'], ['--version']]) {
    const r = run(args);
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
    assert.ok(r.stdout.length > 0);
  }
  const unknown = run(['scan', join(DATA, 'iris.csv'), '--frobnicate']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown option/);
  const badValue = run(['scan', join(DATA, 'iris.csv'), '--epochs', 'many']);
  assert.equal(badValue.code, 2);
  assert.match(badValue.stderr, /epochs/);
  const badModel = run(['scan', join(DATA, 'iris.csv'), '--model', 'forest']);
  assert.equal(badModel.code, 2);
  const noCommand = run(['frobnicate']);
  assert.equal(noCommand.code, 2);
});

test('bad input: exit 2 with a message naming the file (and line where there is one)', () => {
  const cases: [string, string | Buffer, RegExp][] = [
    ['empty.csv', '', /empty\.csv/],
    ['header.csv', 'a,b,label\n', /header\.csv/],
    ['oneclass.csv', 'a,label\n1,x\n2,x\n3,x\n4,x\n5,x\n', /oneclass\.csv/],
    ['nolabel.csv', 'a,label\n1,\n2,\n3,?\n4,\n', /nolabel\.csv/],
    ['quote.csv', 'a,label\n1,x\n"2,y\n3,x\n', /quote\.csv:3/],
    ['ragged.csv', 'a,b,label\n1,2,x\n1,2\n', /ragged\.csv:3/],
    ['bad.jsonl', '{"a":1,"label":"x"}\n{"a":2,"label":\n', /bad\.jsonl:2/],
    ['junk.csv', Buffer.from([0x00, 0xff, 0xfe, 0x00, 0x41, 0x00, 0x00, 0x01]), /junk\.csv/],
  ];
  for (const [name, content, pattern] of cases) {
    const r = run(['scan', file(name, content), ...FAST]);
    assert.equal(r.code, 2, `${name}: exit ${r.code}; ${r.stderr}`);
    assert.match(r.stderr, pattern, name);
    assert.doesNotMatch(r.stderr, /internal error|at .*\.js:\d+/, `${name} must not crash`);
  }
  const missing = run(['scan', join(tmp, 'nope.csv')]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /nope\.csv: cannot read the file \(no such file\)/);
});

test('a numeric label scans as regression and still matches the result schema', () => {
  let seed = 1;
  const rnd = (): number => (seed = (seed * 16807) % 2147483647) / 2147483647;
  const lines = ['x1,x2,target'];
  for (let i = 0; i < 120; i++) {
    const a = rnd() * 10, b = rnd() * 5;
    lines.push(`${a.toFixed(3)},${b.toFixed(3)},${(3 * a - 2 * b + rnd()).toFixed(3)}`);
  }
  const r = run(['scan', file('regression.csv', lines.join('\n') + '\n'), '--format', 'json', '--epochs', '3']);
  assert.equal(r.code, 0, r.stderr);
  const json = JSON.parse(r.stdout) as { data: { task: string }; settings: { modelUsed: string } };
  assert.ok(validateResult(json), JSON.stringify(validateResult.errors?.slice(0, 3)));
  assert.equal(json.data.task, 'regression');
  assert.equal(json.settings.modelUsed, 'linear');
});

test('--threads changes the speed, never the numbers; a bad count is a usage error', () => {
  const args = ['scan', join(DATA, 'spam-2k-noisy.jsonl'), '--format', 'json', '--epochs', '3', '--lr', '0.3'];
  const rowsWith = (threads: string): unknown => {
    const out = join(tmp, `threads-${threads}.json`);
    const r = run([...args, '--threads', threads, '--out', out]);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(readFileSync(out, 'utf8')).rows;
  };
  assert.deepEqual(rowsWith('2'), rowsWith('1'));
  const bad = run([...args, '--threads', '-1']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /threads: expected a whole number from 0 to 256, got "-1"/);
});
