/**
 * A row's cells without a scan: parse the dataset the result came from (cheap next to
 * training) so row details can be answered from a stored result after the worker that
 * held the live scan was recycled.
 */
import type { AnalyzeInput } from '../core/analyzeTypes';
import { decodeDataset, detectFormat, parseTable } from '../core/data/index';
import type { Cell } from '../core/data/types';
import type { ReadCells } from './workerProtocol';

export const readTableCells: ReadCells = (input: AnalyzeInput) => {
  const text = typeof input.content === 'string' ? input.content : decodeDataset(input.content, input.file);
  const table = parseTable(text, input.file, detectFormat(input.file));
  return (row: number): Record<string, Cell> => {
    const cells = table.rows[row];
    if (!cells) throw new RangeError(`row ${row} is not in ${input.file} (${table.rows.length} rows)`);
    return Object.fromEntries(table.columns.map((c, j) => [c, cells[j] ?? null]));
  };
};
