/**
 * Probes of a regular join with a side cleaned by the watermark that can be skipped because
 * they cannot match. A conjunct `A.x + a <= B.t + b` (or `<`, either way round, BETWEEN
 * included) over TIMESTAMP columns of the two sides lets a row of side A match only the rows of
 * side B with `t >= x + a - b`. The join tracks the latest `t` of every row B has stored (in
 * memory or in keyed state, expired ones included: the latest only grows), so a row of A whose
 * `x + a - b` is later than that, or NULL, matches none of them, and its key's rows of B are
 * not read at all. In Nexmark q7, `B.dateTime <= B1.dateTime` makes every bid newer than the
 * last closed window skip the lookup of the window maxima that share its price.
 *
 * The latest times are kept across checkpoints as union operator state (each subtask's pair,
 * the greatest of all taken on restore, which bounds the rows of any key groups a subtask gets).
 * A restore without them (a checkpoint of an earlier version) takes every time as unbounded, so
 * no probe is skipped.
 */
import { isTimestamp } from '../../catalog/types.js';
import type { Rex } from '../../expressions/rex.js';
import type { Row } from '../../expressions/compiler.js';
import type { PlanColumn } from '../logical.js';
import { ErrorCodes, userError } from '../../../types/errors.js';
import { conjunctsOf, orderedOperands } from './join-conditions.js';
import { NO_RENAMES, rightColumnReader } from './right-row-names.js';

/** The name of the union operator state holding each subtask's latest stored times. */
export const STORED_TIMES_STATE = 'join-stored-times';

/**
 * A row of the probing side matches a stored row of the other side only if the stored row's
 * `storedColumn` is at least the probing row's `column` plus `offsetMs`.
 */
export interface ProbeBound {
  readonly column: string;
  readonly offsetMs: number;
  readonly storedColumn: string;
}

/** The probe bound of each side's rows (a left row probing the right side, and the reverse). */
export interface ProbeBounds {
  readonly left?: ProbeBound;
  readonly right?: ProbeBound;
}

/** A TIMESTAMP column shifted by a constant number of milliseconds. */
interface Shifted {
  readonly column: string;
  readonly offsetMs: number;
}

function intervalMs(rex: Rex): number | undefined {
  if (rex.kind !== 'literal' || rex.type.root !== 'INTERVAL_DAY_TIME') return undefined;
  return typeof rex.value === 'number' && Number.isFinite(rex.value) ? rex.value : undefined;
}

/** `col`, `col + INTERVAL …`, `INTERVAL … + col` or `col - INTERVAL …`; casts are left out. */
function shifted(rex: Rex): Shifted | undefined {
  if (rex.kind === 'field') return isTimestamp(rex.type) ? { column: rex.name, offsetMs: 0 } : undefined;
  if (rex.kind !== 'call' || rex.args.length !== 2 || (rex.op !== '+' && rex.op !== '-')) return undefined;
  const [a, b] = rex.args as [Rex, Rex];
  const bMs = intervalMs(b);
  if (bMs !== undefined) {
    const inner = shifted(a);
    return inner && { column: inner.column, offsetMs: inner.offsetMs + (rex.op === '+' ? bMs : -bMs) };
  }
  const aMs = intervalMs(a);
  if (aMs !== undefined && rex.op === '+') {
    const inner = shifted(b);
    return inner && { column: inner.column, offsetMs: inner.offsetMs + aMs };
  }
  return undefined;
}

/** The probe bounds the condition gives each side (see the module comment); often none. */
export function probeBounds(
  condition: Rex,
  leftColumns: readonly PlanColumn[],
  rightColumns: readonly PlanColumn[],
): ProbeBounds {
  const left = new Set(leftColumns.map((c) => c.name));
  const right = new Set(rightColumns.map((c) => c.name));
  // A name on both sides could be read from the wrong row.
  const sideOf = (name: string) =>
    left.has(name) === right.has(name) ? undefined : left.has(name) ? 'left' : 'right';
  let leftBound: ProbeBound | undefined;
  let rightBound: ProbeBound | undefined;
  for (const c of conjunctsOf(condition)) {
    const ordered = orderedOperands(c);
    if (ordered === undefined) continue;
    const x = shifted(ordered[0]);
    const t = shifted(ordered[1]);
    if (x === undefined || t === undefined) continue;
    const xSide = sideOf(x.column);
    const tSide = sideOf(t.column);
    if (xSide === undefined || tSide === undefined || xSide === tSide) continue;
    // x + a <= t + b: a row with x matches stored rows with t >= x + a - b only.
    const bound = { column: x.column, offsetMs: x.offsetMs - t.offsetMs, storedColumn: t.column };
    if (xSide === 'left') leftBound ??= bound;
    else rightBound ??= bound;
  }
  return {
    ...(leftBound === undefined ? {} : { left: leftBound }),
    ...(rightBound === undefined ? {} : { right: rightBound }),
  };
}

