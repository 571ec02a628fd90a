/**
 * Deduplication on event time: Top-1 per key ordered by a rowtime attribute, with one row of
 * state per key.
 *
 * Keep last ({@link KeepLastRowFunction}, `ORDER BY ts DESC`): a row replaces the kept one when
 * its time is at least the kept row's, so the newest row wins and, on equal times, the latest
 * arrival (as Flink). Output is a retract changelog: `+I` for a key's first row, `-U`/`+U` when
 * it is replaced; a row that loses emits nothing. With several key columns the stream is keyed
 * by the first and a map state holds a row per combination of the others ({@link RestKey}).
 *
 * Keep first ({@link KeepFirstRowFunction}, `ORDER BY ts ASC`), Flink's insert-only
 * RowTimeDeduplicateKeepFirstRowFunction (since Flink 2.1): the earliest row so far waits in
 * state until the watermark reaches its time, so an earlier row arriving out of order still
 * wins (a row of equal time does not replace it); then it is emitted once and the key is closed.
 * Rows below the watermark are late and dropped; a row at the watermark is not late. Output is
 * insert-only. With mini-batch on, keep first emits at once and updates instead (see
 * `mini-batch-deduplicate.ts`), as Flink does.
 *
 * On processing time (ORDER BY a `PROCTIME()` attribute) rows are taken in arrival order, as
 * Flink's ProcTimeDeduplicate functions do: keep last replaces the kept row with every new one
 * ({@link KeepLastRowFunction} without a time column), keep first
 * ({@link ProcTimeKeepFirstRowFunction}) emits a key's first row at once and drops the rest,
 * holding only a flag per key.
 *
 * With `ttlMs` (`table.exec.state.ttl`) a key's state expires that long after its last write, so
 * a key idle for longer is deduplicated afresh, as in Flink.
 */
import type { Row } from '../../expressions/compiler.js';
import type { ChangelogRow } from '../../planner/changelog.js';
import {
  type Collector,
  type KeyedProcessContext,
  KeyedProcessFunction,
  type OnTimerContext,
  type RuntimeContext,
} from '../../../types/functions.js';
import {
  type MapState,
  MapStateDescriptor,
  type ValueState,
  ValueStateDescriptor,
} from '../../../types/state.js';
import type { CompactKey } from '../compact-keys.js';
import { retainedFor } from '../state-retention.js';
import { StateLayout, type StateGetters } from '../state-layout.js';

/**
 * Which rows of a keyed deduplication share a state entry. The stream is keyed by the first key
 * column alone; with more key columns, `restKey` gives the compact key of the others, under
 * which a map state holds each combination's row (as a hand-written job keys by one id and maps
 * the other): a number key hashes and groups faster than a string built from all the columns,
 * and partitions rows alike. Undefined with one key column: a value state per key.
 */
export type RestKey = ((row: Row) => CompactKey) | undefined;

/** The layout of the keep-last states, part of their names. */
export const DEDUP_LAYOUT = new StateLayout('deduplication', 2);

/** The keep-last states by their names without a version, for {@link StateLayout.refuseOthers}. */
const OLD_KEEP_LAST = ['dedup-last', 'dedup-last-by-rest'];

/**
 * The kept rows of keep last, per key (and per {@link RestKey} under it). Shared by the per-row
 * and the mini-batch functions, so a job may switch mini-batch on or off across a restore.
 */
export class KeptRows {
  private readonly single: ValueState<Row> | undefined;
  private readonly byRest: MapState<CompactKey, Row> | undefined;

  constructor(store: StateGetters, restKey: RestKey, ttlMs: number | undefined) {
    DEDUP_LAYOUT.refuseOthers(store, OLD_KEEP_LAST);
    if (restKey === undefined)
      this.single = store.getState(
        retainedFor(new ValueStateDescriptor<Row>(DEDUP_LAYOUT.stateName('dedup-last')), ttlMs),
      );
    else
      this.byRest = store.getMapState(
        retainedFor(
          new MapStateDescriptor<CompactKey, Row>(DEDUP_LAYOUT.stateName('dedup-last-by-rest')),
          ttlMs,
        ),
      );
  }

  /** The current key's row under `rest` (ignored with one key column). */
  get(rest: CompactKey): Row | undefined {
    return this.single === undefined ? this.byRest!.get(rest) : this.single.value();
  }

