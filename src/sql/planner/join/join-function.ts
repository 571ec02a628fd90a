/**
 * The regular streaming join, as a keyed co-process function over both inputs keyed by the
 * equi-join keys. Each side keeps its rows in a {@link JoinSideView} (one row per join key, one
 * per unique key, a multiset with counts, or for an append-only side its plain rows in one value
 * per key, a list with TTL; see `join-state-views.ts`). A stored record's `count` makes duplicate rows and retractions exact,
 * its `matches` is how many rows of the other side it joins with (counted with multiplicity),
 * which tells an outer join when a row's null-padded result must be retracted (first match
 * arrives) or emitted again (last match leaves). Semi and anti joins use the same counts to
 * emit or retract the left row alone.
 *
 * Accumulating input (+I, +U) produces +I, retracting input (-U, -D) produces -D, as Flink's
 * streaming join does; an insert-only result (an inner join of append-only inputs) is emitted
 * as plain rows. Rows with a NULL key never match anything: they are not stored and only an
 * outer side's padded row is emitted (and retracted) for them.
 *
 * With `stateTtlMs` (`table.exec.state.ttl`) both sides' rows expire that long after they were
 * stored, in processing time, as Flink's idle state retention does: a row that expired no longer
 * joins, and its retraction, if one comes, finds nothing to retract.
 *
 * With a side's `cleanup` (an inner join of insert-only inputs whose other side is
 * watermark-complete, see `watermark-complete.ts`) that side's rows leave state once the
 * watermark reaches their bound, which no later row of the other side can be within; a row
 * already past it when it arrives still joins what is stored but is not stored itself. One
 * event-time timer per join key and side at a time does the cleanup: it is set when the key
 * stores a row while it has none, and when it fires it removes what expired and is set again for
 * the earliest bound left (a second later at least), so a key costs one timer, not one per row,
 * and its rows are filtered at most once a second of event time. When both sides are cleaned the
 * key still has one timer, set when either side stores the key's first row, and a firing filters
 * both sides. The bound on state this gives:
 * a row leaves by the time the watermark passes its own bound, the bound of the row that set the
 * key's pending timer, and one second, whichever is latest. Cleanup timing changes only how long
 * rows stay, never the output: a row leaves only once no later row can match it. Such a side
 * keeps its rows in one value per key (`ExpiringView`) and the pending timer's time nowhere (a key
 * has a pending timer exactly while its cleaned sides hold rows); with `stateTtlMs` too, it is a
 * list (TTL per row) and the pending timer a value state of its own.
 *
 * Run by its own operator (`expiring-join-operator.ts`), an expiring side first holds its rows
 * in memory (see `expiring-buffer.ts`): a row that arrives costs no state write and no timer
 * (and, while the other side rarely probes them, no map entry either), rows the watermark
 * expires there leave in bulk, and only a row limit moves them into the state above with their
 * keys' timers; a checkpoint takes them where they are (see `expiring-buffer-state.ts`). A probe
 * reads the key's rows in state, then those in memory, which arrived later.
 */
import {
  type Collector,
  KeyedCoProcessFunction,
  type KeyedProcessContext,
  type OnTimerContext,
  type RuntimeContext,
  type TimerService,
} from '../../../types/functions.js';
import type { KeyedTimerService } from '../../../runtime/operators/process-context.js';
import { MAX_WATERMARK } from '../../../types/elements.js';
import { ErrorCodes, userError, WeirError } from '../../../types/errors.js';
import { type ValueState, ValueStateDescriptor } from '../../../types/state.js';
import { idleStateTtl } from '../../runtime/state-retention.js';
import type { Row, RowFunction } from '../../expressions/compiler.js';
import type { ChangelogRow, RowKind } from '../changelog.js';
import type { JoinType } from './join-nodes.js';
import {
  type JoinOutputColumn,
  type PairCondition,
  projectedMerger,
  type RowMerger,
  rowMerger,
} from './join-rows.js';
import {
  createJoinSideView,
  type Expiry,
  ExpiringView,
  JOIN_LAYOUT,
  type JoinSideView,
  type JoinViewLayout,
  REPLACED_JOIN_STATES,
  RowsView,
} from './join-state-views.js';
import type { StateCleanup } from './watermark-complete.js';
import { zonedExpiry } from './zoned-cleanup.js';
import { ExpiringBuffer, type ExpiringBufferOptions } from './expiring-buffer.js';
import { type BufferedRowsEntry, bufferedEntries, readBufferedEntry } from './expiring-buffer-state.js';
import {
  type CanonicalKey,
  canonicalKey,
  type KeyGroupRange,
  keyGroupOfCanonical,
} from '../../../state/key-groups.js';
import { NO_RENAMES, rightColumnReader } from './right-row-names.js';
import { type ProbeBounds, StoredTimes } from './expiring-probe-bound.js';

