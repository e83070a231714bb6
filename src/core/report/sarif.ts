/**
 * SARIF 2.1.0 output: each flagged row is a result per reason, located at the row's lines,
 * with the row's content hash as a partial fingerprint so code-scanning tools keep
 * tracking a row when other rows move.
 */
import type { Log, ReportingDescriptor, Result } from 'sarif';
import type { Reason, RowRecord, ScanResult } from './types';
import { flagSummary } from './wording';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

const RULES: Record<Reason, ReportingDescriptor> = {
  harmful: {
    id: 'harmful',
    name: 'HarmfulRow',
    shortDescription: { text: 'Removing this row lowers validation loss.' },
    fullDescription: {
      text: 'ACC-SGD-IE estimates that training without this row would lower the mean validation loss. Check the row for wrong labels, duplicates or out-of-distribution values.',
    },
    defaultConfiguration: { level: 'warning' },
  },
  'label-suspect': {
    id: 'label-suspect',
    name: 'LabelSuspect',
    shortDescription: { text: 'The row\'s label disagrees with a model that never saw it.' },
    fullDescription: {
      text: 'The row\'s leave-one-out loss (its loss plus its self-influence, from ACC-SGD-IE) is high and the model predicts another class: the label may be wrong.',
    },
    defaultConfiguration: { level: 'warning' },
  },
};

export interface SarifInput {
  /** The file's path as it should appear in the report (relative to the repository root for code scanning). */
  file: string;
  result: ScanResult;
  /** Rows to report; default: every flagged row. */
  rows?: readonly RowRecord[];
}

export function toSarif(inputs: readonly SarifInput[], toolVersion = '0.1.0'): Log {
  const results: Result[] = [];
  for (const { file, result, rows } of inputs) {
    for (const r of rows ?? result.rows.filter((x) => x.flagged)) {
      for (const reason of r.reasons) {
        results.push({
          ruleId: reason,
          ruleIndex: reason === 'harmful' ? 0 : 1,
          level: 'warning',
          message: { text: `Row ${r.row}: ${flagSummary(r)}` },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: file.split('\\').join('/') },
                region: { startLine: r.line, endLine: r.endLine },
              },
            },
          ],
          partialFingerprints: { rowHash: r.hash },
          properties: {
            row: r.row,
            label: r.label,
            predicted: r.predicted,
            confidence: r.confidence,
            influence: r.influence,
            selfInfluence: r.selfInfluence,
            looLoss: r.looLoss,
          },
        });
      }
    }
  }
  return {
    version: '2.1.0',
    $schema: SARIF_SCHEMA,
    runs: [
      {
        tool: {
          driver: {
            name: 'Influence Lens',
            version: toolVersion,
            rules: [RULES.harmful, RULES['label-suspect']],
          },
        },
        results,
      },
    ],
  };
}
