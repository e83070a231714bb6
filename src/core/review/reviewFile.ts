/**
 * The review file: `.influence-lens/<encoded dataset path>.review.json` under the
 * repository (or workspace) root. Small and diff-friendly: sorted keys and one decision per
 * line, so two people reviewing different rows produce changes git can merge line by line.
 * Written atomically (temporary file in the same directory, then rename); a file that cannot
 * be read is moved aside and reported, never overwritten. Nothing here opens the dataset.
 */
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { DECISION_KINDS, type DecisionKind, type ReviewDecision, type ReviewFileProblem } from './types';

export const REVIEW_DIR = '.influence-lens';
export const REVIEW_SUFFIX = '.review.json';
export const REVIEW_FILE_VERSION = 1;

/** Longest encoded file name kept as is; longer ones are shortened with a hash (file systems allow 255 bytes). */
const MAX_NAME = 180;
const HASH_KEY = /^[0-9a-f]{8,64}$/;

/** Whether `s` looks like a row content hash (lower-case hex). */
export function isRowHash(s: string): boolean {
  return HASH_KEY.test(s);
}

/** Thrown when a review file must not be written (e.g. it comes from a newer version). */
export class ReviewFileError extends Error {
  override readonly name = 'ReviewFileError';
  constructor(readonly problem: ReviewFileProblem) {
    super(problem.message);
  }
}

/**
 * Path of the review file for `datasetPath` (absolute, or relative to `root`).
 * The dataset's path relative to the root is percent-encoded into one file name (`/` → `%2F`,
 * `%` → `%25`, and characters Windows forbids), so distinct datasets never share a file.
 */
export function reviewFilePath(root: string, datasetPath: string): string {
  return path.join(root, REVIEW_DIR, reviewFileName(datasetKey(root, datasetPath)));
}

/** The dataset's path relative to the root with `/` separators: the name stored in the file. */
export function datasetKey(root: string, datasetPath: string): string {
  const rel = path.relative(path.resolve(root), path.resolve(root, datasetPath));
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) {
    throw new Error(`${datasetPath} is not inside ${root}; review decisions are stored per repository`);
  }
  return rel.split(path.sep).join('/');
}

export function reviewFileName(key: string): string {
  const encoded = key.replace(/[%/\\:*?"<>|\u0000-\u001f\u007f]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
  if (encoded.length <= MAX_NAME) return encoded + REVIEW_SUFFIX;
  const digest = createHash('sha256').update(key).digest('hex').slice(0, 16);
  return `${encoded.slice(0, MAX_NAME - 17)}~${digest}${REVIEW_SUFFIX}`;
}

export interface ReviewFileContent {
  dataset: string;
  /** Decisions keyed by row content hash. */
  decisions: Map<string, ReviewDecision>;
}

function sortedKeysJson(value: Record<string, unknown>): string {
  const keys = Object.keys(value).filter((k) => value[k] !== undefined).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${JSON.stringify(value[k])}`).join(',')}}`;
}

/** The file's text: sorted keys, one decision per line, trailing newline. */
export function serializeReview(content: ReviewFileContent): string {
  const hashes = [...content.decisions.keys()].sort();
  const lines = hashes.map((h, i) => {
    const d = content.decisions.get(h) as ReviewDecision;
    const entry = sortedKeysJson({ at: d.at, by: d.by, comment: d.comment === '' ? undefined : d.comment, decision: d.decision, row: d.row });
    return `    ${JSON.stringify(h)}: ${entry}${i < hashes.length - 1 ? ',' : ''}`;
  });
  const decisions = lines.length === 0 ? '  "decisions": {},' : `  "decisions": {\n${lines.join('\n')}\n  },`;
  return `{\n  "dataset": ${JSON.stringify(content.dataset)},\n${decisions}\n  "version": ${REVIEW_FILE_VERSION}\n}\n`;
}

function checkDecision(hash: string, v: unknown): ReviewDecision | string {
  if (!HASH_KEY.test(hash)) return `key ${JSON.stringify(hash)} is not a row hash`;
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return `decision for ${hash} is not an object`;
  const o = v as Record<string, unknown>;
  if (!DECISION_KINDS.includes(o.decision as DecisionKind)) return `decision for ${hash} must be one of ${DECISION_KINDS.join(', ')}`;
  if (typeof o.row !== 'number' || !Number.isInteger(o.row) || o.row < 0) return `decision for ${hash} has no valid row index`;
  if (typeof o.by !== 'string' || typeof o.at !== 'string') return `decision for ${hash} lacks "by" or "at"`;
  if (o.comment !== undefined && typeof o.comment !== 'string') return `decision for ${hash} has a comment that is not text`;
  const d: ReviewDecision = { decision: o.decision as DecisionKind, row: o.row, by: o.by, at: o.at };
  if (typeof o.comment === 'string' && o.comment !== '') d.comment = o.comment;
  return d;
}

export type ParsedReview =
  | { ok: true; content: ReviewFileContent; merged: 'conflict' | 'union' | false }
  | { ok: false; newerVersion: boolean; message: string };

const CONFLICT_MARKER = /^(<{7}|={7}|>{7}|\|{7})( |$)/m;
const DECISION_LINE = /^\s*("(?:[^"\\]|\\.)*")\s*:\s*(\{.*\})\s*,?\s*$/;
const DATASET_LINE = /^\s*"dataset"\s*:\s*("(?:[^"\\]|\\.)*")\s*,?\s*$/;
const VERSION_LINE = /^\s*"version"\s*:\s*(\d+)\s*,?\s*$/;
const STRUCTURE_LINE = /^\s*(\{|\},?|"decisions"\s*:\s*\{(\},?)?|(<{7}|={7}|>{7}|\|{7})( .*)?)?\s*$/;