/** What the join function needs, compiled once when the job is built. */
export interface JoinSpec {
  readonly joinType: JoinType;
  readonly leftColumns: readonly string[];
  readonly rightColumns: readonly string[];
  /**
   * The name a right row carries each right column under, where it is not the join's name (see
   * `right-row-names.ts`); stored rows may carry either.
   */
  readonly rightRowNames?: ReadonlyMap<string, string>;
  /** Null when a key value is NULL (the row matches nothing); compiled from the key expressions. */
  readonly leftHasNullKey: (row: Row) => boolean;
  readonly rightHasNullKey: (row: Row) => boolean;
  /** The non-equi part of the condition on the merged row; undefined when there is none. */
  readonly remaining?: RowFunction;
  /**
   * The same condition read from the left and the right row unmerged (see `pairCondition`), so
   * a pair is tested without building its merged row; `remaining` is then not called.
   */
  readonly remainingPair?: PairCondition;
  /**
   * The columns of the emitted rows, when a Calc above the join only picks and renames columns
   * (the join builds its rows, padded ones too, with these alone); by default all of both sides'.
   */
  readonly output?: readonly JoinOutputColumn[];
  /** Whether each input carries {@link ChangelogRow} envelopes. */
  readonly leftChangelog: boolean;
  readonly rightChangelog: boolean;
  /** Whether to emit plain rows (insert-only output) instead of envelopes. */
  readonly insertOnlyOutput: boolean;
  /**
   * How each side stores its rows; by default a list for a side that may use one (see
   * {@link defaultLayout}), else a multiset of all its columns.
   */
  readonly leftLayout?: JoinViewLayout;
  readonly rightLayout?: JoinViewLayout;
  /** Idle state retention in milliseconds; undefined keeps rows forever. */
  readonly stateTtlMs?: number;
  /** A side's own retention (a STATE_TTL hint), over `stateTtlMs`; 0 keeps its rows forever. */
  readonly leftStateTtlMs?: number;
  readonly rightStateTtlMs?: number;
  /**
   * When each side's rows may leave state by the watermark (its layout must then be
   * `appendOnly`); undefined keeps them.
   */
  readonly leftCleanup?: StateCleanup;
  readonly rightCleanup?: StateCleanup;
  /**
   * Conjuncts that bound which stored rows a row can match by time, which a join whose expiring
   * sides are buffered uses to skip probes (see `expiring-probe-bound.ts`).
   */
  readonly probeBounds?: ProbeBounds;
}

/** The least time between two cleanups of one key (see `onTimer`). */
const CLEANUP_STEP_MS = 1000;

function expiryOf(
  cleanup: StateCleanup | undefined,
  rowNames?: ReadonlyMap<string, string>,
): Expiry | undefined {
  if (cleanup === undefined) return undefined;
  const read = rightColumnReader(cleanup.column, rowNames ?? NO_RENAMES);
  if ('zoned' in cleanup) {
    const expiry = zonedExpiry(cleanup.zoned);
    return (row) => {
      const time = read(row);
      return time == null ? null : expiry(time as number);
    };
  }
  const { offsetMs } = cleanup;
  return (row) => {
    const time = read(row);
    return time == null ? null : (time as number) + offsetMs;
  };
}

/**
 * The keyed timer service of the join's operator, which registers a timer known to be new
 * without the lookup that deduplicates: the key of an expiring side has one pending cleanup
 * timer exactly while its cleaned sides hold rows, so a key that stores its first row, or whose
 * timer just fired, has none.
 */
const keyedTimers = (timers: TimerService) => timers as KeyedTimerService;

const isAccumulate = (kind: RowKind) => kind === '+I' || kind === '+U';

/**
 * Whether a side may keep its rows as a plain list: append-only, and nobody needs its match
 * counts (it is not outer and not a semi or anti join's left side).
 */
export function mayAppendOnly(joinType: JoinType, left: boolean, changelog: boolean): boolean {
  if (changelog) return false;
  if (left) return joinType === 'inner' || joinType === 'right';
  return joinType === 'inner' || joinType === 'left' || joinType === 'semi' || joinType === 'anti';
}

/** The layout of a side when the planner knows no unique key. */
export function defaultLayout(
  joinType: JoinType,
  left: boolean,
  changelog: boolean,
  columns: readonly string[],
): JoinViewLayout {
  return mayAppendOnly(joinType, left, changelog) ? { kind: 'appendOnly' } : { kind: 'multiset', columns };
}

/** What the join's operator lends it to move rows in memory into keyed state. */
export interface JoinBufferHost {
  /** The operator's keyed timers (those `processElement` gets). */
  readonly timers: TimerService;
  currentKey(): unknown;
  /**
   * The current key's canonical form, as the backend computed it when the key was made current
   * (a composite key's is a string, which costs a stringify to compute again per row).
   */
  currentCanonicalKey(): CanonicalKey;
  setCurrentKey(key: unknown): void;
}

