/**
 * OVER aggregation on event time, keyed by the window's partition keys (Flink's
 * RowTimeRowsBoundedPrecedingFunction and its siblings in one function).
 *
 * Rows wait in state, by timestamp, until the watermark passes them; then the timer set at
 * their timestamp processes them in timestamp order, so out-of-order input gives the same
 * result as sorted input. A row at or below the watermark when it arrives is late and dropped.
 * RANGE frames add all rows of one timestamp before emitting, so they share a result; ROWS
 * frames add and emit rows one at a time, in arrival order within a timestamp. Bounded frames
 * keep the rows still in the frame and retract each one as it leaves. Output is insert-only:
 * each input row once, with the aggregate values appended.
 *
 * All state is keyed state (pending rows, accumulators, frame rows), so checkpoints, restore and
 * rescaling are exact. The states' names carry their layout version ({@link OVER_AGGREGATE_LAYOUT}):
 * the accumulators are the group aggregates' and change with them, and a checkpoint of an
 * earlier layout fails the job on open instead of being read as this one.
 *
 * On processing time ({@link ProcTimeOverAggregate}, ORDER BY a `PROCTIME()` attribute) rows are
 * aggregated and emitted as they arrive, in arrival order, as Flink's ProcTime*Function family
 * does. A RANGE frame holds the rows that arrived within `preceding` milliseconds before the
 * current row (by the clock when each arrived); unlike Flink, which delays rows to the end of
 * their millisecond so that rows of one millisecond share a result, each row is emitted at once
 * and sees only the rows of its millisecond that arrived before it.
 *
 * With `ttlMs` (`table.exec.state.ttl`) a partition's state expires that long after its last
 * write: a partition idle for longer starts its aggregates again, as in Flink.
 */
import type { BoundAggregateCall } from '../../aggregates/aggregate-function.js';
import { type AccumulatorList, RowAggregates } from '../../aggregates/row-aggregates.js';
import type { Row } from '../../expressions/compiler.js';
import {
  type Collector,
  type KeyedProcessContext,
  KeyedProcessFunction,
  type OnTimerContext,
  type RuntimeContext,
} from '../../../types/functions.js';
import { MapStateDescriptor, type ValueState, ValueStateDescriptor } from '../../../types/state.js';
import { RowsUntilWatermark } from '../rows-until-watermark.js';
import { StateLayout } from '../state-layout.js';
import { retainedFor } from '../state-retention.js';

/** The layout of the OVER aggregation states, part of their names. */
export const OVER_AGGREGATE_LAYOUT = new StateLayout('OVER aggregate', 2);

/** The OVER aggregation states' names without their layout version. */
const OVER_STATES = ['over-pending', 'over-accumulators', 'over-frame', 'over-range-frame'];

/** The current name of OVER aggregation state `name`. */
const named = (name: string): string => OVER_AGGREGATE_LAYOUT.stateName(name);

/** What an OVER aggregate computes. */
export interface OverAggregateSpec {
  /** The rowtime column ordering the rows. */
  readonly timeColumn: string;
  readonly unit: 'ROWS' | 'RANGE';
  /** Rows (ROWS) or milliseconds (RANGE) before the current row; undefined for UNBOUNDED. */
  readonly preceding?: number;
  readonly calls: readonly BoundAggregateCall[];
  /** Idle state retention in milliseconds; undefined keeps state forever. */
  readonly ttlMs?: number;
}

/** Event-time OVER aggregation over one partition key's rows. */
export class RowTimeOverAggregate extends KeyedProcessFunction<unknown, Row, Row> {
  private aggs!: RowAggregates;
  private pending!: RowsUntilWatermark;
  private accumulators!: ValueState<AccumulatorList>;
  private frame!: ValueState<Row[]>;

  constructor(private readonly spec: OverAggregateSpec) {
    super();
  }

  override open(ctx: RuntimeContext): void {
    this.aggs = new RowAggregates(this.spec.calls, { retraction: this.spec.preceding !== undefined });
    const ttl = this.spec.ttlMs;
    OVER_AGGREGATE_LAYOUT.refuseOthers(ctx, OVER_STATES);
    this.pending = new RowsUntilWatermark(
      ctx.getMapState(retainedFor(new MapStateDescriptor<number, Row[]>(named('over-pending')), ttl)),
    );
    this.accumulators = ctx.getState(
      retainedFor(new ValueStateDescriptor<AccumulatorList>(named('over-accumulators')), ttl),
    );
    this.frame = ctx.getState(retainedFor(new ValueStateDescriptor<Row[]>(named('over-frame')), ttl));
  }

