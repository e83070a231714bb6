/**
 * Property-based and fuzz tests of decode + parse (+ schema, split, featurize):
 * random valid tables round-trip with exact spans; random corruptions end in a valid parse
 * or an InputError with a line, within a time bound, never another exception or a hang.
 * Seeds are fixed so a failure replays; the case counts are printed.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  decodeDataset, featurize, inferSchema, isInputError, parseTable, splitStrata, stratifiedSplit,
  type DataFormat, type InputError, type ParsedTable,
} from '../../../src/core/data/index';
import { genTable, serialize, serializeOptions } from './tableGen';

const ROUND_TRIP_RUNS = 400;
const CORRUPTION_RUNS = 1500;
/** One small fuzz case must finish well within this (they take well under 10 ms). */
const CASE_TIME_LIMIT_MS = 1000;
/** The large hand-built inputs (10 000 columns, 4 MB lines) must parse within this. */
const LARGE_CASE_LIMIT_MS = 5000;
const SEED = 20261124;

let cases = 0;
after(() => console.log(`fuzz: ${cases} cases`));

const FORMATS: DataFormat[] = ['csv', 'tsv', 'jsonl'];

/** Line and character of an offset, computed independently of the parser. */
function position(text: string, offset: number): [number, number] {
  let line = 0, start = 0;
  for (let i = 0; i < offset; i++) {
    const c = text[i];
    if (c === '\n' || (c === '\r' && text[i + 1] !== '\n')) { line++; start = i + 1; }
  }
  return [line, offset - start];
}

/** Structural checks every successful parse must pass. */
function checkTable(t: ParsedTable, text: string): void {
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  assert.ok(t.rows.length > 0);
  assert.equal(t.spans.length, t.rows.length);
  let prevEnd = -1;
  t.rows.forEach((row, r) => {
    assert.equal(row.length, t.columns.length);
    const s = t.spans[r];
    assert.ok(s.startOffset > prevEnd && s.startOffset <= s.endOffset && s.endOffset <= body.length, `span ${r}`);
    assert.deepEqual(position(body, s.startOffset), [s.startLine, s.startCharacter]);
    assert.deepEqual(position(body, s.endOffset), [s.endLine, s.endCharacter]);
    prevEnd = s.endOffset;
  });
}

/** Run the whole pipeline; return the InputError or null. Any other exception fails the test. */
function pipeline(bytes: Uint8Array, file: string, format: DataFormat): { stage: 'parse' | 'model'; error: InputError } | null {
  let text: string, table: ParsedTable;
  try {
    text = decodeDataset(bytes, file);
    table = parseTable(text, file, format);
  } catch (e) {
    if (!isInputError(e)) throw e;
    return { stage: 'parse', error: e };
  }
  checkTable(table, text);
  try {
    const schema = inferSchema(table);
    featurize(table, schema, stratifiedSplit(splitStrata(table, schema), 0.2, 1));
  } catch (e) {
    if (!isInputError(e)) throw e;
    return { stage: 'model', error: e };
  }
  return null;
}

for (const format of FORMATS) {
  test(`${format}: random valid tables round-trip (cells and exact spans)`, () => {
    fc.assert(fc.property(genTable(format), serializeOptions, (table, opts) => {
      cases++;
      const { text, expected } = serialize(table, format, opts);
      const parsed = parseTable(decodeDataset(new TextEncoder().encode(text), `t.${format}`), `t.${format}`, format);
      assert.deepEqual(parsed.columns, expected.columns);
      assert.deepEqual(parsed.rows, expected.rows);
      assert.deepEqual(parsed.spans, expected.spans);
    }), { numRuns: ROUND_TRIP_RUNS, seed: SEED });
  });
}

/** Text-level corruptions: each takes the text and random numbers in [0, 1). */
const TEXT_MUTATIONS: ((s: string, a: number, b: number) => string)[] = [
  (s, a) => insertAt(s, a, '"'),
  (s, a, b) => s.slice(0, Math.floor(a * s.length)) + s.slice(Math.floor(a * s.length) + Math.floor(b * 20)),
  (s, a) => s.slice(0, Math.floor(a * s.length)),
  (s, a, b) => insertAt(s, a, ['\u0000', '\uFEFF', ',', '\t', '{', '}', '[', '\\', '\r', '\n\n\n', 'é', '\uD800'][Math.floor(b * 12)]),
  (s, a) => s.replace(/\r?\n/g, (m) => (a < 0.33 ? '\r' : a < 0.66 ? '\r\n' : m === '\n' ? '\r\n' : '\n')),
  (s, a) => { const lines = s.split('\n'); const k = Math.floor(a * lines.length); lines.splice(k, 0, lines[k] ?? ''); return lines.join('\n'); },
  (s, a, b) => insertAt(s, a, ','.repeat(1 + Math.floor(b * 5))),
  (s, a) => insertAt(s, a, '\n\n'),
  () => '',
];

/** Byte-level corruptions: invalid UTF-8 sequences, NUL, a BOM in the middle, a flipped byte. */
const BYTE_MUTATIONS: ((b: Uint8Array, a: number, c: number) => Uint8Array)[] = [
  (b, a) => insertBytes(b, a, [0xff]),
  (b, a) => insertBytes(b, a, [0xc3]),
  (b, a) => insertBytes(b, a, [0xed, 0xa0, 0x80]),
  (b, a) => insertBytes(b, a, [0xef, 0xbb, 0xbf]),
  (b, a) => insertBytes(b, a, [0x00]),
  (b, a, c) => { const o = b.slice(); if (o.length) o[Math.floor(a * o.length)] ^= 1 << Math.floor(c * 8); return o; },
];

