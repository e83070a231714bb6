/** Scan records for the extension's pure-module tests. */
import type { RowRecord } from '../../src/core/report/types';

export function record(over: Partial<RowRecord> = {}): RowRecord {
  return {
    row: 0, line: 2, endLine: 2, label: 'spam', predicted: 'spam', confidence: 0.9,
    influence: 0, selfInfluence: 0, trainLoss: 0.1, looLoss: 0.1, flagged: false, reasons: [],
    rankHarmful: 1, rankSuspect: 1, windows: [0, 0, 0], inWindow: [0, 0, 0], pattern: 'stable', hash: '0123456789abcdef',
    ...over,
  };
}