/** The regular join of two keyed inputs. */
export class RegularJoinFunction extends KeyedCoProcessFunction<unknown, Row, Row, Row> {
  private left!: JoinSideView;
  private right!: JoinSideView;
  private readonly leftOuter: boolean;
  private readonly rightOuter: boolean;
  private readonly semiOrAnti: boolean;
  private readonly anti: boolean;
  private readonly leftNulls: Row;
  private readonly rightNulls: Row;
  /** Builds an emitted row (all columns, or the fused Calc's). */
  private readonly merge: RowMerger;
  /** Whether a left and a right row meet the non-equi condition; undefined when there is none. */
  private readonly test: PairCondition | undefined;
  private readonly insertOnlyOutput: boolean;
  private readonly leftExpiry: Expiry | undefined;
  private readonly rightExpiry: Expiry | undefined;
  /** The pending cleanup timer of the current key, for a cleaned side kept as a list (with TTL). */
  private cleanupTimer: ValueState<number> | undefined;
  /** Each side's view when it is cleaned and keeps its timer itself (no TTL). */
  private leftExpiring: ExpiringView | undefined;
  private rightExpiring: ExpiringView | undefined;
  /** Pairs whose row the consumer would drop unseen (see {@link skipRefused}); undefined: none. */
  private skip: PairCondition | undefined;
  /** Rows of a side the consumer refuses for good, which are not stored (see {@link skipRefused}). */
  private dropLeft: ((row: Row) => boolean) | undefined;
  private dropRight: ((row: Row) => boolean) | undefined;
  /** Each expiring side's rows in memory, once its operator lends the join its keys. */
  private leftBuffer: ExpiringBuffer | undefined;
  private rightBuffer: ExpiringBuffer | undefined;
  private host: JoinBufferHost | undefined;
  /** Each side's latest stored time, once buffered and when the condition bounds a probe. */
  private storedTimesOf: StoredTimes | undefined;

  constructor(private readonly spec: JoinSpec) {
    super();
    const t = spec.joinType;
    this.leftOuter = t === 'left' || t === 'full';
    this.rightOuter = t === 'right' || t === 'full';
    this.semiOrAnti = t === 'semi' || t === 'anti';
    this.anti = t === 'anti';
    this.leftNulls = Object.fromEntries(spec.leftColumns.map((c) => [c, null]));
    this.rightNulls = Object.fromEntries(spec.rightColumns.map((c) => [c, null]));
    const rowNames = spec.rightRowNames ?? NO_RENAMES;
    this.merge =
      spec.output === undefined
        ? rowMerger(spec.leftColumns, spec.rightColumns, rowNames)
        : projectedMerger(spec.output, rowNames);
    const remaining = spec.remaining;
    if (spec.remainingPair !== undefined) this.test = spec.remainingPair;
    else if (remaining !== undefined) {
      const full = rowMerger(spec.leftColumns, spec.rightColumns, rowNames);
      this.test = (left, right) => remaining(full(left, right)) === true;
    }
    this.insertOnlyOutput = spec.insertOnlyOutput;
    this.leftExpiry = expiryOf(spec.leftCleanup);
    this.rightExpiry = expiryOf(spec.rightCleanup, rowNames);
  }

  /**
   * Has pairs whose `side` row `refuses` (asked after the join condition, with the current key
   * of the consumer) counted as matches but not built or emitted, for a consumer in this
   * operator that would drop their rows unseen, judging them by that side's columns alone (a
   * Top-N ordered by them, see `rank-over-join.ts`). Only on insert-only output, where a pair's
   * row is emitted once and nothing else depends on it.
   *
   * With `forGood` (the consumer's bar only rises under a key: a row it refuses now it refuses
   * for ever), a row of `side` that it still refuses once its own pairs are done is not stored
   * either: every pair it could make with a later row of the other side would be skipped, so
   * keeping it changes no output. Nexmark q9 then keeps an auction's bids only while they could
   * still win, instead of every bid.
   */
  skipRefused(side: 'left' | 'right', refuses: (row: Row) => boolean, forGood: boolean): void {
    if (!this.insertOnlyOutput)
      throw new WeirError(ErrorCodes.INTERNAL, 'a join skips pairs only on insert-only output', {
        domain: 'internal',
      });
    this.skip = side === 'left' ? (left) => refuses(left) : (_left, right) => refuses(right);
    if (!forGood) return;
    if (side === 'left') this.dropLeft = refuses;
    else this.dropRight = refuses;
  }