/** A time read from a row: a number, null for NULL, or undefined for a value that is no number. */
type TimeReader = (row: Row) => number | null | undefined;

function timeReader(read: (row: Row) => unknown, offsetMs: number): TimeReader {
  return (row) => {
    const v = read(row);
    if (v == null) return null;
    return typeof v === 'number' ? v + offsetMs : undefined;
  };
}

/** One subtask's latest stored times as checkpointed: null for a side that stored none. */
interface StoredTimesEntry {
  readonly left: number | null;
  readonly right: number | null;
}

/**
 * The latest time each side has stored, and the test of a probe against it (see the module
 * comment). Right rows are read through the join's row names.
 */
export class StoredTimes {
  private leftLatest = Number.NEGATIVE_INFINITY;
  private rightLatest = Number.NEGATIVE_INFINITY;
  /** A left row's least stored right time it can match, and the reverse. */
  private readonly leftProbe: TimeReader | undefined;
  private readonly rightProbe: TimeReader | undefined;
  /** The time a stored row of each side is tracked by. */
  private readonly leftTime: TimeReader | undefined;
  private readonly rightTime: TimeReader | undefined;

  constructor(bounds: ProbeBounds, rowNames: ReadonlyMap<string, string> = NO_RENAMES) {
    const leftRead = (name: string) => rightColumnReader(name, NO_RENAMES);
    const rightRead = (name: string) => rightColumnReader(name, rowNames);
    if (bounds.left !== undefined) {
      this.leftProbe = timeReader(leftRead(bounds.left.column), bounds.left.offsetMs);
      this.rightTime = timeReader(rightRead(bounds.left.storedColumn), 0);
    }
    if (bounds.right !== undefined) {
      this.rightProbe = timeReader(rightRead(bounds.right.column), bounds.right.offsetMs);
      this.leftTime = timeReader(leftRead(bounds.right.storedColumn), 0);
    }
  }

  /** Whether a row of a side may match some row the other side has stored. */
  mayMatch(row: Row, isLeft: boolean): boolean {
    const probe = isLeft ? this.leftProbe : this.rightProbe;
    if (probe === undefined) return true;
    const least = probe(row);
    // A NULL time makes the conjunct NULL for every pair.
    if (least === null) return false;
    return least === undefined || least <= (isLeft ? this.rightLatest : this.leftLatest);
  }

  /** Notes a row a side stores (or may store). */
  note(row: Row, isLeft: boolean): void {
    const read = isLeft ? this.leftTime : this.rightTime;
    if (read === undefined) return;
    let t = read(row);
    if (t === null) return;
    // A time that is no number bounds nothing.
    if (t === undefined) t = Number.POSITIVE_INFINITY;
    if (isLeft) {
      if (t > this.leftLatest) this.leftLatest = t;
    } else if (t > this.rightLatest) this.rightLatest = t;
  }

  /** The checkpoint's entry of this subtask. */
  entry(): StoredTimesEntry {
    const at = (t: number) => (t === Number.NEGATIVE_INFINITY ? null : t);
    return { left: at(this.leftLatest), right: at(this.rightLatest) };
  }

  /**
   * Takes the latest times of every subtask's restored entries; without any (a checkpoint of an
   * earlier version), every stored time is unbounded. Throws a one-line error for data that is
   * not such entries.
   */
  restore(entries: readonly unknown[] | undefined): void {
    if (entries === undefined || entries.length === 0) {
      this.leftLatest = Number.POSITIVE_INFINITY;
      this.rightLatest = Number.POSITIVE_INFINITY;
      return;
    }
    for (const entry of entries) {
      const { left, right } = readEntry(entry);
      if (left !== null && left > this.leftLatest) this.leftLatest = left;
      if (right !== null && right > this.rightLatest) this.rightLatest = right;
    }
  }
}

function readEntry(entry: unknown): StoredTimesEntry {
  const e = entry as Partial<StoredTimesEntry> | null;
  const time = (t: unknown) => t === null || typeof t === 'number';
  if (typeof e !== 'object' || e === null || !time(e.left) || !time(e.right))
    throw userError(
      ErrorCodes.CHECKPOINT_UNUSABLE,
      `the checkpoint's ${STORED_TIMES_STATE} state of a regular join is not a pair of times; restore a checkpoint this job wrote`,
    );
  return e as StoredTimesEntry;
}
