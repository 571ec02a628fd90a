/**
 * Top-N per partition key (Flink's AppendOnlyTopNFunction and RetractableTopNFunction in one):
 * the partition's rows sorted in keyed state, and after each input change the difference
 * between the ranked range before and after it, emitted as a retract changelog.
 *
 * With insert-only input a row ranked beyond the range can never come back (ranks only grow as
 * rows arrive), so only the rows up to the range's end are kept. With retract input every row
 * is kept, because a row leaving the range lets the next one in.
 *
 * The common case, ROW_NUMBER over insert-only input (Flink's AppendOnlyTopNFunction), has its
 * own path: a row ranked beyond the range is dropped before any work; otherwise it goes into the
 * kept array (at most rankEnd rows), the array is written back once, and only the ranks from the
 * new row's down change. With the rank column, the kept rows at ranks in the range are the very
 * rows last emitted for those ranks, so an update retracts the stored row without building it
 * again. Rows with a rank are built by a generated function, the comparator is generated too
 * (see sort-order.ts).
 *
 * With `ttlMs`, a partition's rows expire that long after their last write (Flink's
 * `table.exec.state.ttl`): a partition idle for longer starts again empty.
 *
 * Output: with the rank column, ROW_NUMBER updates by position (`-U[old row, 2]`, `+U[new row,
 * 2]`, as Flink, so the rank is a key of the result); RANK and DENSE_RANK update each row whose
 * rank changed. Without the rank column (Flink's "no ranking number"), only rows entering
 * (`+I`) and leaving (`-D`) the range are emitted, so a new first row costs two changes, not N;
 * on upsert output a Top-1 emits a new first row as one +U, its partition key being the result's
 * key. A rank whose row is replaced by an equal row emits nothing.
 *
 * This is the AppendFast and Retract strategies; UpdateFast is update-fast-rank.ts. The state's
 * name carries its layout version (see ../state-layout.ts): a checkpoint of an older layout fails
 * the job on open instead of being read as this one.
 */
import type { Row } from '../../expressions/compiler.js';
import type { ChangelogRow } from '../../planner/changelog.js';
import {
  type Collector,
  type KeyedProcessContext,
  KeyedProcessFunction,
  type RuntimeContext,
} from '../../../types/functions.js';
import { type ValueState, ValueStateDescriptor } from '../../../types/state.js';
import { forEachRanked, insertionIndex, type RankedRow, type RankKind, rankedRange } from './ranking.js';
import { retainedFor } from '../state-retention.js';
import { StateLayout } from '../state-layout.js';
import { rankedRowBuilder, rowComparator, type SortKeySpec, sameRow } from './sort-order.js';

/** The layout of the Top-N states (the retracting and the update-fast ones), part of their names. */
export const TOP_N_LAYOUT = new StateLayout('Top-N', 2);

/** What a Top-N computes. */
export interface TopNSpec {
  readonly rankType: RankKind;
  readonly rankStart: number;
  readonly rankEnd: number;
  readonly orderBy: readonly SortKeySpec[];
  /** The rank column's name in the output, or undefined to leave it out. */
  readonly rankColumn?: string;
  /** Whether input elements are {@link ChangelogRow}s (retract or upsert input). */
  readonly changelogInput: boolean;
  /** The input's columns, to find a retracted row's stored copy. */
  readonly inputColumns: readonly string[];
  /** Idle state retention in milliseconds (`table.exec.state.ttl`); undefined keeps state forever. */
  readonly ttlMs?: number;
  /**
   * Emit an upsert changelog keyed by partition and rank: a rank's new row as +U alone, without
   * the -U of the row it held. Absent: retract.
   */
  readonly upsertOutput?: boolean;
}

/** Top-N over one partition key's rows; emits {@link ChangelogRow}s. */
export class TopNFunction extends KeyedProcessFunction<unknown, Row, ChangelogRow> {
  protected rows!: ValueState<Row[]>;
  protected readonly compare: (a: Row, b: Row) => number;
  private readonly withRank: ((row: Row, rank: number) => Row) | undefined;
  private readonly appendRowNumber: boolean;
  /** Whether a rank's new row follows a -U of the row it held; not on upsert output. */
  private readonly updateBefore: boolean;
  /**
   * Top-1 by ROW_NUMBER without the rank column on upsert output: the partition key is the
   * result's key, so a new first row is one +U, not a -D of the old row and a +I of the new
   * (RANK and DENSE_RANK may rank several tied rows first).
   */
  private readonly top1Upsert: boolean;
  /** ROW_NUMBER Top-1 over insert-only input without the rank column: {@link insertTop1}. */
  private readonly top1: boolean;

