/**
 * Review decisions: what a person decided about a flagged row, remembered per dataset in
 * `.influence-lens/<dataset>.review.json` and keyed by the row's content hash.
 */

export type DecisionKind = 'keep' | 'fixed' | 'ignore';
export const DECISION_KINDS: readonly DecisionKind[] = ['keep', 'fixed', 'ignore'];

/** One decision, stored under the row's content hash (`RowRecord.hash`). */
export interface ReviewDecision {
  decision: DecisionKind;
  /** 0-based data-row index when the decision was made: a hint to recognise an edited row. */
  row: number;
  /** Who decided: "Name <email>" from git config, else the OS user name. */
  by: string;
  /** When, ISO 8601 UTC. */
  at: string;
  comment?: string;
}

/** How a stored decision relates to the dataset as it is now. */
export type DecisionState =
  /** The row with this content is in the file (possibly at another index). */
  | 'current'
  /** No row has this content, and the hinted index holds a row no decision covers: the row was edited. */
  | 'outdated'
  /** No row has this content and nothing suggests an edit: the row was removed. */
  | 'missing';

export interface StaleDecision {
  hash: string;
  decision: ReviewDecision;
  state: 'outdated' | 'missing';
  /** For 'outdated': the row now at the hinted index and its hash. */
  nowRow?: number;
  nowHash?: string;
}

/** A problem with a review file, reported to the user (never swallowed). */
export interface ReviewFileProblem {
  kind: 'corrupt' | 'conflict-merged' | 'newer-version' | 'unreadable' | 'unstaged';
  file: string;
  message: string;
  /** Where a corrupt file was moved. */
  movedTo?: string;
}
