/**
 * The result cache: keys, atomic JSON files, LRU size bound, corrupted files ignored and
 * deleted; and over JSON-RPC, results that survive a server restart.
 */
import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { resolveSettings } from '../../src/core/settings';
import { cacheKey, canonicalJson, ResultCache } from '../../src/server/resultCache';
import type { RowDetailsResponse } from '../../src/server/documentJobs';
import { Methods, type ComputeResult } from '../../src/shared/protocol';
import { fakeAnalyze } from './fixtures/fakeEngine';
import { fakeDataset, LspClient } from './lspHarness';

const bytes = (s: string): Uint8Array => Buffer.from(s, 'utf8');
const settings = resolveSettings({});
const scan = (rows: number) => fakeAnalyze({ file: 'x.csv', content: fakeDataset('steps=1', rows), settings }, {}).result;

describe('result cache', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'il-cache-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('canonical JSON sorts keys at every level and drops undefined', () => {
    assert.equal(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: null }], c: undefined } }), '{"a":{"d":[2,{"y":null,"z":1}]},"b":1}');
  });

  test('the key changes with content, settings, validation data and engine, and only with them', () => {
    const base = cacheKey(bytes('a,b\n1,2\n'), settings, 'e1');
    assert.equal(cacheKey(bytes('a,b\n1,2\n'), resolveSettings({}), 'e1'), base);
    assert.notEqual(cacheKey(bytes('a,b\n1,3\n'), settings, 'e1'), base);
    assert.notEqual(cacheKey(bytes('a,b\n1,2\n'), resolveSettings({ seed: 1 }), 'e1'), base);
    assert.notEqual(cacheKey(bytes('a,b\n1,2\n'), settings, 'e2'), base);
    assert.notEqual(cacheKey(bytes('a,b\n1,2\n'), settings, 'e1', bytes('x')), base);
    // Length-prefixed parts: moving bytes between content and validation is a different key.
    assert.notEqual(cacheKey(bytes('ab'), settings, 'e1', bytes('c')), cacheKey(bytes('a'), settings, 'e1', bytes('bc')));
  });

  test('a stored result is read back by a fresh instance (as after a window reload), with no temp files left', async () => {
    const logs: string[] = [];
    const result = scan(5);
    await new ResultCache(dir, 1e9, (m) => logs.push(m)).put('k1', result);
    assert.deepEqual(await new ResultCache(dir, 1e9, (m) => logs.push(m)).get('k1'), result);
    assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.tmp')), []);
    // With the JSON made by the worker the file is the same as serializing here.
    await new ResultCache(dir, 1e9, (m) => logs.push(m)).put('k2', result, JSON.stringify(result));
    assert.equal(readFileSync(path.join(dir, 'k2.json'), 'utf8'), readFileSync(path.join(dir, 'k1.json'), 'utf8').replace('"key":"k1"', '"key":"k2"'));
    assert.deepEqual(await new ResultCache(dir, 1e9, (m) => logs.push(m)).get('k2'), result);
    assert.deepEqual(logs, []);
  });

  test('corrupted or mismatched files are ignored, deleted and logged', async () => {
    const logs: string[] = [];
    const cache = new ResultCache(dir, 1e9, (m) => logs.push(m));
    const cases: [string, string][] = [
      ['truncated', '{"cacheFormat":1,"key":"truncated","result":{"schemaVer'],
      ['binary', '\u0000\u0001\u00ff garbage'],
      ['wrongkey', JSON.stringify({ cacheFormat: 1, key: 'other', result: scan(2) })],
      ['oldschema', JSON.stringify({ cacheFormat: 1, key: 'oldschema', result: { ...scan(2), schemaVersion: 0 } })],
      ['nulls', 'null'],
    ];
    for (const [key, text] of cases) {
      writeFileSync(path.join(dir, `${key}.json`), text);
      assert.equal(await cache.get(key), undefined, key);
      assert.equal(existsSync(path.join(dir, `${key}.json`)), false, `${key} deleted`);
    }
    assert.equal(logs.filter((l) => l.includes('corrupted')).length, cases.length);
  });

  test('the directory stays within its bound, evicting the least recently used files', async () => {
    const small = mkdtempSync(path.join(tmpdir(), 'il-cache-lru-'));
    try {
      const one = JSON.stringify({ cacheFormat: 1, key: 'a', result: scan(40) }).length;
      const bound = Math.floor(one * 2.5);
      const cache = new ResultCache(small, bound, () => undefined);
      await cache.put('a', scan(40));
      await cache.put('b', scan(40));
      // Make 'a' the least recently used; adding 'c' must evict it and only it.
      utimesSync(path.join(small, 'a.json'), new Date(1000), new Date(1000));
      await cache.put('c', scan(40));
      const files = readdirSync(small).sort();
      assert.deepEqual(files, ['b.json', 'c.json']);
      const total = files.reduce((s, f) => s + statSync(path.join(small, f)).size, 0);
      assert.ok(total <= bound, `${total} ≤ ${bound}`);
    } finally {
      rmSync(small, { recursive: true, force: true });
    }
  });

  test('an unusable storage path degrades to memory with a log line, never an exception', async () => {
    const file = path.join(dir, 'not-a-directory');
    writeFileSync(file, 'x');
    const logs: string[] = [];
    const cache = new ResultCache(path.join(file, 'results'), 1e9, (m) => logs.push(m));
    await cache.put('k', scan(3));
    assert.equal((await cache.get('k'))?.rows.length, 3, 'still served from memory');
    assert.equal(logs.length, 1);
    assert.match(logs[0], /could not write cache file/);
  });
});