/**
 * Parse a review file's text. Because the format keeps one decision per line, a file that
 * git merged line by line is still readable: with conflict markers, or without them but no
 * longer valid JSON (git's `merge=union` driver), the decision lines of both sides are kept
 * (the later `at` wins for the same row). Anything else that is not valid is reported.
 */
export function parseReview(text: string): ParsedReview {
  if (CONFLICT_MARKER.test(text)) return parseByLines(text, 'conflict');
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    const byLines = parseByLines(text, 'union');
    return byLines.ok ? byLines : { ok: false, newerVersion: false, message: `not valid JSON (${(e as Error).message})` };
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { ok: false, newerVersion: false, message: 'not a JSON object' };
  const o = raw as Record<string, unknown>;
  if (typeof o.version !== 'number') return { ok: false, newerVersion: false, message: 'no "version"' };
  const version = checkVersion(o.version);
  if (version) return version;
  if (typeof o.dataset !== 'string') return { ok: false, newerVersion: false, message: 'no "dataset"' };
  if (typeof o.decisions !== 'object' || o.decisions === null || Array.isArray(o.decisions)) return { ok: false, newerVersion: false, message: '"decisions" is not an object' };
  const decisions = new Map<string, ReviewDecision>();
  for (const [hash, v] of Object.entries(o.decisions as Record<string, unknown>)) {
    const d = checkDecision(hash, v);
    if (typeof d === 'string') return { ok: false, newerVersion: false, message: d };
    decisions.set(hash, d);
  }
  return { ok: true, content: { dataset: o.dataset, decisions }, merged: false };
}

function checkVersion(version: number): ParsedReview | undefined {
  if (version > REVIEW_FILE_VERSION) {
    return { ok: false, newerVersion: true, message: `written by a newer Influence Lens (format ${version}); update the extension/CLI` };
  }
  if (version !== REVIEW_FILE_VERSION) return { ok: false, newerVersion: false, message: `unknown format version ${JSON.stringify(version)}` };
  return undefined;
}

/** Read the file line by line; every line must be one this module writes (or a conflict marker). */
function parseByLines(text: string, how: 'conflict' | 'union'): ParsedReview {
  const decisions = new Map<string, ReviewDecision>();
  let dataset: string | undefined;
  let version: number | undefined;
  const fail = (message: string): ParsedReview => ({ ok: false, newerVersion: false, message: how === 'conflict' ? `merge conflict: ${message}` : message });
  for (const [i, line] of text.split(/\r?\n/).entries()) {
    const ds = DATASET_LINE.exec(line);
    if (ds) {
      dataset ??= JSON.parse(ds[1]) as string;
      continue;
    }
    const v = VERSION_LINE.exec(line);
    if (v) {
      version = Math.max(version ?? 0, Number(v[1]));
      continue;
    }
    if (STRUCTURE_LINE.test(line)) continue;
    const m = DECISION_LINE.exec(line);
    if (!m) return fail(`line ${i + 1} is not part of a review file: ${line.slice(0, 80)}`);
    let hash: string, value: unknown;
    try {
      hash = JSON.parse(m[1]) as string;
      value = JSON.parse(m[2]);
    } catch {
      return fail(`line ${i + 1} cannot be read: ${line.slice(0, 80)}`);
    }
    const d = checkDecision(hash, value);
    if (typeof d === 'string') return fail(`line ${i + 1}: ${d}`);
    const prev = decisions.get(hash);
    if (!prev || prev.at < d.at) decisions.set(hash, d);
  }
  if (version === undefined) return fail('no "version" line');
  const bad = checkVersion(version);
  if (bad) return bad;
  if (dataset === undefined) return fail('no "dataset" line');
  return { ok: true, content: { dataset, decisions }, merged: how };
}