  /**
   * Holds each expiring side's rows in memory until the buffer's limit of rows moves them into
   * state (see `expiring-buffer.ts`); called by the join's operator after {@link open}, which
   * then calls {@link sweepBuffered} as the watermark advances, {@link bufferedEntries} at each
   * checkpoint and {@link restoreBuffered} after a restore. Only an insert-only side is buffered.
   */
  bufferExpiring(host: JoinBufferHost, options?: ExpiringBufferOptions): void {
    // A buffered row is never looked up by itself again: a retraction could not find it.
    if (
      (this.leftExpiring !== undefined && this.spec.leftChangelog) ||
      (this.rightExpiring !== undefined && this.spec.rightChangelog)
    )
      throw new WeirError(ErrorCodes.INTERNAL, 'a join buffers only the rows of insert-only inputs', {
        domain: 'internal',
      });
    this.host = host;
    const bounds = this.spec.probeBounds;
    if (bounds !== undefined && (bounds.left !== undefined || bounds.right !== undefined))
      this.storedTimesOf = new StoredTimes(bounds, this.spec.rightRowNames);
    if (this.leftExpiring !== undefined) this.leftBuffer = new ExpiringBuffer(options);
    if (this.rightExpiring !== undefined) this.rightBuffer = new ExpiringBuffer(options);
  }

  /**
   * Each side's latest stored time, checkpointed by the join's operator; undefined when no
   * probe is bounded or the sides are not buffered (see {@link bufferExpiring}).
   */
  get storedTimes(): StoredTimes | undefined {
    return this.storedTimesOf;
  }

  /** Drops the rows in memory that the watermark has expired. */
  sweepBuffered(watermark: number): void {
    this.leftBuffer?.sweep(watermark);
    this.rightBuffer?.sweep(watermark);
  }

  /**
   * The rows in memory that `watermark` has not expired, as a checkpoint's entries by key group
   * of `maxParallelism` (see `expiring-buffer-state.ts`); they stay in memory.
   */
  bufferedEntries(watermark: number, maxParallelism: number): BufferedRowsEntry[] {
    const out: BufferedRowsEntry[] = [];
    if (this.leftBuffer !== undefined)
      bufferedEntries(this.leftBuffer, true, this.leftExpiry!, watermark, maxParallelism, out);
    if (this.rightBuffer !== undefined)
      bufferedEntries(this.rightBuffer, false, this.rightExpiry!, watermark, maxParallelism, out);
    return out;
  }

  /**
   * Puts back in memory the rows of restored checkpoint entries in the key groups (of
   * `maxParallelism`) of `owned`, this subtask's, each key's after its rows in state, as when
   * they were taken; parts of entries in other key groups are not decoded. Called once, after
   * {@link bufferExpiring} and before any input.
   */
  restoreBuffered(entries: readonly unknown[], maxParallelism: number, owned: KeyGroupRange): void {
    for (const restored of entries) {
      const { left, keys, rows, mixedKeyGroups } = readBufferedEntry(restored, owned);
      const buffer = left ? this.leftBuffer : this.rightBuffer;
      if (buffer === undefined)
        throw userError(
          ErrorCodes.STATE_MISMATCH,
          `the checkpoint holds rows in memory of the ${left ? 'left' : 'right'} side of a regular join that this job does not clean by the watermark; restore it into the query that wrote it`,
        );
      const expiry = left ? this.leftExpiry! : this.rightExpiry!;
      for (let i = 0; i < rows.length; i++) {
        const key = keys[i];
        const canonical = canonicalKey(key);
        if (mixedKeyGroups) {
          const keyGroup = keyGroupOfCanonical(canonical, maxParallelism);
          if (keyGroup < owned.start || keyGroup > owned.end) continue;
        }
        const row = rows[i]!;
        const at = expiry(row);
        if (at !== null && buffer.add(canonical, key, row, at)) this.moveBufferedToState();
      }
    }
  }

  /**
   * Moves every row in memory into its side's state, with its key's cleanup timer as if it had
   * been stored when it arrived (rows the watermark has expired meanwhile are dropped); the
   * current key is kept.
   */
  moveBufferedToState(): void {
    const host = this.host;
    if (host === undefined || (!this.leftBuffer?.size && !this.rightBuffer?.size)) return;
    const current = host.currentKey();
    const timers = host.timers;
    for (const isLeft of [true, false]) {
      const buffer = isLeft ? this.leftBuffer : this.rightBuffer;
      if (buffer === undefined || buffer.size === 0) continue;
      const expiry = isLeft ? this.leftExpiry! : this.rightExpiry!;
      const watermark = timers.currentWatermark();
      // The key is made current only when it changes (an unindexed buffer hands rows over one by one).
      let last: CanonicalKey | undefined;
      buffer.drain((key, canonical, rows) => {
        if (canonical !== last) {
          host.setCurrentKey(key);
          last = canonical;
        }
        if (!Array.isArray(rows)) {
          const at = expiry(rows);
          if (at !== null && at > watermark) this.storeExpiring(rows, at, isLeft, timers);
          return;
        }
        for (const row of rows) {
          const at = expiry(row);
          if (at !== null && at > watermark) this.storeExpiring(row, at, isLeft, timers);
        }
      });
    }
    if (current !== undefined) host.setCurrentKey(current);
  }

