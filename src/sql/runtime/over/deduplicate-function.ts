/**
 * Deduplication on event time: Top-1 per key ordered by a rowtime attribute, with one row of
 * state per key.
 *
 * Keep last ({@link KeepLastRowFunction}, `ORDER BY ts DESC`): a row replaces the kept one when
 * its time is at least the kept row's, so the newest row wins and, on equal times, the latest
 * arrival (as Flink). Output is a retract changelog: `+I` for a key's first row, `-U`/`+U` when
 * it is replaced.
 *
 * Keep first ({@link KeepFirstRowFunction}, `ORDER BY ts ASC`): the earliest row so far waits
 * in state until the watermark passes its time, so an earlier row arriving out of order still
 * wins; then it is emitted once and the key is closed. Rows at or below the watermark are late
 * and dropped. Output is insert-only.
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
import { type ValueState, ValueStateDescriptor } from '../../../types/state.js';
import { retainedFor } from '../state-retention.js';

/**
 * Keeps the newest row per key; emits {@link ChangelogRow}s. Without a time column (processing
 * time) the newest is the latest to arrive.
 */
export class KeepLastRowFunction extends KeyedProcessFunction<unknown, Row, ChangelogRow> {
  private last!: ValueState<Row>;

  constructor(
    private readonly timeColumn: string | undefined,
    private readonly ttlMs?: number,
    /** Whether a replaced row is retracted (-U) before its successor's +U; false for upsert output. */
    private readonly updateBefore = true,
  ) {
    super();
  }

  override open(ctx: RuntimeContext): void {
    this.last = ctx.getState(retainedFor(new ValueStateDescriptor<Row>('dedup-last'), this.ttlMs));
  }

  processElement(
    row: Row,
    _ctx: KeyedProcessContext<unknown, ChangelogRow>,
    out: Collector<ChangelogRow>,
  ): void {
    const previous = this.last.value();
    if (previous === undefined) {
      out.collect({ kind: '+I', row });
    } else {
      const time = this.timeColumn;
      if (time !== undefined && (row[time] as number) < (previous[time] as number)) return;
      if (this.updateBefore) out.collect({ kind: '-U', row: previous });
      out.collect({ kind: '+U', row });
    }
    this.last.update(row);
  }
}

/** What keep-first holds per key: the earliest row so far, or that the key's row is out. */
interface FirstRowState {
  readonly row?: Row;
  readonly emitted: boolean;
}

/** Keeps the earliest row per key, emitted once the watermark passes it; insert-only. */
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
    if (typeof ts !== 'number' || ts <= timers.currentWatermark()) return; // late
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