function insertAt(s: string, a: number, piece: string): string {
  const k = Math.floor(a * (s.length + 1));
  return s.slice(0, k) + piece + s.slice(k);
}

function insertBytes(b: Uint8Array, a: number, piece: number[]): Uint8Array {
  const k = Math.floor(a * (b.length + 1));
  return new Uint8Array([...b.subarray(0, k), ...piece, ...b.subarray(k)]);
}

const mutation = fc.record({
  kind: fc.constantFrom<'text' | 'bytes'>('text', 'text', 'text', 'bytes'),
  which: fc.nat(),
  a: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
  b: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
});

test('random corruptions: a valid parse or an InputError with a line, within the time bound', () => {
  const outcomes = new Map<string, number>();
  fc.assert(fc.property(
    fc.constantFrom(...FORMATS).chain((format) => fc.tuple(fc.constant(format), genTable(format), serializeOptions)),
    fc.array(mutation, { minLength: 1, maxLength: 3 }),
    ([format, table, opts], mutations) => {
      cases++;
      let text = serialize(table, format, opts).text;
      const byteMutations: typeof mutations = [];
      for (const m of mutations) {
        if (m.kind === 'text') text = TEXT_MUTATIONS[m.which % TEXT_MUTATIONS.length](text, m.a, m.b);
        else byteMutations.push(m);
      }
      let bytes: Uint8Array = new TextEncoder().encode(text);
      for (const m of byteMutations) bytes = BYTE_MUTATIONS[m.which % BYTE_MUTATIONS.length](bytes, m.a, m.b);
      const t0 = performance.now();
      // The parser alone on the corrupted text (NUL and lone surrogates included, which decoding would refuse).
      try {
        checkTable(parseTable(text, `f.${format}`, format), text);
      } catch (e) {
        if (!isInputError(e)) throw e;
        assert.ok(e.line >= 1, e.format());
      }
      const result = pipeline(bytes, `f.${format}`, format);
      const ms = performance.now() - t0;
      assert.ok(ms < CASE_TIME_LIMIT_MS, `case took ${ms.toFixed(0)} ms`);
      if (result?.stage === 'parse') assert.ok(result.error.line >= 1, result.error.format());
      const key = result === null ? 'ok' : result.error.kind;
      outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
    }), { numRuns: CORRUPTION_RUNS, seed: SEED });
  console.log(`fuzz corruption outcomes: ${JSON.stringify(Object.fromEntries([...outcomes].sort()))}`);
  // The corruptions must reach both the error paths and the success path.
  assert.ok((outcomes.get('ok') ?? 0) > 0 && outcomes.size > 4, JSON.stringify([...outcomes]));
});

function timed<T>(fn: () => T): { value: T; ms: number } {
  const t0 = performance.now();
  const value = fn();
  return { value, ms: performance.now() - t0 };
}

test('10 000 columns: parses and featurizes within the bound', () => {
  cases++;
  const width = 10_000;
  const header = Array.from({ length: width }, (_, j) => `c${j}`).join(',');
  const rows = Array.from({ length: 6 }, (_, r) => Array.from({ length: width }, (_, j) => (j === width - 1 ? `L${r % 2}` : String((r * j) % 7))).join(','));
  const text = [header, ...rows].join('\n');
  const { value: result, ms } = timed(() => pipeline(new TextEncoder().encode(text), 'wide.csv', 'csv'));
  assert.equal(result, null, result?.error.format());
  assert.ok(ms < LARGE_CASE_LIMIT_MS, `${ms} ms`);
});

test('very long lines: a 4 MB quoted field and a 4 MB JSON string', () => {
  cases += 2;
  const big = 'x'.repeat(4 * 1024 * 1024);
  const csv = `a,label\n"${big}",p\nb,q\n`;
  const { value: t, ms } = timed(() => parseTable(csv, 'long.csv', 'csv'));
  assert.equal(t.rows[0][0]?.length, big.length);
  assert.equal(t.spans[1].startLine, 2);
  const jsonl = `${JSON.stringify({ text: big, label: 'p' })}\n{"text":"y","label":"q"}\n`;
  const { value: j, ms: ms2 } = timed(() => parseTable(jsonl, 'long.jsonl', 'jsonl'));
  assert.equal(j.rows.length, 2);
  assert.ok(ms + ms2 < LARGE_CASE_LIMIT_MS, `${ms} + ${ms2} ms`);
});

test('an unterminated quote at the start of a large file fails fast with the line', () => {
  cases++;
  const text = `a,b\n"open,1\n${'1,2\n'.repeat(200_000)}`;
  const { ms } = timed(() => assert.throws(() => parseTable(text, 'u.csv', 'csv'), (e: InputError) => e.kind === 'unterminated-quote' && e.line === 2));
  assert.ok(ms < LARGE_CASE_LIMIT_MS, `${ms} ms`);
});

test('thousands of empty lines and BOMs', () => {
  cases++;
  const text = `\uFEFFa,label\n${'\n'.repeat(5000)}1,x\n\r\n\r\n2,y\n${'\r\n'.repeat(3000)}3,x\n4,y\n`;
  const t = parseTable(text, 'e.csv', 'csv');
  assert.equal(t.rows.length, 4);
  assert.equal(t.spans[0].startLine, 5001);
  checkTable(t, text);
});

test('deeply nested JSON values: an InputError or a value, never a stack overflow', () => {
  cases++;
  const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
  const text = `{"a":${deep},"label":"x"}\n`;
  try {
    const t = parseTable(text, 'deep.jsonl', 'jsonl');
    assert.equal(t.rows.length, 1);
  } catch (e) {
    assert.ok(isInputError(e), String(e));
    assert.equal((e as InputError).line, 1);
  }
});
