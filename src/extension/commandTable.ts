/**
 * Every command id in one table (no `vscode` import, so tests can compare it with the
 * manifest). Public commands are contributed in package.json; internal ones are the
 * targets of hover links, tree items and code actions and are hidden from the palette.
 */
export const PublicCommands = {
  compute: 'influenceLens.computeInfluence',
  cancel: 'influenceLens.cancel',
  showView: 'influenceLens.showInfluenceView',
  verify: 'influenceLens.verifyFlaggedRows',
  clear: 'influenceLens.clearResults',
  review: 'influenceLens.reviewFlaggedRows',
  next: 'influenceLens.nextFlaggedRow',
  previous: 'influenceLens.previousFlaggedRow',
  chooseLabel: 'influenceLens.chooseLabelColumn',
  openSettings: 'influenceLens.openSettings',
} as const;

export const InternalCommands = {
  revealRow: 'influenceLens.revealRow',
  showRowInView: 'influenceLens.showRowInView',
  markReviewed: 'influenceLens.markReviewed',
  removeRow: 'influenceLens.removeRow',
  relabelRow: 'influenceLens.relabelRow',
} as const;

export const Commands = { ...PublicCommands, ...InternalCommands } as const;
export type CommandKey = keyof typeof Commands;
export type CommandId = (typeof Commands)[CommandKey];

/** Commands a hover may invoke through `command:` links (MarkdownString.isTrusted.enabledCommands). */
export const HOVER_LINK_COMMANDS: readonly CommandId[] = [
  Commands.revealRow,
  Commands.showRowInView,
  Commands.markReviewed,
  Commands.removeRow,
  Commands.relabelRow,
];

/** Arguments of the internal row commands, as passed by links and tree items. */
export interface RowCommandArgs {
  /** Document URI (string form). */
  uri: string;
  /** 0-based data-row index in the scan. */
  row: number;
  /** Content hash of the row when scanned, so a link never acts on a different row. */
  hash: string;
}

export interface RelabelCommandArgs extends RowCommandArgs { label: string }

/** Parse untrusted command arguments (they may come from a stale hover link). */
export function parseRowArgs(value: unknown): RowCommandArgs | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  if (typeof v.uri !== 'string' || typeof v.hash !== 'string' || typeof v.row !== 'number' || !Number.isInteger(v.row) || v.row < 0) return undefined;
  return { uri: v.uri, row: v.row, hash: v.hash };
}

export function parseRelabelArgs(value: unknown): RelabelCommandArgs | undefined {
  const base = parseRowArgs(value);
  const label = (value as { label?: unknown } | undefined)?.label;
  return base && typeof label === 'string' ? { ...base, label } : undefined;
}