  /** Keeps `row` for the current key under `rest`. */
  put(rest: CompactKey, row: Row): void {
    if (this.single === undefined) this.byRest!.put(rest, row);
    else this.single.update(row);
  }
}

/**
 * Whether `row` loses to the kept `previous` under keep last: an earlier rowtime. Equal times go
 * to the later arrival (as Flink's keep last), so a tie wins.
 */
export function losesToKept(row: Row, previous: Row, timeColumn: string | undefined): boolean {
  return timeColumn !== undefined && (row[timeColumn] as number) < (previous[timeColumn] as number);
}

/**
 * Keeps the newest row per key; emits {@link ChangelogRow}s. Without a time column (processing
 * time) the newest is the latest to arrive. A row that loses to the kept one emits nothing.
 */
export class KeepLastRowFunction extends KeyedProcessFunction<unknown, Row, ChangelogRow> {
  private kept!: KeptRows;

  constructor(
    private readonly timeColumn: string | undefined,
    private readonly ttlMs?: number,
    /** Whether a replaced row is retracted (-U) before its successor's +U; false for upsert output. */
    private readonly updateBefore = true,
    /** See {@link RestKey}; undefined when the stream is keyed by all key columns. */
    private readonly restKey?: RestKey,
  ) {
    super();
  }

  override open(ctx: RuntimeContext): void {
    this.kept = new KeptRows(ctx, this.restKey, this.ttlMs);
  }

  processElement(
    row: Row,
    _ctx: KeyedProcessContext<unknown, ChangelogRow>,
    out: Collector<ChangelogRow>,
  ): void {
    const rest = this.restKey === undefined ? null : this.restKey(row);
    const previous = this.kept.get(rest);
    if (previous === undefined) out.collect({ kind: '+I', row });
    else {
      if (losesToKept(row, previous, this.timeColumn)) return;
      if (this.updateBefore) out.collect({ kind: '-U', row: previous });
      out.collect({ kind: '+U', row });
    }
    this.kept.put(rest, row);
  }
}

/** What keep-first holds per key: the earliest row so far, or that the key's row is out. */
interface FirstRowState {
  readonly row?: Row;
  readonly emitted: boolean;
}

/** Keeps the earliest row per key, emitted once the watermark reaches it; insert-only. */
export class KeepFirstRowFunction extends KeyedProcessFunction<unknown, Row, Row> {
  private first!: ValueState<FirstRowState>;

  constructor(
    private readonly timeColumn: string,
    private readonly ttlMs?: number,
  ) {
    super();
  }

  override open(ctx: RuntimeContext): void {
    this.first = ctx.getState(
      retainedFor(new ValueStateDescriptor<FirstRowState>('dedup-first'), this.ttlMs),
    );
  }

  processElement(row: Row, ctx: KeyedProcessContext<unknown, Row>): void {
    const state = this.first.value();
    if (state?.emitted === true) return;
    const ts = row[this.timeColumn];
    const timers = ctx.timerService();
    if (typeof ts !== 'number' || ts < timers.currentWatermark()) return; // late
    if (state?.row !== undefined && (state.row[this.timeColumn] as number) <= ts) return;
    this.first.update({ row, emitted: false });
    timers.registerEventTimeTimer(ts);
  }

  override onTimer(timestamp: number, _ctx: OnTimerContext<unknown, Row>, out: Collector<Row>): void {
    const state = this.first.value();
    // A timer of a row since displaced by an earlier one finds the earlier one already out.
    if (state === undefined || state.emitted || state.row === undefined) return;
    if ((state.row[this.timeColumn] as number) > timestamp) return;
    out.collect(state.row);
    this.first.update({ emitted: true });
  }
}

/** Keeps the first row to arrive per key, emitted at once; insert-only. */
export class ProcTimeKeepFirstRowFunction extends KeyedProcessFunction<unknown, Row, Row> {
  private seen!: ValueState<boolean>;

  constructor(private readonly ttlMs?: number) {
    super();
  }

  override open(ctx: RuntimeContext): void {
    this.seen = ctx.getState(retainedFor(new ValueStateDescriptor<boolean>('dedup-seen'), this.ttlMs));
  }

  processElement(row: Row, _ctx: KeyedProcessContext<unknown, Row>, out: Collector<Row>): void {
    if (this.seen.value() === true) return;
    this.seen.update(true);
    out.collect(row);
  }
}