  override open(ctx: RuntimeContext): void {
    const s = this.spec;
    // Flink's idle state retention: written rows expire, reads do not extend them.
    const leftTtl = idleStateTtl(s.leftStateTtlMs ?? s.stateTtlMs);
    const rightTtl = idleStateTtl(s.rightStateTtlMs ?? s.stateTtlMs);
    const leftLayout = s.leftLayout ?? defaultLayout(s.joinType, true, s.leftChangelog, s.leftColumns);
    const rightLayout = s.rightLayout ?? defaultLayout(s.joinType, false, s.rightChangelog, s.rightColumns);
    const leftName = `join-left-${leftLayout.kind}`;
    const rightName = `join-right-${rightLayout.kind}`;
    this.left = createJoinSideView(ctx, leftName, leftLayout, leftTtl);
    this.right = createJoinSideView(ctx, rightName, rightLayout, rightTtl);
    if (this.left instanceof ExpiringView && this.leftExpiry !== undefined) this.leftExpiring = this.left;
    if (this.right instanceof ExpiringView && this.rightExpiry !== undefined) this.rightExpiring = this.right;
    const listCleaned =
      (this.leftExpiry !== undefined && this.leftExpiring === undefined) ||
      (this.rightExpiry !== undefined && this.rightExpiring === undefined);
    const expiring = this.leftExpiring !== undefined || this.rightExpiring !== undefined;
    // The pending timer of a key is derived from the rows of its expiring sides only, which a
    // side cleaned as a list (with its own timer state) would break; the planner never mixes them.
    if (listCleaned && expiring)
      throw new WeirError(
        ErrorCodes.INTERNAL,
        'a join cannot clean one side as a list and the other as an expiring value',
        {
          domain: 'internal',
        },
      );
    // A checkpoint of an earlier layout kept a side's rows as a list, or a cleaned side's timer
    // time (apart, or with its rows). The states this join keeps under names without a version
    // (a list, a multiset) are its own, not another layout's.
    const leftValue = this.left instanceof RowsView;
    const rightValue = this.right instanceof RowsView;
    if (leftValue || rightValue) {
      const own = new Set([
        ...(leftValue ? [] : [leftName]),
        ...(rightValue ? [] : [rightName]),
        ...(listCleaned ? ['join-cleanup-timer'] : []),
      ]);
      JOIN_LAYOUT.refuseOthers(
        ctx,
        REPLACED_JOIN_STATES.filter((name) => !own.has(name)),
      );
    }
    if (listCleaned) this.cleanupTimer = ctx.getState(new ValueStateDescriptor<number>('join-cleanup-timer'));
  }

  processElement1(element: Row, ctx: KeyedProcessContext<unknown, Row>, out: Collector<Row>): void {
    let row = element;
    let accumulate = true;
    if (this.spec.leftChangelog) {
      const change = element as unknown as ChangelogRow;
      row = change.row;
      accumulate = isAccumulate(change.kind);
    }
    if (this.semiOrAnti) this.semiLeft(row, accumulate, out);
    else this.process(row, accumulate, true, out, ctx);
  }

  processElement2(element: Row, ctx: KeyedProcessContext<unknown, Row>, out: Collector<Row>): void {
    let row = element;
    let accumulate = true;
    if (this.spec.rightChangelog) {
      const change = element as unknown as ChangelogRow;
      row = change.row;
      accumulate = isAccumulate(change.kind);
    }
    if (this.semiOrAnti) this.semiRight(row, accumulate, out);
    else this.process(row, accumulate, false, out, ctx);
  }

  private emit(out: Collector<Row>, kind: '+I' | '-D', row: Row, times: number): void {
    const element = this.insertOnlyOutput ? row : ({ kind, row } as unknown as Row);
    for (let i = 0; i < times; i++) out.collect(element);
  }

  /** Whether a left and a right row join (the equi keys are equal already). */
  private matches(left: Row, right: Row): boolean {
    return this.test === undefined || this.test(left, right);
  }

  /** The left and right rows joined (either may be the other side's NULL row). */
  private joined(row: Row, other: Row, isLeft: boolean): Row {
    return isLeft ? this.merge(row, other) : this.merge(other, row);
  }