  constructor(protected readonly spec: TopNSpec) {
    super();
    this.compare = rowComparator(spec.orderBy);
    this.withRank =
      spec.rankColumn === undefined ? undefined : rankedRowBuilder(spec.inputColumns, spec.rankColumn);
    this.appendRowNumber = !spec.changelogInput && spec.rankType === 'ROW_NUMBER';
    this.updateBefore = spec.upsertOutput !== true;
    this.top1Upsert =
      spec.upsertOutput === true &&
      spec.rankType === 'ROW_NUMBER' &&
      spec.rankColumn === undefined &&
      spec.rankStart === 1 &&
      spec.rankEnd === 1;
    this.top1 =
      this.appendRowNumber && this.withRank === undefined && spec.rankStart === 1 && spec.rankEnd === 1;
  }

  override open(ctx: RuntimeContext): void {
    TOP_N_LAYOUT.refuseOthers(ctx, ['top-n-rows']);
    this.rows = ctx.getState(
      retainedFor(new ValueStateDescriptor<Row[]>(TOP_N_LAYOUT.stateName('top-n-rows')), this.spec.ttlMs),
    );
  }

  processElement(
    element: Row,
    _ctx: KeyedProcessContext<unknown, ChangelogRow>,
    out: Collector<ChangelogRow>,
  ): void {
    if (this.appendRowNumber) this.insertNumbered(element, out);
    else this.change(element, out);
  }

  /**
   * Whether a row of ROW_NUMBER over insert-only input could change the Top-N of the current
   * key: false when it would rank beyond the range (the kept array is full and its last row
   * sorts before the row or ties with it), which {@link processElement} drops unseen. Reads only
   * the order-by columns of `row`, so a caller may ask before building the row (a join in the
   * same operator, see `rank-over-join.ts`). True for any other Top-N. `compare` orders a kept
   * row against `row`, when `row` carries the order-by columns under other names; by default
   * the Top-N's own comparator.
   */
  admits(row: Row, compare: (kept: Row, row: Row) => number = this.compare): boolean {
    if (!this.appendRowNumber) return true;
    const rows = this.rows.value();
    const rankEnd = this.spec.rankEnd;
    return rows === undefined || rows.length < rankEnd || compare(rows[rankEnd - 1]!, row) > 0;
  }

  /**
   * Whether a row {@link admits} refuses is refused for good under the same key: ROW_NUMBER over
   * insert-only input whose kept rows never expire, where a row enters only by pushing the last
   * kept one out, so the row a newcomer must beat only gets better.
   */
  refusesForGood(): boolean {
    return this.appendRowNumber && this.spec.ttlMs === undefined;
  }

  /**
   * ROW_NUMBER over insert-only input. The kept array holds the first rankEnd rows; at positions
   * inside the range it holds each row as last emitted, with its rank.
   */
  private insertNumbered(row: Row, out: Collector<ChangelogRow>): void {
    const { rankStart, rankEnd } = this.spec;
    if (this.top1) {
      this.insertTop1(row, out);
      return;
    }
    const rows = this.rows.value() ?? [];
    const n = rows.length;
    const index = insertionIndex(rows, row, this.compare);
    if (index >= rankEnd) return; // below the N-th: the Top-N is unchanged
    const first = rankStart - 1;
    const withRank = this.withRank;
    if (withRank === undefined) {
      // Only the row entering the range and the one pushed out of it change.
      rows.splice(index, 0, row);
      const left = rows.length > rankEnd ? rows.pop() : undefined;
      this.rows.update(rows);
      const entered = index >= first ? row : rows[first];
      if (left !== undefined && this.top1Upsert) {
        // The partition key is the result's key: the new first row replaces the old one.
        out.collect({ kind: '+U', row });
        return;
      }
      if (left !== undefined) out.collect({ kind: '-D', row: left });
      if (entered !== undefined) out.collect({ kind: '+I', row: entered });
      return;
    }
    // Each position from the new row's down takes the row above it; the last one falls out.
    const end = Math.min(n, rankEnd - 1);
    let carry = row;
    for (let p = index; p <= end; p++) {
      const old = p < n ? rows[p] : undefined;
      if (p >= first) {
        if (
          old !== undefined &&
          this.compare(carry, old) === 0 &&
          sameRow(carry, old, this.spec.inputColumns)
        ) {
          // An equal row took the place of its twin: the rank's row is unchanged, say nothing.
          carry = old;
          continue;
        }
        const now = withRank(carry, p + 1);
        if (old === undefined) out.collect({ kind: '+I', row: now });
        else {
          if (this.updateBefore) out.collect({ kind: '-U', row: old });
          out.collect({ kind: '+U', row: now });
        }
        rows[p] = now;
      } else rows[p] = carry;
      if (old === undefined) break;
      carry = old;
    }
    this.rows.update(rows);
  }

