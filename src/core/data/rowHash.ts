/**
 * Content key of a row: matches rows across edits and reorderings, and keys review decisions.
 */
import { createHash } from 'node:crypto';
import { isMissing, trimCell } from './cells';
import type { Cell } from './types';

/**
 * First 16 hex characters of SHA-256 over the row's normalized cells: each cell trimmed,
 * every missing token ('' ? NA null …, JSON null) the same missing marker, each cell
 * length-prefixed so that no two different rows share an encoding ("a,b" vs "a" + ",b").
 * So re-quoting a CSV field or moving the file between CSV and JSONL keeps the key.
 */
export function rowHash(cells: readonly Cell[]): string {
  const h = createHash('sha256');
  h.update(`${cells.length}\n`);
  for (const cell of cells) {
    if (isMissing(cell)) h.update('N\n');
    else {
      const s = trimCell(cell as string);
      h.update(`S${s.length}:`);
      h.update(s);
      h.update('\n');
    }
  }
  return h.digest('hex').slice(0, 16);
}
