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
 * retracts the old row first) or `upsert` (+I, +U, -D keyed by a unique key; no -U). The
 * `-no-deletes` forms carry the same updates but never delete a row, as an aggregate over
 * insert-only input: a row, once there, only changes (Flink's planner gives a deduplication
 * all changes although it deletes nothing, so it is `retract`).
 */
export type ChangelogMode = 'insert-only' | 'retract' | 'upsert' | 'retract-no-deletes' | 'upsert-no-deletes';

/** The row kinds each mode may carry. */
export const ROW_KINDS: Readonly<Record<ChangelogMode, readonly RowKind[]>> = {
  'insert-only': ['+I'],
  retract: ['+I', '-U', '+U', '-D'],
  upsert: ['+I', '+U', '-D'],
  'retract-no-deletes': ['+I', '-U', '+U'],
  'upsert-no-deletes': ['+I', '+U'],
};

/** Whether a stream in `mode` carries update-before (-U) rows. */
export function hasUpdateBefore(mode: ChangelogMode): boolean {
  return mode === 'retract' || mode === 'retract-no-deletes';
}

/** Whether a stream in `mode` updates rows without their old values (no -U), keyed by a unique key. */
export function isUpsert(mode: ChangelogMode): boolean {
  return mode === 'upsert' || mode === 'upsert-no-deletes';
}

/** The mode with the same changes but no -U rows: what an operator emits when no consumer needs them. */
export function withoutUpdateBefore(mode: ChangelogMode): ChangelogMode {
  if (mode === 'retract') return 'upsert';
  return mode === 'retract-no-deletes' ? 'upsert-no-deletes' : mode;
}

/**
 * The mode of a stream merging streams in `modes` (a union, a node forwarding its inputs): every
 * kind any of them carries. An input with -U makes the merge retract, since its consumers must
 * then take -U rows anyway.
 */
export function widestMode(modes: readonly ChangelogMode[]): ChangelogMode {
  const kinds = new Set(modes.flatMap((m) => ROW_KINDS[m]));
  if (!kinds.has('+U') && !kinds.has('-D')) return 'insert-only';
  if (!kinds.has('+U')) return 'retract';
  const deletes = kinds.has('-D');
  if (kinds.has('-U')) return deletes ? 'retract' : 'retract-no-deletes';
  return deletes ? 'upsert' : 'upsert-no-deletes';
}

/** Whether a consumer accepting `accepted` can take a stream in `produced` mode. */
export function canConsume(accepted: ChangelogMode, produced: ChangelogMode): boolean {
  // A retract consumer undoes an update by its old row: updates without -U leave it stale.
  if (isUpsert(produced) && hasUpdateBefore(accepted)) return false;
  const kinds = ROW_KINDS[accepted];
  if (ROW_KINDS[produced].every((k) => kinds.includes(k))) return true;
  // An upsert consumer also takes a retract stream: it ignores -U and keys on +U.
  return isUpsert(accepted) && ROW_KINDS[produced].every((k) => k === '-U' || kinds.includes(k));
}

/** The name EXPLAIN prints for a mode, as Flink's `changelogMode=[I,UB,UA,D]`. */
export function formatChangelogMode(mode: ChangelogMode): string {
  const short: Readonly<Record<RowKind, string>> = { '+I': 'I', '-U': 'UB', '+U': 'UA', '-D': 'D' };
  return ROW_KINDS[mode].map((k) => short[k]).join(',');
}

/** `+I[1, abc]`: a row as Flink's print connector shows it. */
export function formatChangelogRow(kind: RowKind, values: readonly string[]): string {
  return `${kind}[${values.join(', ')}]`;
}
