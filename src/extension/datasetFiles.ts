/**
 * Which files are datasets, matched by file name so that it works whether a CSV opens as
 * plain text or under another extension's CSV language. Pure (no `vscode`).
 */
import type { DataFormat } from '../core/data/types';

export const DATASET_EXTENSIONS = ['csv', 'tsv', 'tab', 'jsonl', 'ndjson'] as const;
export const DATASET_GLOB = `**/*.{${DATASET_EXTENSIONS.join(',')}}`;
/** URI schemes whose documents we scan. */
export const DATASET_SCHEMES = ['file', 'untitled'] as const;

/** VS Code does not give extensions the text of files above this size (bytes). */
export const EDITOR_SYNC_LIMIT_BYTES = 50 * 1024 * 1024;

/** The format implied by a file name, or undefined when it is not a dataset. */
export function formatOfPath(path: string): DataFormat | undefined {
  const m = /\.([A-Za-z]+)$/.exec(path);
  switch (m?.[1].toLowerCase()) {
    case 'csv': return 'csv';
    case 'tsv':
    case 'tab': return 'tsv';
    case 'jsonl':
    case 'ndjson': return 'jsonl';
    default: return undefined;
  }
}

export function isDatasetPath(path: string): boolean {
  return formatOfPath(path) !== undefined;
}

/** The last path segment, for messages. */
export function baseName(path: string): string {
  const parts = path.split(/[\\/]/);
  return parts[parts.length - 1] || path;
}
