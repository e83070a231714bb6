/**
 * The Flagged Rows tree as plain data: files, then review state, then rows. Pure (no
 * `vscode`); the tree data provider only turns these nodes into TreeItems.
 */
import type { Reason } from '../../core/report/types';
import { suspectScore } from '../../core/report/wording';
import { formatCount, formatMagnitude, inlineText } from '../decorations/wording';

export type ReviewGroup = 'beforeCommit' | 'toReview' | 'kept' | 'fixed';
export const REVIEW_GROUPS: readonly ReviewGroup[] = ['beforeCommit', 'toReview', 'kept', 'fixed'];
export const GROUP_TITLES: Record<ReviewGroup, string> = { beforeCommit: 'To review before commit', toReview: 'To review', kept: 'Kept', fixed: 'Fixed' };

export interface TreeRowInput {
  uri: string;
  row: number;
  hash: string;
  /** 1-based current line, or 0 when the row no longer has a place in the document. */
  line: number;
  label: string;
  predicted: string;
  influence: number;
  /** null where not estimated (rows only screened by SGD-IE); `trainLoss` stands in. */
  looLoss: number | null;
  trainLoss: number;
  rankHarmful: number;
  reasons: readonly Reason[];
  group: ReviewGroup;
}

export interface RowNode { kind: 'row'; key: string; input: TreeRowInput; label: string; description: string; tooltip: string }
export interface GroupNode { kind: 'group'; key: string; uri: string; group: ReviewGroup; label: string; rows: RowNode[] }
export interface FileNode { kind: 'file'; key: string; uri: string; label: string; description: string; groups: GroupNode[] }
export type TreeNode = FileNode | GroupNode | RowNode;

export interface FileInput { uri: string; name: string; rows: readonly TreeRowInput[] }

/**
 * One file's rows from two sources: the editor's scan and, after "Review Staged Data", the
 * flagged rows among the staged changes. A row in both (same content) is listed once, as the
 * staged review sees it ("To review before commit" until it has a decision).
 */
export function mergeStaged(scanned: readonly TreeRowInput[], staged: readonly TreeRowInput[]): TreeRowInput[] {
  const stagedHashes = new Set(staged.map((r) => r.hash));
  return [...scanned.filter((r) => !stagedHashes.has(r.hash)), ...staged];
}

function rowNode(r: TreeRowInput): RowNode {
  const relabel = r.predicted !== r.label ? ` → ${inlineText(r.predicted)}` : '';
  const score = r.reasons.includes('harmful') ? `${r.influence < 0 ? '−' : ''}${formatMagnitude(r.influence)}`
    : r.looLoss === null ? `train loss ${formatMagnitude(r.trainLoss)}` : `loss ${formatMagnitude(r.looLoss)}`;
  const loo = r.looLoss === null ? `loss if left out not estimated (screened by SGD-IE only); training loss ${formatMagnitude(r.trainLoss)}` : `loss if left out ${formatMagnitude(r.looLoss)}`;
  const where = r.line > 0 ? `line ${formatCount(r.line)}` : 'edited since the scan';
  return {
    kind: 'row',
    key: `${r.uri}#${r.row}`,
    input: r,
    label: `row ${formatCount(r.row + 1)} · ${inlineText(r.label)}${relabel}`,
    description: `${score} · ${where}`,
    tooltip: `${r.reasons.map((x) => (x === 'harmful' ? 'harmful' : 'label suspect')).join(', ')}; influence ${formatMagnitude(r.influence)} (rank ${r.rankHarmful}); ${loo}`,
  };
}

/** Rows to review first by rank (most harmful first), label suspects by their held-out loss. */
function compareRows(a: TreeRowInput, b: TreeRowInput): number {
  const ah = a.reasons.includes('harmful');
  const bh = b.reasons.includes('harmful');
  if (ah && bh) return a.rankHarmful - b.rankHarmful;
  if (ah !== bh) return ah ? -1 : 1;
  return suspectScore(b) - suspectScore(a) || a.row - b.row;
}

export function buildTree(files: readonly FileInput[]): FileNode[] {
  return [...files].sort((a, b) => a.name.localeCompare(b.name) || a.uri.localeCompare(b.uri)).map((f) => {
    const groups: GroupNode[] = [];
    for (const g of REVIEW_GROUPS) {
      const rows = f.rows.filter((r) => r.group === g).sort(compareRows).map(rowNode);
      if (rows.length > 0) groups.push({ kind: 'group', key: `${f.uri}#${g}`, uri: f.uri, group: g, label: `${GROUP_TITLES[g]} (${formatCount(rows.length)})`, rows });
    }
    const toReview = f.rows.filter((r) => r.group === 'toReview' || r.group === 'beforeCommit').length;
    return { kind: 'file', key: f.uri, uri: f.uri, label: f.name, description: `${formatCount(toReview)} to review`, groups };
  });
}

export function childrenOf(node: TreeNode): TreeNode[] {
  if (node.kind === 'file') return node.groups;
  if (node.kind === 'group') return node.rows;
  return [];
}