  /** An inner or outer join's input row from one side. */
  private process(
    row: Row,
    accumulate: boolean,
    isLeft: boolean,
    out: Collector<Row>,
    ctx: KeyedProcessContext<unknown, Row>,
  ): void {
    const thisOuter = isLeft ? this.leftOuter : this.rightOuter;
    const change = accumulate ? '+I' : '-D';
    if ((isLeft ? this.spec.leftHasNullKey : this.spec.rightHasNullKey)(row)) {
      if (thisOuter)
        this.emit(out, change, this.joined(row, isLeft ? this.rightNulls : this.leftNulls, isLeft), 1);
      return;
    }
    const own = isLeft ? this.left : this.right;
    const other = isLeft ? this.right : this.left;
    let matched = 0;
    const times = this.storedTimesOf;
    if (times !== undefined && !times.mayMatch(row, isLeft)) {
      // No row the other side stored can meet the time bound: its rows are not read.
      if (thisOuter)
        this.emit(out, change, this.joined(row, isLeft ? this.rightNulls : this.leftNulls, isLeft), 1);
    } else if (other.plain) {
      // Every copy counts once and the other side is not outer: no record per row, no matches.
      // The stored rows are walked as they are: a key of one row is no array, and nothing is copied.
      const stored = other.stored();
      if (stored !== undefined) {
        if (Array.isArray(stored))
          for (let i = 0; i < stored.length; i++)
            matched += this.joinPlain(row, stored[i]!, isLeft, change, out);
        else matched = this.joinPlain(row, stored, isLeft, change, out);
      }
      // Rows in memory arrived after every row of the key in state (a move takes them all).
      // The probe's key is the operator's current key (an unindexed buffer scans for it).
      const buffer = isLeft ? this.rightBuffer : this.leftBuffer;
      const buffered =
        buffer === undefined || buffer.size === 0
          ? undefined
          : buffer.rowsOf(this.host!.currentCanonicalKey());
      if (buffered !== undefined) {
        if (Array.isArray(buffered))
          for (let i = 0; i < buffered.length; i++)
            matched += this.joinPlain(row, buffered[i]!, isLeft, change, out);
        else matched += this.joinPlain(row, buffered, isLeft, change, out);
      }
      if (matched === 0 && thisOuter)
        this.emit(out, change, this.joined(row, isLeft ? this.rightNulls : this.leftNulls, isLeft), 1);
    } else matched = this.processRecords(row, accumulate, isLeft, other, out);
    // Asked after the row's own pairs, which may have raised the bar past the row itself.
    const drop = isLeft ? this.dropLeft : this.dropRight;
    if (drop?.(row)) return;
    times?.note(row, isLeft);
    this.store(row, accumulate, isLeft, own, matched, ctx);
  }

  /**
   * Joins a run of one key's rows of one insert-only side, as a mini-batch join hands them over
   * (see `mini-batch-join-operator.ts`): the other side's rows are read once for the run and the
   * run's rows stored at once (one read and one write for a side kept as a value of rows), which
   * equals joining them one by one, since rows of one side never join each other. Returns false,
   * having done nothing, when the run must go row by row instead: a changelog side, a semi or
   * anti join, a side cleaned by the watermark, or another side that keeps counts or matches.
   * The current key must be the run's; `beforeRow` is told which row's results come next (the
   * operator stamps them with its timestamp). The run is `elements[0, count)`, an array the
   * caller lends for the call: the rows kept are gathered at its front in place, so the run
   * costs no array of its own, and state copies them out (see `RowsView.storeAll`).
   */
  processRun(
    elements: Row[],
    count: number,
    isLeft: boolean,
    ctx: KeyedProcessContext<unknown, Row>,
    out: Collector<Row>,
    beforeRow?: (index: number) => void,
  ): boolean {
    const s = this.spec;
    if (this.semiOrAnti || (isLeft ? s.leftChangelog : s.rightChangelog)) return false;
    if ((isLeft ? this.leftExpiry : this.rightExpiry) !== undefined || this.host !== undefined) return false;
    const other = isLeft ? this.right : this.left;
    if (!other.plain) return false;
    const own = isLeft ? this.left : this.right;
    const thisOuter = isLeft ? this.leftOuter : this.rightOuter;
    const hasNullKey = isLeft ? s.leftHasNullKey : s.rightHasNullKey;
    const otherNulls = isLeft ? this.rightNulls : this.leftNulls;
    const drop = isLeft ? this.dropLeft : this.dropRight;
    const stored = other.stored();
    let kept = 0;
    // Only a side that keeps match counts needs each row's (an outer side's records).
    const storeAll = own instanceof RowsView && !(own instanceof ExpiringView);
    const matches: number[] | undefined = storeAll ? undefined : [];
    // The run's rows share their key, so they have NULLs in the same key columns: the first row
    // answers for all, and a row that joins nothing is not read at all (in a bundle of thousands
    // of rows, reading each row again costs a cache miss).
    const nullKey = count > 0 && hasNullKey(elements[0]!);
    for (let r = 0; r < count; r++) {
      const row = elements[r]!;
      beforeRow?.(r);
      if (nullKey) {
        if (thisOuter) this.emit(out, '+I', this.joined(row, otherNulls, isLeft), 1);
        continue;
      }
      let matched = 0;
      if (stored !== undefined) {
        if (Array.isArray(stored))
          for (let i = 0; i < stored.length; i++)
            matched += this.joinPlain(row, stored[i]!, isLeft, '+I', out);
        else matched = this.joinPlain(row, stored, isLeft, '+I', out);
      }
      if (matched === 0 && thisOuter) this.emit(out, '+I', this.joined(row, otherNulls, isLeft), 1);
      // Asked after the row's own pairs, as one by one.
      if (drop?.(row)) continue;
      // `kept <= r`: the slot is one this loop has read already.
      elements[kept++] = row;
      matches?.push(matched);
    }
    if (matches === undefined) (own as RowsView).storeAll(elements, kept);
    else for (let i = 0; i < kept; i++) this.store(elements[i]!, true, isLeft, own, matches[i]!, ctx);
    return true;
  }