describe('cache across server restarts (JSON-RPC)', () => {
  const storage = mkdtempSync(path.join(tmpdir(), 'il-storage-'));
  after(() => rmSync(storage, { recursive: true, force: true }));
  const doc = { uri: 'file:///data/restart.csv', path: '/data/restart.csv', text: fakeDataset('steps=30 stepMs=1', 8), version: 1, settings: {} };

  test('a reopened unchanged file is cached after a restart; row details come from the stored result until a verify re-runs the scan', async () => {
    const first = await LspClient.start({ storagePath: storage });
    try {
      assert.equal((await first.rpc.sendRequest<ComputeResult>(Methods.compute, doc)).cached, false);
    } finally {
      await first.stop();
    }
    const second = await LspClient.start({ storagePath: storage });
    try {
      const t0 = process.hrtime.bigint();
      const res = await second.rpc.sendRequest<ComputeResult>(Methods.compute, { ...doc, version: 4 });
      assert.equal(res.cached, true);
      assert.equal(res.version, 4);
      assert.ok(Number(process.hrtime.bigint() - t0) / 1e6 < 1000, 'served without a scan');
      // The new server's worker never ran this scan: details come from the stored result, cells re-read, no neighbours.
      const details = await second.rpc.sendRequest<RowDetailsResponse>(Methods.rowDetails, { uri: doc.uri, row: 2 });
      assert.equal(details.source, 'result');
      assert.deepEqual(details.cells, { text: 'row 2 bad' });
      assert.deepEqual(details.similarHarmful, []);
      assert.equal(details.record.row, 2);
      assert.deepEqual((await second.rpc.sendRequest<RowDetailsResponse>(Methods.rowDetails, { uri: doc.uri, row: 4 })).cells, { text: 'row 4 ok' });
      // Verification needs the live scan, so it re-runs it; afterwards details are live again.
      const v = await second.rpc.sendRequest<{ rows: number[] }>(Methods.verify, { uri: doc.uri, rows: [2] });
      assert.deepEqual(v.rows, [2]);
      assert.ok(second.logs.some((l) => l.includes('re-running the scan')));
      assert.equal((await second.rpc.sendRequest<RowDetailsResponse>(Methods.rowDetails, { uri: doc.uri, row: 5 })).source, 'live');
    } finally {
      await second.stop();
    }
  });

  test('a corrupted cache file is logged, deleted and recomputed; the server stays up', async () => {
    const dir = path.join(storage, 'results');
    const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
    assert.equal(files.length, 1);
    const file = path.join(dir, files[0]);
    writeFileSync(file, readFileSync(file, 'utf8').slice(0, 100));
    const c = await LspClient.start({ storagePath: storage });
    try {
      const res = await c.rpc.sendRequest<ComputeResult>(Methods.compute, doc);
      assert.equal(res.cached, false);
      assert.ok(c.logs.some((l) => l.includes('corrupted cache file')), c.logs.join('\n'));
      const body = JSON.parse(readFileSync(file, 'utf8')) as { result: { rows: unknown[] } };
      assert.equal(body.result.rows.length, 8, 'rewritten with a valid result');
      assert.equal((await c.rpc.sendRequest<ComputeResult>(Methods.compute, { ...doc, version: 2 })).cached, true);
    } finally {
      await c.stop();
    }
  });
});