  /**
   * {@link insertNumbered} for Top-1 without the rank column (`WHERE rownum = 1`, Nexmark q9's
   * winning bid): one comparison with the kept row, which a row tying with it does not displace
   * (ROW_NUMBER numbers ties in arrival order), and the kept array of one row updated in place.
   * The changes are the general path's: the new first row as +U on upsert output, else -D of
   * the old one and +I of the new.
   */
  private insertTop1(row: Row, out: Collector<ChangelogRow>): void {
    const rows = this.rows.value();
    const old = rows === undefined ? undefined : rows[0];
    if (old === undefined) {
      this.rows.update([row]);
      out.collect({ kind: '+I', row });
      return;
    }
    if (this.compare(old, row) <= 0) return;
    (rows as Row[])[0] = row;
    this.rows.update(rows as Row[]);
    if (this.top1Upsert) out.collect({ kind: '+U', row });
    else {
      out.collect({ kind: '-D', row: old });
      out.collect({ kind: '+I', row });
    }
  }

  /** Any other Top-N: the ranked range before and after the change, and their difference. */
  private change(element: Row, out: Collector<ChangelogRow>): void {
    const { rankType, rankStart, rankEnd, changelogInput } = this.spec;
    const change = changelogInput ? (element as unknown as ChangelogRow) : undefined;
    const row = change === undefined ? element : change.row;
    const adds = change === undefined || change.kind === '+I' || change.kind === '+U';
    const rows = this.rows.value() ?? [];
    const compare = this.compare;
    let index: number;
    if (adds) {
      index = insertionIndex(rows, row, compare);
      // A full ROW_NUMBER range that the row would join at its end changes nothing.
      if (!changelogInput && rankType === 'ROW_NUMBER' && index >= rankEnd) return;
    } else {
      index = findRow(rows, row, compare, this.spec.inputColumns);
      if (index < 0) return; // never seen (or already pruned): nothing to retract
    }
    const before = rankedRange(rows, rankType, rankStart, rankEnd, compare);
    if (adds) rows.splice(index, 0, row);
    else rows.splice(index, 1);
    if (!changelogInput) {
      // Rows ranked beyond the range's end never re-enter it: drop them.
      const beyond = forEachRanked(rows, rankType, rankEnd, compare, () => {});
      rows.length = beyond;
    }
    const after = rankedRange(rows, rankType, rankStart, rankEnd, compare);
    if (rows.length === 0) this.rows.clear();
    else this.rows.update(rows);
    this.emitDifference(before, after, out);
  }

  /**
   * Emits the change from ranked range `before` to `after`: by position with the ROW_NUMBER
   * column, else per row entering, leaving or changing rank.
   */
  protected emitDifference(before: RankedRow[], after: RankedRow[], out: Collector<ChangelogRow>): void {
    const column = this.spec.rankColumn;
    const build = this.withRank;
    if (build !== undefined && this.spec.rankType === 'ROW_NUMBER') {
      // By position: ranks are consecutive from rankStart in both lists.
      const n = Math.max(before.length, after.length);
      for (let i = 0; i < n; i++) {
        const old = before[i];
        const now = after[i];
        if (old !== undefined && now !== undefined) {
          if (old.row === now.row) continue;
          if (this.updateBefore) out.collect({ kind: '-U', row: build(old.row, old.rank) });
          out.collect({ kind: '+U', row: build(now.row, now.rank) });
        } else if (now !== undefined) out.collect({ kind: '+I', row: build(now.row, now.rank) });
        else if (old !== undefined) out.collect({ kind: '-D', row: build(old.row, old.rank) });
      }
      return;
    }
    if (this.top1Upsert && before.length === 1 && after.length === 1) {
      if (before[0]!.row !== after[0]!.row) out.collect({ kind: '+U', row: after[0]!.row });
      return;
    }
    const afterRank = new Map<Row, number>(after.map((r) => [r.row, r.rank]));
    const beforeRank = new Map<Row, number>(before.map((r) => [r.row, r.rank]));
    const withRank = (row: Row, rank: number): Row => (build === undefined ? row : build(row, rank));
    for (const { row, rank } of before) {
      const now = afterRank.get(row);
      if (now === undefined) out.collect({ kind: '-D', row: withRank(row, rank) });
      else if (column !== undefined && now !== rank) {
        if (this.updateBefore) out.collect({ kind: '-U', row: withRank(row, rank) });
        out.collect({ kind: '+U', row: withRank(row, now) });
      }
    }
    for (const { row, rank } of after)
      if (!beforeRank.has(row)) out.collect({ kind: '+I', row: withRank(row, rank) });
  }
}

/** The index of a stored row equal to `row`, searched among the rows it ties with; -1 if none. */
function findRow(
  rows: readonly Row[],
  row: Row,
  compare: (a: Row, b: Row) => number,
  columns: readonly string[],
): number {
  for (let i = insertionIndex(rows, row, compare, true); i < rows.length; i++) {
    if (compare(rows[i]!, row) !== 0) return -1;
    if (sameRow(rows[i]!, row, columns)) return i;
  }
  return -1;
}