  processElement(row: Row, ctx: KeyedProcessContext<unknown, Row>): void {
    // Late rows, and rows whose NULL rowtime has no place in the order, are dropped.
    this.pending.hold(row, row[this.spec.timeColumn], ctx.timerService());
  }

  override onTimer(timestamp: number, _ctx: OnTimerContext<unknown, Row>, out: Collector<Row>): void {
    const rows = this.pending.take(timestamp);
    if (rows === undefined) return;
    const { unit, preceding, timeColumn } = this.spec;
    const aggs = this.aggs;
    const accs = this.accumulators.value() ?? aggs.createAccumulators();
    const bounded = preceding !== undefined;
    const frame = bounded ? (this.frame.value() ?? []) : undefined;
    if (unit === 'RANGE') {
      if (frame !== undefined) {
        // Rows older than the frame's start leave it; the frame is in timestamp order.
        const start = timestamp - preceding!;
        let leaving = 0;
        while (leaving < frame.length && (frame[leaving]![timeColumn] as number) < start)
          aggs.retract(accs, frame[leaving++]!);
        frame.splice(0, leaving);
      }
      for (const row of rows) {
        aggs.accumulate(accs, row);
        frame?.push(row);
      }
      for (const row of rows) {
        const result = { ...row };
        aggs.writeValues(accs, result);
        out.collect(result);
      }
    } else {
      for (const row of rows) {
        aggs.accumulate(accs, row);
        if (frame !== undefined) {
          frame.push(row);
          if (frame.length > preceding! + 1) aggs.retract(accs, frame.shift()!);
        }
        const result = { ...row };
        aggs.writeValues(accs, result);
        out.collect(result);
      }
    }
    this.accumulators.update(accs);
    if (frame !== undefined) this.frame.update(frame);
  }
}

/** A row of a processing-time RANGE frame with the time it arrived. */
type TimedRow = readonly [time: number, row: Row];

/** Processing-time OVER aggregation over one partition key's rows, in arrival order. */
export class ProcTimeOverAggregate extends KeyedProcessFunction<unknown, Row, Row> {
  private aggs!: RowAggregates;
  private accumulators!: ValueState<AccumulatorList>;
  private rowsFrame!: ValueState<Row[]>;
  private rangeFrame!: ValueState<TimedRow[]>;

  constructor(private readonly spec: OverAggregateSpec) {
    super();
  }

  override open(ctx: RuntimeContext): void {
    const ttl = this.spec.ttlMs;
    OVER_AGGREGATE_LAYOUT.refuseOthers(ctx, OVER_STATES);
    this.aggs = new RowAggregates(this.spec.calls, { retraction: this.spec.preceding !== undefined });
    this.accumulators = ctx.getState(
      retainedFor(new ValueStateDescriptor<AccumulatorList>(named('over-accumulators')), ttl),
    );
    this.rowsFrame = ctx.getState(retainedFor(new ValueStateDescriptor<Row[]>(named('over-frame')), ttl));
    this.rangeFrame = ctx.getState(
      retainedFor(new ValueStateDescriptor<TimedRow[]>(named('over-range-frame')), ttl),
    );
  }

  processElement(row: Row, ctx: KeyedProcessContext<unknown, Row>, out: Collector<Row>): void {
    const { unit, preceding } = this.spec;
    const aggs = this.aggs;
    const accs = this.accumulators.value() ?? aggs.createAccumulators();
    if (preceding !== undefined && unit === 'ROWS') {
      const frame = this.rowsFrame.value() ?? [];
      frame.push(row);
      if (frame.length > preceding + 1) aggs.retract(accs, frame.shift()!);
      this.rowsFrame.update(frame);
    } else if (preceding !== undefined) {
      const now = ctx.timerService().currentProcessingTime();
      const frame = this.rangeFrame.value() ?? [];
      // Rows that arrived more than `preceding` ms ago leave; the frame is in arrival order.
      let leaving = 0;
      while (leaving < frame.length && frame[leaving]![0] < now - preceding)
        aggs.retract(accs, frame[leaving++]![1]);
      frame.splice(0, leaving);
      frame.push([now, row]);
      this.rangeFrame.update(frame);
    }
    aggs.accumulate(accs, row);
    this.accumulators.update(accs);
    const result = { ...row };
    aggs.writeValues(accs, result);
    out.collect(result);
  }
}