  /** Emits the pair of `row` and a plain side's `otherRow` if it joins; returns 1 if so, else 0. */
  private joinPlain(row: Row, otherRow: Row, isLeft: boolean, change: RowKind, out: Collector<Row>): number {
    const left = isLeft ? row : otherRow;
    const right = isLeft ? otherRow : row;
    // Tested before merging: a pair that fails costs no row.
    const test = this.test;
    if (test !== undefined && !test(left, right)) return 0;
    if (this.skip?.(left, right)) return 1;
    const merged = this.merge(left, right);
    out.collect(this.insertOnlyOutput ? merged : ({ kind: change, row: merged } as unknown as Row));
    return 1;
  }

  /**
   * The matches of a row among the other side's records (counts and matches kept); emits the
   * row's padded result when it is outer and matched nothing. Returns how many it matched.
   */
  private processRecords(
    row: Row,
    accumulate: boolean,
    isLeft: boolean,
    other: JoinSideView,
    out: Collector<Row>,
  ): number {
    const thisOuter = isLeft ? this.leftOuter : this.rightOuter;
    const otherOuter = isLeft ? this.rightOuter : this.leftOuter;
    const change = accumulate ? '+I' : '-D';
    const thisNulls = isLeft ? this.leftNulls : this.rightNulls;
    const otherNulls = isLeft ? this.rightNulls : this.leftNulls;
    let matched = 0;
    for (const record of other.records()) {
      const otherRow = record[0];
      if (!(isLeft ? this.matches(row, otherRow) : this.matches(otherRow, row))) continue;
      const count = record[1];
      matched += count;
      if (this.skip !== undefined && (isLeft ? this.skip(row, otherRow) : this.skip(otherRow, row))) continue;
      const merged = this.joined(row, otherRow, isLeft);
      if (!otherOuter) {
        this.emit(out, change, merged, count);
        continue;
      }
      const otherMatches = record[2];
      const otherPadded = () => this.joined(otherRow, thisNulls, !isLeft);
      if (accumulate) {
        if (otherMatches === 0) this.emit(out, '-D', otherPadded(), count);
        this.emit(out, '+I', merged, count);
        other.setMatches(record, otherMatches + 1);
      } else {
        this.emit(out, '-D', merged, count);
        const left = Math.max(0, otherMatches - 1);
        other.setMatches(record, left);
        if (left === 0) this.emit(out, '+I', otherPadded(), count);
      }
    }
    if (matched === 0 && thisOuter) this.emit(out, change, this.joined(row, otherNulls, isLeft), 1);
    return matched;
  }

  /** Stores (or retracts) a row in its own side, which matched `matched` rows of the other. */
  private store(
    row: Row,
    accumulate: boolean,
    isLeft: boolean,
    own: JoinSideView,
    matched: number,
    ctx: KeyedProcessContext<unknown, Row>,
  ): void {
    const expiry = isLeft ? this.leftExpiry : this.rightExpiry;
    if (expiry === undefined) {
      if (accumulate) own.add(row, matched);
      else own.retract(row);
      return;
    }
    const timers = ctx.timerService();
    const at = expiry(row);
    // A NULL bound makes the bounding conjunct NULL for every pair: the row never matches.
    if (at === null || at <= timers.currentWatermark()) return;
    const buffer = isLeft ? this.leftBuffer : this.rightBuffer;
    if (buffer !== undefined) {
      // A buffer is made with its host (see `bufferExpiring`).
      if (buffer.add(this.host!.currentCanonicalKey(), ctx.getCurrentKey(), row, at))
        this.moveBufferedToState();
      return;
    }
    if ((isLeft ? this.leftExpiring : this.rightExpiring) !== undefined) {
      this.storeExpiring(row, at, isLeft, timers);
      return;
    }
    own.add(row, 0);
    if (this.cleanupTimer!.value() === undefined) {
      timers.registerEventTimeTimer(at);
      this.cleanupTimer!.update(at);
    }
  }

