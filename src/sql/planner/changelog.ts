/**
 * Changelog semantics. A SQL stream is either insert-only (every row is a new fact) or a
 * changelog whose rows carry a kind: insert (+I), update before (-U), update after (+U) and
 * delete (-D). Each plan node declares the mode of its output, so the planner can reject a
 * query whose updates its sink cannot take, as Flink does for append-only sinks.
 *
 * On insert-only edges a row is the plain object itself. On changelog edges each element is a
 * {@link ChangelogRow} envelope, so the common insert-only path allocates nothing extra.
 */
import type { Row } from '../expressions/compiler.js';

/** The kind of change a row stands for, with Flink's short strings. */
export type RowKind = '+I' | '-U' | '+U' | '-D';

/** A row with its change kind, as it travels on changelog (non insert-only) edges. */
export interface ChangelogRow {
  readonly kind: RowKind;
  readonly row: Row;
}

/**
 * Which changes a stream carries: `insert-only` (+I), `retract` (+I, -U, +U, -D: every update
 * retracts the old row first) or `upsert` (+I, +U, -D keyed by a unique key; no -U).
 */
export type ChangelogMode = 'insert-only' | 'retract' | 'upsert';

/** The row kinds each mode may carry. */
export const ROW_KINDS: Readonly<Record<ChangelogMode, readonly RowKind[]>> = {
  'insert-only': ['+I'],
  retract: ['+I', '-U', '+U', '-D'],
  upsert: ['+I', '+U', '-D'],
};

/** Whether a consumer accepting `accepted` can take a stream in `produced` mode. */
export function canConsume(accepted: ChangelogMode, produced: ChangelogMode): boolean {
  if (accepted === produced || produced === 'insert-only') return true;
  // An upsert consumer also takes a retract stream: it ignores -U and keys on +U.
  return accepted === 'upsert' && produced === 'retract';
}

/** The name EXPLAIN prints for a mode, as Flink's `changelogMode=[I,UB,UA,D]`. */
export function formatChangelogMode(mode: ChangelogMode): string {
  return mode === 'insert-only' ? 'I' : mode === 'retract' ? 'I,UB,UA,D' : 'I,UA,D';
}

/** `+I[1, abc]`: a row as Flink's print connector shows it. */
export function formatChangelogRow(kind: RowKind, values: readonly string[]): string {
  return `${kind}[${values.join(', ')}]`;
}