export interface LoadedReview {
  content: ReviewFileContent;
  /** False when no file exists yet. */
  exists: boolean;
  problems: ReviewFileProblem[];
}

export interface LoadOptions {
  /** Move a corrupt file aside (`<file>.corrupt-<timestamp>`) instead of only reporting it. Use before writing. */
  moveAsideCorrupt: boolean;
  /** Clock for the timestamp (tests). */
  now?: () => Date;
}

/**
 * Read a review file. Missing → empty. Corrupt → empty plus a problem (and, with
 * `moveAsideCorrupt`, the file renamed so a later write cannot destroy it). A file from a
 * newer format version throws ReviewFileError: it is neither read nor ever overwritten.
 */
export async function loadReview(file: string, dataset: string, opts: LoadOptions): Promise<LoadedReview> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { content: { dataset, decisions: new Map() }, exists: false, problems: [] };
    throw new ReviewFileError({ kind: 'unreadable', file, message: `${file}: cannot be read (${code ?? (e as Error).message})` });
  }
  const parsed = parseReview(text);
  if (parsed.ok) {
    const problems: ReviewFileProblem[] = parsed.merged
      ? [{
        kind: 'conflict-merged',
        file,
        message: parsed.merged === 'conflict'
          ? `${file}: had git merge-conflict markers; both sides' decisions were kept (the next saved decision rewrites it cleanly)`
          : `${file}: was merged line by line by git; all decisions were kept (the next saved decision rewrites it cleanly)`,
      }]
      : [];
    return { content: { dataset, decisions: parsed.content.decisions }, exists: true, problems };
  }
  if (parsed.newerVersion) throw new ReviewFileError({ kind: 'newer-version', file, message: `${file}: ${parsed.message}` });
  if (!opts.moveAsideCorrupt) {
    return {
      content: { dataset, decisions: new Map() },
      exists: true,
      problems: [{ kind: 'corrupt', file, message: `${file}: cannot be read (${parsed.message}); its decisions are ignored until it is fixed` }],
    };
  }
  const stamp = (opts.now ?? (() => new Date()))().toISOString().replace(/[:.]/g, '-');
  const movedTo = `${file}.corrupt-${stamp}`;
  await fs.rename(file, movedTo);
  return {
    content: { dataset, decisions: new Map() },
    exists: false,
    problems: [{ kind: 'corrupt', file, movedTo, message: `${file}: cannot be read (${parsed.message}); moved to ${path.basename(movedTo)} and a new file started` }],
  };
}

/** Write the review file atomically: a temporary file in the same directory, flushed, then renamed over the target. */
export async function saveReview(file: string, content: ReviewFileContent): Promise<void> {
  if (!file.endsWith(REVIEW_SUFFIX)) throw new Error(`refusing to write ${file}: not a review file`);
  const dir = path.dirname(file);
  await fs.mkdir(dir, { recursive: true });
  await ensureUnionMerge(dir);
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  const handle = await fs.open(tmp, 'wx');
  try {
    await handle.writeFile(serializeReview(content), 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await fs.rename(tmp, file);
  } catch (e) {
    await fs.rm(tmp, { force: true });
    throw e;
  }
}

/** Lets git merge two people's decisions line by line instead of stopping at a conflict. */
export const REVIEW_GITATTRIBUTES = `# Written by Influence Lens: review files hold one decision per line, so git can merge them by union.\n*${REVIEW_SUFFIX} merge=union\n`;

/** Create `.influence-lens/.gitattributes` once; never change one that exists. */
async function ensureUnionMerge(dir: string): Promise<void> {
  try {
    await fs.writeFile(path.join(dir, '.gitattributes'), REVIEW_GITATTRIBUTES, { encoding: 'utf8', flag: 'wx' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
}

const queues = new Map<string, Promise<unknown>>();

/**
 * Load, change and save one review file; calls on the same file in this process run one
 * after another so no decision is lost to interleaving. Returns the problems met on loading.
 */
export async function updateReview(
  file: string,
  dataset: string,
  change: (decisions: Map<string, ReviewDecision>) => void,
  opts: Omit<LoadOptions, 'moveAsideCorrupt'> = {},
): Promise<{ content: ReviewFileContent; problems: ReviewFileProblem[] }> {
  const key = path.resolve(file);
  const run = async (): Promise<{ content: ReviewFileContent; problems: ReviewFileProblem[] }> => {
    const loaded = await loadReview(file, dataset, { ...opts, moveAsideCorrupt: true });
    change(loaded.content.decisions);
    await saveReview(file, loaded.content);
    return { content: loaded.content, problems: loaded.problems };
  };
  const next = (queues.get(key) ?? Promise.resolve()).then(run, run);
  queues.set(key, next);
  try {
    return await next;
  } finally {
    if (queues.get(key) === next) queues.delete(key);
  }
}