  /** Stores a row of an expiring side in state, whose bound `at` the watermark has not reached. */
  private storeExpiring(row: Row, at: number, isLeft: boolean, timers: TimerService): void {
    const expiring = isLeft ? this.leftExpiring! : this.rightExpiring!;
    // The key has one pending timer while any of its cleaned sides holds rows in state: a new
    // one only when this row is the first of both (as a row arrives, the other side's rows were
    // just read, so asking costs no lookup of another key).
    const otherExpiring = isLeft ? this.rightExpiring : this.leftExpiring;
    if (expiring.store(row) && (otherExpiring === undefined || otherExpiring.isEmpty()))
      keyedTimers(timers).registerNewEventTimeTimer(at);
  }

  /** The cleanup timer: removes the current key's expired rows and sets itself for the next bound. */
  override onTimer(timestamp: number, ctx: OnTimerContext<unknown, Row>, _out: Collector<Row>): void {
    const timers = ctx.timerService();
    // At the end of input nothing arrives any more: keeping the rows is as exact as dropping
    // them, and filtering every key's rows then would only delay the end.
    if (timers.currentWatermark() === MAX_WATERMARK) {
      this.cleanupTimer?.clear();
      return;
    }
    if (this.leftExpiring !== undefined || this.rightExpiring !== undefined) {
      // The key's one pending timer (see `store`): every cleaned side drops what expired, and
      // the timer is set again for the earliest bound left on either.
      let next = Number.POSITIVE_INFINITY;
      if (this.leftExpiring !== undefined) next = this.leftExpiring.expire(timestamp, this.leftExpiry!);
      if (this.rightExpiring !== undefined)
        next = Math.min(next, this.rightExpiring.expire(timestamp, this.rightExpiry!));
      // A second later at least: a key whose rows expire one by one is filtered once per
      // second, not once per row (rows leave later than they might, which is as exact).
      if (next !== Number.POSITIVE_INFINITY)
        keyedTimers(timers).registerNewEventTimeTimer(Math.max(next, timestamp + CLEANUP_STEP_MS));
    }
    if (this.cleanupTimer === undefined) return;
    let next = Number.POSITIVE_INFINITY;
    const expire = (expiry: Expiry) => (row: Row) => {
      const at = expiry(row);
      if (at === null || at <= timestamp) return true;
      if (at < next) next = at;
      return false;
    };
    if (this.leftExpiry !== undefined) this.left.removeIf(expire(this.leftExpiry));
    if (this.rightExpiry !== undefined) this.right.removeIf(expire(this.rightExpiry));
    if (next === Number.POSITIVE_INFINITY) {
      this.cleanupTimer.clear();
      return;
    }
    // A second later at least: a key whose rows expire one by one is filtered once per second,
    // not once per row (rows leave later than they might, which is as exact).
    const at = Math.max(next, timestamp + CLEANUP_STEP_MS);
    ctx.timerService().registerEventTimeTimer(at);
    this.cleanupTimer.update(at);
  }

  /** A semi or anti join's left row: emitted (semi: when it has a match; anti: when not). */
  private semiLeft(row: Row, accumulate: boolean, out: Collector<Row>): void {
    const change = accumulate ? '+I' : '-D';
    if (this.spec.leftHasNullKey(row)) {
      // A NULL key matches nothing: an anti join keeps the row, a semi join drops it.
      if (this.anti) this.emit(out, change, row, 1);
      return;
    }
    let matched = 0;
    for (const [rightRow, count] of this.right.records()) if (this.matches(row, rightRow)) matched += count;
    if (matched > 0 !== this.anti) this.emit(out, change, row, 1);
    if (accumulate) this.left.add(row, matched);
    else this.left.retract(row);
  }

  /** A semi or anti join's right row: the left rows whose match count leaves or reaches zero change. */
  private semiRight(row: Row, accumulate: boolean, out: Collector<Row>): void {
    if (this.spec.rightHasNullKey(row)) return;
    if (accumulate) this.right.add(row, 0);
    else if (!this.right.retract(row)) return;
    for (const record of this.left.records()) {
      const [leftRow, count, matches] = record;
      if (!this.matches(leftRow, row)) continue;
      const next = accumulate ? matches + 1 : Math.max(0, matches - 1);
      this.left.setMatches(record, next);
      if (accumulate && matches === 0) this.emit(out, this.anti ? '-D' : '+I', leftRow, count);
      if (!accumulate && next === 0) this.emit(out, this.anti ? '+I' : '-D', leftRow, count);
    }
  }
}
