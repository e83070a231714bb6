/**
 * Scan results keyed by the dataset's bytes and the resolved settings: a small in-memory
 * LRU in front of a size-bounded directory of JSON files (the extension's storage), so a
 * reopened unchanged file is served at once, also after a window reload.
 */
import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { SCHEMA_VERSION, type ScanResult } from '../core/report/types';
import type { Settings } from '../core/settings';

/** Default bound of the cache directory. */
export const DEFAULT_CACHE_MAX_BYTES = 200 * 1024 * 1024;
/** Results kept in memory (the newest ones). */
const MEMORY_ENTRIES = 8;
/** Temporary files older than this are leftovers of an interrupted write. */
const STALE_TEMP_MS = 10 * 60 * 1000;
/** Bump when the file layout below changes; older files are then ignored and evicted. */
const CACHE_FORMAT = 1;

interface CacheFile {
  cacheFormat: typeof CACHE_FORMAT;
  key: string;
  result: ScanResult;
}

/** JSON with object keys sorted at every level, so equal settings always give equal text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value as object)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * SHA-256 (hex) over the dataset bytes, the validation file's bytes (if any), the resolved
 * settings and the engine identity, so that a change to any of them misses the cache.
 */
export function cacheKey(content: Uint8Array, settings: Settings, engine: string, validation?: Uint8Array): string {
  const h = createHash('sha256');
  const part = (bytes: Uint8Array): void => {
    h.update(`${bytes.byteLength}:`);
    h.update(bytes);
  };
  part(content);
  part(validation ?? new Uint8Array(0));
  h.update(canonicalJson({ settings, engine, schemaVersion: SCHEMA_VERSION }));
  return h.digest('hex');
}

export class ResultCache {
  private readonly memory = new Map<string, ScanResult>();

  /** `dir` undefined = memory only (no storage path from the client). */
  constructor(
    private readonly dir: string | undefined,
    private readonly maxBytes: number,
    private readonly log: (message: string) => void,
  ) {}

  async get(key: string): Promise<ScanResult | undefined> {
    const hit = this.memory.get(key);
    if (hit) {
      this.remember(key, hit);
      return hit;
    }
    if (!this.dir) return undefined;
    const file = this.fileOf(key);
    let text: string;
    try {
      text = await fs.readFile(file, 'utf8');
    } catch {
      return undefined;
    }
    const result = this.parse(text, key);
    if (!result) {
      this.log(`ignoring corrupted cache file ${file}; deleting it`);
      await fs.rm(file, { force: true }).catch(() => undefined);
      return undefined;
    }
    const now = new Date();
    await fs.utimes(file, now, now).catch(() => undefined); // mtime = last use, for LRU eviction
    this.remember(key, result);
    return result;
  }

  /**
   * Store a result (memory at once, disk atomically); disk errors are logged, never thrown.
   * `resultJson`, when given, is `JSON.stringify(result)` already made elsewhere (the worker).
   */
  async put(key: string, result: ScanResult, resultJson?: string): Promise<void> {
    this.remember(key, result);
    if (!this.dir) return;
    const file = this.fileOf(key);
    const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      await fs.mkdir(this.dir, { recursive: true });
      // Same text as JSON.stringify of a CacheFile, without serializing the result twice.
      const body = `{"cacheFormat":${CACHE_FORMAT},"key":${JSON.stringify(key)},"result":${resultJson ?? JSON.stringify(result)}}`;
      await fs.writeFile(temp, body);
      await fs.rename(temp, file);
      await this.evict();
    } catch (e) {
      this.log(`could not write cache file ${file}: ${e instanceof Error ? e.message : String(e)}`);
      await fs.rm(temp, { force: true }).catch(() => undefined);
    }
  }

  /** Drop results whose settings or data no longer matter (e.g. after `clear`). */
  forgetMemory(): void {
    this.memory.clear();
  }

  private remember(key: string, result: ScanResult): void {
    this.memory.delete(key);
    this.memory.set(key, result);
    while (this.memory.size > MEMORY_ENTRIES) this.memory.delete(this.memory.keys().next().value as string);
  }

  private fileOf(key: string): string {
    return path.join(this.dir as string, `${key}.json`);
  }

  private parse(text: string, key: string): ScanResult | undefined {
    try {
      const body = JSON.parse(text) as Partial<CacheFile> | null;
      const r = body?.result;
      const ok = body?.cacheFormat === CACHE_FORMAT && body.key === key && typeof r === 'object' && r !== null && r.schemaVersion === SCHEMA_VERSION && Array.isArray(r.rows);
      return ok ? r : undefined;
    } catch {
      return undefined;
    }
  }

  /** Delete the least recently used files until the directory fits in `maxBytes`. */
  private async evict(): Promise<void> {
    const dir = this.dir as string;
    const entries: { file: string; size: number; mtime: number }[] = [];
    for (const name of await fs.readdir(dir)) {
      const file = path.join(dir, name);
      const st = await fs.stat(file).catch(() => undefined);
      if (!st?.isFile()) continue;
      if (name.endsWith('.tmp')) {
        if (Date.now() - st.mtimeMs > STALE_TEMP_MS) await fs.rm(file, { force: true }).catch(() => undefined);
        continue;
      }
      if (name.endsWith('.json')) entries.push({ file, size: st.size, mtime: st.mtimeMs });
    }
    let total = entries.reduce((s, e) => s + e.size, 0);
    entries.sort((a, b) => a.mtime - b.mtime);
    for (const e of entries) {
      if (total <= this.maxBytes) break;
      await fs.rm(e.file, { force: true }).catch(() => undefined);
      total -= e.size;
      this.log(`cache over ${this.maxBytes} bytes: evicted ${path.basename(e.file)}`);
    }
  }
}
